"""The columnar copy (data_access/analytics.py): every page's figures computed on it equal the
database's, on SQLite and PostgreSQL; a page reads it only while it holds the current data; commands
that change the data take a new one; a small organisation keeps none."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
import stat
import subprocess
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update
from sqlalchemy.engine.default import CACHE_HIT

from dashboard.cli.report import build_report
from dashboard.database import refresh_analytics
from dashboard.reads.cached_read import CachedRead
from dashboard.view import View
from data_access import analytics
from data_access import models as m
from data_access.analytics import Analytics, analytics_for, copy_key, copy_path, reading, refresh
from data_access.db import make_engine, migrate
from data_access.result_store import note_change
from data_access.scope import Filters, Period, Scope
from metrics.registry import evaluate
from tests.conftest import (
    PG_SKIP_REASON,
    REPO_ROOT,
    demo_engine,
    drop_postgres_schema,
    make_postgres_engine,
    postgres_url,
)
from tests.metrics.builders import Q1, Org, any_sample, filters
from tests.test_cli import run_cli

# --- what a figure is compared by ----------------------------------------------------------------


def plain(value):
    """``value`` as plain data to compare across engines: dataclasses by field, frames by rows, floats
    to nine significant digits (DuckDB adds in another order), NaN and NaT as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    if isinstance(value, pd.DataFrame):
        rows = value.astype(object).itertuples(index=False, name=None)
        return ("frame", list(value.columns), [plain(row) for row in rows])
    if isinstance(value, pd.Series):
        return ("series", plain(value.to_dict()))
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.9g}")
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def declared_reads(engine, url: str, preset: str, today: dt.date):
    """Every read the pages the executive sees make when they open on ``preset`` (the filter bar's
    included), as (page, call)."""
    from dashboard.cli.precompute import preset_view
    from dashboard.shell import page_reads
    from dashboard.shell.navigation import PAGE_SPECS

    view = preset_view(engine, url, preset, today)
    calls = [("filter bar", call) for call in page_reads.shell(view)]
    for spec in PAGE_SPECS:
        if spec.reads is not None and "executive" in spec.roles:
            calls += [(spec.title, call) for call in spec.reads(view)]
    return calls


def run_on(conn, call):
    return call.read.fn(conn, **call.read.arguments(call.view, *call.args, **call.kwargs))


# --- every page, on the demo, from both databases ------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_with_copy(request, tmp_path_factory, demo_database_url):
    """The demo organisation on each database, with a columnar copy of it (taken whatever its size)."""
    folder = tmp_path_factory.mktemp("analytics")
    if request.param == "sqlite":  # the suite's demo, as `init --demo` leaves it
        engine = make_engine(demo_database_url)
        try:
            yield engine, demo_database_url, *_with_copy(engine, folder)
        finally:
            engine.dispose()
        return
    with demo_engine("postgresql", folder, "analytics_demo", relabel=True) as engine:
        yield engine, engine.url.render_as_string(hide_password=False), *_with_copy(engine, folder)


def _with_copy(engine, folder: Path) -> tuple[Analytics, analytics.Refresh]:
    """A columnar copy of ``engine``'s data in ``folder``, taken whatever its size."""
    settings_ = Analytics(folder, min_deals=0)
    return settings_, refresh(engine, settings_)


@pytest.mark.slow
@pytest.mark.parametrize(
    "preset, today",
    [
        ("last_quarter", dt.date(2026, 11, 15)),
        ("this_quarter", dt.date(2026, 11, 15)),  # a quarter still running
        ("last_12_months", dt.date(2026, 11, 15)),
    ],
)
def test_every_page_shows_the_same_figures_from_the_copy_as_from_the_database(demo_with_copy, preset, today):
    engine, url, settings_, taken = demo_with_copy
    assert taken.built and taken.path.exists() and taken.deals > 7000
    with engine.connect() as conn:
        key = copy_key(conn)
    calls = declared_reads(engine, url, preset, today)
    assert {page for page, _ in calls} >= {
        "Overview",
        "Pipeline behaviour",
        "Churn and retention",
        "Morale and people",
    }
    for page, call in calls:
        with engine.connect() as conn:
            expected = run_on(conn, call)
        with reading(engine, settings_, key) as copy:
            assert copy is not None and copy.dialect.name == "duckdb"
            got = run_on(copy, call)
        assert plain(got) == plain(expected), f"{page}: {call.label} differs on the copy"


def test_the_copy_holds_every_deal_in_close_date_order(demo_with_copy):
    """A quarter's deals sit together in the copy, so DuckDB skips the blocks of other dates; the
    order changes no deal."""
    engine, _url, settings_, _taken = demo_with_copy
    opp = m.Opportunity
    totals = select(func.count(), func.sum(opp.id), func.sum(opp.amount))
    with engine.connect() as conn:
        expected = conn.execute(totals).one()
        key = copy_key(conn)
    with reading(engine, settings_, key) as copy:
        assert copy is not None
        got = copy.execute(totals).one()
        out_of_order = copy.exec_driver_sql(
            "SELECT count(*) FROM (SELECT close_date, lag(close_date) OVER (ORDER BY rowid) AS before "
            "FROM opportunities) WHERE before > close_date"
        ).scalar_one()
    assert (got[0], got[1]) == (expected[0], expected[1])
    assert float(got[2]) == pytest.approx(float(expected[2]))
    assert out_of_order == 0


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_managers_figures_from_the_copy_are_the_database_figures_for_the_same_teams(demo_with_copy, data):
    """The scope is a clause of the SQL, so it holds on the copy as on the database: for any set of
    teams a manager may read, the scorecard and the team table are the database's."""
    from metrics.scorecard import scorecard, team_scorecards

    engine, _url, settings_, _taken = demo_with_copy
    with engine.connect() as conn:
        teams = sorted(conn.execute(select(m.Team.id)).scalars())
        key = copy_key(conn)
    chosen = data.draw(st.sets(st.sampled_from(teams), min_size=1, max_size=4))
    scope = Scope.teams(chosen, viewer="a manager")
    view_filters = Filters(Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)), as_of=dt.date(2026, 10, 31))
    with engine.connect() as conn:
        expected = (scorecard(conn, scope, view_filters), team_scorecards(conn, scope, view_filters))
    with reading(engine, settings_, key) as copy:
        got = (scorecard(copy, scope, view_filters), team_scorecards(copy, scope, view_filters))
    assert plain(got) == plain(expected)
    assert {card.team_id for card in got[1]} <= set(chosen)


# --- which one a page reads ----------------------------------------------------------------------


def _discounting(conn, scope, filters, settings):
    return evaluate(conn, "discounting", scope, filters, settings)


def _wait_for_background_refresh() -> None:
    for thread in threading.enumerate():
        if thread.name == "analytics-refresh":
            thread.join(timeout=60)


@pytest.fixture
def small_org(fresh_engine, tmp_path, monkeypatch):
    """Four deals won in Q1 by one team, two of them discounted, committed; copies kept whatever the
    size, in a folder of the test's own."""
    folder = tmp_path / "copies"
    monkeypatch.setenv("ANALYTICS_DIR", str(folder))
    monkeypatch.setenv("ANALYTICS_MIN_DEALS", "0")
    analytics._settled.clear()
    with fresh_engine.begin() as conn:
        org = Org(conn)
        atlas = org.team("Atlas")
        seller = org.person(atlas)
        for day, price in ((3, 900), (10, 1000), (17, 800), (24, 1000)):
            org.deal(atlas, price, owner=seller, list_amount=1000, close=dt.date(2025, 2, day), won=True)
    return fresh_engine, folder


def _view(engine, settings_) -> View:
    url = engine.url.render_as_string(hide_password=False)
    return View(url, engine, Scope.everything(), filters(Q1), settings_, cache=False)


def test_a_page_reads_the_copy_while_it_holds_the_current_data_and_the_database_after_a_change(small_org):
    engine, folder = small_org
    taken = refresh_analytics(engine)
    assert taken.built and taken.deals == 4 and taken.path.parent == folder
    with engine.connect() as conn:
        assert taken.path == copy_path(Analytics(folder, 0), copy_key(conn))

    # A change the data version does not see: only the database holds it.
    with engine.begin() as conn:
        conn.execute(update(m.Opportunity).where(m.Opportunity.amount == 1000).values(amount=950))
    read = CachedRead(_discounting)
    assert read(_view(engine, any_sample())).value == pytest.approx(2 / 4)  # the copy's figure
    org, _teams = build_report(engine, Q1, Scope.everything())["_cards"]  # the report's too
    assert org.symptom("discounting").parts["share_discounted"] == pytest.approx(2 / 4)

    # A recorded change moves the version: the page reads the database at once.
    with engine.begin() as conn:
        note_change(conn, "a test edit")
    assert read(_view(engine, any_sample())).value == pytest.approx(4 / 4)

    # ... and the copy of the new data is taken in the background, the old one removed.
    _wait_for_background_refresh()
    with engine.connect() as conn:
        current = copy_path(Analytics(folder, 0), copy_key(conn))
    assert current.exists()
    assert sorted(folder.glob("*.duckdb")) == [current]
    with engine.connect() as conn, reading(engine, Analytics(folder, 0), copy_key(conn)) as copy:
        assert copy is not None
        assert _discounting(copy, Scope.everything(), filters(Q1), any_sample()).value == pytest.approx(1.0)


def test_the_copy_compiles_a_statement_once_for_every_period_it_is_asked_for(small_org):
    """A scorecard asks each symptom's statements once per period with other dates: on the copy the
    second period's statements come from SQLAlchemy's compiled cache, and give that period's rows."""
    engine, folder = small_org
    taken = refresh_analytics(engine)
    with engine.connect() as conn:
        key = copy_key(conn)
    hits = []

    def record(_conn, _cursor, statement, _parameters, context, _many):
        hits.append((context.cache_hit, statement))

    march = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    with reading(engine, Analytics(folder, 0), key) as copy:
        first = _discounting(copy, Scope.everything(), filters(Q1), any_sample())
        event.listen(copy, "after_cursor_execute", record)
        try:
            again = _discounting(copy, Scope.everything(), filters(march), any_sample())
        finally:
            event.remove(copy, "after_cursor_execute", record)
    assert taken.built and first.value == pytest.approx(2 / 4)
    assert (again.value, again.n) == (None, 0)  # nothing won in March
    # (A statement whose shape the first period did not run, such as an OFFSET it did not need, is
    # compiled once more.)
    cached = [statement for hit, statement in hits if hit == CACHE_HIT]
    assert len(hits) >= 5 and len(cached) >= 0.8 * len(hits), [statement for hit, statement in hits]


def test_two_databases_at_the_same_data_version_each_read_their_own_copy_from_a_shared_folder(
    small_org, tmp_path
):
    engine, folder = small_org
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    migrate(other)
    try:
        with other.begin() as conn:  # no import batch either: the same data version as the first
            org = Org(conn)
            beacon = org.team("Beacon")
            for price in (1000, 1000, 1000, 700):
                org.deal(beacon, price, list_amount=1000, close=dt.date(2025, 2, 3), won=True)
        first, second = refresh_analytics(engine), refresh_analytics(other)
        assert first.built and second.built and first.path != second.path
        assert sorted(folder.glob("*.duckdb")) == sorted([first.path, second.path])
        assert CachedRead(_discounting)(_view(engine, any_sample())).value == pytest.approx(2 / 4)
        assert CachedRead(_discounting)(_view(other, any_sample())).value == pytest.approx(1 / 4)
    finally:
        other.dispose()


def test_a_read_the_copy_cannot_answer_comes_from_the_database(small_org, caplog):
    engine, _folder = small_org
    refresh_analytics(engine)

    def engine_version(conn, scope):
        # sqlite_version() exists on SQLite only: DuckDB refuses the statement.
        return conn.execute(select(func.sqlite_version())).scalar_one()

    with caplog.at_level(logging.WARNING, logger="data_access.analytics"):
        got = CachedRead(engine_version)(_view(engine, any_sample()))
    assert got.count(".") == 2  # SQLite's version, e.g. 3.45.1
    assert "failed on the analytical copy, reading the database" in caplog.text


def test_a_small_organisation_keeps_no_copy_and_reads_the_database(small_org):
    engine, folder = small_org
    refresh_analytics(engine)
    assert len(list(folder.glob("*.duckdb"))) == 1
    small = Analytics(folder, min_deals=5)

    done = refresh(engine, small)
    assert not done.built and done.deals == 4 and done.reason == "fewer than 5 deals"
    assert list(folder.glob("*.duckdb")) == []  # the copy of a larger past is not kept either
    with engine.connect() as conn:
        key = copy_key(conn)
    with reading(engine, small, key) as copy:
        assert copy is None
    assert not [t for t in threading.enumerate() if t.name == "analytics-refresh"]


def test_the_copy_folder_is_readable_by_its_owner_only(small_org):
    engine, folder = small_org
    refresh_analytics(engine)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_copy_settings_come_from_the_environment():
    url = "sqlite:////srv/pp/pulse.db"
    assert analytics_for(url, {}) == Analytics(Path("/srv/pp/pulse.db.analytics"), 100_000)
    assert analytics_for(url, {"ANALYTICS_DIR": "off"}).enabled is False
    assert analytics_for(url, {"ANALYTICS_DIR": "/copies", "ANALYTICS_MIN_DEALS": "0"}) == Analytics(
        Path("/copies"), 0
    )
    assert analytics_for("sqlite:///:memory:", {}).enabled is False
    server = analytics_for("postgresql+psycopg://pp:secret@db.internal:5432/pulse", {})
    assert server.directory.parent == REPO_ROOT / "data" / "analytics" and "secret" not in str(
        server.directory
    )
    with pytest.raises(ValueError, match="ANALYTICS_MIN_DEALS must be a whole number of deals, not 'many'"):
        analytics_for(url, {"ANALYTICS_MIN_DEALS": "many"})


# --- commands that change the data take a new copy -----------------------------------------------


def _cli(engine, folder: Path, *args: str, min_deals: str = "0") -> subprocess.CompletedProcess:
    return run_cli(
        *args,
        database_url=engine.url.render_as_string(hide_password=False),
        environ={"ANALYTICS_DIR": str(folder), "ANALYTICS_MIN_DEALS": min_deals},
    )


def test_an_import_from_the_command_line_takes_the_copy_of_what_it_imported(fresh_engine, tmp_path):
    folder = tmp_path / "copies"
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date\n"
        "D1,First,Closed Won,100,2025-02-03,2025-01-01\n"
        "D2,Second,Closed Lost,250,2025-02-10,2025-01-01\n",
        encoding="utf-8",
    )
    first = _cli(fresh_engine, folder, "import", "opportunities", str(deals))
    assert first.returncode == 0, first.stderr
    assert "Took the analytical copy of 2 deals" in first.stdout
    with fresh_engine.connect() as conn:
        taken = copy_path(Analytics(folder, 0), copy_key(conn))
    assert sorted(folder.glob("*.duckdb")) == [taken]
    import duckdb

    with duckdb.connect(str(taken), read_only=True) as copy:
        assert copy.execute(
            "SELECT external_key, amount FROM opportunities ORDER BY external_key"
        ).fetchall() == [
            ("D1", 100),
            ("D2", 250),
        ]

    deals.write_text(deals.read_text() + "D3,Third,Closed Won,75,2025-02-17,2025-01-01\n", encoding="utf-8")
    second = _cli(fresh_engine, folder, "import", "opportunities", str(deals), "--json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["inserted"] == 1  # the JSON summary is left as it was
    with fresh_engine.connect() as conn:
        newer = copy_path(Analytics(folder, 0), copy_key(conn))
    assert sorted(folder.glob("*.duckdb")) == [newer] and newer != taken


def test_a_small_organisations_import_takes_no_copy(fresh_engine, tmp_path):
    folder = tmp_path / "copies"
    deals = tmp_path / "deals.csv"
    deals.write_text("Opportunity ID,Stage\nD1,Prospecting\n", encoding="utf-8")
    done = _cli(fresh_engine, folder, "import", "opportunities", str(deals), min_deals="1000")
    assert done.returncode == 0, done.stderr
    assert "analytical copy" not in done.stdout
    assert not folder.exists()  # not even an empty folder beside the database


def test_a_mistyped_minimum_is_one_sentence_before_anything_is_imported(fresh_engine, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("Opportunity ID,Stage\nD1,Prospecting\n", encoding="utf-8")
    done = _cli(fresh_engine, tmp_path / "copies", "import", "opportunities", str(deals), min_deals="lots")
    assert done.returncode == 2
    assert "ANALYTICS_MIN_DEALS must be a whole number of deals, not 'lots'" in done.stderr
    with fresh_engine.connect() as conn:  # refused before the file was read: nothing half done
        assert conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(m.ImportBatch)).scalar_one() == 0


def test_a_copy_that_fails_half_way_leaves_the_import_stored_and_nothing_half_written(
    small_org, monkeypatch, tmp_path, capsys
):
    from dashboard.cli.main import main
    from dashboard.config import load_settings

    engine, folder = small_org
    before = refresh_analytics(engine)
    real_copy = analytics._copy_tables

    def copy_then_fail(conn, target, progress):
        real_copy(conn, target, progress)  # the whole file is written, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(analytics, "_copy_tables", copy_then_fail)
    deals = tmp_path / "deals.csv"
    deals.write_text("Opportunity ID,Stage\nD1,Prospecting\n", encoding="utf-8")
    settings_ = load_settings({"DATABASE_URL": engine.url.render_as_string(hide_password=False)})
    assert main(["import", "opportunities", str(deals)], settings_) == 0
    out = capsys.readouterr().out
    assert "The data is stored, but the analytical copy could not be taken: [Errno 28] No space left" in out
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one() == 5
        key = copy_key(conn)
    # No partial file; the copy of the older data stays, and is never read for the new data.
    assert sorted(p.name for p in folder.iterdir()) == sorted([before.path.name, "refresh.lock"])
    with reading(engine, Analytics(folder, 10**9), key) as copy:
        assert copy is None


def test_precompute_and_reclassify_take_the_copy_of_the_data_they_leave(small_org):
    engine, folder = small_org
    precomputed = _cli(engine, folder, "precompute", "--period", "last_quarter")
    assert precomputed.returncode == 0, precomputed.stderr
    assert "Took the analytical copy of 4 deals" in precomputed.stderr
    with engine.connect() as conn:
        first = copy_path(Analytics(folder, 0), copy_key(conn))
    assert sorted(folder.glob("*.duckdb")) == [first]

    with engine.begin() as conn:  # a setting saved in the app moves the data version
        note_change(conn, "a saved setting")
    relabelled = _cli(engine, folder, "reclassify")
    assert relabelled.returncode == 0, relabelled.stderr
    assert "Took the analytical copy of 4 deals" in relabelled.stdout
    with engine.connect() as conn:
        assert sorted(folder.glob("*.duckdb")) == [copy_path(Analytics(folder, 0), copy_key(conn))] != [first]


def test_a_background_copy_blocked_by_another_process_is_asked_for_again_by_the_next_read(small_org):
    from filelock import FileLock

    engine, folder = small_org
    read = CachedRead(_discounting)
    held = FileLock(str(folder / "refresh.lock"))  # a command in another process taking a copy
    folder.mkdir(parents=True)
    with held:
        assert read(_view(engine, any_sample())).value == pytest.approx(2 / 4)  # from the database
        _wait_for_background_refresh()
        assert list(folder.glob("*.duckdb")) == []
    read(_view(engine, any_sample().with_overrides({"evidence_limit": "11"})))  # a read not stored yet
    _wait_for_background_refresh()
    with engine.connect() as conn:
        assert sorted(folder.glob("*.duckdb")) == [copy_path(Analytics(folder, 0), copy_key(conn))]


@pytest.mark.postgres
def test_text_with_commas_quotes_and_line_breaks_reaches_the_copy_as_written(tmp_path):
    """PostgreSQL's tables reach the copy as CSV: a CRM note with a quote, a comma and a line break,
    an empty reason and a missing one must come out as they went in."""
    if not postgres_url():
        pytest.skip(PG_SKIP_REASON)
    engine = make_postgres_engine("_analytics_text")
    try:
        migrate(engine)
        written = {
            "Quoted": 'Said "too dear", then left\nafter the\r\nreview; 12% off refused',
            "Empty": "",
            "Missing": None,
            "Accents": "Société Générale — ünïcødé, 東京",
        }
        with engine.begin() as conn:
            org = Org(conn)
            team = org.team("Atlas")
            for name, reason in written.items():
                sub = org.subscription(
                    org.account(name), team, dt.date(2024, 1, 1), dt.date(2025, 1, 31), 1000
                )
                conn.execute(
                    update(m.Subscription).where(m.Subscription.id == sub).values(cancel_reason=reason)
                )
        taken = refresh(engine, Analytics(tmp_path / "copies", 0))
        with analytics._engine_of(taken.path).connect() as copy:
            rows = copy.execute(
                select(m.Account.name, m.Subscription.cancel_reason).join(
                    m.Subscription, m.Subscription.account_id == m.Account.id
                )
            ).all()
        assert dict(rows) == written
    finally:
        drop_postgres_schema(engine)
