"""Who the demo teams are and how healthy each is on a given day.

Every behaviour the demo plants (customer talk, discounting, pushes, churn, morale...) is a
function of one number, the team's *purpose health* ``h`` in [0, 1] on that day: 1 is a team that
sells for the customer's sake, 0 one that has lost its purpose. Each behaviour interpolates
between a "lost" and a "healthy" value, so a team's symptoms move together, as the seeds say
they do. docs/demo-data.md lists the values that come out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from data_access.demo.timeline import Timeline, ease

Curve = Callable[[float, bool, float], float]
"""(fraction of the window, NSP launched yet, days since launch) -> health."""


@dataclass(frozen=True)
class TeamProfile:
    name: str
    region: str
    manager: str
    seller_slots: int
    # Seller exits: (fraction of the window, voluntary). Each is replaced a few weeks later.
    exits: tuple[tuple[float, bool], ...]
    curve: Curve
    # Relative number of deals a seller creates per month.
    volume: float = 1.0
    adopts_nsp: bool = False
    # Sellers already over quota slip late wins into the next quarter with this probability.
    sandbag: float = 0.0
    # eNPS (-1..1) by fraction of the window, when morale follows its own story rather than health.
    enps_curve: Callable[[float], float] | None = None


def _steady(level: float, wobble: float = 0.0, phase: float = 0.0) -> Curve:
    return lambda f, _launched, _since: level + wobble * math.sin(2 * math.pi * (1.3 * f + phase))


def _drift(first: float, last: float, wobble: float = 0.0) -> Curve:
    return lambda f, _launched, _since: first + (last - first) * f + wobble * math.sin(2 * math.pi * 2 * f)


def _adopter(before: float, after: float, ramp_days: int = 75) -> Curve:
    def curve(f: float, launched: bool, since: float) -> float:
        if not launched:
            return before + 0.02 * math.sin(2 * math.pi * 2 * f)
        return before + (after - before) * ease(since / ramp_days)

    return curve


TEAMS = (
    TeamProfile("Atlas", "Americas", "Claire Donovan", 7, ((0.62, True),), _steady(0.92, 0.02)),
    TeamProfile(
        "Beacon",
        "Americas",
        "Victor Sloane",
        8,
        ((0.35, True), (0.58, True), (0.81, True), (0.9, False)),
        _drift(0.3, 0.0),
        volume=1.25,
        sandbag=0.8,
        enps_curve=lambda f: 0.14 - 0.5 * f,
    ),
    TeamProfile("Cedar", "Americas", "Ines Carvalho", 6, ((0.5, True),), _steady(0.62, 0.06)),
    TeamProfile("Delta", "Americas", "Marcus Bell", 6, ((0.3, True),), _drift(0.44, 0.56, 0.03)),
    TeamProfile(
        "Evergreen", "EMEA", "Hanna Lindgren", 7, ((0.22, True),), _adopter(0.38, 0.86), adopts_nsp=True
    ),
    TeamProfile("Falcon", "EMEA", "Rahul Menon", 6, ((0.7, False),), _drift(0.6, 0.48, 0.03), sandbag=0.15),
    TeamProfile(
        "Granite", "EMEA", "Sophie Laurent", 6, ((0.45, False),), _steady(0.46, 0.07, 0.4), sandbag=0.2
    ),
    TeamProfile("Harbor", "EMEA", "Declan Byrne", 4, (), _steady(0.58, 0.03, 0.2)),
)

EXECUTIVE = "Morgan Hale"
ADMIN = "Sam Ortiz"
LEADERS = {"Americas": "Priya Raman", "EMEA": "Johannes Weber"}
# Beacon's top seller in the first year, in the middle of the pack by the last two quarters.
SLIDING_TOP_SELLER = "Derek Vance"
SLIDING_TEAM = "Beacon"

# How a seller's share of the team's deals changes over the window: (from fraction, weight).
SLIDE = ((0.0, 2.6), (0.5, 1.5), (0.7, 0.8))


def slide_weight(fraction: float) -> float:
    weight = SLIDE[0][1]
    for start, value in SLIDE:
        if fraction >= start:
            weight = value
    return weight


def profile(name: str) -> TeamProfile:
    for team in TEAMS:
        if team.name == name:
            return team
    raise KeyError(name)


@dataclass(frozen=True)
class Health:
    """Purpose health per team and day, and the behaviours it drives."""

    timeline: Timeline

    def of(self, team: TeamProfile, day: dt.date) -> float:
        launched = day >= self.timeline.launch
        since = (day - self.timeline.launch).days if launched else 0.0
        value = team.curve(self.timeline.fraction(day), launched and team.adopts_nsp, since)
        return min(1.0, max(0.0, value))


def lerp(lost: float, healthy: float, h: float) -> float:
    """The value of a behaviour for health ``h``: ``lost`` at 0, ``healthy`` at 1."""
    return lost + (healthy - lost) * h


def ramp(h: float, low: float = 0.15, high: float = 0.9) -> float:
    """0 below ``low``, 1 above ``high``, linear between: for behaviours that are all-or-nothing."""
    return min(1.0, max(0.0, (h - low) / (high - low)))


# Behaviour curves, one place so the documentation can quote them.
def customer_talk_share(h: float) -> float:
    return lerp(0.07, 0.69, h)


def customer_question_chance(h: float) -> float:
    return 0.02 + 0.96 * ramp(h, 0.2)


def opens_with_customer_chance(h: float) -> float:
    return 0.04 + 0.9 * ramp(h)


def quarter_end_pull_chance(h: float) -> float:
    return 0.7 * (1 - h) ** 2


def discounted_chance(h: float) -> float:
    return lerp(0.92, 0.26, h)


def deep_discount_chance(h: float) -> float:
    return min(1.0, max(0.0, 1.1 - 1.6 * h))


def outcome_chance(h: float) -> float:
    return lerp(0.2, 0.9, h)


def sponsor_chance(h: float) -> float:
    return lerp(0.2, 0.85, h)


def push_rate(h: float) -> float:
    return lerp(2.8, 0.3, h)


def win_chance(h: float) -> float:
    return lerp(0.2, 0.4, h)


def churn_chance(h: float) -> float:
    return lerp(0.2, 0.035, h)


def concession_chance(h: float) -> float:
    return lerp(0.35, 0.03, h)


def enps_target(h: float) -> float:
    return lerp(-0.38, 0.45, h)


def participation_chance(h: float) -> float:
    return lerp(0.62, 0.9, h)


LOSS_MIX_LOST = {
    "price": 0.58,
    "competition": 0.2,
    "no_decision": 0.12,
    "disqualified": 0.03,
    "timing": 0.05,
    "other": 0.02,
}
LOSS_MIX_HEALTHY = {
    "price": 0.13,
    "competition": 0.25,
    "no_decision": 0.2,
    "disqualified": 0.22,
    "timing": 0.12,
    "other": 0.08,
}


def loss_mix(h: float) -> dict[str, float]:
    return {key: lerp(LOSS_MIX_LOST[key], LOSS_MIX_HEALTHY[key], h) for key in LOSS_MIX_LOST}


# Pulse drivers on a 1-5 scale: (mean when lost, mean when healthy).
DRIVER_MEANS = {
    "meaning_purpose": (1.9, 4.4),
    "recognition": (2.3, 4.1),
    "peer_relationships": (2.1, 4.2),
    "workload": (2.4, 3.6),
}
