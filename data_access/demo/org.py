"""The demo organisation's structure: teams, people (with hires and leavers) and the NSP."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from data_access.demo.ids import Ids
from data_access.demo.profiles import (
    ADMIN,
    EXECUTIVE,
    LEADERS,
    SLIDING_TEAM,
    SLIDING_TOP_SELLER,
    TEAMS,
    TeamProfile,
    slide_weight,
)
from data_access.demo.timeline import Timeline, next_weekday
from data_access.demo.vocabulary import FIRST_NAMES, LAST_NAMES

NSP_STATEMENT = "We help growing companies run their operations with confidence."
NSP_KEY_PHRASES = (
    "run with confidence",
    "growing companies",
    "operations with confidence",
    "help growing companies",
    "with confidence",
)


@dataclass
class DemoTeam:
    id: int
    name: str
    parent_id: int | None
    region: str | None
    profile: TeamProfile | None = None
    manager: DemoPerson | None = None
    leader: DemoPerson | None = None
    sellers: list[DemoPerson] = field(default_factory=list)
    nsp_adopted_on: dt.date | None = None


@dataclass
class DemoPerson:
    id: int
    name: str
    role: str
    title: str
    team: DemoTeam
    manager_id: int | None
    hire_date: dt.date
    termination_date: dt.date | None = None
    termination_voluntary: bool | None = None
    # A seller's share of the team's new deals, before ramp-up and the planted slide.
    productivity: float = 1.0
    sliding: bool = False

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def email(self) -> str:
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        first, last = ascii_name.lower().replace("'", "").split(" ", 1)
        return f"{first}.{last.replace(' ', '')}@example.com"

    @property
    def external_key(self) -> str:
        return f"demo-person-{self.id:04d}"

    def active_on(self, day: dt.date) -> bool:
        return self.hire_date <= day and (self.termination_date is None or day <= self.termination_date)

    def deal_weight(self, day: dt.date, fraction: float) -> float:
        """How many deals this seller opens relative to a steady colleague, on ``day``."""
        if not self.active_on(day):
            return 0.0
        months_in = (day - self.hire_date).days / 30.4
        ramp = min(1.0, 0.3 + months_in / 5)
        base = slide_weight(fraction) if self.sliding else self.productivity
        return base * ramp


@dataclass
class Org:
    teams: list[DemoTeam]
    people: list[DemoPerson]
    company: DemoTeam
    regions: dict[str, DemoTeam]

    @property
    def sales_teams(self) -> list[DemoTeam]:
        return [t for t in self.teams if t.profile is not None]

    def team_rows(self) -> list[dict]:
        return [
            {
                "id": t.id,
                "name": t.name,
                "parent_id": t.parent_id,
                "region": t.region,
                "nsp_adopted_on": t.nsp_adopted_on,
            }
            for t in self.teams
        ]

    def person_rows(self) -> list[dict]:
        return [
            {
                "id": p.id,
                "external_key": p.external_key,
                "name": p.name,
                "email": p.email,
                "team_id": p.team.id,
                "manager_id": p.manager_id,
                "role": p.role,
                "title": p.title,
                "hire_date": p.hire_date,
                "termination_date": p.termination_date,
                "termination_voluntary": p.termination_voluntary,
            }
            for p in self.people
        ]


class _NamePicker:
    """Unique, varied names: no two people share a first name, so transcripts can use first names."""

    def __init__(self, rng: random.Random, reserved: list[str]) -> None:
        self.rng = rng
        self.used_first = {n.split(" ")[0] for n in reserved}
        self.used_last = {n.split(" ", 1)[1] for n in reserved}

    def pick(self) -> str:
        first = self.rng.choice([n for n in FIRST_NAMES if n not in self.used_first])
        last = self.rng.choice([n for n in LAST_NAMES if n not in self.used_last])
        self.used_first.add(first)
        self.used_last.add(last)
        return f"{first} {last}"


def build_org(rng: random.Random, timeline: Timeline, ids: Ids) -> Org:
    """Company > two regions > eight sales teams, with managers, sellers, hires and leavers."""
    reserved = [EXECUTIVE, ADMIN, *LEADERS.values(), SLIDING_TOP_SELLER, *(t.manager for t in TEAMS)]
    names = _NamePicker(rng, reserved)

    company = DemoTeam(ids.next("teams"), "Company", None, None)
    teams = [company]
    people: list[DemoPerson] = []

    def hire_before_start(min_days: int, max_days: int) -> dt.date:
        return next_weekday(timeline.start - dt.timedelta(days=rng.randint(min_days, max_days)))

    executive = DemoPerson(
        ids.next("people"),
        EXECUTIVE,
        "executive",
        "Chief Revenue Officer",
        company,
        None,
        hire_before_start(900, 2400),
    )
    admin = DemoPerson(
        ids.next("people"),
        ADMIN,
        "admin",
        "Sales Operations Lead",
        company,
        executive.id,
        hire_before_start(300, 1200),
    )
    people += [executive, admin]
    regions: dict[str, DemoTeam] = {}
    for region, leader_name in LEADERS.items():
        team = DemoTeam(ids.next("teams"), region, company.id, region)
        leader = DemoPerson(
            ids.next("people"),
            leader_name,
            "leader",
            f"VP Sales, {region}",
            team,
            executive.id,
            hire_before_start(600, 2000),
        )
        team.leader = leader
        regions[region] = team
        teams.append(team)
        people.append(leader)

    for prof in TEAMS:
        region = regions[prof.region]
        team = DemoTeam(ids.next("teams"), prof.name, region.id, prof.region, profile=prof)
        if prof.adopts_nsp:
            team.nsp_adopted_on = timeline.launch
        manager = DemoPerson(
            ids.next("people"),
            prof.manager,
            "manager",
            f"Sales Manager, {prof.name}",
            team,
            region.leader.id if region.leader else None,
            hire_before_start(200, 1800),
        )
        team.manager = manager
        teams.append(team)
        people.append(manager)
        exits = list(prof.exits)
        for slot in range(prof.seller_slots):
            sliding = prof.name == SLIDING_TEAM and slot == 0
            name = SLIDING_TOP_SELLER if sliding else names.pick()
            seller = DemoPerson(
                ids.next("people"),
                name,
                "seller",
                "Senior Account Executive" if sliding or rng.random() < 0.35 else "Account Executive",
                team,
                manager.id,
                hire_before_start(90, 1600 if not sliding else 1500),
                productivity=rng.uniform(0.75, 1.25),
                sliding=sliding,
            )
            team.sellers.append(seller)
            people.append(seller)
            # The planted top seller stays; exits go to the other seats, one seat at most each.
            if exits and not sliding and slot >= 1:
                fraction, voluntary = exits.pop(0)
                leave = next_weekday(timeline.day_at(fraction) + dt.timedelta(days=rng.randint(-10, 10)))
                seller.termination_date = leave
                seller.termination_voluntary = voluntary
                hire = next_weekday(leave + dt.timedelta(days=rng.randint(14, 45)))
                if hire <= timeline.end:
                    successor = DemoPerson(
                        ids.next("people"),
                        names.pick(),
                        "seller",
                        "Account Executive",
                        team,
                        manager.id,
                        hire,
                        productivity=rng.uniform(0.75, 1.2),
                    )
                    team.sellers.append(successor)
                    people.append(successor)
    return Org(teams=teams, people=people, company=company, regions=regions)


def nsp_row(ids: Ids, timeline: Timeline) -> dict:
    return {
        "id": ids.next("nsp"),
        "statement": NSP_STATEMENT,
        "key_phrases": list(NSP_KEY_PHRASES),
        "launch_date": timeline.launch,
    }
