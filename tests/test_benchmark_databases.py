"""The benchmark uses only databases it created (named with its prefix and marked), and prints every
figure as a ratio to the previous run's."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.databases import (
    NotOurs,
    check_prefix,
    database_for,
    drop_database,
    ensure_database,
    scratch_database,
)
from benchmarks.run import load_previous, main, render_text, save_previous, vs_previous
from tests.conftest import PG_SKIP_REASON, postgres_url

# ---------------------------------------------------------------- prefix and mark: SQLite


def plain_sqlite_file(path) -> None:
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("CREATE TABLE precious (value TEXT)")
        raw.execute("INSERT INTO precious VALUES ('keep me')")
    raw.close()


def precious_rows(path) -> list:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT value FROM precious").fetchall()
    finally:
        raw.close()


def test_sqlite_databases_are_named_with_the_prefix(tmp_path):
    db = database_for("sqlite", "large", tmp_path, "postgresql+psycopg://x@h/postgres", "ppbench_t_")
    assert db.name == str(tmp_path / "ppbench_t_large.db")


def test_an_unmarked_sqlite_file_of_the_same_name_is_neither_used_nor_dropped(tmp_path):
    db = database_for("sqlite", "small", tmp_path, "", "ppbench_")
    plain_sqlite_file(db.name)
    with pytest.raises(NotOurs, match=r"ppbench_small\.db exists but was not created by the benchmark"):
        ensure_database(db)
    with pytest.raises(NotOurs, match="will not drop it"):
        drop_database(db)
    assert precious_rows(db.name) == [("keep me",)]


def test_a_marked_sqlite_database_is_created_reused_and_dropped(tmp_path):
    db = database_for("sqlite", "small", tmp_path, "", "ppbench_")
    assert ensure_database(db) is True
    assert ensure_database(db) is False
    drop_database(db)
    assert not (tmp_path / "ppbench_small.db").exists()


def test_the_import_scratch_database_refuses_an_unmarked_file(tmp_path):
    plain_sqlite_file(tmp_path / "ppbench_import.db")
    with pytest.raises(NotOurs):
        scratch_database("sqlite", tmp_path, "", "ppbench_")
    assert precious_rows(tmp_path / "ppbench_import.db") == [("keep me",)]
    scratch = scratch_database("sqlite", tmp_path, "", "ppbench_other_")
    assert scratch.name.endswith("ppbench_other_import.db")


def test_the_command_refuses_an_unmarked_database_in_one_sentence(tmp_path, capsys):
    plain_sqlite_file(tmp_path / "ppbench_small.db")
    code = main(["--database", "sqlite", "--workdir", str(tmp_path), "--no-imports", "--no-pandas"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count(". ") == 0 and err.endswith("remove it yourself.")
    assert "ppbench_small.db exists but was not created by the benchmark" in err
    assert precious_rows(tmp_path / "ppbench_small.db") == [("keep me",)]


@pytest.mark.parametrize("prefix", ["", "Bench", "bench-", "x; DROP", "a" * 41])
def test_a_prefix_that_is_not_a_plain_name_is_refused(prefix, capsys):
    with pytest.raises(ValueError, match="must start with a lowercase letter"):
        check_prefix(prefix)
    assert main(["--prefix", prefix, "--database", "sqlite"]) == 2
    assert "is not usable" in capsys.readouterr().err


# ---------------------------------------------------------------- prefix and mark: PostgreSQL


@pytest.fixture
def pg_server():
    if not postgres_url():
        pytest.skip(PG_SKIP_REASON)
    server = make_url(postgres_url()).set(database="postgres").render_as_string(hide_password=False)
    prefix = f"ppbench_t{uuid.uuid4().hex[:8]}_"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    yield server, prefix, admin
    with admin.connect() as conn:
        names = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": prefix + "%"}
        ).scalars()
        for name in [n for n in names if n.startswith(prefix)]:
            conn.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def database_exists(admin, name: str) -> bool:
    with admin.connect() as conn:
        return bool(conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first())


@pytest.mark.postgres
def test_an_unmarked_postgres_database_of_the_same_name_is_neither_used_nor_dropped(pg_server, tmp_path):
    server, prefix, admin = pg_server
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{prefix}small"'))
        conn.execute(text(f'CREATE DATABASE "{prefix}import"'))
    db = database_for("postgresql", "small", tmp_path, server, prefix)
    with pytest.raises(NotOurs, match=f"PostgreSQL database {prefix}small exists but was not created"):
        ensure_database(db)
    with pytest.raises(NotOurs, match="will not drop it"):
        drop_database(db)
    with pytest.raises(NotOurs, match=f"{prefix}import exists"):
        scratch_database("postgresql", tmp_path, server, prefix)
    assert database_exists(admin, f"{prefix}small") and database_exists(admin, f"{prefix}import")


@pytest.mark.postgres
def test_a_marked_postgres_database_is_created_reused_and_dropped(pg_server, tmp_path):
    server, prefix, admin = pg_server
    db = database_for("postgresql", "small", tmp_path, server, prefix)
    assert ensure_database(db) is True
    assert ensure_database(db) is False
    with admin.connect() as conn:
        comment = conn.execute(
            text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"),
            {"n": db.name},
        ).scalar()
    assert "benchmark" in comment
    scratch = scratch_database("postgresql", tmp_path, server, prefix)
    assert database_exists(admin, scratch.name) and scratch.name == f"{prefix}import"
    drop_database(db)
    drop_database(scratch)
    assert not database_exists(admin, db.name) and not database_exists(admin, scratch.name)


# ---------------------------------------------------------------- ratios to the previous run


def test_a_figure_is_printed_as_a_ratio_to_the_previous_run():
    assert vs_previous(2.5, 2.0) == "1.25× previous"
    assert vs_previous(0.333, 1.0) == "0.33× previous"
    assert vs_previous(1.5, 1.5, short=True) == "1.00×"
    assert vs_previous(1.0, None) == "no previous run"
    assert vs_previous(None, 1.0, short=True) == "—"


def results(load_seconds: float, first: float, rows_per_s: float, browser: float = 2.0) -> dict:
    page = {
        "page": "Overview",
        "first": first,
        "cold": first / 2,
        "warm": 0.1,
        "queries": 12,
        "floor": 0.5,
        "pandas": None,
        "peak_mib": 300.0,
        "error": None,
    }
    return {
        "machine": "test machine",
        "peak_mib": 100.0,
        "databases": [
            {
                "engine": "sqlite",
                "scale": "small",
                "rows": {"opportunities": 8000},
                "load": {"seconds": load_seconds, "peak_mib": 500.0},
                "classification": {
                    "rows_per_s": rows_per_s,
                    "utterances": 1000,
                    "seconds": 1.0,
                    "floor_seconds": 0.1,
                },
                "report": {
                    "seconds": 2.0,
                    "queries": 30,
                    "floor_seconds": 1.0,
                    "pandas_seconds": None,
                    "stored_seconds": 0.2,
                    "peak_mib": 200.0,
                },
                "pages": [page],
                "browser": {
                    "seconds": browser,
                    "opens": [browser] * 3,
                    "returning_seconds": browser / 2,
                    "returning_opens": [browser / 2] * 3,
                    "floor_seconds": 1.0,
                    "floor_returning_seconds": 0.5,
                    "floor_page": "settings",
                    "viewport": "1280×720",
                },
            }
        ],
    }


def test_the_second_run_prints_each_figure_beside_the_first_runs(tmp_path):
    path = tmp_path / "previous.json"
    first = results(load_seconds=40.0, first=2.0, rows_per_s=1000.0)
    first["previous"] = load_previous(path)
    text_one = render_text(first)
    assert "demo load: 40 s (no previous run)" in text_one
    save_previous(path, first)

    second = results(load_seconds=30.0, first=3.0, rows_per_s=1500.0, browser=1.2)
    second["previous"] = load_previous(path)
    text_two = render_text(second)
    assert "demo load: 30 s (0.75× previous), peak memory 500 MiB (1.00× previous)" in text_two
    assert "1,500 utterances/s (1,000) · 1.50× previous" in text_two
    assert "report: first 2.00 s (1.00× previous)" in text_two
    assert (
        "browser: stored Overview idle in Chromium at 1280×720, median of 3 new sessions: new browser "
        "1.20 s (0.80× the 1.5 s goal; floor (settings page) 1.00 s, 1.2×; 0.60× previous) · returning "
        "browser 0.60 s (0.40× the goal; floor 0.50 s, 1.2×; 0.60× previous)"
    ) in text_two
    overview = next(line for line in text_two.splitlines() if line.startswith("Overview"))
    # first 3.00 s is 1.50× the previous 2.00 s and 6.0× its floor of 0.50 s.
    assert overview.split()[1:3] == ["3.00", "1.50×"]
    assert "6.0×" in overview
    save_previous(path, second)
    assert load_previous(path)["sqlite small"]["load seconds"] == 30.0


def test_an_unreadable_previous_file_means_no_previous_run(tmp_path):
    path = tmp_path / "previous.json"
    path.write_text("{not json")
    assert load_previous(path) == {}


def test_an_imports_only_run_prints_its_ratio_to_the_last_and_keeps_the_pages_figures(tmp_path):
    path = tmp_path / "previous.json"
    full = results(load_seconds=40.0, first=2.0, rows_per_s=1000.0)
    full["previous"] = load_previous(path)
    save_previous(path, full)

    def imports_only(rows_per_s: float) -> dict:
        run = {
            "rows": 100_000,
            "seconds": 100_000 / rows_per_s,
            "rows_per_s": rows_per_s,
            "rows_per_cpu_s": rows_per_s,
            "peak_mib": 200.0,
            "ratio_to_target": rows_per_s / 20_000,
        }
        cli = {"file_rows": 100_000, "first": run, "again": {"skipped": True}, "floor": None}
        return {
            "machine": "test machine",
            "peak_mib": 100.0,
            "databases": [{"engine": "sqlite", "scale": "small", "cli_import": cli}],
        }

    first = imports_only(10_000.0)
    first["previous"] = load_previous(path)
    assert "first rows/s —" in render_text(first)  # no import figure from the full run
    save_previous(path, first)
    second = imports_only(25_000.0)
    second["previous"] = load_previous(path)
    assert "first rows/s 2.50×, first peak MiB 1.00×" in render_text(second)
    save_previous(path, second)
    kept = load_previous(path)["sqlite small"]
    assert kept["load seconds"] == 40.0 and kept["cli import first rows/s"] == 25_000.0
