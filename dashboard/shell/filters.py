"""The one filter bar: period (with presets), teams within scope, segment.

Built once per run by the app shell, carried across pages in session state and mirrored into the
URL query string so a link reproduces the view. A team named in the URL that the viewer may not
see is ignored, and the bar says so: filters only ever narrow the scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard.escaping import escape_markdown
from data_access.scope import Filters, Period, last_full_quarter, quarter_of

PRESETS = {
    "last_quarter": "Last quarter",
    "this_quarter": "This quarter",
    "last_12_months": "Last 12 months",
    "custom": "Custom",
}
DEFAULT_PRESET = "last_quarter"
# The dates a custom period may span: far enough for any sales history, near enough that a period
# and the one before it (of the same length) stay real calendar dates.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2099, 12, 31)
# The URL query parameters the filter bar owns; pages may add their own beside them.
QUERY_KEYS = ("period", "from", "to", "teams", "segment")


def preset_period(preset: str, today: dt.date) -> Period:
    """The period a preset means on ``today``."""
    if preset == "this_quarter":
        return quarter_of(today)
    if preset == "last_12_months":
        # The twelve whole months before the current one.
        end = today.replace(day=1) - dt.timedelta(days=1)
        start = dt.date(end.year - 1 + end.month // 12, end.month % 12 + 1, 1)
        return Period(start, end)
    return last_full_quarter(today)


@dataclass(frozen=True)
class FilterChoice:
    """What the viewer picked, in URL-friendly form."""

    preset: str = DEFAULT_PRESET
    start: dt.date | None = None
    end: dt.date | None = None
    teams: tuple[str, ...] = ()
    segment: str | None = None
    # Why the URL's period was not used, as one sentence for the filter bar (None when it was).
    problem: str | None = None

    def period(self, today: dt.date) -> Period:
        if self.preset == "custom" and self.start and self.end:
            return Period(min(self.start, self.end), max(self.start, self.end))
        return preset_period(self.preset, today)

    def to_query(self) -> dict[str, str]:
        query: dict[str, str] = {"period": self.preset}
        if self.preset == "custom" and self.start and self.end:
            query["from"], query["to"] = self.start.isoformat(), self.end.isoformat()
        if self.teams:
            query["teams"] = ",".join(self.teams)
        if self.segment:
            query["segment"] = self.segment
        return query


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def choice_from_query(query: dict[str, str]) -> FilterChoice:
    """Read a choice from URL query parameters; anything unreadable falls back to the default."""
    preset = query.get("period", DEFAULT_PRESET)
    if preset not in PRESETS:
        preset = DEFAULT_PRESET
    start, end = _date(query.get("from")), _date(query.get("to"))
    problem = None
    if preset == "custom" and not (start and end):
        if query.get("from") or query.get("to"):
            problem = "Ignored the custom period in the link: its dates are not dates (YYYY-MM-DD)."
        preset, start, end = DEFAULT_PRESET, None, None
    elif preset == "custom" and not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        problem = (
            f"Ignored the custom period {start.isoformat()} – {end.isoformat()} in the link: a period must fall "
            f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}."
        )
        preset, start, end = DEFAULT_PRESET, None, None
    teams = tuple(t.strip() for t in query.get("teams", "").split(",") if t.strip())
    return FilterChoice(preset, start, end, teams, query.get("segment") or None, problem)


def team_families(rows) -> dict[str, frozenset[int]]:
    """Each team's name mapped to its id and the ids of every team below it.

    ``rows`` are :class:`data_access.org.TeamRow` of the viewer's scope only.
    """
    children: dict[int, list[int]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row.id)

    def family(team_id: int) -> set[int]:
        found = {team_id}
        for child in children.get(team_id, []):
            found |= family(child)
        return found

    return {row.name: frozenset(family(row.id)) for row in rows}


def ignored_teams_note(names) -> str:
    """The filter bar's note on teams named in the URL that are not in view; the names came from
    the URL, so they are escaped and show as typed (never as a link or an image)."""
    return f"Ignored team(s) outside your view: {', '.join(escape_markdown(n) for n in names)}."


def resolve(
    choice: FilterChoice, team_ids_by_name: dict[str, frozenset[int]], segments: list[str], today: dt.date
) -> tuple[Filters, list[str]]:
    """Turn a choice into :class:`Filters` within the viewer's teams; return notes on what was ignored.

    ``team_ids_by_name`` holds only the teams in the viewer's scope (see :func:`team_families`),
    so a name outside it cannot widen anything.
    """
    notes: list[str] = []
    known = [t for t in choice.teams if t in team_ids_by_name]
    unknown = [t for t in choice.teams if t not in team_ids_by_name]
    if unknown:
        notes.append(ignored_teams_note(unknown))
    segment = choice.segment if choice.segment in segments else None
    if choice.segment and segment is None:
        notes.append(f"Ignored unknown segment “{escape_markdown(choice.segment)}”.")
    team_ids = frozenset().union(*(team_ids_by_name[t] for t in known)) if known else None
    return Filters(choice.period(today), team_ids, segment), notes
