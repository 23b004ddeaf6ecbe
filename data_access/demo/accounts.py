"""Customer and prospect accounts, each in the book of one sales team."""

from __future__ import annotations

import random
from dataclasses import dataclass

from data_access.demo.ids import Ids
from data_access.demo.org import DemoTeam, Org
from data_access.demo.vocabulary import COMPANY_STEMS, INDUSTRIES, LEGAL_SUFFIX

ACCOUNT_COUNT = 1200
SEGMENTS = (("SMB", 0.5, 20, 199), ("Mid-Market", 0.35, 200, 1999), ("Enterprise", 0.15, 2000, 40000))


@dataclass
class DemoAccount:
    id: int
    name: str
    short_name: str
    segment: str
    industry: str
    employees: int
    region: str
    team: DemoTeam

    def row(self, rng: random.Random) -> dict:
        revenue_per_head = rng.uniform(90_000, 260_000)
        return {
            "id": self.id,
            "external_key": f"demo-account-{self.id:05d}",
            "name": self.name,
            "segment": self.segment,
            "industry": self.industry,
            "employees": self.employees,
            "annual_revenue": round(self.employees * revenue_per_head, -3),
            "region": self.region,
            "parent_name": None,
        }


def build_accounts(
    rng: random.Random, org: Org, ids: Ids, *, count: int = ACCOUNT_COUNT
) -> list[DemoAccount]:
    """About ``count`` (1,200) uniquely named accounts shared among the sales teams by team size."""
    combos = [
        (stem, industry, word)
        for stem in COMPANY_STEMS
        for industry, words in INDUSTRIES.items()
        for word in words
    ]
    rng.shuffle(combos)
    teams = org.sales_teams
    weights = [t.profile.seller_slots * t.profile.volume for t in teams if t.profile]
    accounts: list[DemoAccount] = []
    used: set[str] = set()
    for stem, industry, word in combos:
        if len(accounts) >= count:
            break
        team = rng.choices(teams, weights=weights)[0]
        suffix = rng.choice(LEGAL_SUFFIX[team.region or "Americas"])
        name = f"{stem} {word}" + (f" {suffix}" if suffix else "")
        if name in used:
            continue
        used.add(name)
        segment, _share, low, high = rng.choices(SEGMENTS, weights=[s[1] for s in SEGMENTS])[0]
        employees = int(round(low * (high / low) ** rng.random(), -1 if low >= 100 else 0))
        accounts.append(
            DemoAccount(
                ids.next("accounts"), name, stem, segment, industry, employees, team.region or "", team
            )
        )
    return accounts
