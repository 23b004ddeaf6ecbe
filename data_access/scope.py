"""Who may see what, and which slice of data a view asks for.

Every query helper takes a :class:`Scope`. "Everything" is :meth:`Scope.everything`, an explicit
choice; there is no default scope. :class:`Filters` narrow a view inside a scope and can never
widen it: :meth:`Filters.team_ids_within` intersects the requested teams with the scope.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, false, true


@dataclass(frozen=True)
class Scope:
    """The set of team ids a viewer may read. ``all_teams`` is True for executives only."""

    team_ids: frozenset[int] = field(default_factory=frozenset)
    all_teams: bool = False
    viewer: str = ""

    @classmethod
    def everything(cls, viewer: str = "local executive") -> Scope:
        return cls(frozenset(), True, viewer)

    @classmethod
    def teams(cls, team_ids, viewer: str = "") -> Scope:
        return cls(frozenset(int(t) for t in team_ids), False, viewer)

    def allows(self, team_id: int | None) -> bool:
        return self.all_teams or (team_id is not None and team_id in self.team_ids)

    def clause(self, team_column) -> ColumnElement[bool]:
        """A WHERE clause restricting ``team_column`` to this scope."""
        if self.all_teams:
            return true()
        if not self.team_ids:
            return false()
        return team_column.in_(sorted(self.team_ids))


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end]."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"The period ends ({self.end}) before it starts ({self.start}).")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        return f"{self.start.day} {self.start:%b %Y} – {self.end.day} {self.end:%b %Y}"

    def ended(self, today: dt.date) -> bool:
        """True once the period's last day is over (on ``today`` it is still running)."""
        return self.end < today

    def to_date(self, today: dt.date) -> Period:
        """The part of the period that has happened by ``today`` (the whole period once it ended)."""
        if self.ended(today) or today <= self.start:
            return self
        return Period(self.start, today - dt.timedelta(days=1))


@functools.lru_cache(maxsize=8192)  # asked for every row of a grouped read: 500,000 times per Overview
def quarter_of(day: dt.date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    next_start = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return Period(start, next_start - dt.timedelta(days=1))


def _is_calendar_month(period: Period) -> bool:
    return period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1 and period.days <= 31


def previous_like(period: Period) -> Period:
    """The period a figure compares with, like with like: the previous calendar quarter for a
    quarter, the previous month for a month, else the same number of days just before."""
    if period == quarter_of(period.start):
        return quarter_of(period.start - dt.timedelta(days=1))
    if _is_calendar_month(period):
        last = period.start - dt.timedelta(days=1)
        return Period(last.replace(day=1), last)
    return period.previous()


def recent_periods(period: Period, count: int = 6) -> list[Period]:
    """``period`` and the ``count - 1`` periods before it, oldest first, each the one the next is
    compared with (:func:`previous_like`: the quarters before a quarter, the months before a month,
    else the same number of days), so a trend line's points are the figures the scorecard compares."""
    found = [period]
    for _ in range(count - 1):
        found.append(previous_like(found[-1]))
    return found[::-1]


def period_kind(period: Period) -> str:
    """``quarter``, ``month`` or ``N days``: how :func:`previous_like` compares the period."""
    if period == quarter_of(period.start):
        return "quarter"
    if _is_calendar_month(period):
        return "month"
    return f"{period.days} days"


def last_full_quarter(today: dt.date) -> Period:
    return quarter_of(quarter_of(today).start - dt.timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    """What a view asks for: a period, optionally some teams and a segment.

    ``as_of`` is the day the figures are read on (None: today). A period that has not ended by
    then is shown "to date": renewals not yet due are not counted, and symptoms about the shape
    of a whole period wait for its end.
    """

    period: Period
    team_ids: frozenset[int] | None = None
    segment: str | None = None
    as_of: dt.date | None = None

    @property
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    @property
    def running(self) -> bool:
        """True while the period has not ended."""
        return not self.period.ended(self.today)

    def team_ids_within(self, scope: Scope) -> Scope:
        """The scope narrowed to the requested teams; never wider than ``scope``."""
        if self.team_ids is None:
            return scope
        if scope.all_teams:
            return Scope(frozenset(self.team_ids), False, scope.viewer)
        return Scope(scope.team_ids & frozenset(self.team_ids), False, scope.viewer)
