"""The reads each page makes when it opens, declared once per page in the page registry
(:data:`dashboard.shell.navigation.PAGE_SPECS`).

Each function yields the page's :class:`~dashboard.reads.cached_read.Call` s for a view, in the
order the page makes them, with the arguments its widgets start on. ``python -m dashboard precompute``
runs them for the period presets; a test opens every page after that and checks it computes nothing
more, so a page and its declaration cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator

from dashboard import reads
from dashboard.components.coaching import seller_labels
from dashboard.components.signals import month_periods
from dashboard.reads.cached_read import Call
from dashboard.view import View
from metrics.analyses.adoption import ADOPTION_MEASURES, since_launch, trend_period
from metrics.analyses.meetings import SORTS
from metrics.analyses.morale import twelve_months_to
from metrics.index_parts import ordered

Reads = Iterator[Call]


def _evaluate(view: View, *metric_ids: str) -> Reads:
    for metric_id in metric_ids:
        yield reads.evaluate.at(view, metric_id)


def shell(view: View) -> Reads:
    """What every page reads before its own: the filter bar's segments."""
    yield reads.segments.at(view)


def overview(view: View) -> Reads:
    org = reads.org_scorecard.at(view)
    yield org
    yield reads.team_lines.at(view)  # this period's team scorecards and their index lines
    # The scorecard opens on the evidence of its first row.
    yield reads.evidence.at(view, ordered(org().symptoms)[0].id)


def nsp_adoption(view: View) -> Reads:
    nsp = reads.nsp(view)
    if not nsp or not nsp.get("launch_date"):
        return
    launch = nsp["launch_date"]
    since = view.with_filters(since_launch(view.filters, launch))  # the page opens on "Since launch"
    yield reads.before_after.at(since, launch)
    teams = reads.adopting_teams(since)
    yield reads.team_series.at(since, trend_period(launch, teams, since.filters.period), ADOPTION_MEASURES[0])


def home(view: View) -> Reads:
    yield reads.data_window.at(view)
    yield reads.load_counts.at(view)
    yield reads.source_counts.at(view)
    yield reads.field_coverage.at(view)


def meeting_health(view: View) -> Reads:
    yield from _evaluate(
        view,
        "customer_talk_share",
        "deal_reviews_with_customer_questions",
        "meetings_opening_with_customer",
        "nsp_mention_rate",
    )
    yield reads.talk_mix.at(view, "kind")
    yield reads.talk_mix.at(view, "team")
    yield reads.weekly_talk.at(view)
    listed = reads.meeting_list.at(view, next(iter(SORTS)), 200)
    yield listed
    meetings = listed()
    if not meetings.empty:  # the transcript of the first meeting listed
        yield reads.transcript.at(view, int(meetings["meeting_id"].iloc[0]))


def discounting(view: View) -> Reads:
    yield from _evaluate(view, "discounting", "price_loss_share")
    yield reads.discount_histogram.at(view)
    yield reads.discount_by_team.at(view, view.settings.number("discounted_from"))
    yield reads.evidence.at(view, "discounting")
    yield reads.evidence.at(view, "price_loss_share")


def pipeline(view: View) -> Reads:
    yield reads.movement.at(view)
    yield reads.movement_table.at(view, month_periods(view.filters))
    yield from _evaluate(view, "quarter_end_close_share", "comp_plan_gaming")
    yield reads.won_by_week.at(view)
    yield reads.repeatedly_pushed.at(view)
    yield reads.first_days_closes.at(view, view.settings.integer("quarter_start_days"))
    yield from _evaluate(
        view, "late_stage_without_outcome", "late_stage_with_exec_sponsor", "pipeline_with_customer_outcome"
    )
    yield reads.evidence.at(view, "late_stage_without_outcome")


def churn(view: View) -> Reads:
    yield from _evaluate(view, "customer_churn", "small_amount_jeopardy")
    yield reads.retention_by_month.at(view)
    yield reads.cohort_retention.at(view)
    yield reads.evidence.at(view, "small_amount_jeopardy")
    yield reads.evidence.at(view, "customer_churn")


def morale(view: View) -> Reads:
    yield from _evaluate(view, "morale", "top_performer_slide")
    teams = reads.adopting_teams(view)
    yield reads.evaluate_by_team.at(view, "morale", tuple(t.id for t in teams))
    yield reads.morale_by_team.at(view, None)
    yield reads.morale_by_team.at(view.with_period(twelve_months_to(view.filters.period)), "month")
    yield reads.evidence.at(view, "top_performer_slide")


def one_on_one(view: View) -> Reads:
    sellers = reads.sellers(view)
    if sellers:  # the brief of the seller the picker starts on
        yield reads.coaching_facts.at(view, next(iter(seller_labels(sellers).values())).id)
