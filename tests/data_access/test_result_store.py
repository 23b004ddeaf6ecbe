"""The result store: a result is computed once per state of the data and read by every later caller,
in any process; an import, a relabelling or a settings change makes it compute again; viewers with
other teams never read each other's results."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import insert, select

from data_access import models as m
from data_access.db import make_engine, migrate
from data_access.parameter_store import write_override
from data_access.result_store import canonical, data_version, note_change, remember, stored_count
from data_access.scope import Filters, Period, Scope
from tests.conftest import PG_SKIP_REASON, drop_postgres_schema, make_postgres_engine, postgres_url

Q3 = Filters(Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A migrated database of its own (results are committed), on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    if not postgres_url():
        pytest.skip(PG_SKIP_REASON)
    engine = make_postgres_engine("_store")
    migrate(engine)
    yield engine
    drop_postgres_schema(engine)


class Counter:
    """A computation that counts how often it really ran."""

    def __init__(self, value):
        self.value, self.runs = value, 0

    def __call__(self):
        self.runs += 1
        return self.value


def _import_batch(engine) -> None:
    now = dt.datetime(2026, 11, 2, 9, 0)
    with engine.begin() as conn:
        conn.execute(
            insert(m.ImportBatch).values(
                source="opportunities",
                file_name="deals.csv",
                format="csv",
                started_at=now,
                finished_at=now,
                status="done",
            )
        )


def test_a_result_is_computed_once_and_read_by_a_second_process(engine):
    compute = Counter({"index": 71.5, "teams": ["Atlas", "Beacon"]})
    assert remember(engine, "scorecard", (Scope.everything(), Q3), compute) == compute.value
    # Another replica: its own engine on the same database.
    other = (
        make_engine(engine.url.render_as_string(hide_password=False))
        if engine.dialect.name == "sqlite"
        else engine
    )
    again = Counter(None)
    assert remember(other, "scorecard", (Scope.everything("someone else"), Q3), again) == compute.value
    assert (compute.runs, again.runs) == (1, 0)


def test_an_import_a_relabelling_and_a_setting_each_make_it_compute_again(engine):
    compute = Counter([1, 2, 3])
    key = ("scorecard", (Scope.everything(), Q3))
    remember(engine, *key, compute)
    _import_batch(engine)
    remember(engine, *key, compute)
    assert compute.runs == 2
    with engine.begin() as conn:
        note_change(conn, "relabelled 10 utterances")
    remember(engine, *key, compute)
    with engine.begin() as conn:
        write_override(conn, "quarter_end_days", "10")
    remember(engine, *key, compute)
    remember(engine, *key, compute)
    assert compute.runs == 4
    # Results of older data are dropped when a newer one is stored: one row, not four.
    with engine.connect() as conn:
        assert stored_count(conn) == 1


def test_viewers_with_other_teams_never_read_each_others_results(engine):
    atlas, beacon = Scope.teams([1], "claire"), Scope.teams([2], "victor")
    assert remember(engine, "scorecard", (atlas, Q3), lambda: "Atlas only") == "Atlas only"
    assert remember(engine, "scorecard", (beacon, Q3), lambda: "Beacon only") == "Beacon only"
    assert (
        remember(engine, "scorecard", (Scope.teams([1], "another Atlas manager"), Q3), lambda: "x")
        == "Atlas only"
    )
    other_period = Filters(Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)))
    assert remember(engine, "scorecard", (atlas, other_period), lambda: "Q2") == "Q2"


def test_a_value_that_cannot_be_stored_is_still_returned(engine):
    value = lambda: None  # noqa: E731 - a lambda cannot be pickled
    assert remember(engine, "odd", (), lambda: value) is value
    with engine.connect() as conn:
        assert stored_count(conn) == 0


def test_the_version_moves_with_imports_and_changes_only(engine):
    with engine.connect() as conn:
        before = data_version(conn)
        assert data_version(conn) == before
    _import_batch(engine)
    with engine.connect() as conn:
        after = data_version(conn)
        assert after != before
        assert conn.execute(select(m.ImportBatch.id)).scalar_one() == 1


def test_equal_arguments_give_equal_keys_whatever_their_order():
    a = Filters(Q3.period, frozenset([3, 1, 2]), "Enterprise")
    b = Filters(Q3.period, frozenset([2, 3, 1]), "Enterprise")
    assert canonical(a) == canonical(b)
    assert canonical(Scope.teams([5, 4], "x")) == canonical(Scope.teams([4, 5], "y"))
    assert canonical(Scope.teams([4], "x")) != canonical(Scope.teams([4, 5], "x"))


class _Exploit:
    """What an attacker with write access to the table would store: unpickling it writes a file."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_planted_pickle_is_never_run(engine, tmp_path):
    import pickle

    from data_access.result_store import key_of

    planted = tmp_path / "ran.txt"
    args = (Scope.everything(), Q3)
    with engine.begin() as conn:
        version = data_version(conn)
        conn.execute(
            insert(m.StoredResult).values(
                key=key_of("scorecard", args),
                name="scorecard",
                version=version,
                computed_at=dt.datetime(2026, 11, 1),
                seconds=0.1,
                payload=pickle.dumps(_Exploit(planted)),
            )
        )
    assert remember(engine, "scorecard", args, lambda: "computed") == "computed"
    assert not planted.exists()
    # The planted row was replaced by the computed one, stored as JSON.
    with engine.connect() as conn:
        payload = conn.execute(select(m.StoredResult.payload)).scalar_one()
    assert payload == b'"computed"'


def test_tables_and_the_applications_dataclasses_come_back_as_computed(engine):
    import pandas as pd

    from metrics.privacy import Visibility

    frame = pd.DataFrame(
        {
            "team": ["Atlas", "Beacon"],
            "won": [3, None],
            "at": pd.to_datetime(["2026-07-01", "2026-08-01"]),
        }
    )
    value = {
        1: Visibility(6, True),
        "frame": frame,
        "period": Q3,
        "teams": frozenset({1, 2}),
        "nan": float("nan"),
    }
    remember(engine, "mixed", (), lambda: value)
    again = remember(engine, "mixed", (), lambda: pytest.fail("computed twice"))
    pd.testing.assert_frame_equal(again.pop("frame"), frame)
    assert again.pop("nan") != again.get("nan", 0)  # NaN stays NaN
    value.pop("frame"), value.pop("nan")
    assert again == value


def test_a_row_naming_a_class_outside_the_application_is_refused(engine):
    from data_access.result_store import key_of

    with engine.begin() as conn:
        conn.execute(
            insert(m.StoredResult).values(
                key=key_of("evil", ()),
                name="evil",
                version=data_version(conn),
                computed_at=dt.datetime(2026, 11, 1),
                seconds=0.1,
                payload=b'{"__pp":"dataclass","v":["subprocess:Popen",[["args","id"]]]}',
            )
        )
    assert remember(engine, "evil", (), lambda: "recomputed") == "recomputed"


def test_replicas_asking_at_once_compute_a_result_once(engine):
    """Four replicas (threads with engines of their own) ask for the same result at the same moment:
    one computes it, the others wait for it and read what it stored."""
    import threading

    url = engine.url.render_as_string(hide_password=False)
    runs: list[int] = []
    started = threading.Event()

    def compute():
        runs.append(1)
        started.set()
        # Hold the computation until every replica has asked, so that they really overlap.
        time.sleep(0.5)
        return {"index": 64.0}

    def replica(results: list):
        own = make_engine(url) if engine.dialect.name == "sqlite" else _same_schema_engine(engine)
        try:
            results.append(remember(own, "scorecard", (Scope.everything(), Q3), compute))
        finally:
            own.dispose()

    results: list = []
    threads = [threading.Thread(target=replica, args=(results,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert started.is_set()
    assert results == [{"index": 64.0}] * 4
    assert len(runs) == 1


def _same_schema_engine(engine):
    """A second PostgreSQL engine on the test's schema: another replica of the same database."""
    from sqlalchemy import create_engine

    schema = engine.info["schema"]
    return create_engine(
        engine.url.render_as_string(hide_password=False), connect_args={"options": f"-csearch_path={schema}"}
    )


@pytest.mark.parametrize("collecting", [True, False], ids=["collector-on", "collector-paused"])
def test_reading_a_result_back_leaves_the_cycle_collector_as_it_found_it(collecting):
    """Writing and reading back pause Python's cycle collector (a 200-team scorecard is tens of
    thousands of small objects) and leave it as it was, also when a value or a row cannot be."""
    import gc

    from data_access.result_codec import UnreadableResult, decode, encode
    from metrics.scorecard import Scorecard

    card = Scorecard("Atlas", 3, [])
    value = {"cards": [card] * 500, "lines": {team: [float(team), None] for team in range(200)}}
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        assert decode(encode(value)) == value
        assert gc.isenabled() is collecting
        with pytest.raises(TypeError):
            encode({"cards": [card], "what": object()})
        assert gc.isenabled() is collecting
        with pytest.raises(UnreadableResult):
            decode(b'{"__pp":"dataclass","v":["builtins.object",[]]}')
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()


def test_every_kind_of_value_comes_back_with_its_own_type():
    """Builtins are written on a quick path by their exact type; their subclasses, enumerations and
    the application's dataclasses inside containers keep their types through the round trip."""
    import collections
    import datetime as dt
    import enum

    from data_access.result_codec import decode, encode
    from metrics.scorecard import Coverage, Scorecard

    class Flag(enum.IntEnum):
        ON = 1

    counts = collections.Counter({"won": 2})
    card = Scorecard("Atlas", 3, [])
    value = {
        "card": card,
        "coverage": Coverage(11, 17, 0.78),
        "nested": [(1, "a", None, True), {frozenset({2}): [dt.date(2026, 7, 1), 0.5]}],
        "counts": counts,
        "ordered": collections.OrderedDict(b=1, a=2),
    }
    back = decode(encode(value))
    assert back == value
    assert type(back["card"]) is Scorecard and type(back["coverage"]) is Coverage
    assert type(back["nested"][0]) is tuple and back["nested"][0][3] is True
    assert type(back["counts"]) is dict and list(back["ordered"]) == ["b", "a"]  # kept as mappings, in order
    assert decode(encode([True, 1, 1.0])) == [True, 1, 1.0]
    assert [type(v) for v in decode(encode([True, 1, 1.0]))] == [bool, int, float]
    with pytest.raises(TypeError, match="not a class of this application"):
        encode(Flag.ON)


def _stored_values():
    """Results as the pages compute them: nested lists, tuples, mappings (keyed by numbers, words,
    tuples — and by the codec's own tag word), sets, dates, infinite figures, decimals and the
    application's dataclasses."""
    from hypothesis import strategies as st

    from metrics.scorecard import Coverage

    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=6),
        st.sampled_from(["__pp", "v", "dict"]),
        st.dates(),
        st.datetimes(),
        st.decimals(allow_nan=False, allow_infinity=False, places=2),
    )
    keys = st.one_of(
        st.integers(), st.text(max_size=6), st.sampled_from(["__pp", "v"]), st.tuples(st.integers())
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.tuples(inner, inner),
            st.dictionaries(keys, inner, max_size=4),
            st.frozensets(st.integers(), max_size=3),
            st.builds(Coverage, st.integers(0, 17), st.just(17), st.floats(0, 1)),
        ),
        max_leaves=20,
    )


def _same_types(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list | tuple):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return all(_same_types(k, j) and _same_types(a[k], b[j]) for k, j in zip(a, b, strict=True))
    return True


def test_any_result_comes_back_equal_and_of_the_same_types():
    """Whatever a computation returns of the kinds a result holds comes back from the store equal,
    with the same type at every level and the mappings in the same order."""
    from hypothesis import given, settings

    from data_access.result_codec import decode, encode

    values = _stored_values()

    @settings(max_examples=300, deadline=None)
    @given(values)
    def round_trip(value):
        back = decode(encode(value))
        assert back == value
        assert _same_types(back, value)

    round_trip()
