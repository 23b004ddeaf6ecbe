"""Monthly pulse surveys: eNPS and four drivers from sales, a perception question from elsewhere.

Sellers answer under their own team; managers answer under their region (a team's survey group
is its sellers). Respondents are pseudonymous keys derived from a hash, never an email. About 25
people in Finance, Product, Customer Success and Marketing rate how they see sales (team NULL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from data_access.demo import profiles as pf
from data_access.demo.cadence import Cadence
from data_access.demo.ids import Ids
from data_access.demo.org import DemoPerson, DemoTeam, Org
from data_access.demo.random_tools import chance, work_time
from data_access.demo.timeline import Timeline, next_weekday
from data_access.demo.vocabulary import DEPARTMENTS

DRIVERS = tuple(pf.DRIVER_MEANS)
CROSS_FUNCTIONAL_PEOPLE = 25
PASSIVE_SHARE = 0.32
ALWAYS_ANSWERS = {"Harbor"}
MIN_SHOWN = 5

POSITIVE_COMMENTS = (
    "Deal reviews feel like problem solving with the customer in mind.",
    "I like that we start meetings with a customer story.",
    "My manager asks what the customer is trying to achieve, and it helps me sell.",
    "Proud of the work we did with our customers this quarter.",
    "Good balance between the number and doing right by customers.",
    "The purpose statement actually gets used, it is not just a poster.",
    "I feel recognised when a customer succeeds, not just when I close.",
    "Walking away from a bad-fit deal was supported, which I appreciated.",
)
NEGATIVE_COMMENTS = (
    "Every conversation is about the number.",
    "I'm tired of discounting just to hit the quarter.",
    "Nobody asks about the customer until they churn.",
    "It feels like we compete with each other more than with other vendors.",
    "Quarter end is chaos every single time.",
    "The only recognition is the leaderboard.",
    "I don't know what difference we make for customers anymore.",
    "Workload is heavy and the targets keep moving.",
    "Forecast calls take up half my week.",
)
NEUTRAL_COMMENTS = (
    "Fine overall, the tools could be better.",
    "Would like more product training.",
    "Territories could be clearer.",
    "Onboarding of new hires could be smoother.",
)


def respondent_key(seed: int, subject: str) -> str:
    """A stable pseudonym: a salted hash, so nothing in the survey table points at a person."""
    return hashlib.sha256(f"purpose-pulse-demo:{seed}:{subject}".encode()).hexdigest()[:24]


def _enps_categories(rng: random.Random, target: float, count: int) -> list[str]:
    """Promoter / passive / detractor for ``count`` respondents, close to the eNPS ``target``.

    Counts are rounded at random rather than drawn one by one, so a team's monthly eNPS follows
    its story instead of drowning in the noise of six respondents.
    """
    promoters = min(0.95, max(0.02, (1 - PASSIVE_SHARE + target) / 2))
    detractors = min(0.95, max(0.02, (1 - PASSIVE_SHARE - target) / 2))
    n_promoters = min(count, int(promoters * count + rng.random()))
    n_detractors = min(count - n_promoters, int(detractors * count + rng.random()))
    categories = ["promoter"] * n_promoters + ["detractor"] * n_detractors
    categories += ["passive"] * (count - len(categories))
    rng.shuffle(categories)
    return categories


def _enps_score(rng: random.Random, category: str) -> int:
    if category == "promoter":
        return rng.choice((9, 10))
    if category == "passive":
        return rng.choice((7, 8))
    return rng.choices(range(7), weights=(1, 1, 2, 3, 4, 6, 7))[0]


def _comment(rng: random.Random, score: int) -> str:
    if score >= 9:
        return rng.choice(POSITIVE_COMMENTS + NEUTRAL_COMMENTS[:1])
    if score <= 6:
        return rng.choice(NEGATIVE_COMMENTS)
    return rng.choice(NEUTRAL_COMMENTS + POSITIVE_COMMENTS[:2] + NEGATIVE_COMMENTS[:2])


def _survey_days(timeline: Timeline, cadence: Cadence) -> list[dt.date]:
    """The pulse's send-out days: a week into every month, or every N weeks at a busier cadence."""
    if cadence.pulse_every_weeks is None:
        days = [next_weekday(month + dt.timedelta(days=7)) for month in timeline.months()]
    else:
        step = dt.timedelta(weeks=cadence.pulse_every_weeks)
        day, days = next_weekday(timeline.start + dt.timedelta(days=7)), []
        while day <= timeline.end:
            days.append(day)
            day = next_weekday(day + step)
    return [day for day in days if timeline.start <= day <= timeline.end]


def build_surveys(
    rng: random.Random,
    timeline: Timeline,
    org: Org,
    seed: int,
    batch_id: int,
    ids: Ids,
    cadence: Cadence = Cadence(),
) -> list[dict]:
    health = pf.Health(timeline)
    rows: list[dict] = []

    def answer(
        key: str,
        team_id: int | None,
        department: str | None,
        when: dt.datetime,
        code: str,
        driver: str | None,
        score: float,
        scale: int,
        comment: str | None = None,
    ) -> None:
        rows.append(
            {
                "id": ids.next("survey_responses"),
                "respondent_key": key,
                "team_id": team_id,
                "department": department,
                "submitted_at": when,
                "question_code": code,
                "driver": driver,
                "score": float(score),
                "scale": scale,
                "comment": comment,
                "source_batch_id": batch_id,
            }
        )

    def respond_team(team: DemoTeam, people: list[tuple[DemoPerson, int]], survey_day: dt.date) -> None:
        prof = team.profile
        assert prof is not None
        h = health.of(prof, survey_day)
        sellers = [pair for pair in people if pair[0].role == "seller"]
        if prof.name in ALWAYS_ANSWERS:
            count = len(sellers)
        else:
            # Participation is a rate, but a team of five or more always shows at least five answers:
            # the only group too small to show is the one planted that way (Harbor).
            count = int(pf.participation_chance(h) * len(sellers) + rng.random())
            count = min(len(sellers), max(count, MIN_SHOWN))
        answering = rng.sample(sellers, count)
        answering.sort(key=lambda pair: pair[0].id)
        answering += [pair for pair in people if pair[0].role != "seller" and chance(rng, 0.85)]
        target = prof.enps_curve(timeline.fraction(survey_day)) if prof.enps_curve else pf.enps_target(h)
        for (person, group_id), category in zip(
            answering, _enps_categories(rng, target, len(answering)), strict=True
        ):
            when = work_time(rng, next_weekday(survey_day + dt.timedelta(days=rng.randint(0, 3))), 8, 19)
            if when.date() > timeline.end:
                continue
            key = respondent_key(seed, person.external_key)
            score = _enps_score(rng, category)
            comment = _comment(rng, score) if chance(rng, 0.14) else None
            answer(key, group_id, None, when, "enps", None, score, 10, comment)
            for driver in DRIVERS:
                low, high = pf.DRIVER_MEANS[driver]
                value = round(rng.gauss(pf.lerp(low, high, h), 0.8))
                answer(key, group_id, None, when, driver, driver, min(5, max(1, value)), 5)

    for survey_day in _survey_days(timeline, cadence):
        for team in org.sales_teams:
            people = [(s, team.id) for s in team.sellers if s.active_on(survey_day)]
            if team.manager and team.manager.active_on(survey_day):
                people.append((team.manager, team.parent_id or team.id))
            respond_team(team, people, survey_day)
        mean_health = sum(health.of(t.profile, survey_day) for t in org.sales_teams if t.profile) / len(
            org.sales_teams
        )
        for index in range(CROSS_FUNCTIONAL_PEOPLE):
            if not chance(rng, 0.8):
                continue
            when = work_time(rng, next_weekday(survey_day + dt.timedelta(days=rng.randint(0, 4))), 8, 19)
            if when.date() > timeline.end:
                continue
            score = min(5, max(1, round(rng.gauss(pf.lerp(1.6, 4.4, mean_health), 0.9))))
            answer(
                respondent_key(seed, f"cross-functional-{index}"),
                None,
                DEPARTMENTS[index % len(DEPARTMENTS)],
                when,
                "sales_perception",
                None,
                score,
                5,
            )
    return rows
