"""Internal meetings of every kind, with transcripts whose talk reflects each team's health.

The labels are planted: each utterance's ``label`` is the family its sentence was drawn from,
with ``classifier_version = "demo-planted"`` and confidence 1.0. The real classifier relabels
them later. What is planted per meeting: the share of customer-impact talk among purposeful
talk, whether a customer question is asked, whether the meeting opens with a customer, and
whether the NSP comes up.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from dataclasses import dataclass
from itertools import compress

from data_access.demo import language as lang
from data_access.demo import profiles as pf
from data_access.demo.cadence import Cadence
from data_access.demo.deals import DemoDeal
from data_access.demo.ids import Ids
from data_access.demo.org import DemoPerson, DemoTeam, Org
from data_access.demo.random_tools import chance
from data_access.demo.timeline import Timeline, next_weekday
from data_access.demo.vocabulary import CUSTOMER_GOALS
from data_access.scope import quarter_of

CLASSIFIER_VERSION = "demo-planted"
# Utterances that count as a meeting's opening (symptom 3 reads the first 10, or 3 minutes).
OPENING = 10
KIND_TILT = {
    "deal_review": 1.0,
    "pipeline_review": 0.9,
    "forecast_call": 0.75,
    "one_on_one": 1.12,
    "leadership": 1.0,
}
# How often the NSP comes up in a meeting after launch, by team.
NSP_RATE = {"Evergreen": 0.6, "Atlas": 0.18, "Beacon": 0.0, "Company": 0.7, "Americas": 0.3, "EMEA": 0.4}
NSP_RATE_DEFAULT = 0.06


@dataclass
class Plan:
    """One meeting to generate."""

    kind: str
    held_at: dt.datetime
    team: DemoTeam
    title: str
    chair: DemoPerson
    attendees: list[DemoPerson]
    health: float
    one_on_one_with: DemoPerson | None = None


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.choice((9, 10, 11, 13, 14, 15)), rng.choice((0, 0, 30))))


def _plans(rng: random.Random, timeline: Timeline, org: Org, cadence: Cadence) -> list[Plan]:
    health = pf.Health(timeline)
    plans: list[Plan] = []

    def team_health(team: DemoTeam, day: dt.date) -> float:
        if team.profile is not None:
            return health.of(team.profile, day)
        children = [t for t in org.sales_teams if t.parent_id == team.id] or org.sales_teams
        return sum(health.of(t.profile, day) for t in children if t.profile) / len(children)

    for team in org.sales_teams:
        manager = team.manager
        assert manager is not None and team.profile is not None
        region = next(r for r in org.regions.values() if r.id == team.parent_id)

        def add(kind: str, day: dt.date, title: str, chair: DemoPerson, others: list[DemoPerson], team=team):
            if day > timeline.end or day < timeline.start:
                return None
            plan = Plan(kind, _at(rng, day), team, title, chair, [chair, *others], team_health(team, day))
            plans.append(plan)
            return plan

        def sellers_on(day: dt.date, team=team) -> list[DemoPerson]:
            return [s for s in team.sellers if s.active_on(day)]

        day = next_weekday(timeline.start + dt.timedelta(days=(1 - timeline.start.weekday()) % 7))
        while day <= timeline.end:
            add("deal_review", day, f"{team.name} deal review – {day:%d %b}", manager, sellers_on(day))
            day += dt.timedelta(days=cadence.deal_review_days)
        for month in timeline.months():
            first_monday = next_weekday(month + dt.timedelta(days=(7 - month.weekday()) % 7))
            add(
                "pipeline_review",
                first_monday,
                f"{team.name} pipeline review – {month:%B %Y}",
                manager,
                sellers_on(first_monday),
            )
            third_thursday = month + dt.timedelta(days=(3 - month.weekday()) % 7 + 14)
            quarter = quarter_of(month)
            label = f"Q{(quarter.start.month - 1) // 3 + 1} {quarter.start.year}"
            add(
                "forecast_call",
                third_thursday,
                f"{team.name} forecast call – {label}",
                manager,
                sellers_on(third_thursday),
            )
            if month.month % 3 == 0:
                last_tuesday = quarter.end - dt.timedelta(days=(quarter.end.weekday() - 1) % 7)
                add(
                    "forecast_call",
                    last_tuesday,
                    f"{team.name} quarter-end forecast – {label}",
                    manager,
                    sellers_on(last_tuesday),
                )
            for week in (1, 3):
                one_day = next_weekday(month + dt.timedelta(days=7 * week + rng.randint(0, 3)))
                present = sellers_on(one_day)
                if not present:
                    continue
                seller = present[(month.month * 2 + week + month.year) % len(present)]
                plan = add(
                    "one_on_one",
                    one_day,
                    f"1:1 {manager.first_name} / {seller.first_name}",
                    manager,
                    [seller],
                )
                if plan:
                    plan.one_on_one_with = seller
        for quarter_start in timeline.quarters():
            qbr = next_weekday(quarter_start + dt.timedelta(days=rng.randint(7, 12)))
            label = f"Q{(quarter_start.month - 1) // 3 + 1} {quarter_start.year}"
            assert region.leader is not None
            add(
                "leadership",
                qbr,
                f"{team.name} quarterly business review – {label}",
                region.leader,
                [manager],
            )

    executive = next(p for p in org.people if p.role == "executive")
    leaders = [r.leader for r in org.regions.values() if r.leader]
    for month in timeline.months():
        for region in org.regions.values():
            assert region.leader is not None
            day = next_weekday(month + dt.timedelta(days=rng.randint(2, 6)))
            managers = [t.manager for t in org.sales_teams if t.parent_id == region.id and t.manager]
            if timeline.start <= day <= timeline.end:
                plans.append(
                    Plan(
                        "leadership",
                        _at(rng, day),
                        region,
                        f"{region.name} leadership meeting – {month:%B %Y}",
                        region.leader,
                        [region.leader, *managers],
                        team_health(region, day),
                    )
                )
        day = next_weekday(month + dt.timedelta(days=rng.randint(8, 12)))
        if timeline.start <= day <= timeline.end:
            plans.append(
                Plan(
                    "leadership",
                    _at(rng, day),
                    org.company,
                    f"Sales leadership staff meeting – {month:%B %Y}",
                    executive,
                    [executive, *leaders],
                    team_health(org.company, day),
                )
            )
    plans.sort(key=lambda p: (p.held_at, p.team.id, p.kind, p.title))
    return plans


class _Deals:
    """The deals each team is working on a given day, to talk about."""

    def __init__(self, deals: list[DemoDeal]) -> None:
        self.by_team: dict[int, list[DemoDeal]] = {}
        for deal in deals:
            self.by_team.setdefault(deal.team.id, []).append(deal)
        # Per team, when its deals were created and close: a team's deals come in creation order, so
        # the deals created by a day are a prefix found by bisection (the large demo asks this 45,000
        # times of lists of 5,000 deals).
        self.created = {t: [d.created for d in ds] for t, ds in self.by_team.items()}
        self.closes = {t: [d.close for d in ds] for t, ds in self.by_team.items()}
        self.in_order = all(c == sorted(c) for c in self.created.values())

    def open_on(self, team_ids: list[int], day: dt.date) -> list[DemoDeal]:
        if not self.in_order:
            return [d for t in team_ids for d in self.by_team.get(t, ()) if d.created <= day <= d.close]
        found: list[DemoDeal] = []
        for t in team_ids:
            if t not in self.by_team:
                continue
            created_by_day = bisect_right(self.created[t], day)
            found.extend(compress(self.by_team[t][:created_by_day], map(day.__le__, self.closes[t])))
        return found


def _topic(rng: random.Random, deal: DemoDeal) -> lang.Topic:
    name = deal.account.short_name if rng.random() < 0.7 else deal.account.name
    return lang.Topic(
        name, deal.amount or deal.list_amount, deal.product, deal.customer_outcome, rng.choice(CUSTOMER_GOALS)
    )


def build_meetings(
    rng: random.Random,
    timeline: Timeline,
    org: Org,
    deals: list[DemoDeal],
    ids: Ids,
    batch_id: int,
    cadence: Cadence = Cadence(),
) -> tuple[list[dict], list[dict]]:
    """About 1,400 meetings and their utterances, as rows (more at a busier ``cadence``)."""
    working = _Deals(deals)
    meeting_rows: list[dict] = []
    utterance_rows: list[dict] = []
    for plan in _plans(rng, timeline, org, cadence):
        team_ids = (
            [plan.team.id]
            if plan.team.profile
            else [t.id for t in org.sales_teams if t.parent_id == plan.team.id]
        )
        if not team_ids:
            team_ids = [t.id for t in org.sales_teams]
        open_deals = working.open_on(team_ids, plan.held_at.date())
        if plan.one_on_one_with is not None:
            own = [d for d in open_deals if d.owner.id == plan.one_on_one_with.id]
            open_deals = own or open_deals
        meeting_id = ids.next("meetings")
        lines = _transcript(rng, plan, open_deals, timeline, cadence.talk_length)
        clock = rng.uniform(0.5, 4.0)
        for seq, (speaker, text, label, question, nsp) in enumerate(lines, start=1):
            length = len(text.split()) / 2.6 + rng.uniform(0.4, 1.6)
            utterance_rows.append(
                {
                    "id": ids.next("utterances"),
                    "meeting_id": meeting_id,
                    "seq": seq,
                    "speaker": speaker,
                    "start_seconds": round(clock, 2),
                    "end_seconds": round(clock + length, 2),
                    "text": text,
                    "label": label,
                    "confidence": 1.0,
                    "evidence": None,
                    "is_question": question,
                    "nsp_mention": nsp,
                    "classifier_version": CLASSIFIER_VERSION,
                }
            )
            clock += length + rng.uniform(0.2, 2.5)
        meeting_rows.append(
            {
                "id": meeting_id,
                "external_key": f"demo-meeting-{meeting_id:05d}",
                "kind": plan.kind,
                "held_at": plan.held_at,
                "team_id": plan.team.id,
                "title": plan.title,
                "duration_seconds": round(clock + rng.uniform(20, 240), 1),
                "source": "demo",
                "person_id": plan.one_on_one_with.id if plan.one_on_one_with else None,
                "source_batch_id": batch_id,
            }
        )
    return meeting_rows, utterance_rows


Line = tuple[str, str, str, bool, bool]


def _transcript(
    rng: random.Random, plan: Plan, open_deals: list[DemoDeal], timeline: Timeline, length: float = 1.0
) -> list[Line]:
    """The utterances of one meeting: (speaker, text, label, is_question, nsp_mention)."""
    h = plan.health
    quarter = quarter_of(plan.held_at.date())
    speech = lang.Speech(
        rng,
        [p.first_name for p in plan.attendees] or [plan.chair.first_name],
        sorted({d.account.short_name for d in open_deals})[:40] or ["Globex"],
        f"Q{(quarter.start.month - 1) // 3 + 1}",
    )
    customer_share = min(0.95, pf.customer_talk_share(h) * KIND_TILT[plan.kind])
    asks = chance(rng, pf.customer_question_chance(h))
    opens = chance(rng, pf.opens_with_customer_chance(h))
    launched = plan.held_at.date() >= timeline.launch
    nsp_talk = launched and chance(rng, NSP_RATE.get(plan.team.name, NSP_RATE_DEFAULT))
    size = rng.randint(25, 42) if plan.kind == "one_on_one" else rng.randint(28, 58)
    size = round(size * length)
    others = [p for p in plan.attendees if p.id != plan.chair.id] or [plan.chair]
    chair = plan.chair.name

    deals = open_deals[:]
    rng.shuffle(deals)
    deals = deals[:8]
    fallback = lang.random_topic(rng, speech.other_accounts[0])

    def topic_and_owner(index: int) -> tuple[lang.Topic, str]:
        if not deals:
            return fallback, rng.choice(others).name
        deal = deals[min(len(deals) - 1, index // 6)]
        owner = next((p.name for p in others if p.id == deal.owner.id), rng.choice(others).name)
        return _topic(rng, deal), owner

    lines: list[Line] = []

    def say(speaker: str, template: str, topic: lang.Topic, label: str, nsp: bool = False) -> None:
        text = speech.render(template, topic, speaker.split(" ", 1)[0])
        lines.append((speaker, text, label, text.endswith("?"), nsp))

    say(chair, rng.choice(lang.GREETINGS), fallback, "other")
    if rng.random() < 0.7:
        say(
            rng.choice([chair, *[p.name for p in others]]),
            rng.choice(lang.OTHER_STATEMENTS + lang.OTHER_QUESTIONS),
            fallback,
            "other",
        )
    if opens:
        topic, _owner = topic_and_owner(0)
        if rng.random() < 0.4:
            say(chair, rng.choice(lang.CUSTOMER_OPENER_QUESTIONS), topic, "customer_impact")
            say(_owner, rng.choice(lang.CUSTOMER_STATEMENTS), topic, "customer_impact")
        else:
            say(chair, rng.choice(lang.CUSTOMER_OPENERS), topic, "customer_impact")
    nsp_slots = sorted(rng.sample(range(4, size - 4), k=rng.randint(1, 2))) if nsp_talk else []
    asked = False
    question_slot = rng.randint(len(lines) + 2, max(len(lines) + 3, size // 2))
    while len(lines) < size - 1:
        index = len(lines)
        topic, owner = topic_and_owner(index)
        if nsp_slots and index >= nsp_slots[0]:
            nsp_slots.pop(0)
            if rng.random() < 0.4:
                say(chair, rng.choice(lang.NSP_QUESTIONS), topic, "customer_impact", nsp=True)
            else:
                say(
                    rng.choice([chair, owner]),
                    rng.choice(lang.NSP_STATEMENTS),
                    topic,
                    "customer_impact",
                    nsp=True,
                )
            continue
        roll = rng.random()
        if roll < 0.2:
            say(
                rng.choice([chair, owner]),
                rng.choice(lang.OTHER_STATEMENTS + lang.OTHER_QUESTIONS),
                topic,
                "other",
            )
            continue
        customer = rng.random() < customer_share and (opens or index >= OPENING)
        must_ask = asks and not asked and index >= question_slot
        if must_ask or (customer and asks and rng.random() < 0.35):
            say(chair, rng.choice(lang.CUSTOMER_QUESTIONS), topic, "customer_impact")
            say(owner, rng.choice(lang.CUSTOMER_STATEMENTS), topic, "customer_impact")
            asked = True
        elif customer:
            say(
                owner if rng.random() < 0.75 else chair,
                rng.choice(lang.CUSTOMER_STATEMENTS),
                topic,
                "customer_impact",
            )
        elif rng.random() < 0.3:
            say(chair, rng.choice(lang.REVENUE_QUESTIONS), topic, "revenue")
            say(owner, rng.choice(lang.REVENUE_STATEMENTS), topic, "revenue")
        else:
            say(owner if rng.random() < 0.7 else chair, rng.choice(lang.REVENUE_STATEMENTS), topic, "revenue")
    say(chair, rng.choice(lang.CLOSINGS), fallback, "other")
    return lines
