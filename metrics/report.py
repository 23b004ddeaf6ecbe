"""The scorecard as a report: a JSON-ready dict (shape in ``docs/report.md``) and a one-page
Markdown brief for a leadership meeting. Used by ``python -m dashboard report`` and exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.metric import MetricResult, format_value
from metrics.parameters import MetricSettings
from metrics.registry import REGISTRY, comparison_of
from metrics.scorecard import Scorecard, index_words, sales_teams, scorecard, team_scorecards
from metrics.text import escape_markdown

SYMPTOM_KEYS = (
    "id",
    "label",
    "value",
    "unit",
    "previous",
    "trend",
    "score",
    "status",
    "threshold",
    "needs",
    "parts",
    "n",
    "state",
    "reason",
    "comparison",
)


class UnknownTeam(LookupError):
    """A team name that is not in the viewer's scope; the message is one sentence for the user."""


def resolve_teams(conn: Connection, scope: Scope, names: list[str]) -> list[tuple[int, str]]:
    """The sales teams named (case-insensitive) within ``scope``, in the order given.

    A region's name stands for every sales team under it. Raises :class:`UnknownTeam` naming the
    first name that matches nothing the viewer may see.
    """
    from data_access.org import descendants

    visible = {
        name.casefold(): (tid, name)
        for tid, name in conn.execute(select(m.Team.id, m.Team.name).where(scope.clause(m.Team.id))).all()
    }
    leaves = dict(sales_teams(conn, scope))
    chosen: list[tuple[int, str]] = []
    for name in names:
        found = visible.get(name.strip().casefold())
        if found is None:
            known = ", ".join(sorted(name for _, name in visible.values())) or "none"
            raise UnknownTeam(f"There is no team called {name!r}; teams you can see: {known}.")
        for tid in sorted(descendants(conn, {found[0]})):
            if tid in leaves and (tid, leaves[tid]) not in chosen:
                chosen.append((tid, leaves[tid]))
    return chosen


def symptom_dict(result: MetricResult) -> dict[str, Any]:
    data = result.to_dict()
    shaped = {key: data[key] for key in SYMPTOM_KEYS}
    shaped["threshold"] = {**result.threshold, "weight": result.weight}
    return shaped


def _index(card: Scorecard) -> float | None:
    return None if card.health_index is None else round(card.health_index, 1)


def _group(card: Scorecard) -> dict[str, Any]:
    """The index with what it stands on, its band (None on too little), and every symptom."""
    return {
        "health_index": _index(card),
        "health_index_band": card.band,
        "health_index_coverage": card.coverage.to_dict(),
        "symptoms": [symptom_dict(r) for r in card.symptoms],
    }


def build_report(
    conn: Connection,
    scope: Scope,
    period: Period,
    team_names: list[str] | None = None,
    settings: MetricSettings | None = None,
    as_of=None,
) -> dict[str, Any]:
    """The report for ``period``: the organisation (or the named teams together) and each team.

    Every number comes from :mod:`metrics.registry`; the viewer's ``scope`` bounds every query.
    """
    settings = settings or MetricSettings.defaults()
    chosen = resolve_teams(conn, scope, team_names) if team_names else None
    team_ids = [tid for tid, _ in chosen] if chosen is not None else None
    org_filters = Filters(period, frozenset(team_ids) if team_ids is not None else None, as_of=as_of)
    org = scorecard(conn, scope, org_filters, settings)
    teams = team_scorecards(conn, scope, org_filters, settings, team_ids=team_ids)
    current, before, words = comparison_of(org_filters)
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "complete": not org_filters.running,
            "to_date": current.period.end.isoformat(),
        },
        "previous_period": {
            "from": before.period.start.isoformat(),
            "to": before.period.end.isoformat(),
            "comparison": words,
        },
        "org": _group(org),
        "teams": [{"team": card.name, **_group(card)} for card in teams],
        "_cards": (org, teams),
    }


def public(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the in-memory scorecards (what JSON output carries)."""
    return {key: value for key, value in report.items() if not key.startswith("_")}


TREND_WORDS = {
    "improving": "improving",
    "worsening": "worsening",
    "steady": "steady",
    None: "no earlier figure",
}


def _symptom_line(result: MetricResult, teams: list[Scorecard], with_status: bool = False) -> str:
    previous = f"was {format_value(result.previous, result.unit)}, " if result.previous is not None else ""
    shown = format_value(result.value, result.unit) + (f" {result.status} overall" if with_status else "")
    sample = f"n = {result.n:,}, " if result.n is not None else ""
    line = f"- **{result.label}** {shown} ({sample}{previous}{TREND_WORDS[result.trend]})"
    if result.detail:
        line += f": {result.detail}"
    red_teams = [escape_markdown(card.name) for card in teams if card.symptom(result.id).status == "red"]
    if red_teams:
        line += f". Red in {', '.join(red_teams)}"
    return line + "."


def render_markdown(report: dict[str, Any]) -> str:
    """A one-page brief: the index, the red symptoms first with their evidence, then the rest."""
    org, teams = report["_cards"]
    lines = ["# Purpose Pulse leadership brief", ""]
    p, q = report["period"], report["previous_period"]
    to_date = (
        "" if p["complete"] else f" (to date: the period runs until {p['to']}, figures to {p['to_date']})"
    )
    lines.append(f"Period {p['from']} to {p['to']}{to_date}, compared with {q['from']} to {q['to']}.")
    lines.append("")
    index = org.health_index
    band = f" ({org.band})" if org.band else ""
    lines += [f"## Purpose Health Index: {index_words(index, org.coverage)}{band}", ""]
    if teams:
        lines.append("| Team | Index | Symptoms scored | Red symptoms |")
        lines.append("|---|---|---|---|")
        for card in sorted(teams, key=lambda c: (c.health_index is None, c.health_index or 0)):
            reds = [r.label for r in card.symptoms if r.status == "red"]
            idx = (
                f"{card.health_index:.0f} {card.band or 'no band'}" if card.health_index is not None else "–"
            )
            cov = card.coverage
            lines.append(
                f"| {escape_markdown(card.name)} | {idx} | {cov.scored} of {cov.total} ({cov.weight_share:.0%} of the weight) "
                f"| {', '.join(reds) or 'none'} |"
            )
        lines.append("")
    red_teams = {r.id: sum(1 for card in teams if card.symptom(r.id).status == "red") for r in org.symptoms}
    groups = {
        "red": [r for r in org.symptoms if r.status == "red"],
        # Fine on average but red somewhere: a leader wants these before the merely amber ones.
        "red_in_teams": sorted(
            (r for r in org.symptoms if r.status in ("amber", "green") and red_teams[r.id]),
            key=lambda r: -red_teams[r.id],
        ),
    }
    for status in ("amber", "green"):
        groups[status] = [r for r in org.symptoms if r.status == status and not red_teams[r.id]]
    titles = {
        "red": "Red: act on these",
        "red_in_teams": "Red in some teams",
        "amber": "Amber: watch",
        "green": "Green",
    }
    for status in ("red", "red_in_teams", "amber", "green"):
        if not groups[status]:
            continue
        lines += [f"## {titles[status]}", ""]
        lines += [_symptom_line(r, teams, with_status=status == "red_in_teams") for r in groups[status]]
        lines.append("")
    absent = [r for r in org.symptoms if not r.scored]
    if absent:
        lines += ["## Not scored", ""]
        for r in absent:
            shown = "" if r.value is None else f" {format_value(r.value, r.unit)}"
            sample = f", n = {r.n:,}" if r.n is not None else ""
            lines.append(f"- **{r.label}**{shown} ({r.reason}{sample}).")
        lines.append("")
    weights = ", ".join(f"{REGISTRY[r.id].label} {r.weight:g}" for r in org.symptoms if r.weight)
    lines.append(f"_Index = weighted average of the symptom scores shown (weights: {weights})._")
    return "\n".join(lines) + "\n"
