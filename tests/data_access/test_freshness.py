"""Freshness per source and the share of deals carrying each optional field, on a hand-built
organisation whose answers are counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, insert

from dashboard.components.imports import coverage_frame, freshness_frame, stale_sentence
from data_access import models as m
from data_access.scope import Scope
from data_access.status import field_coverage, source_freshness

NOW = dt.datetime(2026, 12, 3, 12, 0)
D = dt.date


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    m.Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(m.Team), [{"id": 1, "name": "Atlas"}, {"id": 2, "name": "Beacon"}])
        connection.execute(
            insert(m.ImportBatch),
            [
                # Two good opportunity imports (the newest counts) and a failed one after them (ignored).
                {"id": 1, "source": "opportunities", "started_at": dt.datetime(2026, 11, 20, 9), "finished_at": dt.datetime(2026, 11, 20, 9, 5), "status": "done"},
                {"id": 2, "source": "opportunities", "started_at": dt.datetime(2026, 12, 1, 10), "finished_at": dt.datetime(2026, 12, 1, 10, 2), "status": "done"},
                {"id": 3, "source": "opportunities", "started_at": dt.datetime(2026, 12, 2, 8), "finished_at": dt.datetime(2026, 12, 2, 8, 1), "status": "failed"},
                # Surveys last imported 13 days before NOW: stale after 7 days, fresh after 14.
                {"id": 4, "source": "surveys", "started_at": dt.datetime(2026, 11, 20, 11), "finished_at": dt.datetime(2026, 11, 20, 11, 30), "status": "done"},
            ],
        )
        deal = {
            "stage": "Discovery",
            "is_won": False,
            "is_closed": False,
            "is_late_stage": False,
            "customer_outcome": None,
            "executive_sponsor": None,
            "discount": None,
            "list_amount": None,
        }
        connection.execute(
            insert(m.Opportunity),
            [
                {**deal, "id": 1, "external_key": "d1", "name": "D1", "team_id": 1, "customer_outcome": "Cut waiting times", "executive_sponsor": "CFO", "discount": 0.1},
                {**deal, "id": 2, "external_key": "d2", "name": "D2", "team_id": 1, "customer_outcome": "Open a clinic", "list_amount": 1000},
                {**deal, "id": 3, "external_key": "d3", "name": "D3", "team_id": 1, "customer_outcome": "   ", "executive_sponsor": ""},
                {**deal, "id": 4, "external_key": "d4", "name": "D4", "team_id": 2, "executive_sponsor": "COO"},
            ],
        )
        connection.execute(
            insert(m.OpportunityHistory),
            [
                {"opportunity_id": 1, "changed_at": dt.datetime(2026, 10, 1), "close_date": D(2026, 12, 1)},
                {"opportunity_id": 1, "changed_at": dt.datetime(2026, 11, 1), "close_date": D(2026, 12, 15)},
                {"opportunity_id": 3, "changed_at": dt.datetime(2026, 11, 1), "close_date": D(2026, 12, 15)},
                {"opportunity_id": 4, "changed_at": dt.datetime(2026, 11, 1), "close_date": D(2026, 12, 15)},
            ],
        )
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _by_source(rows):
    return {row["source"]: row for row in rows}


def test_each_source_has_its_last_good_import_rows_and_state(conn):
    rows = _by_source(source_freshness(conn, Scope.everything(), 7, now=NOW))
    assert list(rows)[:5] == ["opportunities", "history", "subscriptions", "surveys", "transcripts"]
    opportunities = rows["opportunities"]
    assert opportunities["last_import"] == dt.datetime(2026, 12, 1, 10, 2)  # not the failed one after it
    assert (opportunities["imports"], opportunities["rows"], opportunities["age_days"]) == (2, 4, 2)
    assert opportunities["state"] == "fresh"
    assert (rows["surveys"]["age_days"], rows["surveys"]["state"]) == (13, "stale")
    assert (rows["history"]["rows"], rows["history"]["state"]) == (4, "never imported")
    assert rows["transcripts"] == {**rows["transcripts"], "last_import": None, "rows": 0, "imports": 0}
    # The age that counts as stale is a setting: at 14 days the surveys are fresh again.
    assert _by_source(source_freshness(conn, Scope.everything(), 14, now=NOW))["surveys"]["state"] == "fresh"


def test_rows_are_counted_in_the_viewers_scope(conn):
    rows = _by_source(source_freshness(conn, Scope.teams([2]), 7, now=NOW))
    assert (rows["opportunities"]["rows"], rows["history"]["rows"]) == (1, 1)


def test_share_of_deals_carrying_each_optional_field(conn):
    every = {row["field"]: (row["deals_with"], row["deals"], row["share"]) for row in field_coverage(conn, Scope.everything())}
    # Outcome: D1, D2 (D3's is blank); sponsor: D1, D4; discount or list price: D1, D2; history: D1, D3, D4.
    assert every == {
        "Customer outcome": (2, 4, 0.5),
        "Executive sponsor": (2, 4, 0.5),
        "Discount or list price": (2, 4, 0.5),
        "Close-date history": (3, 4, 0.75),
    }
    atlas = {row["field"]: row["deals_with"] for row in field_coverage(conn, Scope.teams([1]))}
    assert atlas == {"Customer outcome": 2, "Executive sponsor": 1, "Discount or list price": 2, "Close-date history": 2}
    assert [row["share"] for row in field_coverage(conn, Scope.teams([]))] == [None] * 4


def test_the_tables_read_in_words_with_no_blanks(conn):
    rows = source_freshness(conn, Scope.everything(), 7, now=NOW)
    frame = freshness_frame(rows, 7).set_index("source")
    assert frame.loc["Opportunities (pipeline)"].to_dict() == {
        "status": "Fresh",
        "last_import": "1 Dec 2026, 10:02",
        "age": "2 days",
        "rows": 4,
        "imports": 2,
    }
    assert frame.loc["Pulse surveys", "status"] == "Stale: older than 7 days"
    assert frame.loc["Opportunity history", "status"] == "Never imported (rows present)"
    assert frame.loc["Meeting transcripts", "status"] == "Never imported"
    assert not frame.isna().any().any() and "None" not in frame.astype(str).to_string()
    assert stale_sentence(rows, 7) == (
        "Older than 7 days: Pulse surveys (13 days old). Import a fresh export on Data › Imports."
    )
    coverage = coverage_frame(field_coverage(conn, Scope.everything())).set_index("field")
    assert coverage.loc["Close-date history"].to_dict() == {"share": 75.0, "deals_with": "3 of 4"}
