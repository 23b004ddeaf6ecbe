"""Opportunities, their stage / amount / close-date history, and quotas.

Each deal is simulated from its creation: an expected close date, pushes and pull-ins, stage
moves, then a win or a loss (or still open on the demo's last day). The team's purpose health on
the relevant day decides how it is sold: discount, customer outcome, executive sponsor, loss
reason, and whether a win is dragged into the last two weeks of a quarter.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from dataclasses import dataclass, field

from data_access.demo import profiles as pf
from data_access.demo.accounts import DemoAccount
from data_access.demo.ids import Ids
from data_access.demo.org import DemoPerson, DemoTeam, Org
from data_access.demo.random_tools import chance, poisson, weekday_on_or_before, weighted, work_time
from data_access.demo.timeline import Timeline, add_months, month_starts, next_weekday, quarter_end
from data_access.demo.vocabulary import (
    COMPETITORS,
    CUSTOMER_OUTCOMES,
    FIRST_NAMES,
    LAST_NAMES,
    LOSS_REASONS,
    PRODUCTS,
    SPONSOR_TITLES,
)
from data_access.scope import quarter_of

# New deals a steady seller opens per month.
DEALS_PER_SELLER_MONTH = 5.8
STAGES = ("Prospecting", "Discovery", "Proposal", "Negotiation")
WON, LOST = "Closed Won", "Closed Lost"
PROBABILITY = {
    "Prospecting": 0.1,
    "Discovery": 0.2,
    "Proposal": 0.5,
    "Negotiation": 0.75,
    WON: 1.0,
    LOST: 0.0,
}
FORECAST = {
    "Prospecting": "Pipeline",
    "Discovery": "Pipeline",
    "Proposal": "Best Case",
    "Negotiation": "Commit",
    WON: "Closed",
    LOST: "Omitted",
}
LIST_MEDIAN = {"SMB": 12_000, "Mid-Market": 46_000, "Enterprise": 150_000}
CYCLE_DAYS = {"SMB": (20, 55), "Mid-Market": (40, 100), "Enterprise": (70, 170)}
TYPE_MIX = {"New Business": 0.56, "Expansion": 0.27, "Renewal": 0.17}
# The discount level above which a deal needs a VP's approval; unhealthy teams bunch just under it.
APPROVAL_LIMIT = 0.20
QUARTER_END_DAYS = 14


@dataclass
class DemoDeal:
    id: int
    account: DemoAccount
    owner: DemoPerson
    team: DemoTeam
    type: str
    product: str
    created: dt.date
    close: dt.date
    list_amount: int
    amount: int = 0
    stage: str = "Prospecting"
    loss_category: str | None = None
    loss_reason: str | None = None
    customer_outcome: str | None = None
    executive_sponsor: str | None = None
    pulled_to_quarter_end: bool = False
    # (when, what changed, new value); replayed into history rows once the deal is final.
    events: list[tuple[dt.datetime, str, object]] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return self.stage in (WON, LOST)

    @property
    def is_won(self) -> bool:
        return self.stage == WON

    @property
    def discount(self) -> float:
        return round(1 - self.amount / self.list_amount, 4) if self.list_amount else 0.0

    @property
    def name(self) -> str:
        if self.type == "Renewal":
            return f"{self.account.name} – {self.product} renewal {self.close.year}"
        if self.type == "Expansion":
            return f"{self.account.name} – {self.product} expansion"
        return f"{self.account.name} – {self.product}"

    def row(self, batch_id: int) -> dict:
        history = self.history_rows(batch_id)
        return {
            "id": self.id,
            "external_key": f"demo-opp-{self.id:06d}",
            "name": self.name,
            "account_id": self.account.id,
            "owner_id": self.owner.id,
            "team_id": self.team.id,
            "segment": self.account.segment,
            "product": self.product,
            "stage": self.stage,
            "amount": self.amount,
            "list_amount": self.list_amount,
            "discount": self.discount,
            "is_won": self.is_won,
            "is_closed": self.is_closed,
            "created_date": self.created,
            "close_date": self.close,
            "probability": PROBABILITY[self.stage],
            "type": self.type,
            "forecast_category": FORECAST[self.stage],
            "is_late_stage": self.stage == "Negotiation",
            "loss_reason": self.loss_reason,
            "loss_category": self.loss_category,
            "customer_outcome": self.customer_outcome,
            "executive_sponsor": self.executive_sponsor,
            "source_batch_id": batch_id,
            "updated_at": history[-1]["changed_at"],
        }

    def history_rows(self, batch_id: int) -> list[dict]:
        """One snapshot row per change, in time order, with strictly increasing timestamps."""
        rows: list[dict] = []
        state = {"stage": "Prospecting", "amount": self.list_amount, "close_date": None}
        last: dt.datetime | None = None
        for when, what, value in sorted(self.events, key=lambda e: e[0]):
            state[what] = value
            if what == "stage" and value in (WON, LOST):
                state["close_date"] = self.close
            if rows and when == rows[-1]["changed_at"]:
                # Changes made together (a stage move with its new amount) are one history row.
                rows[-1].update(state)
                continue
            if last is not None and when <= last:
                when = last + dt.timedelta(minutes=1)
            last = when
            rows.append({"opportunity_id": self.id, "changed_at": when, **state, "source_batch_id": batch_id})
        return rows


@dataclass
class Deals:
    deals: list[DemoDeal]
    quotas: list[dict]


def _list_amount(rng: random.Random, segment: str, deal_type: str) -> int:
    value = LIST_MEDIAN[segment] * rng.lognormvariate(0, 0.45)
    if deal_type == "Expansion":
        value *= 0.45
    elif deal_type == "Renewal":
        value *= 0.9
    return max(2_000, int(round(value, -2)))


def _discount(rng: random.Random, h: float, late_in_quarter: bool) -> float:
    if not chance(rng, pf.discounted_chance(h)):
        return 0.0
    if chance(rng, pf.deep_discount_chance(h)):
        pick = rng.random()
        if pick < 0.28:
            # Just under the approval limit: the discount a seller can give without asking anyone.
            return rng.uniform(0.17, APPROVAL_LIMIT - 0.002)
        if pick < 0.94:
            return min(0.5, rng.uniform(0.22, 0.45) + (0.04 if late_in_quarter else 0.0))
        return rng.uniform(0.08, 0.15)
    return min(0.14, max(0.01, 0.05 * rng.lognormvariate(0, 0.45)))


def _outcome(rng: random.Random) -> str:
    a = rng.randint(6, 15)
    return rng.choice(CUSTOMER_OUTCOMES).format(
        a=a,
        b=rng.randint(2, max(3, a // 2)),
        n=rng.randint(2, 14),
        pct=rng.choice((20, 25, 30, 40, 50, 60)),
        letter=rng.choice("ABC"),
    )


def _sponsor(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} ({rng.choice(SPONSOR_TITLES)})"


def _loss(rng: random.Random, h: float) -> tuple[str, str]:
    category = weighted(rng, pf.loss_mix(h))
    reason = rng.choice(LOSS_REASONS[category]).format(
        competitor=rng.choice(COMPETITORS), pct=rng.choice((5, 8, 10, 12, 15))
    )
    return category, reason


class _Simulator:
    def __init__(self, rng: random.Random, timeline: Timeline, health: pf.Health) -> None:
        self.rng = rng
        self.timeline = timeline
        self.health = health

    def when(self, day: dt.date) -> dt.datetime:
        return work_time(self.rng, day)

    def simulate(self, deal: DemoDeal, prof: pf.TeamProfile) -> bool:
        """Play the deal out; False when it closed before the window and is dropped."""
        rng, end = self.rng, self.timeline.end
        h_created = self.health.of(prof, deal.created)
        low, high = CYCLE_DAYS[deal.account.segment]
        if deal.type == "Renewal":
            low, high = 20, 45
        initial_close = deal.created + dt.timedelta(days=rng.randint(low, high))
        changes = [rng.randint(7, 35) for _ in range(poisson(rng, pf.push_rate(h_created)))]
        if chance(rng, 0.12):
            changes.insert(rng.randrange(len(changes) + 1), -rng.randint(5, 20))
        natural_close = initial_close + dt.timedelta(days=sum(changes))
        if natural_close < deal.created + dt.timedelta(days=7):
            natural_close = deal.created + dt.timedelta(days=7)
        deal.events.append((self.when(deal.created), "close_date", initial_close))
        life = max(7, (natural_close - deal.created).days)
        # Close-date changes spread over the deal's life, strictly before it closes.
        current = initial_close
        for index, delta in enumerate(changes):
            offset = int(life * (index + 1) / (len(changes) + 1) * rng.uniform(0.85, 1.0))
            day = deal.created + dt.timedelta(days=max(1, min(life - 1, offset)))
            if day > end:
                break
            current += dt.timedelta(days=delta)
            deal.events.append((self.when(day), "close_date", current))
        if natural_close > end:
            return self._leave_open(deal, prof, current, life)
        h = self.health.of(prof, natural_close)
        deal.close = natural_close
        win = pf.win_chance(h) * {"New Business": 1.0, "Expansion": 1.5, "Renewal": 2.3}[deal.type]
        won = chance(rng, min(0.93, win))
        if won and chance(rng, pf.quarter_end_pull_chance(h)):
            self._drag_to_quarter_end(deal)
        if deal.close < self.timeline.start:
            return False
        h = self.health.of(prof, deal.close)
        reached = 4 if won else rng.choices((1, 2, 3, 4), weights=(0.25, 0.3, 0.25, 0.2))[0]
        self._stage_moves(deal, reached, deal.close)
        late = (quarter_end(deal.close) - deal.close).days < QUARTER_END_DAYS
        discount = _discount(rng, h, late) if reached == 4 else 0.0
        deal.amount = int(round(deal.list_amount * (1 - discount), -1))
        if reached == 4 and deal.amount != deal.list_amount:
            negotiation_at = max(e[0] for e in deal.events if e[1] == "stage")
            deal.events.append((negotiation_at, "amount", deal.amount))
        deal.stage = WON if won else LOST
        deal.events.append((work_time(rng, deal.close, 16, 19), "stage", deal.stage))
        if not won:
            deal.loss_category, deal.loss_reason = _loss(rng, h)
        self._documentation(deal, h, reached)
        return True

    def _drag_to_quarter_end(self, deal: DemoDeal) -> None:
        """Move a win into the last two weeks of a quarter: pulled in from next quarter, or slipped."""
        rng = self.rng
        target = quarter_of(deal.close)
        if (deal.close - target.start).days < 45 and chance(rng, 0.5):
            target = quarter_of(target.start - dt.timedelta(days=1))
        if (target.end - deal.close).days in range(0, QUARTER_END_DAYS):
            return
        new_close = weekday_on_or_before(target.end - dt.timedelta(days=rng.randint(0, QUARTER_END_DAYS - 1)))
        if new_close < deal.created + dt.timedelta(days=10) or new_close > self.timeline.end:
            return
        decided = new_close - dt.timedelta(days=rng.randint(2, 12))
        decided = max(decided, deal.created + dt.timedelta(days=1))
        deal.events = [e for e in deal.events if e[0].date() < decided or e[0].date() == deal.created]
        deal.events.append((self.when(decided), "close_date", new_close))
        deal.close = new_close
        deal.pulled_to_quarter_end = True

    def _stage_moves(self, deal: DemoDeal, reached: int, until: dt.date) -> None:
        life = max(4, (until - deal.created).days)
        marks = (0.0, self.rng.uniform(0.18, 0.3), self.rng.uniform(0.42, 0.55), self.rng.uniform(0.68, 0.85))
        skip_discovery = self.rng.random() < (0.5 if deal.account.segment == "SMB" else 0.2)
        for index in range(1, reached):
            if index == 1 and skip_discovery:
                continue
            day = deal.created + dt.timedelta(days=max(1, min(life - 1, int(life * marks[index]))))
            deal.events.append((self.when(day), "stage", STAGES[index]))
        deal.stage = STAGES[reached - 1]

    def _leave_open(self, deal: DemoDeal, prof: pf.TeamProfile, current: dt.date, life: int) -> bool:
        rng, end = self.rng, self.timeline.end
        if current <= end:
            # An open deal whose close date has passed gets pushed again at month end, as they do.
            latest = max(e[0].date() for e in deal.events)
            day = max(latest + dt.timedelta(days=1), end - dt.timedelta(days=rng.randint(0, 10)))
            current = end + dt.timedelta(days=rng.randint(7, 40))
            deal.events.append((self.when(min(day, end)), "close_date", current))
        deal.close = current
        elapsed = (end - deal.created).days / max(1, life)
        reached = 1 + sum(elapsed >= mark for mark in (0.22, 0.48, 0.72))
        self._stage_moves(deal, reached, deal.created + dt.timedelta(days=life))
        deal.events = [e for e in deal.events if e[0].date() <= end]
        h = self.health.of(prof, end)
        discount = _discount(rng, h, False) if reached == 4 else 0.0
        deal.amount = int(round(deal.list_amount * (1 - discount), -1))
        if discount:
            negotiation_at = max(e[0] for e in deal.events if e[1] == "stage")
            deal.events.append((negotiation_at, "amount", deal.amount))
        self._documentation(deal, h, reached)
        return True

    def _documentation(self, deal: DemoDeal, h: float, reached: int) -> None:
        rng = self.rng
        if chance(rng, pf.outcome_chance(h)):
            deal.customer_outcome = _outcome(rng)
        if chance(rng, pf.sponsor_chance(h) * (1.0 if reached >= 3 else 0.35)):
            deal.executive_sponsor = _sponsor(rng)


def build_deals(
    rng: random.Random,
    timeline: Timeline,
    org: Org,
    accounts: list[DemoAccount],
    ids: Ids,
    *,
    volume: float = 1.0,
) -> Deals:
    """About 8,000 deals over the window (times ``volume``), then quotas, then late wins slipped by
    sellers over quota."""
    health = pf.Health(timeline)
    sim = _Simulator(rng, timeline, health)
    book: dict[int, list[DemoAccount]] = {}
    for account in accounts:
        book.setdefault(account.team.id, []).append(account)
    deals: list[DemoDeal] = []
    first_month = add_months(timeline.start.replace(day=1), -4)
    for team in org.sales_teams:
        prof = team.profile
        assert prof is not None
        starts: list[tuple[dt.date, DemoPerson]] = []
        for month in month_starts(first_month, timeline.end):
            mid = month + dt.timedelta(days=14)
            fraction = timeline.fraction(mid)
            for seller in team.sellers:
                weight = seller.deal_weight(mid, fraction)
                for _ in range(poisson(rng, DEALS_PER_SELLER_MONTH * prof.volume * weight * volume)):
                    day = next_weekday(month + dt.timedelta(days=rng.randint(0, 27)))
                    if day <= timeline.end and seller.active_on(day):
                        starts.append((day, seller))
        starts.sort(key=lambda s: (s[0], s[1].id))
        team_accounts = book.get(team.id, [])
        customers: list[DemoAccount] = []
        pending: list[tuple[dt.date, int, DemoAccount]] = []
        for created, seller in starts:
            while pending and pending[0][0] < created:
                customers.append(heapq.heappop(pending)[2])
            deal_type = weighted(rng, TYPE_MIX)
            if deal_type != "New Business" and customers:
                account = rng.choice(customers)
            else:
                deal_type = "New Business"
                account = rng.choice(team_accounts)
            product = rng.choice(PRODUCTS)
            deal = DemoDeal(
                id=0,
                account=account,
                owner=seller,
                team=team,
                type=deal_type,
                product=product,
                created=created,
                close=created,
                list_amount=_list_amount(rng, account.segment, deal_type),
            )
            if not sim.simulate(deal, prof):
                continue
            if deal.is_won and deal.type == "New Business":
                heapq.heappush(pending, (deal.close, account.id, account))
            _reassign_if_gone(rng, deal, team, timeline.end)
            deals.append(deal)
    quotas = _quotas(timeline, org, deals, ids)
    _slip_wins_over_quota(rng, timeline, org, deals, quotas)
    _plant_the_slide(rng, timeline, org, deals)
    deals.sort(key=lambda d: (d.created, d.team.id, d.owner.id, d.close, d.list_amount))
    for deal in deals:
        deal.id = ids.next("opportunities")
    return Deals(deals=deals, quotas=quotas)


def _reassign_if_gone(rng: random.Random, deal: DemoDeal, team: DemoTeam, end: dt.date) -> None:
    """A leaver's deals go to a colleague active on the day the deal closes (or today, if open)."""
    day = min(deal.close, end)
    if deal.owner.active_on(day):
        return
    colleagues = [s for s in team.sellers if s.active_on(day)]
    if colleagues:
        deal.owner = rng.choice(colleagues)


def _quarter_days(quarter_start: dt.date) -> int:
    return (quarter_end(quarter_start) - quarter_start).days + 1


def _quotas(timeline: Timeline, org: Org, deals: list[DemoDeal], ids: Ids) -> list[dict]:
    """One quota per seller per quarter employed, set near what a full-time seller wins."""
    quarters = timeline.quarters()
    won_by: dict[tuple[int, dt.date], int] = {}
    for deal in deals:
        if deal.is_won:
            key = (deal.owner.id, quarter_of(deal.close).start)
            won_by[key] = won_by.get(key, 0) + deal.amount
    full = [
        won_by.get((s.id, q), 0)
        for t in org.sales_teams
        for s in t.sellers
        for q in quarters
        if s.active_on(q) and s.active_on(quarter_end(q)) and (q - s.hire_date).days > 120
    ]
    base = round(sum(full) / max(1, len(full)) * 1.05, -4)
    rows: list[dict] = []
    for team in org.sales_teams:
        for seller in team.sellers:
            for start in quarters:
                end = quarter_end(start)
                first = max(start, seller.hire_date)
                last = min(end, seller.termination_date or end)
                if last < first:
                    continue
                share = ((last - first).days + 1) / _quarter_days(start)
                ramp = 0.6 if (start - seller.hire_date).days < 90 else 1.0
                rows.append(
                    {
                        "id": ids.next("quotas"),
                        "person_id": seller.id,
                        "period_start": start,
                        "period_end": end,
                        "amount": round(base * share * ramp, -3),
                    }
                )
    return rows


def _slip_wins_over_quota(
    rng: random.Random, timeline: Timeline, org: Org, deals: list[DemoDeal], quotas: list[dict]
) -> None:
    """Sellers already over quota push late wins into the first days of the next quarter."""
    quota_of = {(q["person_id"], q["period_start"]): q["amount"] for q in quotas}
    slipping = {t.id: t.profile.sandbag for t in org.sales_teams if t.profile and t.profile.sandbag}
    wins: dict[tuple[int, dt.date], list[DemoDeal]] = {}
    for deal in deals:
        if deal.is_won and deal.team.id in slipping:
            wins.setdefault((deal.owner.id, quarter_of(deal.close).start), []).append(deal)
    for (person_id, start), quarter_wins in sorted(wins.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        quota = quota_of.get((person_id, start))
        next_start = quarter_end(start) + dt.timedelta(days=1)
        if not quota or next_start + dt.timedelta(days=7) > timeline.end:
            continue
        won = 0
        closes = sorted(quarter_wins, key=lambda d: (d.close, d.list_amount))
        for deal in closes:
            late = (quarter_end(start) - deal.close).days < QUARTER_END_DAYS
            if won >= quota and late and chance(rng, slipping[deal.team.id]):
                new_close = next_weekday(next_start + dt.timedelta(days=rng.randint(0, 4)))
                decided = max(
                    deal.created + dt.timedelta(days=1), deal.close - dt.timedelta(days=rng.randint(1, 6))
                )
                deal.events = [e for e in deal.events if not (e[1] == "stage" and e[2] == WON)]
                deal.events.append((work_time(rng, decided), "close_date", new_close))
                deal.events.append((work_time(rng, new_close, 16, 19), "stage", WON))
                deal.close = new_close
                deal.pulled_to_quarter_end = False
                continue
            won += deal.amount


def slide_periods(timeline: Timeline) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """The planted top seller's two periods: the window's first year, and its last two full quarters."""
    first_year = (timeline.start, add_months(timeline.start, 12) - dt.timedelta(days=1))
    last = quarter_of(timeline.end)
    last_full_end = last.end if last.end == timeline.end else last.start - dt.timedelta(days=1)
    two_start = quarter_of(quarter_of(last_full_end).start - dt.timedelta(days=1)).start
    return first_year, (two_start, last_full_end)


def _percentile(value: float, others: list[float]) -> float:
    return sum(o < value for o in others) / max(1, len(others))


def _plant_the_slide(rng: random.Random, timeline: Timeline, org: Org, deals: list[DemoDeal]) -> None:
    """Make the sliding top seller's story hold whatever the dice did with a few big deals.

    Won amounts are lumpy (one enterprise deal can be a quarter's number), so after the simulation
    wins are handed between the seller and teammates until the seller is top quartile of all
    sellers in the first year and in the middle quartiles in the last two full quarters.
    """
    team = next(t for t in org.sales_teams if t.name == pf.SLIDING_TEAM)
    star = next(s for s in team.sellers if s.sliding)
    (year_start, year_end), (recent_start, recent_end) = slide_periods(timeline)

    def totals(first: dt.date, last: dt.date) -> tuple[float, list[float]]:
        by_owner: dict[int, float] = {}
        for deal in deals:
            if deal.is_won and first <= deal.close <= last:
                by_owner[deal.owner.id] = by_owner.get(deal.owner.id, 0) + deal.amount
        mine = by_owner.pop(star.id, 0.0)
        return mine, list(by_owner.values())

    def wins_of(owner_test, first: dt.date, last: dt.date) -> list[DemoDeal]:
        found = [
            d for d in deals if d.is_won and d.team is team and first <= d.close <= last and owner_test(d)
        ]
        return sorted(found, key=lambda d: (-d.amount, d.created))

    for deal in wins_of(lambda d: d.owner is not star, year_start, year_end):
        mine, others = totals(year_start, year_end)
        if _percentile(mine, others) >= 0.85:
            break
        deal.owner = star
    for deal in wins_of(lambda d: d.owner is star, recent_start, recent_end):
        mine, others = totals(recent_start, recent_end)
        if _percentile(mine, others) <= 0.6:
            break
        if _percentile(mine - deal.amount, others) < 0.35:
            continue
        colleagues = [s for s in team.sellers if s is not star and s.active_on(deal.close)]
        if colleagues:
            deal.owner = rng.choice(colleagues)
    for deal in reversed(wins_of(lambda d: d.owner is not star, recent_start, recent_end)):
        mine, others = totals(recent_start, recent_end)
        if _percentile(mine, others) >= 0.4:
            break
        if _percentile(mine + deal.amount, others) < 0.7:
            deal.owner = star
