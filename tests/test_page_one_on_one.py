"""Coaching › One-on-one prep through AppTest: on the demo organisation (the numbers on the page are
the metrics layer's for the same filters) and on a small rostered organisation (a manager can only
pick sellers of their own team, also when the link names someone else)."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import fmt_percent
from data_access import models as m
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics.analyses import coaching
from metrics.parameters import load_metric_settings
from metrics.registry import evaluate
from metrics.text import escape_markdown
from tests.apptest import small_roster, start_app

PAGE = "../pages/one_on_one.py"
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def _open(query: dict[str, str], user: dict | None = None) -> AppTest:
    query = dict(query)
    seller = query.pop("seller", None)
    at = start_app(query, user=user, timeout=90).run()
    # AppTest always starts on the default page; arriving on this page with ?seller= in the URL is what
    # following a shared link does.
    if seller is not None:
        at.query_params["seller"] = seller
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _expected(url: str, period: Period, seller_name: str):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            filters = Filters(period)
            seller = next(
                s
                for s in coaching.sellers_in_scope(conn, Scope.everything(), filters)
                if s.name == seller_name.split(" — ")[0]
            )
            settings = load_metric_settings(conn)
            facts = coaching.coaching_facts(conn, Scope.everything(), filters, seller.id, settings)
            team_median = evaluate(
                conn,
                "discounting",
                Scope.everything(),
                Filters(period, frozenset({seller.team_id})),
                settings,
            ).parts["median_discount"]
        return facts, team_median
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo_seller(demo_database_url) -> str:
    """A demo seller with open deals without an outcome, pushed deals and won deals in Q3 2026; never
    the first in the picker, so the page shows them only when the link asks for them."""
    engine = make_engine(demo_database_url)
    with engine.connect() as conn:
        for seller in coaching.sellers_in_scope(conn, Scope.everything(), Filters(Q3))[1:]:
            facts = coaching.coaching_facts(
                conn, Scope.everything(), Filters(Q3), seller.id, load_metric_settings(conn)
            )
            if (
                facts.pipeline.without_outcome
                and facts.pushed.total
                and facts.discounts.seller.median is not None
            ):
                engine.dispose()
                return f"{seller.name} — {seller.team}"  # as the picker labels them
    raise AssertionError("The demo has no seller with every kind of fact.")


def _q3(seller: str) -> dict[str, str]:
    return {"period": "custom", "from": "2026-07-01", "to": "2026-09-30", "seller": seller}


def test_headline_numbers_are_the_metrics_layers(demo_app_env, demo_seller):
    at = _open(_q3(demo_seller))
    facts, team_median = _expected(demo_app_env, Q3, demo_seller)
    shown = _metrics(at)
    pipeline = facts.pipeline
    assert shown["Deals without an outcome"] == f"{pipeline.without_outcome} of {pipeline.deals}"
    assert shown["Pushed twice or more"] == str(facts.pushed.total)
    assert shown["Median discount (team)"] == (
        f"{fmt_percent(facts.discounts.seller.median)} ({fmt_percent(team_median)})"
    )
    current = facts.attainment[-1]
    assert current.label == "Q3 2026"
    assert shown["Attainment Q3 2026"] == fmt_percent(current.attainment)
    assert at.selectbox(key="seller").value == demo_seller


def test_questions_and_drill_down_tables_name_the_sellers_deals(demo_app_env, demo_seller):
    at = _open(_q3(demo_seller))
    facts, _ = _expected(demo_app_env, Q3, demo_seller)
    questions = [md.value for md in at.markdown if md.value.startswith("**") and "?" in md.value]
    assert 3 <= len(questions) <= 7
    late = [d for d in facts.pipeline.missing if d.late_stage]
    if late:
        assert (late[0].account or late[0].deal).split()[0] in questions[0]
    deals_table = at.dataframe[0].value
    assert list(deals_table["deal"]) == [d.deal for d in facts.pipeline.missing]
    pushed_table = at.dataframe[1].value
    assert list(pushed_table["pushes"]) == [d.pushes for d in facts.pushed.deals]
    assert {b.label for b in at.get("download_button")} >= {"Download the brief (Markdown)", "Download CSV"}


def test_the_questions_shown_are_the_rules_questions_for_the_demo_seller(demo_app_env, demo_seller):
    at = _open(_q3(demo_seller))
    facts, _ = _expected(demo_app_env, Q3, demo_seller)
    expected = coaching.questions_for(facts, today=dt.date.today())
    shown = [md.value for md in at.markdown if md.value.startswith("**") and "?" in md.value]
    assert shown == [
        f"**{n}. {escape_markdown(q.text)}**  \n:gray[{escape_markdown(q.because)}]"
        for n, q in enumerate(expected, start=1)
    ]
    assert {q.topic for q in expected} >= {"outcome", "push"}


def test_changing_the_period_changes_the_brief(demo_app_env, demo_seller):
    at = _open(_q3(demo_seller))
    at.date_input(key="pp.filter.range").set_value((Q2.start, Q2.end)).run()
    assert not at.exception, at.exception
    facts, team_median = _expected(demo_app_env, Q2, demo_seller)
    shown = _metrics(at)
    assert "Attainment Q2 2026" in shown and "Attainment Q3 2026" not in shown
    assert shown["Attainment Q2 2026"] == fmt_percent(facts.attainment[-1].attainment)
    assert shown["Median discount (team)"].endswith(f"({fmt_percent(team_median)})")


def test_picking_another_seller_changes_the_brief(demo_app_env, demo_seller):
    at = _open(_q3(demo_seller))
    other = next(
        option for option in at.selectbox(key="seller").options if not option.startswith(f"{demo_seller} — ")
    )
    at.selectbox(key="seller").set_value(other).run()
    assert not at.exception, at.exception
    facts, _ = _expected(demo_app_env, Q3, other.split(" — ")[0])
    assert (
        _metrics(at)["Deals without an outcome"]
        == f"{facts.pipeline.without_outcome} of {facts.pipeline.deals}"
    )
    assert any(f"Team {facts.seller.team}" in c.value for c in at.caption)


# --- Who may be picked ---------------------------------------------------------------------------


@pytest.fixture
def roster_url(tmp_path, monkeypatch):
    """Atlas (manager Max, seller Sue) and Beacon (manager Bea, seller Ben, with a deal of his)."""
    url = f"sqlite:///{tmp_path / 'roster.db'}"
    beacon = small_roster(url)["Beacon"]
    engine = make_engine(url)
    with engine.begin() as conn:
        people = m.Person.__table__
        conn.execute(
            people.insert(),
            [
                {
                    "external_key": "n",
                    "name": "Ben Beacon",
                    "email": "ben@example.com",
                    "role": "seller",
                    "team_id": beacon,
                },
            ],
        )
        ben = conn.execute(people.select().where(people.c.external_key == "n")).first().id
        conn.execute(
            m.Opportunity.__table__.insert().values(
                external_key="secret",
                name="Beacon Secret Expansion",
                owner_id=ben,
                team_id=beacon,
                stage="Negotiation",
                amount=99000,
                is_late_stage=True,
                is_closed=False,
                is_won=False,
                close_date=dt.date(2026, 12, 1),
            )
        )
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _everything_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "warning", "info", "metric", "title", "subheader")
        for e in at.get(kind)
        if isinstance(getattr(e, "value", None), str)
    ]
    parts += [str(frame.value.to_dict()) for frame in at.dataframe]
    return " ".join(parts)


def test_a_manager_cannot_pick_another_teams_seller_even_by_link(roster_url):
    at = _open({"seller": "Ben Beacon"}, user={"is_logged_in": True, "email": "max@example.com"})
    assert at.selectbox(key="seller").options == ["Sue Seller — Atlas"]
    warning = " ".join(w.value for w in at.warning)
    assert "Ignored seller" in warning and "not one of the sellers you can see" in warning
    assert not at.metric and not at.dataframe
    assert "Beacon Secret Expansion" not in _everything_text(at)


def test_a_manager_sees_their_own_seller(roster_url):
    at = _open({"seller": "sue seller"}, user={"is_logged_in": True, "email": "max@example.com"})
    assert not at.warning
    assert _metrics(at)["Deals without an outcome"] == "0 of 0"
    assert "Beacon Secret Expansion" not in _everything_text(at)


def test_an_executive_can_pick_any_seller(roster_url):
    at = _open({"seller": "Ben Beacon"}, user={"is_logged_in": True, "email": "eve@example.com"})
    # Grouped by team, then by name: Atlas's Sue before Beacon's Ben.
    assert at.selectbox(key="seller").options == ["Sue Seller — Atlas", "Ben Beacon — Beacon"]
    assert _metrics(at)["Deals without an outcome"] == "1 of 1"
    assert list(at.dataframe[0].value["deal"]) == ["Beacon Secret Expansion"]


def test_each_headline_figure_shows_its_sample(roster_url):
    at = _open({"seller": "Ben Beacon"}, user={"is_logged_in": True, "email": "eve@example.com"})
    samples = [c.value for c in at.caption if c.value.startswith("n = ")]
    assert samples[:2] == ["n = 1 open deal", "n = 0 deals with close-date history"]
    assert samples[2] == "n = 0 won deals with a known discount (team 0)"
    assert len(samples) == 5


# --- Notes and what was agreed -------------------------------------------------------------------


@pytest.fixture
def line_url(roster_url):
    """Sue reports to Max, who reports to Eve; Bea manages Beacon, outside Sue's line."""
    engine = make_engine(roster_url)
    with engine.begin() as conn:
        people = m.Person.__table__
        ids = dict(conn.execute(people.select().with_only_columns(people.c.email, people.c.id)).all())
        conn.execute(people.update().where(people.c.id == ids["max@example.com"]).values(manager_id=ids["eve@example.com"]))
        conn.execute(people.update().where(people.c.id == ids["sue@example.com"]).values(manager_id=ids["max@example.com"]))
    engine.dispose()
    return roster_url


SUE = "Sue Seller — Atlas"


def _as(email: str) -> dict:
    return {"is_logged_in": True, "email": email}


def test_notes_and_agreed_actions_carry_into_the_next_prep_for_the_line_only(line_url):
    at = _open({"seller": SUE}, user=_as("max@example.com"))
    assert "Agreed last time" in [h.value for h in at.subheader]
    at.text_area(key="pp.coaching.note.notes").input("Sue wants to own the Acme renewal.")
    at.text_area(key="pp.coaching.note.actions").input("Ask Acme what success looks like\n\nAdd outcomes to commit deals")
    at.button(key="FormSubmitter:pp.coaching.note-Save the notes").click().run()
    assert not at.exception, at.exception
    assert "Saved" in at.success[0].value

    again = _open({"seller": SUE}, user=_as("max@example.com"))
    boxes = [box.label for box in again.checkbox if box.key.startswith("pp.coaching.action.")]
    today = dt.date.today()
    assert boxes == [
        f"Ask Acme what success looks like · agreed {today.day} {today:%b %Y}",
        f"Add outcomes to commit deals · agreed {today.day} {today:%b %Y}",
    ]
    # Above Max, Eve reads them too and ticks one done; it leaves the list.
    eve = _open({"seller": SUE}, user=_as("eve@example.com"))
    assert "Sue wants to own the Acme renewal." in str(eve.dataframe[-1].value.to_dict())
    next(box for box in eve.checkbox if box.label.startswith("Ask Acme")).check().run()
    assert not eve.exception, eve.exception
    assert [box.label.split(" · ")[0] for box in eve.checkbox if box.key.startswith("pp.coaching.action.")] == [
        "Add outcomes to commit deals"
    ]


def test_a_manager_outside_the_line_sees_no_notes(line_url):
    _open({"seller": SUE}, user=_as("max@example.com"))
    engine = make_engine(line_url)
    from data_access.one_on_one import record_one_on_one

    with engine.begin() as conn:
        sue = conn.execute(m.Person.__table__.select().where(m.Person.email == "sue@example.com")).first().id
        record_one_on_one(conn, Scope.teams([], viewer="max@example.com"), sue, dt.date.today(), "Private", ["Secret step"])
    engine.dispose()
    # Bea is a manager of another team: she cannot even pick Sue. A leader above both teams who is not in
    # Sue's reporting line can pick Sue but reads no notes.
    engine = make_engine(line_url)
    with engine.begin() as conn:
        company = conn.execute(m.Team.__table__.select().where(m.Team.name == "Company")).first().id
        conn.execute(
            m.Person.__table__.insert().values(
                external_key="l", name="Lou Leader", email="lou@example.com", role="leader", team_id=company
            )
        )
    engine.dispose()
    at = _open({"seller": SUE}, user=_as("lou@example.com"))
    text = _everything_text(at) + " ".join(box.label for box in at.checkbox)
    assert "Private" not in text and "Secret step" not in text
    assert "Agreed last time" not in [h.value for h in at.subheader]
    assert any("kept for their manager and those above them only" in c.value for c in at.caption)
    assert not at.text_area
