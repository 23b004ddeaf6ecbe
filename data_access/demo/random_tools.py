"""Small random draws the standard library lacks, on a ``random.Random`` so results are stable."""

from __future__ import annotations

import datetime as dt
import math
import random


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the demo's means are small)."""
    if mean <= 0:
        return 0
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def weighted(rng: random.Random, mix: dict[str, float]) -> str:
    keys = list(mix)
    return rng.choices(keys, weights=[mix[k] for k in keys])[0]


def work_time(rng: random.Random, day: dt.date, earliest: int = 8, latest: int = 18) -> dt.datetime:
    """A time during the working day of ``day``, to the minute."""
    minutes = rng.randint(earliest * 60, latest * 60 - 1)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))


def weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day
