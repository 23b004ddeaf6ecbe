"""The demo organisation: deterministic, the documented size, and its planted truths hold in the data.

The organisation is generated once per session into a temporary SQLite file; the planted truths
are checked with SQL against the raw rows (the labels the generator planted, before any
classifier relabels them). docs/demo-data.md states the values these tests hold it to.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import Engine, String, and_, case, distinct, func, insert, select

from dashboard.config import Settings
from dashboard.setup import initialise
from data_access import models as m
from data_access.db import make_engine, migrate
from data_access.demo import build_demo, load_demo
from data_access.demo.org import NSP_STATEMENT
from data_access.demo.profiles import SLIDING_TOP_SELLER
from data_access.scope import quarter_of

END = dt.date(2026, 4, 30)
LAUNCH = dt.date(2025, 4, 1)
START = dt.date(2024, 5, 1)
SALES_TEAMS = ("Atlas", "Beacon", "Cedar", "Delta", "Evergreen", "Falcon", "Granite", "Harbor")


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> tuple[Engine, dict]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    migrate(engine)
    steps: list[tuple[float, str]] = []
    with engine.begin() as conn:
        summary = load_demo(conn, seed=7, end=END, progress=lambda f, msg: steps.append((f, msg)))
    summary["progress"] = steps
    yield engine, summary
    engine.dispose()


@pytest.fixture(scope="session")
def team_ids(demo) -> dict[str, int]:
    engine, _ = demo
    with engine.connect() as conn:
        return {name: team_id for team_id, name in conn.execute(select(m.Team.id, m.Team.name))}


def scalar(engine: Engine, stmt):
    with engine.connect() as conn:
        return conn.execute(stmt).scalar()


def share(condition, among=None):
    """SQL for the share of rows (among those matching ``among``) that match ``condition``."""
    if among is None:
        return func.avg(case((condition, 1.0), else_=0.0))
    return func.sum(case((and_(condition, among), 1.0), else_=0.0)) / func.nullif(
        func.sum(case((among, 1.0), else_=0.0)), 0
    )


# ---------------------------------------------------------------- size and shape


def test_counts_are_in_the_documented_ranges(demo):
    engine, summary = demo
    with engine.connect() as conn:
        counts = {
            name: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in (
                ("teams", m.Team),
                ("people", m.Person),
                ("accounts", m.Account),
                ("opportunities", m.Opportunity),
                ("opportunity_history", m.OpportunityHistory),
                ("subscriptions", m.Subscription),
                ("meetings", m.Meeting),
                ("utterances", m.Utterance),
                ("survey_responses", m.SurveyResponse),
                ("quotas", m.Quota),
            )
        }
        batches = {b.source: b for b in conn.execute(select(m.ImportBatch.__table__)).all()}
        batch_of = {
            "opportunities": conn.execute(select(distinct(m.Opportunity.source_batch_id))).scalars().all(),
            "history": conn.execute(select(distinct(m.OpportunityHistory.source_batch_id))).scalars().all(),
            "transcripts": conn.execute(select(distinct(m.Meeting.source_batch_id))).scalars().all(),
            "surveys": conn.execute(select(distinct(m.SurveyResponse.source_batch_id))).scalars().all(),
        }
        kinds = conn.execute(
            select(m.Team.name, func.count(distinct(m.Meeting.kind)))
            .join(m.Team, m.Team.id == m.Meeting.team_id)
            .group_by(m.Team.name)
        ).all()
        per_meeting = (
            conn.execute(select(func.count()).select_from(m.Utterance).group_by(m.Utterance.meeting_id))
            .scalars()
            .all()
        )
        distinct_sentences = conn.execute(select(func.count(distinct(m.Utterance.text)))).scalar_one()
    assert counts["teams"] == 11
    assert 65 <= counts["people"] <= 80
    assert counts["accounts"] == 1200
    assert 7000 <= counts["opportunities"] <= 9000
    assert 3.0 <= counts["opportunity_history"] / counts["opportunities"] <= 6.5
    assert counts["subscriptions"] >= 1000
    assert counts["meetings"] >= 600
    assert min(per_meeting) >= 25 and max(per_meeting) <= 60
    assert distinct_sentences > 5000
    assert {name for name, n in kinds if n == 5} == set(SALES_TEAMS)
    for name, count in counts.items():
        assert summary[name] == count
    # One batch per source, each pointed at by its own rows, stamped with when it was written.
    assert sorted(batches) == sorted(
        ["people", "quotas", "accounts", "opportunities", "history", "subscriptions", "transcripts", "surveys"]
    )
    assert all(b.status == "done" and b.format == "demo" and b.file_name == "demo seed 7" for b in batches.values())
    assert {source: ids for source, ids in batch_of.items()} == {
        source: [batches[source].id] for source in batch_of
    }
    assert batches["opportunities"].inserted == counts["opportunities"]
    assert batches["transcripts"].inserted == counts["meetings"] + counts["utterances"]
    assert sum(b.inserted for b in batches.values()) + 1 == summary["rows"] == sum(counts.values()) + 1  # + NSP
    assert all(b.started_at <= b.finished_at for b in batches.values())
    ordered = sorted(batches.values(), key=lambda b: b.id)
    assert all(a.finished_at <= b.started_at for a, b in zip(ordered, ordered[1:], strict=False))
    fractions = [f for f, _ in summary["progress"]]
    assert len(summary["progress"]) >= 6 and fractions == sorted(fractions) and fractions[-1] == 1.0


def test_organisation_structure(demo, team_ids):
    engine, _ = demo
    with engine.connect() as conn:
        people = conn.execute(select(m.Person.__table__)).all()
        teams = conn.execute(select(m.Team.__table__)).all()
        nsp = conn.execute(select(m.NobleSalesPurpose.__table__)).one()
    by_id = {p.id: p for p in people}
    parent = {t.name: t.parent_id for t in teams}
    assert parent["Company"] is None
    assert parent["Americas"] == parent["EMEA"] == team_ids["Company"]
    for name in SALES_TEAMS:
        assert parent[name] == team_ids["Americas" if name in SALES_TEAMS[:4] else "EMEA"]
    assert {p.name for p in people if p.role == "executive"} == {"Morgan Hale"}
    assert {p.name for p in people if p.role == "admin"} == {"Sam Ortiz"}
    assert len([p for p in people if p.role == "leader"]) == 2
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails) and all(e.endswith("@example.com") for e in emails)
    # sellers -> their team's manager -> region leader -> executive
    for seller in (p for p in people if p.role == "seller"):
        manager = by_id[seller.manager_id]
        assert manager.role == "manager" and manager.team_id == seller.team_id
        leader = by_id[manager.manager_id]
        assert leader.role == "leader" and by_id[leader.manager_id].role == "executive"
    assert sum(p.termination_date is not None for p in people) >= 6
    assert any(p.termination_voluntary for p in people)
    # Harbor has exactly four sellers on every day; the other teams five to nine.
    day = START
    while day <= END:
        for name in SALES_TEAMS:
            active = [
                p
                for p in people
                if p.role == "seller"
                and p.team_id == team_ids[name]
                and p.hire_date <= day
                and (p.termination_date is None or day <= p.termination_date)
            ]
            assert (len(active) == 4) if name == "Harbor" else (5 <= len(active) <= 9), (name, day)
        day += dt.timedelta(days=7)
    assert nsp.statement == NSP_STATEMENT and "run with confidence" in nsp.key_phrases
    assert nsp.launch_date == LAUNCH
    assert next(t for t in teams if t.name == "Evergreen").nsp_adopted_on == LAUNCH


def test_history_agrees_with_the_deals(demo):
    engine, _ = demo
    opp, hist = m.Opportunity, m.OpportunityHistory
    last = (
        select(hist.opportunity_id, func.max(hist.changed_at).label("at"))
        .group_by(hist.opportunity_id)
        .subquery()
    )
    with engine.connect() as conn:
        mismatched = conn.execute(
            select(func.count())
            .select_from(opp)
            .join(last, last.c.opportunity_id == opp.id)
            .join(hist, and_(hist.opportunity_id == opp.id, hist.changed_at == last.c.at))
            .where(opp.is_closed.is_(True), (hist.close_date != opp.close_date) | (hist.stage != opp.stage))
        ).scalar_one()
        without_history = conn.execute(
            select(func.count()).select_from(opp).where(~opp.id.in_(select(hist.opportunity_id)))
        ).scalar_one()
        bad_discount = conn.execute(
            select(func.count())
            .select_from(opp)
            .where(func.abs(opp.discount - (1 - opp.amount / opp.list_amount)) > 0.001)
        ).scalar_one()
        open_late = conn.execute(
            select(func.count()).select_from(opp).where(opp.is_closed.is_(False), opp.close_date <= END)
        ).scalar_one()
    assert mismatched == 0 and without_history == 0 and bad_discount == 0 and open_late == 0


# ---------------------------------------------------------------- determinism and idempotence


def table_digest(engine: Engine) -> dict[str, str]:
    """A hash of each table's rows in id order (utterance labels left out: the app relabels them)."""
    digests = {}
    with engine.connect() as conn:
        for model, columns in (
            (m.Team, None),
            (m.Person, None),
            (m.Account, None),
            (m.Opportunity, None),
            (m.OpportunityHistory, None),
            (m.Subscription, None),
            (m.Meeting, None),
            (m.SurveyResponse, None),
            (m.Quota, None),
            (
                m.Utterance,
                (
                    m.Utterance.meeting_id,
                    m.Utterance.seq,
                    m.Utterance.speaker,
                    m.Utterance.text,
                    m.Utterance.start_seconds,
                ),
            ),
        ):
            stmt = select(*columns) if columns else select(*model.__table__.columns)
            rows = conn.execute(stmt.order_by(model.id)).all()
            digests[model.__tablename__] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def test_same_seed_gives_identical_rows_and_a_second_init_loads_nothing(demo, fresh_engine):
    engine, summary = demo
    settings = Settings(database_url=str(fresh_engine.url))
    first = initialise(settings, demo=True, seed=7, end=END)
    assert first["demo"] == "loaded" and first["opportunities"] == summary["opportunities"]
    assert table_digest(fresh_engine) == table_digest(engine)
    second = initialise(settings, demo=True, seed=7, end=END)
    assert second["demo"] == "present"
    with fresh_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.ImportBatch)).scalar_one() == 8  # one per source
        assert (
            conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one()
            == summary["opportunities"]
        )


def test_a_different_seed_gives_a_different_organisation(demo):
    engine, _ = demo
    other = build_demo(8, END)
    with engine.connect() as conn:
        names = set(conn.execute(select(m.Person.name)).scalars())
        amounts = (
            conn.execute(select(m.Opportunity.list_amount).order_by(m.Opportunity.id).limit(200))
            .scalars()
            .all()
        )
    assert {p["name"] for p in other["people"]} != names
    assert [o["list_amount"] for o in other["opportunities"][:200]] != [int(a) for a in amounts]
    # The planted cast stays the same for every seed.
    assert {"Morgan Hale", "Sam Ortiz", SLIDING_TOP_SELLER} <= {p["name"] for p in other["people"]}


def test_loads_on_every_database_and_leaves_ids_usable(conn):
    summary = load_demo(conn, seed=3, end=dt.date(2025, 12, 31))
    assert (
        conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one() == summary["opportunities"]
    )
    # PostgreSQL sequences must have moved past the ids the demo wrote.
    new_id = conn.execute(insert(m.Team).values(name="Added later").returning(m.Team.id)).scalar_one()
    assert new_id > summary["teams"]


# ---------------------------------------------------------------- planted truths


def customer_share_by_team(
    engine: Engine, since: dt.date | None = None, until: dt.date | None = None
) -> dict:
    u, mt = m.Utterance, m.Meeting
    stmt = (
        select(m.Team.name, share(u.label == "customer_impact"))
        .join(mt, mt.id == u.meeting_id)
        .join(m.Team, m.Team.id == mt.team_id)
        .where(u.label != "other")
        .group_by(m.Team.name)
    )
    if since:
        stmt = stmt.where(mt.held_at >= dt.datetime.combine(since, dt.time()))
    if until:
        stmt = stmt.where(mt.held_at < dt.datetime.combine(until, dt.time()))
    with engine.connect() as conn:
        return dict(conn.execute(stmt).all())


def test_customer_talk_atlas_high_beacon_low_and_falling_evergreen_rising(demo):
    engine, _ = demo
    overall = customer_share_by_team(engine)
    assert overall["Atlas"] > 0.55 and overall["Beacon"] < 0.2
    assert overall["Atlas"] - overall["Beacon"] > 0.4
    for name in ("Cedar", "Delta", "Falcon", "Granite"):
        assert overall["Beacon"] < overall[name] < overall["Atlas"]
    year_one = customer_share_by_team(engine, until=dt.date(2025, 5, 1))
    year_two = customer_share_by_team(engine, since=dt.date(2025, 5, 1))
    assert year_two["Beacon"] < year_one["Beacon"]
    before = customer_share_by_team(engine, until=LAUNCH)
    after = customer_share_by_team(engine, since=LAUNCH)
    assert before["Evergreen"] < 0.35 and after["Evergreen"] > 0.5


def test_deal_reviews_openings_and_nsp_mentions(demo):
    engine, _ = demo
    u, mt = m.Utterance, m.Meeting
    asks = (
        select(u.id)
        .where(u.meeting_id == mt.id, u.label == "customer_impact", u.is_question.is_(True))
        .exists()
    )
    opens = select(u.id).where(u.meeting_id == mt.id, u.label == "customer_impact", u.seq <= 5).exists()
    nsp = select(u.id).where(u.meeting_id == mt.id, u.nsp_mention.is_(True)).exists()
    launched = mt.held_at >= dt.datetime.combine(LAUNCH, dt.time())
    with engine.connect() as conn:
        reviews = dict(
            conn.execute(
                select(m.Team.name, share(asks))
                .select_from(mt)
                .join(m.Team, m.Team.id == mt.team_id)
                .where(mt.kind == "deal_review")
                .group_by(m.Team.name)
            ).all()
        )
        rows = conn.execute(
            select(m.Team.name, share(opens), share(nsp, launched), share(nsp, ~launched))
            .select_from(mt)
            .join(m.Team, m.Team.id == mt.team_id)
            .group_by(m.Team.name)
        ).all()
    opening = {r[0]: r[1] for r in rows}
    nsp_after = {r[0]: r[2] for r in rows}
    assert reviews["Atlas"] > 0.9 and reviews["Beacon"] < 0.2
    assert opening["Atlas"] > 0.8 and opening["Beacon"] < 0.25
    assert nsp_after["Evergreen"] > 0.4 and nsp_after["Beacon"] == 0
    assert all(r[3] == 0 for r in rows)  # nobody quotes the NSP before it exists


def test_deal_behaviour_by_team(demo, team_ids):
    engine, _ = demo
    opp = m.Opportunity
    won = opp.is_won.is_(True)
    lost = and_(opp.is_closed.is_(True), opp.is_won.is_(False))
    discounted = and_(won, opp.discount > 0.001)
    open_ = opp.is_closed.is_(False)
    late = and_(open_, opp.is_late_stage.is_(True))
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                m.Team.name,
                share(opp.discount > 0.001, won),
                share(opp.loss_category == "price", lost),
                share(opp.loss_category == "disqualified", lost),
                share(opp.executive_sponsor.is_not(None), late),
                func.sum(case((and_(open_, opp.customer_outcome.is_not(None)), opp.amount), else_=0))
                / func.sum(case((open_, opp.amount), else_=0)),
                share(and_(opp.discount >= 0.17, opp.discount < 0.20), discounted),
                share(and_(opp.discount >= 0.20, opp.discount < 0.21), discounted),
            )
            .join(m.Team, m.Team.id == opp.team_id)
            .group_by(m.Team.name)
        ).all()
        wins = conn.execute(select(opp.team_id, opp.close_date, opp.amount).where(won)).all()
    figures = {r[0]: r[1:] for r in rows}
    atlas, beacon = figures["Atlas"], figures["Beacon"]
    assert atlas[0] < 0.4 and beacon[0] > 0.7  # won deals discounted
    assert atlas[1] < 0.25 and beacon[1] > 0.45  # losses on price
    assert atlas[2] > 0.15 and beacon[2] < 0.1  # walk-aways
    assert atlas[3] > beacon[3] + 0.3  # executive sponsor on late-stage deals
    assert atlas[4] > 0.75 and beacon[4] < 0.35  # open pipeline with a customer outcome
    assert beacon[5] > 0.15 and beacon[6] < 0.03  # bunching just under the 20% approval limit

    def last_14_share(team: str) -> float:
        mine = [(day, float(amount)) for team_id, day, amount in wins if team_id == team_ids[team]]
        late_amount = sum(a for day, a in mine if (quarter_of(day).end - day).days < 14)
        return late_amount / sum(a for _, a in mine)

    assert last_14_share("Beacon") > 0.35 and last_14_share("Atlas") < 0.25


def test_close_date_pushes_and_churn(demo, team_ids):
    engine, _ = demo
    hist = m.OpportunityHistory
    previous = func.lag(hist.close_date).over(partition_by=hist.opportunity_id, order_by=hist.changed_at)
    changes = select(hist.opportunity_id, hist.close_date.label("close"), previous.label("before")).subquery()
    sub = m.Subscription
    renewed = select(sub.renewed_from_id).where(sub.renewed_from_id.is_not(None))
    with engine.connect() as conn:
        pushes = dict(
            conn.execute(
                select(
                    m.Team.name,
                    func.sum(case((changes.c.close > changes.c.before, 1.0), else_=0.0))
                    / func.count(distinct(changes.c.opportunity_id)),
                )
                .select_from(changes)
                .join(m.Opportunity, m.Opportunity.id == changes.c.opportunity_id)
                .join(m.Team, m.Team.id == m.Opportunity.team_id)
                .group_by(m.Team.name)
            ).all()
        )
        churn = dict(
            conn.execute(
                select(m.Team.name, share(~sub.id.in_(renewed)))
                .select_from(sub)
                .join(m.Team, m.Team.id == sub.team_id)
                .where(sub.end_date < END)
                .group_by(m.Team.name)
            ).all()
        )
        concessions = dict(
            conn.execute(
                select(m.Team.name, func.count())
                .select_from(sub)
                .join(m.Team, m.Team.id == sub.team_id)
                .where(sub.concession_amount < 0.05 * sub.arr)
                .group_by(m.Team.name)
            ).all()
        )
    assert pushes["Beacon"] > 1.8 and pushes["Atlas"] < 0.8
    assert churn["Atlas"] < 0.1 and churn["Beacon"] > 0.2
    assert concessions["Beacon"] > 3 * concessions.get("Atlas", 0)


def test_surveys_morale_and_the_small_group(demo, team_ids):
    engine, _ = demo
    sr = m.SurveyResponse
    month = func.substr(func.cast(sr.submitted_at, String), 1, 7)
    enps = share(sr.score >= 9) - share(sr.score <= 6)
    with engine.connect() as conn:
        respondents = conn.execute(
            select(sr.team_id, month, func.count(distinct(sr.respondent_key)))
            .where(sr.question_code == "enps", sr.team_id.is_not(None))
            .group_by(sr.team_id, month)
        ).all()
        by_half = dict(
            conn.execute(
                select(sr.submitted_at < dt.datetime(2024, 11, 1), enps)
                .where(
                    sr.question_code == "enps",
                    sr.team_id == team_ids["Beacon"],
                    (sr.submitted_at < dt.datetime(2024, 11, 1))
                    | (sr.submitted_at >= dt.datetime(2025, 11, 1)),
                )
                .group_by(sr.submitted_at < dt.datetime(2024, 11, 1))
            ).all()
        )
        atlas = conn.execute(
            select(enps).where(sr.question_code == "enps", sr.team_id == team_ids["Atlas"])
        ).scalar()
        evergreen = dict(
            conn.execute(
                select(sr.submitted_at >= dt.datetime(2025, 7, 1), enps)
                .where(
                    sr.question_code == "enps",
                    sr.team_id == team_ids["Evergreen"],
                    (sr.submitted_at < dt.datetime(2025, 4, 1))
                    | (sr.submitted_at >= dt.datetime(2025, 7, 1)),
                )
                .group_by(sr.submitted_at >= dt.datetime(2025, 7, 1))
            ).all()
        )
        perception = conn.execute(
            select(func.count(distinct(sr.respondent_key)), func.count(distinct(sr.department))).where(
                sr.question_code == "sales_perception", sr.team_id.is_(None)
            )
        ).one()
        emails_as_keys = conn.execute(
            select(func.count()).select_from(sr).where(sr.respondent_key.contains("@"))
        ).scalar_one()
    sales_team_ids = {team_ids[name]: name for name in SALES_TEAMS}
    counts: dict[str, set[int]] = {}
    for team_id, _month, count in respondents:
        if team_id in sales_team_ids:
            counts.setdefault(sales_team_ids[team_id], set()).add(count)
    assert counts["Harbor"] == {4}
    assert all(min(v) >= 5 for name, v in counts.items() if name != "Harbor")
    assert len({mo for _t, mo, _c in respondents}) == 24
    assert by_half[True] - by_half[False] > 0.2  # Beacon's eNPS fell from its first to its last half-year
    assert atlas > 0.25
    assert evergreen[True] > evergreen[False] + 0.15
    assert perception[0] == 25 and perception[1] == 4
    assert emails_as_keys == 0


def test_beacons_top_seller_slides_to_the_middle(demo):
    engine, _ = demo
    opp = m.Opportunity

    def percentile_of_top_seller(first: dt.date, last: dt.date) -> float:
        """Share of the other sellers (org-wide, with a win in the period) who won less."""
        with engine.connect() as conn:
            totals = conn.execute(
                select(m.Person.name, func.sum(opp.amount))
                .join(m.Person, m.Person.id == opp.owner_id)
                .where(opp.is_won.is_(True), opp.close_date.between(first, last))
                .group_by(m.Person.name)
            ).all()
        mine = next(float(t) for name, t in totals if name == SLIDING_TOP_SELLER)
        return sum(float(t) < mine for name, t in totals if name != SLIDING_TOP_SELLER) / (len(totals) - 1)

    # The window's first year, and the last two full quarters (Q4 2025 and Q1 2026 for this end date).
    assert percentile_of_top_seller(dt.date(2024, 5, 1), dt.date(2025, 4, 30)) >= 0.75
    assert 0.25 <= percentile_of_top_seller(dt.date(2025, 10, 1), dt.date(2026, 3, 31)) < 0.75
