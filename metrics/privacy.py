"""The confidentiality rules for survey figures, shared by every page, report and export.

* A group (a team, or any set of teams a filter picks) with fewer than ``privacy.min_respondents``
  respondents shows no score; comments need ``privacy.min_comments``. The rule applies to each
  item on its own (eNPS and every driver or question): a group with six eNPS answers and one
  workload answer shows its eNPS, never that one workload answer. No setting goes below the floors
  (5 respondents, 10 for comments).
* Survey results are computed over fixed windows — whole calendar months — never over arbitrary
  days: a custom period is widened to the whole months it touches (:func:`survey_period`), and a
  figure over several months is shown only when every month in it with answers passes the rules on
  its own, so two views can only ever differ by whole months of at least the minimum.
* Complementary suppression: when exactly one group under a parent would be hidden, its parent
  minus the visible siblings would give it away, so the next-smallest sibling is hidden too.
* A selection of several teams is shown only when it holds each parent's hidden groups all
  together or not at all; otherwise subtracting two visible figures would reveal a hidden one.

Individual survey rows never leave this layer; only counts and aggregates do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, or_, select

from data_access import models as m
from data_access.scope import Filters, Period, Scope
from metrics.common import at_times, only_team, read_once
from metrics.parameters import MetricSettings

ROOT = "organisation"
# Floors no setting can lower: a minimum of 1, 0 or -3 in the settings still means 5 (10 for comments).
MIN_RESPONDENTS_FLOOR = 5
MIN_COMMENTS_FLOOR = 10


def minimum_respondents(settings: MetricSettings) -> int:
    """Fewest respondents a group needs, per item: the setting, never below the floor."""
    return max(MIN_RESPONDENTS_FLOOR, settings.integer("privacy.min_respondents"))


def minimum_comments(settings: MetricSettings) -> int:
    return max(MIN_COMMENTS_FLOOR, minimum_respondents(settings), settings.integer("privacy.min_comments"))


def survey_period(period: Period) -> Period:
    """The survey window ``period`` snaps to: the whole calendar months it touches."""
    start = period.start.replace(day=1)
    following = (period.end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return Period(start, following - dt.timedelta(days=1))


def survey_windows(period: Period) -> list[Period]:
    """The calendar months of ``period``'s survey window, in order."""
    windows, start, last = [], survey_period(period).start, survey_period(period).end
    while start <= last:
        following = (start + dt.timedelta(days=32)).replace(day=1)
        windows.append(Period(start, following - dt.timedelta(days=1)))
        start = following
    return windows


def survey_filters(filters: Filters) -> Filters:
    """``filters`` with the period snapped to its survey window (:func:`survey_period`)."""
    snapped = survey_period(filters.period)
    return filters if snapped == filters.period else dataclasses.replace(filters, period=snapped)


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
    return _Rules.of(counts, parent_of, minimum).allow(set(selected))


@dataclass(frozen=True)
class _Rules:
    """The rules for one set of counts, worked out once for every selection checked against them
    (200 teams picked one at a time ask the same question of the same counts 200 times)."""

    counts: Mapping[Hashable, int]
    # Each hidden group's block: its parent's hidden groups, shown all together or not at all.
    block_of: Mapping[Hashable, frozenset]
    minimum: int

    @classmethod
    def of(
        cls, counts: Mapping[Hashable, int], parent_of: Mapping[Hashable, Hashable], minimum: int
    ) -> _Rules:
        blocks: dict[Hashable, set[Hashable]] = {}
        for group in hidden_groups(counts, parent_of, minimum):
            blocks.setdefault(parent_of.get(group, ROOT), set()).add(group)
        block_of = {group: frozenset(block) for block in blocks.values() for group in block}
        return cls(counts, block_of, minimum)

    def respondents(self, chosen: set) -> int:
        return sum(self.counts.get(group, 0) for group in chosen)

    def allow(self, chosen: set) -> bool:
        """At least the minimum respondents, and every block the selection touches taken whole (a
        block it misses entirely hides nothing of it)."""
        if self.respondents(chosen) < self.minimum:
            return False
        return all(self.block_of[group] <= chosen for group in chosen if group in self.block_of)


def comments_visible(respondents: int, settings: MetricSettings) -> bool:
    return respondents >= minimum_comments(settings)


@dataclass(frozen=True)
class Visibility:
    """Whether a survey figure for the viewer's selection may be shown, and over how many people."""

    respondents: int
    shown: bool


def item_key(drivers: Iterable[str]):
    """The item a survey row answers: its driver when the file named one of ``drivers`` (a question
    ``q17`` tagged ``workload``), else its question code."""
    sr = m.SurveyResponse
    return case((sr.driver.in_(list(drivers)), sr.driver), else_=sr.question_code)


def _windows_visible(
    selected: set, per_window: list[Mapping[Hashable, int]], parents: Mapping, minimum: int
) -> bool:
    """Whether every month in which the selection has answers passes the rules on its own."""
    return _all_windows_allow(selected, [_Rules.of(counts, parents, minimum) for counts in per_window])


def _all_windows_allow(selected: set, windows: list[_Rules]) -> bool:
    return all(rules.allow(selected) for rules in windows if rules.respondents(selected) > 0)


def month_of(column, months: list[Period]):
    """The index in ``months`` of the month a DateTime falls in, as SQL (None outside them)."""
    return case(*[(at_times(column, month), index) for index, month in enumerate(months)], else_=None)


def _monthly(conn: Connection, filters: Filters, items: list[str]) -> list[dict[str, dict[int, int]]]:
    """:func:`item_respondents` for each month of the survey window of ``filters``, in one grouped
    query; the whole window alone when it is one month."""
    months = survey_windows(filters.period)
    if len(months) == 1:
        return [item_respondents(conn, filters, items)]
    return _item_respondents_by(conn, filters, items, months)


def item_respondents(conn: Connection, filters: Filters, items: Iterable[str]) -> dict[str, dict[int, int]]:
    """Distinct respondents per item and sales team, over all teams (the rule must not depend on
    the viewer), in the survey window of ``filters``."""
    return _item_respondents_by(conn, filters, list(items), None)[0]


def _item_respondents_by(
    conn: Connection, filters: Filters, items: list[str], months: list[Period] | None
) -> list[dict[str, dict[int, int]]]:
    """:func:`item_respondents` over the whole survey window (``months`` None), or for each of
    ``months`` (grouped by month in the same query)."""
    sr = m.SurveyResponse
    key = item_key(items)
    keyed = (
        select(
            *([month_of(sr.submitted_at, months).label("month")] if months else []),
            sr.team_id.label("team_id"),
            key.label("item"),
            sr.respondent_key.label("who"),
        )
        .where(
            sr.team_id.is_not(None),
            or_(sr.question_code.in_(items), sr.driver.in_(items)),
            at_times(sr.submitted_at, survey_period(filters.period)),
        )
        .subquery()
    )
    by = [keyed.c.month] if months else []
    rows = read_once(  # over every team: the organisation's scorecard and the teams' ask the same
        conn,
        select(*by, keyed.c.item, keyed.c.team_id, func.count(func.distinct(keyed.c.who))).group_by(
            *by, keyed.c.item, keyed.c.team_id
        ),
    )
    found: list[dict[str, dict[int, int]]] = [{item: {} for item in items} for _ in months or [None]]
    for index, item, team, n in (row if months else (0, *row) for row in rows):
        if index is not None and item in found[int(index)]:
            found[int(index)][item][int(team)] = int(n)
    return found


def team_respondents(conn: Connection, filters: Filters, question_codes: Iterable[str]) -> dict[int, int]:
    """Distinct respondents per sales team to any of ``question_codes`` (a driver named in the
    survey's driver column counts as that driver), over all teams, in the survey window."""
    return _team_respondents_by(conn, filters, list(question_codes), None)[0]


def _team_respondents_by(
    conn: Connection, filters: Filters, codes: list[str], months: list[Period] | None
) -> list[dict[int, int]]:
    """:func:`team_respondents` over the whole survey window (``months`` None), or for each of
    ``months`` (grouped by month in the same query)."""
    if len(codes) == 1:
        return [found[codes[0]] for found in _item_respondents_by(conn, filters, codes, months)]
    sr = m.SurveyResponse
    by = [month_of(sr.submitted_at, months)] if months else []
    rows = read_once(
        conn,
        select(*by, sr.team_id, func.count(func.distinct(sr.respondent_key)))
        .where(
            sr.team_id.is_not(None),
            or_(sr.question_code.in_(codes), sr.driver.in_(codes)),
            at_times(sr.submitted_at, survey_period(filters.period)),
        )
        .group_by(*by, sr.team_id),
    )
    found: list[dict[int, int]] = [{} for _ in months or [None]]
    for index, team, n in (row if months else (0, *row) for row in rows):
        if index is not None:
            found[int(index)][int(team)] = int(n)
    return found


def hidden_teams(
    conn: Connection, filters: Filters, question_codes: Iterable[str], counts: Mapping[int, int], minimum: int
) -> set:
    """Teams whose figure over ``filters``' survey window must not be shown: hidden over the whole
    window (``counts``) or in any one month of it, so a longer view never exposes a month's few."""
    codes, parents = list(question_codes), team_parents(conn)
    hidden = hidden_groups(counts, parents, minimum)
    for monthly in _team_monthly(conn, filters, codes):
        hidden |= hidden_groups(monthly, parents, minimum)
    return hidden


def team_parents(conn: Connection) -> dict[int, int | str]:
    """Each team's parent (the organisation for a team at the top), read once per scorecard."""
    rows = read_once(conn, select(m.Team.id, m.Team.parent_id))
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
    parents, minimum = team_parents(conn), minimum_respondents(settings)
    shown = selection_visible(selected, counts, parents, minimum) and _windows_visible(
        selected, _team_monthly(conn, filters, codes), parents, minimum
    )
    return Visibility(respondents, shown)


def _team_monthly(conn: Connection, filters: Filters, codes: list[str]) -> list[dict[int, int]]:
    """:func:`team_respondents` for each month of the survey window, in one grouped query."""
    months = survey_windows(filters.period)
    if len(months) == 1:
        return []  # the whole window is one month: already checked
    return _team_respondents_by(conn, filters, codes, months)


def item_visibility(
    conn: Connection, scope: Scope, filters: Filters, items: Iterable[str], settings: MetricSettings
) -> dict[str, Visibility]:
    """:func:`survey_visibility` for each item on its own (eNPS, each driver, each question)."""
    effective, items = filters.team_ids_within(scope), list(items)
    parents, minimum = team_parents(conn), minimum_respondents(settings)
    monthly = _monthly(conn, filters, items)
    result = {}
    for item, counts in item_respondents(conn, filters, items).items():
        selected = set(counts) if effective.all_teams else set(effective.team_ids)
        respondents = sum(counts.get(team, 0) for team in selected)
        shown = selection_visible(selected, counts, parents, minimum) and _windows_visible(
            selected, [month[item] for month in monthly], parents, minimum
        )
        result[item] = Visibility(respondents, shown)
    return result


def item_visibility_by_team(
    conn: Connection,
    scope: Scope,
    filters: Filters,
    items: Iterable[str],
    settings: MetricSettings,
    team_ids: Iterable[int],
) -> dict[int, dict[str, Visibility]]:
    """:func:`item_visibility` for each of ``team_ids`` picked alone."""
    items = list(items)
    by_item = item_respondents(conn, filters, items)
    monthly = _monthly(conn, filters, items)
    parents, minimum = team_parents(conn), minimum_respondents(settings)
    whole = {item: _Rules.of(counts, parents, minimum) for item, counts in by_item.items()}
    months = {item: [_Rules.of(month[item], parents, minimum) for month in monthly] for item in by_item}
    result: dict[int, dict[str, Visibility]] = {}
    for team in team_ids:
        selected = set(only_team(filters, team).team_ids_within(scope).team_ids)
        result[team] = {
            item: Visibility(
                rules.respondents(selected),
                rules.allow(selected) and _all_windows_allow(selected, months[item]),
            )
            for item, rules in whole.items()
        }
    return result


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
    codes = list(question_codes)
    counts = team_respondents(conn, filters, codes)
    minimum = minimum_respondents(settings)
    parents = team_parents(conn)
    whole = _Rules.of(counts, parents, minimum)
    months = [_Rules.of(monthly, parents, minimum) for monthly in _team_monthly(conn, filters, codes)]
    result = {}
    for team in team_ids:
        selected = set(only_team(filters, team).team_ids_within(scope).team_ids)
        shown = whole.allow(selected) and _all_windows_allow(selected, months)
        result[team] = Visibility(whole.respondents(selected), shown)
    return result
