"""The demo's timeline: the two-year window, its quarters and months, the NSP launch date.

Everything calendar-shaped is derived from the ``end`` date alone, never from the clock, so a
seed and an end date fully determine the organisation.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from data_access.scope import quarter_of


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last_day))


def month_starts(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The first day of every month from the month of ``start`` to the month of ``end``."""
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = add_months(day, 1)


def quarter_starts(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The first day of every calendar quarter overlapping [start, end]."""
    day = quarter_of(start).start
    while day <= end:
        yield day
        day = add_months(day, 3)


def next_weekday(day: dt.date) -> dt.date:
    """``day`` itself on Monday to Friday, else the following Monday."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Timeline:
    """The demo's window: ``start`` to ``end`` (about two years) and the NSP launch date."""

    start: dt.date
    end: dt.date
    launch: dt.date

    @classmethod
    def ending(cls, end: dt.date) -> Timeline:
        """Two years ending on ``end``; the NSP launches on the first day of the quarter a year before."""
        start = add_months(end + dt.timedelta(days=1), -24)
        launch = quarter_of(add_months(end + dt.timedelta(days=1), -12)).start
        return cls(start=start, end=end, launch=launch)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def fraction(self, day: dt.date) -> float:
        """How far through the window ``day`` is: 0 at the start, 1 at the end (clamped)."""
        return min(1.0, max(0.0, (day - self.start).days / max(1, self.days - 1)))

    def day_at(self, fraction: float) -> dt.date:
        return self.start + dt.timedelta(days=round(fraction * (self.days - 1)))

    def quarters(self) -> list[dt.date]:
        return list(quarter_starts(self.start, self.end))

    def months(self) -> list[dt.date]:
        return list(month_starts(self.start, self.end))


def quarter_end(day: dt.date) -> dt.date:
    return quarter_of(day).end


def days_to_quarter_end(day: dt.date) -> int:
    return (quarter_end(day) - day).days


def ease(value: float) -> float:
    """A smooth 0..1 ramp (used to phase in a change over a few weeks rather than overnight)."""
    value = min(1.0, max(0.0, value))
    return 0.5 - 0.5 * math.cos(math.pi * value)
