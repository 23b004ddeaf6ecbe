"""The metric engine: a ratio declared as data, compiled into one grouped query.

A :class:`Ratio` names the rows a symptom counts (its base: a table and WHERE clauses), what it sums
over them (numerator, denominator), what its sample is, and the optional field the figure needs.
:func:`ratio_measure` turns it into a metric's ``measure``: one ``SELECT ... GROUP BY team`` (no
GROUP BY for everything in view), plus one EXISTS probe per team for the required field, whatever
the number of teams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import Measurement, has_text, keys_of, missing, nothing_to_count, read_once
from metrics.parameters import MetricSettings

Clauses = Callable[[Scope, Filters], list]
Expression = Callable[[], Any]


@dataclass(frozen=True)
class Required:
    """An optional field the figure cannot be known without: when no row of the table in view has it
    filled, the figure "needs" it."""

    column: Callable[[], Any]
    needs: str
    clauses: Clauses


@dataclass(frozen=True)
class Ratio:
    """``sum(numerator) / sum(denominator)`` over the rows of ``table`` matching ``base``.

    ``sample`` counts what the figure stands on (``n``); ``parts`` are further sums reported with
    it; ``empty`` says why the figure is unknown when the base holds nothing; ``detail`` writes the
    one-line evidence from the parts.
    """

    table: Any
    base: Clauses
    numerator: Expression
    denominator: Expression
    sample: Expression = func.count
    parts: dict[str, Expression] = field(default_factory=dict)
    required: Required | None = None
    empty: str = "nothing to measure in this period"
    detail: Callable[[dict[str, Any]], str] = lambda parts: ""  # noqa: E731


def compile_ratio(ratio: Ratio, scope: Scope, filters: Filters, by_team: bool):
    """The one grouped SELECT of a ratio: team (when ``by_team``), numerator, denominator, sample, parts."""
    table = ratio.table
    group = [table.team_id] if by_team else []
    sums = [
        func.coalesce(func.sum(ratio.numerator()), 0).label("numerator"),
        func.coalesce(func.sum(ratio.denominator()), 0).label("denominator"),
        ratio.sample().label("n"),
        *[func.coalesce(func.sum(expr()), 0).label(name) for name, expr in ratio.parts.items()],
    ]
    return select(*group, *sums).where(*ratio.base(scope, filters)).group_by(*group)


def ratio_measure(ratio: Ratio):
    """A metric's ``measure`` compiled from a :class:`Ratio` declaration."""

    def measure(
        conn: Connection,
        scope: Scope,
        filters: Filters,
        settings: MetricSettings,
        teams: tuple[int, ...] | None,
    ) -> dict[int | None, Measurement]:
        by_team = teams is not None
        rows = conn.execute(compile_ratio(ratio, scope, filters, by_team)).mappings().all()
        found = {(row["team_id"] if by_team else None): row for row in rows}
        filled = _filled(conn, ratio.required, scope, filters, by_team) if ratio.required else None
        result = {}
        for key in keys_of(teams):
            if filled is not None and key not in filled:
                result[key] = missing(ratio.required.needs)
            else:
                result[key] = _finish(ratio, found.get(key))
        return result

    return measure


def _finish(ratio: Ratio, row) -> Measurement:
    if row is None or not row["denominator"]:
        return nothing_to_count(ratio.empty)
    parts = {name: _plain(row[name]) for name in ratio.parts}
    n = int(row["n"])
    parts["n"] = n
    return Measurement(
        float(row["numerator"]) / float(row["denominator"]), parts, n=n, detail=ratio.detail(parts)
    )


def _plain(value):
    number = float(value)
    return int(number) if number.is_integer() else number


def _filled(conn: Connection, required: Required, scope: Scope, filters: Filters, by_team: bool) -> set:
    """The teams (or None, for everything in view) with at least one row in view that has the required
    field. One EXISTS per team walks the team's index and stops at its first filled row; the period
    does not enter, so a scorecard's periods ask once (:func:`metrics.common.read_once`)."""
    column = required.column()
    table = column.class_
    if not by_team:
        stmt = select(table.id).where(*required.clauses(scope, filters), has_text(column)).limit(1)
        return {None} if read_once(conn, stmt) else set()
    team = m.Team
    probe = select(table.id).where(
        table.team_id == team.id, *required.clauses(scope, filters), has_text(column)
    )
    stmt = select(team.id).where(filters.team_ids_within(scope).clause(team.id), probe.exists())
    return {int(team_id) for (team_id,) in read_once(conn, stmt)}
