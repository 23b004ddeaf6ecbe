"""The confidentiality rules for survey figures, shared by every page, report and export.

* A group (a team, or any set of teams a filter picks) with fewer than ``privacy.min_respondents``
  respondents shows no score; comments need ``privacy.min_comments``.
* Complementary suppression: when exactly one group under a parent would be hidden, its parent
  minus the visible siblings would give it away, so the next-smallest sibling is hidden too.
* A selection of several teams is shown only when it holds each parent's hidden groups all
  together or not at all; otherwise subtracting two visible figures would reveal a hidden one.

Individual survey rows never leave this layer; only counts and aggregates do.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from data_access import models as m
from data_access.scope import Filters, Scope
from metrics.common import at_times, only_team
from metrics.settings import MetricSettings

ROOT = "organisation"


def hidden_groups(
    counts: Mapping[Hashable, int], parent_of: Mapping[Hashable, Hashable], minimum: int
) -> set[Hashable]:
    """The groups whose figures must not be shown.

    Parameters
    ----------
    counts : respondents per group; a group with none has nothing to hide and is never hidden.
    parent_of : each group's parent (groups missing from it share one root parent).
    minimum : fewest respondents a shown group needs.
    """
    hidden = {group for group, n in counts.items() if 0 < n < minimum}
    families: dict[Hashable, list[Hashable]] = {}
    for group in counts:
        families.setdefault(parent_of.get(group, ROOT), []).append(group)
    for siblings in families.values():
        under = [group for group in siblings if group in hidden]
        if len(under) != 1:
            continue
        candidates = sorted(
            (counts[group], str(group), group)
            for group in siblings
            if group not in hidden and counts[group] > 0
        )
        if candidates:
            hidden.add(candidates[0][2])
    return hidden


def selection_visible(
    selected: Iterable[Hashable],
    counts: Mapping[Hashable, int],
    parent_of: Mapping[Hashable, Hashable],
    minimum: int,
) -> bool:
    """Whether an aggregate over the ``selected`` groups may be shown."""
    chosen = set(selected)
    if sum(counts.get(group, 0) for group in chosen) < minimum:
        return False
    hidden = hidden_groups(counts, parent_of, minimum)
    blocks: dict[Hashable, set[Hashable]] = {}
    for group in hidden:
        blocks.setdefault(parent_of.get(group, ROOT), set()).add(group)
    return all(block <= chosen or not (block & chosen) for block in blocks.values())


def comments_visible(respondents: int, settings: MetricSettings) -> bool:
    return respondents >= settings.integer("privacy.min_comments")


@dataclass(frozen=True)
class Visibility:
    """Whether a survey figure for the viewer's selection may be shown, and over how many people."""

    respondents: int
    shown: bool


def team_respondents(conn: Connection, filters: Filters, question_codes: Iterable[str]) -> dict[int, int]:
    """Distinct respondents per sales team (all teams: the rule must not depend on the viewer)."""
    sr = m.SurveyResponse
    rows = conn.execute(
        select(sr.team_id, func.count(func.distinct(sr.respondent_key)))
        .where(
            sr.team_id.is_not(None),
            sr.question_code.in_(list(question_codes)),
            at_times(sr.submitted_at, filters.period),
        )
        .group_by(sr.team_id)
    ).all()
    return {int(team): int(n) for team, n in rows}


def team_parents(conn: Connection) -> dict[int, int | str]:
    rows = conn.execute(select(m.Team.id, m.Team.parent_id)).all()
    return {int(team): (int(parent) if parent is not None else ROOT) for team, parent in rows}


def survey_visibility(
    conn: Connection, scope: Scope, filters: Filters, question_codes: Iterable[str], settings: MetricSettings
) -> Visibility:
    """Apply the rules to the teams the viewer sees and picked, for answers to ``question_codes``."""
    codes = list(question_codes)
    counts = team_respondents(conn, filters, codes)
    effective = filters.team_ids_within(scope)
    selected = set(counts) if effective.all_teams else set(effective.team_ids)
    respondents = sum(counts.get(team, 0) for team in selected)
    minimum = settings.integer("privacy.min_respondents")
    shown = selection_visible(selected, counts, team_parents(conn), minimum)
    return Visibility(respondents, shown)


def survey_visibility_by_team(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    question_codes: Iterable[str],
    settings: MetricSettings,
    team_ids: Iterable[int],
) -> dict[int, Visibility]:
    """:func:`survey_visibility` for each of ``team_ids`` picked alone, from the same two queries for
    all of them (the rules look at every team's respondents whichever team is picked)."""
    counts = team_respondents(conn, filters, list(question_codes))
    parents = team_parents(conn)
    minimum = settings.integer("privacy.min_respondents")
    result = {}
    for team in team_ids:
        selected = set(only_team(filters, team).team_ids_within(scope).team_ids)
        respondents = sum(counts.get(group, 0) for group in selected)
        result[team] = Visibility(respondents, selection_visible(selected, counts, parents, minimum))
    return result
