"""One-on-one prep: the facts about one seller a manager brings to a coaching conversation, and the
questions those facts suggest.

Every fact is read for a seller the viewer may see: the seller's team must be in the viewer's scope
(:func:`find_seller` returns None otherwise, and every other function starts from its result), and
each deal, meeting and quota row is also filtered by the scope in SQL. Aggregation happens in the
database; functions that return rows are bounded.

- Open deals are the seller's deals open *today* (not closed), whatever the period: what is on their
  desk this week. "Without a customer outcome" means the Customer Outcome field is empty.
- Pushes are close-date changes to a later date, counted from ``opportunity_history`` (never from a
  vendor's push counter), over the seller's open deals and deals closed in the period.
- Discounts are the registry's definition (explicit discount, else 1 - amount / list amount) over won
  deals closed in the period, for the seller and for the seller's team.
- Talk mix reads the deal reviews and one-on-ones held in the period that the seller was in: they
  spoke in it (an utterance whose speaker is their name, case and surrounding spaces ignored) or the
  one-on-one is recorded as theirs. Customer share = customer_impact / (customer_impact + revenue).
- Attainment is won amount over quota per calendar quarter, for the quarters up to the one holding
  the period's last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Connection, and_, case, exists, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope, quarter_of
from metrics.common import (
    as_date,
    as_float,
    at_times,
    discount_expr,
    has_text,
    on_days,
    percentile,
    team_clause,
)
from metrics.money import money_exact
from metrics.parameters import MetricSettings
from metrics.pushes import REPEATED_PUSHES, moves_per_deal

OPP = m.Opportunity
TALK_KINDS = ("deal_review", "one_on_one")
KIND_LABELS = {"deal_review": "Deal reviews", "one_on_one": "One-on-ones"}
SELLER_LIMIT = 500
DEAL_LIMIT = 50
PUSHED_LIMIT = 25
DEEPEST_LIMIT = 5
QUARTERS = 6


# --- Who -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seller:
    id: int
    name: str
    team_id: int
    team: str
    left_on: dt.date | None = None


def _seller_query(scope: Scope):
    person = m.Person
    return (
        select(person.id, person.name, person.team_id, m.Team.name.label("team"), person.termination_date)
        .join(m.Team, m.Team.id == person.team_id)
        .where(person.role == "seller", scope.clause(person.team_id))
    )


def _seller(row) -> Seller:
    return Seller(int(row.id), str(row.name), int(row.team_id), str(row.team), as_date(row.termination_date))


def sellers_in_scope(conn: Connection, scope: Scope, filters: Filters) -> list[Seller]:
    """The sellers of the teams the viewer may see and asked for, who were employed during the
    period (a seller who left before it started is not listed), by name; at most 500."""
    person, period = m.Person, filters.period
    rows = conn.execute(
        _seller_query(filters.team_ids_within(scope))
        .where(
            or_(person.termination_date.is_(None), person.termination_date >= period.start),
            or_(person.hire_date.is_(None), person.hire_date <= period.end),
        )
        .order_by(person.name, person.id)
        .limit(SELLER_LIMIT)
    ).all()
    return [_seller(row) for row in rows]


def find_seller(conn: Connection, scope: Scope, seller_id: int) -> Seller | None:
    """The seller with this id when their team is in ``scope``; None otherwise (the same answer for
    someone who does not exist, so the scope's edge cannot be probed)."""
    row = conn.execute(_seller_query(scope).where(m.Person.id == int(seller_id))).first()
    return None if row is None else _seller(row)


# --- Open deals without a customer outcome -----------------------------------------------------


@dataclass(frozen=True)
class OpenDeal:
    id: int
    deal: str
    account: str | None
    stage: str
    amount: float | None
    close_date: dt.date | None
    late_stage: bool


@dataclass(frozen=True)
class OpenPipeline:
    """The seller's open deals today: totals, and those without a customer outcome (late-stage first,
    then by amount; at most 50 listed, the counts cover all)."""

    deals: int
    amount: float
    without_outcome: int
    without_outcome_amount: float
    late_stage_without_outcome: int
    missing: list[OpenDeal] = field(default_factory=list)


def _seller_deals(scope: Scope, filters: Filters, seller: Seller) -> list:
    clauses = [OPP.owner_id == seller.id, team_clause(OPP.team_id, scope, filters)]
    if filters.segment:
        clauses.append(OPP.segment == filters.segment)
    return clauses


def open_pipeline(conn: Connection, scope: Scope, filters: Filters, seller: Seller) -> OpenPipeline:
    """The seller's open deals and which of them lack a documented customer outcome."""
    open_deals = [*_seller_deals(scope, filters, seller), OPP.is_closed.is_(False)]
    without = ~has_text(OPP.customer_outcome)
    amount = func.coalesce(as_float(OPP.amount), 0.0)
    deals, total, missing_n, missing_amount, late_missing = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(amount), 0.0),
            func.coalesce(func.sum(case((without, 1), else_=0)), 0),
            func.coalesce(func.sum(case((without, amount), else_=0.0)), 0.0),
            func.coalesce(func.sum(case((and_(without, OPP.is_late_stage.is_(True)), 1), else_=0)), 0),
        ).where(*open_deals)
    ).one()
    rows = conn.execute(
        select(
            OPP.id,
            OPP.name,
            m.Account.name.label("account"),
            OPP.stage,
            as_float(OPP.amount).label("amount"),
            OPP.close_date,
            OPP.is_late_stage,
        )
        .outerjoin(m.Account, m.Account.id == OPP.account_id)
        .where(*open_deals, without)
        .order_by(OPP.is_late_stage.desc(), OPP.amount.desc().nulls_last(), OPP.close_date, OPP.id)
        .limit(DEAL_LIMIT)
    ).all()
    listed = [
        OpenDeal(
            int(r.id),
            str(r.name),
            r.account,
            str(r.stage),
            None if r.amount is None else float(r.amount),
            as_date(r.close_date),
            bool(r.is_late_stage),
        )
        for r in rows
    ]
    return OpenPipeline(
        int(deals), float(total), int(missing_n), float(missing_amount), int(late_missing), listed
    )


# --- Deals pushed repeatedly -------------------------------------------------------------------


@dataclass(frozen=True)
class PushedDeal:
    id: int
    deal: str
    account: str | None
    stage: str
    amount: float | None
    first_close: dt.date | None
    close_date: dt.date | None
    pushes: int
    is_closed: bool
    is_won: bool

    @property
    def days_slipped(self) -> int | None:
        if self.first_close is None or self.close_date is None:
            return None
        return (self.close_date - self.first_close).days


@dataclass(frozen=True)
class PushedDeals:
    """How many of the seller's deals were pushed repeatedly, and the most pushed of them (at most 25);
    ``considered`` is how many of their deals have close-date history to tell (the sample)."""

    total: int
    deals: list[PushedDeal] = field(default_factory=list)
    considered: int = 0


def pushed_deals(
    conn: Connection, scope: Scope, filters: Filters, seller: Seller, min_pushes: int = REPEATED_PUSHES
) -> PushedDeals:
    """The seller's deals, open during the period or closed in it, whose close date was moved later at
    least ``min_pushes`` times up to the period's end; most pushes first. The Pipeline page lists the
    same deals for the seller's team (one definition of a push, :mod:`metrics.pushes`)."""
    from metrics.analyses.pipeline import deals_in_scope

    per_deal = moves_per_deal(
        deals_in_scope(scope, filters, OPP.owner_id == seller.id), until=filters.period.end
    )
    considered, total = conn.execute(
        select(func.count(), func.coalesce(func.sum(case((per_deal.c.pushes >= min_pushes, 1), else_=0)), 0))
        .select_from(per_deal)
    ).one()
    rows = conn.execute(
        select(
            OPP.id,
            OPP.name,
            m.Account.name.label("account"),
            OPP.stage,
            as_float(OPP.amount).label("amount"),
            per_deal.c.first_close,
            OPP.close_date,
            per_deal.c.pushes,
            OPP.is_closed,
            OPP.is_won,
        )
        .join(per_deal, per_deal.c.opportunity_id == OPP.id)
        .outerjoin(m.Account, m.Account.id == OPP.account_id)
        .where(per_deal.c.pushes >= min_pushes)
        .order_by(per_deal.c.pushes.desc(), OPP.amount.desc().nulls_last(), OPP.id)
        .limit(PUSHED_LIMIT)
    ).all()
    listed = [
        PushedDeal(
            int(r.id),
            str(r.name),
            r.account,
            str(r.stage),
            None if r.amount is None else float(r.amount),
            as_date(r.first_close),
            as_date(r.close_date),
            int(r.pushes),
            bool(r.is_closed),
            bool(r.is_won),
        )
        for r in rows
    ]
    return PushedDeals(int(total), listed, int(considered))


# --- Discounts against the team ----------------------------------------------------------------


@dataclass(frozen=True)
class DiscountStats:
    """Won deals closed in the period; the discount figures cover those with a known discount and
    are None when there is none."""

    won_deals: int
    with_discount: int
    median: float | None
    p90: float | None
    share_discounted: float | None


@dataclass(frozen=True)
class DiscountedDeal:
    id: int
    deal: str
    account: str | None
    amount: float | None
    list_amount: float | None
    discount: float
    close_date: dt.date | None


@dataclass(frozen=True)
class DiscountComparison:
    seller: DiscountStats
    team: DiscountStats
    deepest: list[DiscountedDeal] = field(default_factory=list)


def _discount_stats(conn: Connection, clauses: list, threshold: float) -> DiscountStats:
    disc = discount_expr()
    won = [*clauses, OPP.is_won.is_(True)]
    won_n, known, discounted = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((disc.is_not(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((disc >= threshold, 1), else_=0)), 0),
        ).where(*won)
    ).one()
    values = select(disc.label("d")).where(*won, disc.is_not(None))
    known = int(known)
    return DiscountStats(
        int(won_n),
        known,
        percentile(conn, values, 0.5) if known else None,
        percentile(conn, values, 0.9) if known else None,
        int(discounted) / known if known else None,
    )


def discount_comparison(
    conn: Connection, scope: Scope, filters: Filters, seller: Seller, settings: MetricSettings
) -> DiscountComparison:
    """The seller's discounts on won deals closed in the period against their team's (the whole team,
    seller included, within the viewer's scope and segment): median, P90 and share discounted (at or
    above the ``discounted_from`` setting), plus the seller's five deepest discounts."""
    threshold = settings.number("discounted_from")
    closed_in = on_days(OPP.close_date, filters.period)
    mine = [*_seller_deals(scope, filters, seller), closed_in]
    team = [OPP.team_id == seller.team_id, scope.clause(OPP.team_id), closed_in]
    if filters.segment:
        team.append(OPP.segment == filters.segment)
    disc = discount_expr()
    rows = conn.execute(
        select(
            OPP.id,
            OPP.name,
            m.Account.name.label("account"),
            as_float(OPP.amount).label("amount"),
            as_float(OPP.list_amount).label("list_amount"),
            disc.label("discount"),
            OPP.close_date,
        )
        .outerjoin(m.Account, m.Account.id == OPP.account_id)
        .where(*mine, OPP.is_won.is_(True), disc >= threshold)
        .order_by(disc.desc(), OPP.id)
        .limit(DEEPEST_LIMIT)
    ).all()
    deepest = [
        DiscountedDeal(
            int(r.id),
            str(r.name),
            r.account,
            None if r.amount is None else float(r.amount),
            None if r.list_amount is None else float(r.list_amount),
            float(r.discount),
            as_date(r.close_date),
        )
        for r in rows
    ]
    return DiscountComparison(
        _discount_stats(conn, mine, threshold), _discount_stats(conn, team, threshold), deepest
    )


# --- Talk mix of the meetings they were in -----------------------------------------------------


@dataclass(frozen=True)
class KindTalk:
    """Utterance counts of one meeting kind: the whole meetings and the seller's own words."""

    kind: str
    meetings: int
    customer_impact: int
    revenue: int
    seller_customer_impact: int
    seller_revenue: int

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def customer_share(self) -> float | None:
        relevant = self.customer_impact + self.revenue
        return self.customer_impact / relevant if relevant else None

    @property
    def seller_customer_share(self) -> float | None:
        relevant = self.seller_customer_impact + self.seller_revenue
        return self.seller_customer_impact / relevant if relevant else None


def talk_mix(conn: Connection, scope: Scope, filters: Filters, seller: Seller) -> list[KindTalk]:
    """Customer-impact and revenue utterances in the deal reviews and one-on-ones held in the period
    that the seller was in, per kind (both kinds always listed, zeros when there were none)."""
    mt, ut = m.Meeting, m.Utterance
    spoken = func.lower(func.trim(ut.speaker)) == seller.name.strip().lower()
    took_part = or_(
        mt.person_id == seller.id,
        exists().where(ut.meeting_id == mt.id, spoken),
    )
    meetings = select(mt.id).where(
        team_clause(mt.team_id, scope, filters),
        at_times(mt.held_at, filters.period),
        mt.kind.in_(TALK_KINDS),
        took_part,
    )

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = conn.execute(
        select(
            mt.kind,
            func.count(func.distinct(mt.id)),
            count(ut.label == "customer_impact"),
            count(ut.label == "revenue"),
            count(and_(spoken, ut.label == "customer_impact")),
            count(and_(spoken, ut.label == "revenue")),
        )
        .select_from(mt)
        .outerjoin(ut, ut.meeting_id == mt.id)
        .where(mt.id.in_(meetings))
        .group_by(mt.kind)
    ).all()
    found = {kind: KindTalk(kind, *(int(v) for v in values)) for kind, *values in rows}
    return [found.get(kind, KindTalk(kind, 0, 0, 0, 0, 0)) for kind in TALK_KINDS]


# --- Attainment trajectory ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterAttainment:
    start: dt.date
    end: dt.date
    won_amount: float
    won_deals: int
    quota: float | None

    @property
    def label(self) -> str:
        return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"

    @property
    def attainment(self) -> float | None:
        return self.won_amount / self.quota if self.quota else None


def recent_quarters(period: Period, count: int = QUARTERS) -> list[Period]:
    """``count`` calendar quarters ending with the one that holds the period's last day, oldest first."""
    quarters = [quarter_of(period.end)]
    while len(quarters) < count:
        quarters.insert(0, quarter_of(quarters[0].start - dt.timedelta(days=1)))
    return quarters


def attainment_trajectory(
    conn: Connection, scope: Scope, filters: Filters, seller: Seller, quarters: int = QUARTERS
) -> list[QuarterAttainment]:
    """Won amount (deals the seller owns, closed won in the quarter, all segments: quota is not per
    segment) against the seller's quota starting in each quarter. A quarter without quota has
    ``quota`` None and no attainment, never 0%."""
    periods = recent_quarters(filters.period, quarters)
    bucket = case(*[(on_days(OPP.close_date, q), i) for i, q in enumerate(periods)], else_=None)
    won = dict(
        (int(i), (float(amount or 0), int(n)))
        for i, amount, n in conn.execute(
            select(bucket, func.sum(as_float(OPP.amount)), func.count())
            .where(
                OPP.owner_id == seller.id,
                team_clause(OPP.team_id, scope, filters),
                OPP.is_won.is_(True),
                OPP.close_date.between(periods[0].start, periods[-1].end),
            )
            .group_by(bucket)
        ).all()
        if i is not None
    )
    quota_bucket = case(*[(on_days(m.Quota.period_start, q), i) for i, q in enumerate(periods)], else_=None)
    quota = dict(
        (int(i), float(amount))
        for i, amount in conn.execute(
            select(quota_bucket, func.sum(as_float(m.Quota.amount)))
            .where(
                m.Quota.person_id == seller.id,
                m.Quota.period_start.between(periods[0].start, periods[-1].end),
            )
            .group_by(quota_bucket)
        ).all()
        if i is not None and amount is not None
    )
    return [
        QuarterAttainment(q.start, q.end, won.get(i, (0.0, 0))[0], won.get(i, (0.0, 0))[1], quota.get(i))
        for i, q in enumerate(periods)
    ]


# --- All of it ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachingFacts:
    seller: Seller
    period: Period
    pipeline: OpenPipeline
    pushed: PushedDeals
    discounts: DiscountComparison
    talk: list[KindTalk]
    attainment: list[QuarterAttainment]


def coaching_facts(
    conn: Connection, scope: Scope, filters: Filters, seller_id: int, settings: MetricSettings
) -> CoachingFacts | None:
    """Every fact of the one-on-one brief for one seller, or None when the seller is not in ``scope``."""
    seller = find_seller(conn, scope, seller_id)
    if seller is None:
        return None
    return CoachingFacts(
        seller,
        filters.period,
        open_pipeline(conn, scope, filters, seller),
        pushed_deals(conn, scope, filters, seller),
        discount_comparison(conn, scope, filters, seller, settings),
        talk_mix(conn, scope, filters, seller),
        attainment_trajectory(conn, scope, filters, seller),
    )


# --- Questions to ask this week ----------------------------------------------------------------
#
# Each question comes from one small rule: a name and a function that looks at the coaching facts
# (and today's date) and returns one question or None. RULES lists them most telling first;
# questions_for runs them in that order. Adding a question means adding a rule.

MIN_QUESTIONS = 3
MAX_QUESTIONS = 7
_TIMES = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times", 7: "seven times"}
# A seller's discount worth a question: at least this much deeper than the team's median.
DISCOUNT_GAP = 0.05
# A customer share of the seller's own talk under this is worth a question.
LOW_CUSTOMER_SHARE = 0.5
MIN_UTTERANCES = 5
# Late-stage deals and pushed deals asked about at most.
LATE_STAGE_QUESTIONS = 2
PUSH_QUESTIONS = 2


@dataclass(frozen=True)
class Question:
    """A question to ask, and the fact it comes from (shown next to it, so it is never a guess).

    ``about`` names what it asks about (an account, a deal's pushes, the talk...): of two questions
    about the same thing only the first is asked."""

    text: str
    because: str
    topic: str
    about: str = field(default="", compare=False)


@dataclass(frozen=True)
class Rule:
    """One source of a question: ``ask(facts, today)`` returns the question or None. A ``fill`` rule
    only asks while fewer than :data:`MIN_QUESTIONS` questions were found before it."""

    name: str
    ask: Callable[[CoachingFacts, dt.date | None], Question | None]
    fill: bool = False


def _times(n: int) -> str:
    return _TIMES.get(n, f"{n} times")


def _who(account: str | None, deal: str) -> str:
    return account or deal


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def late_stage_without_outcome(facts: CoachingFacts, today: dt.date | None, nth: int = 0) -> Question | None:
    """The ``nth`` late-stage open deal without a customer outcome."""
    late = [d for d in facts.pipeline.missing if d.late_stage]
    if nth >= len(late):
        return None
    deal = late[nth]
    who = _who(deal.account, deal.deal)
    return Question(
        f"What is {who} trying to achieve, and what happens if they don't?",
        f"{deal.deal} is in {deal.stage} with no customer outcome written down.",
        "outcome",
        who,
    )


def pushed_repeatedly(facts: CoachingFacts, today: dt.date | None, nth: int = 0) -> Question | None:
    """The ``nth`` deal pushed repeatedly, open deals first: there is still time to act on them."""
    pushed = sorted(facts.pushed.deals, key=lambda d: d.is_closed)
    if nth >= len(pushed):
        return None
    deal = pushed[nth]
    who = _who(deal.account, deal.deal)
    if deal.is_closed:
        outcome = "was won" if deal.is_won else "was lost"
        text = (
            f"The {who} deal moved its close date {_times(deal.pushes)} before it {outcome}: what was the "
            "customer really waiting for?"
        )
    else:
        text = f"The {who} deal moved its close date {_times(deal.pushes)}: what is the customer waiting for?"
    return Question(text, f"{deal.deal}: close date pushed {deal.pushes} times.", "push", who + "#push")


def deeper_discount_than_team(facts: CoachingFacts, today: dt.date | None) -> Question | None:
    """The seller's deepest won discount when it is at least :data:`DISCOUNT_GAP` deeper than the
    team's median."""
    team_median = facts.discounts.team.median
    if team_median is None or not facts.discounts.deepest:
        return None
    deal = facts.discounts.deepest[0]
    if deal.discount < team_median + DISCOUNT_GAP:
        return None
    who = _who(deal.account, deal.deal)
    return Question(
        f"You discounted {_pct(deal.discount)} on {who} while the team's median is {_pct(team_median)}: "
        "what did the customer get for it?",
        f"{deal.deal}, won with a {_pct(deal.discount)} discount.",
        "discount",
        who + "#discount",
    )


def revenue_heavy_talk(facts: CoachingFacts, today: dt.date | None) -> Question | None:
    """The first meeting kind where under :data:`LOW_CUSTOMER_SHARE` of the seller's own words (at
    least :data:`MIN_UTTERANCES` of them) were about the customer."""
    for kind in facts.talk:
        share = kind.seller_customer_share
        enough = kind.seller_customer_impact + kind.seller_revenue >= MIN_UTTERANCES
        if share is not None and enough and share < LOW_CUSTOMER_SHARE:
            example = next(iter(facts.pipeline.missing), None)
            lead = f" — {_who(example.account, example.deal)}, say" if example else ""
            return Question(
                f"In {kind.label.lower()} {_pct(1 - share)} of what you said was about revenue: which customer's "
                f"goal could you open with next time{lead}?",
                f"{kind.seller_customer_impact} customer-impact and {kind.seller_revenue} revenue utterances of yours "
                f"in {kind.meetings} {kind.label.lower()}.",
                "talk",
                "talk",
            )
    return None


def attainment(facts: CoachingFacts, today: dt.date | None) -> Question | None:
    """The latest quarter's attainment: a finished quarter when ``today`` is past it, else whether
    the seller is under or at quota."""
    current = facts.attainment[-1] if facts.attainment else None
    if current is None or current.attainment is None:
        return None
    because = (
        f"Won {money_exact(current.won_amount)} against a quota of {money_exact(current.quota)} in {current.label}."
    )
    if today is not None and today > current.end:
        text = (
            f"You finished {current.label} at {_pct(current.attainment)} of quota: which customer did you help "
            "most on the way, and what made the difference for them?"
        )
    elif current.attainment < 1:
        text = (
            f"You are at {_pct(current.attainment)} of your {current.label} quota: which customers would "
            "genuinely be better off buying this quarter, and why?"
        )
    else:
        text = (
            f"You are at {_pct(current.attainment)} of your {current.label} quota: is any customer waiting on "
            "us because a deal is being held for next quarter?"
        )
    return Question(text, because, "attainment", "attainment")


def open_deal_without_outcome(facts: CoachingFacts, today: dt.date | None, nth: int = 0) -> Question | None:
    """The ``nth`` open deal without a customer outcome (late-stage ones first, as listed)."""
    missing = facts.pipeline.missing
    if nth >= len(missing):
        return None
    deal = missing[nth]
    who = _who(deal.account, deal.deal)
    return Question(
        f"What will be different for {who} once this is in place, and how will they measure it?",
        f"{deal.deal} ({deal.stage}) has no customer outcome written down.",
        "outcome",
        who,
    )


GENERAL_QUESTIONS = (
    "Which customer did you help most this month, and what changed for them?",
    "Which deal would you walk away from because we cannot really help that customer?",
    "What is the biggest problem one of your customers is trying to solve right now?",
)


def general(facts: CoachingFacts, today: dt.date | None, nth: int = 0) -> Question | None:
    """A question to ask whatever the numbers say (used to fill up to :data:`MIN_QUESTIONS`)."""
    text = GENERAL_QUESTIONS[nth]
    return Question(text, "A question to ask whatever the numbers say.", "general", text)


def _each(count: int, name: str, ask, fill: bool = False) -> tuple[Rule, ...]:
    """``count`` rules asking about the first, second... fact ``ask`` looks at."""
    return tuple(Rule(f"{name} #{n + 1}", partial(ask, nth=n), fill) for n in range(count))


# Most telling first. An open deal without an outcome is asked about at most once: the late-stage
# rule and the open-deal rule share its account as ``about``.
RULES: tuple[Rule, ...] = (
    *_each(LATE_STAGE_QUESTIONS, "late-stage deal without a customer outcome", late_stage_without_outcome),
    *_each(PUSH_QUESTIONS, "deal pushed repeatedly", pushed_repeatedly),
    Rule("discount deeper than the team's median", deeper_discount_than_team),
    Rule("revenue-heavy talk", revenue_heavy_talk),
    Rule("attainment of the latest quarter", attainment),
    *_each(DEAL_LIMIT, "open deal without a customer outcome", open_deal_without_outcome),
    *_each(len(GENERAL_QUESTIONS), "general question", general, fill=True),
)


def questions_for(
    facts: CoachingFacts, today: dt.date | None = None, limit: int = MAX_QUESTIONS, rules: tuple[Rule, ...] = RULES
) -> list[Question]:
    """Three to seven questions for this week, most telling first, each naming the account or deal
    its fact is about: the questions of ``rules`` in their order, one per ``about``, at most
    ``limit``; general questions fill up to three when the facts run short."""
    found: list[Question] = []
    asked: set[str] = set()
    for rule in rules:
        if len(found) >= limit:
            break
        if rule.fill and len(found) >= MIN_QUESTIONS:
            continue
        question = rule.ask(facts, today)
        if question is None:
            continue
        about = question.about or question.text
        if about not in asked:
            asked.add(about)
            found.append(question)
    return found[:limit]
