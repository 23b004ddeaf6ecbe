"""Every read a page makes, one line each: ``reads.talk_mix(view, "kind")``.

Each is a metric-layer (or data-access) function made a cached read of a
:class:`~dashboard.view.View` by :func:`~dashboard.reads.cached_read.cached_read`: the view gives the
connection, the scope, the filters and the settings; the page gives the rest. The text is what the
spinner says while a read computes; ``store=False`` marks light reads kept out of the result store.
"""

from __future__ import annotations

from dashboard.brief_pdf import pdf_for_view
from dashboard.components.evidence import EvidenceRows
from dashboard.reads.cached_read import cached_read, live_read, versioned_read
from dashboard.view import View
from data_access import currency, one_on_one, org, parameter_history, parameter_store, status
from data_access.importers import batches, mappings
from metrics import registry, scorecard
from metrics.analyses import adoption, coaching, cohorts, discounting, meetings, morale, pipeline
from metrics.parameters import load_metric_settings

# --- What is loaded ------------------------------------------------------------------------------
load_counts = cached_read(status.load_counts)
data_window = cached_read(status.data_window)
# Counting a million deals is not for every new session: stored until the next import.
source_counts = cached_read(status.source_counts)
field_coverage = cached_read(status.field_coverage)
nsp = cached_read(status.current_nsp, store=False)
teams = cached_read(org.teams_in_scope, store=False)
segments = cached_read(org.segments_in_scope)
metric_settings = cached_read(load_metric_settings, store=False)

# --- Symptoms and scorecards ---------------------------------------------------------------------
evaluate = cached_read(registry.evaluate, spinner="Computing…")
evaluate_by_team = cached_read(registry.evaluate_by_team, spinner="Computing…")
evidence = cached_read(registry.evidence, spinner="Loading the evidence…")


def evidence_rows(view: View, metric_id: str) -> EvidenceRows:
    """A symptom's evidence as a page shows it: the first ``evidence_limit`` rows, and every row
    when the download asks for them."""
    every_row = lambda: evidence(view, metric_id, every_row=True)  # noqa: E731
    return EvidenceRows(evidence(view, metric_id), every_row, view.settings.integer("evidence_limit"))


org_scorecard = cached_read(scorecard.scorecard, spinner="Computing the scorecard…")
team_lines = cached_read(scorecard.team_lines, spinner="Computing the team scorecards…")


def brief_pdf(view: View) -> bytes:
    """The leadership brief of the view as a PDF, from the stored report (built only when asked)."""
    return pdf_for_view(view)


# --- NSP adoption and morale ---------------------------------------------------------------------
before_after = cached_read(adoption.before_after, spinner="Comparing before and after the launch…")
adopting_teams = cached_read(adoption.adopting_teams, store=False)
team_series = cached_read(adoption.series_by_team, spinner="Drawing the monthly trend…")
morale_by_team = cached_read(morale.morale_by_team, spinner="Reading the pulse surveys…")

# --- Meeting health ------------------------------------------------------------------------------
talk_mix = cached_read(meetings.talk_mix, spinner="Reading the meetings…")
weekly_talk = cached_read(meetings.weekly_talk)
meeting_list = cached_read(meetings.meeting_list, spinner="Listing the meetings…")
transcript = cached_read(meetings.transcript, spinner="Loading the transcript…")

# --- Discounting ---------------------------------------------------------------------------------
discount_histogram = cached_read(discounting.discount_histogram)
discount_by_seller = cached_read(discounting.discount_by_seller, spinner="Comparing discounts…")
discount_by_team = cached_read(discounting.discount_by_team, spinner="Comparing discounts…")

# --- Pipeline behaviour --------------------------------------------------------------------------
movement = cached_read(pipeline.pipeline_movement, spinner="Tracing the pipeline's moves…")
movement_table = cached_read(pipeline.movement_table)
won_by_week = cached_read(pipeline.won_by_week_of_quarter)
repeatedly_pushed = cached_read(pipeline.repeatedly_pushed)
first_days_closes = cached_read(pipeline.first_days_closes)

# --- Churn and retention -------------------------------------------------------------------------
retention_by_month = cached_read(cohorts.retention_by_month, spinner="Computing retention by month…")
cohort_retention = cached_read(cohorts.cohort_retention, spinner="Building the cohorts…")

# --- One-on-one prep -----------------------------------------------------------------------------
sellers = cached_read(coaching.sellers_in_scope, store=False)
coaching_facts = cached_read(coaching.coaching_facts, spinner="Preparing the brief…")
# Notes are read afresh (what was just written shows at once) and only for the seller's line.
may_keep_notes = live_read(one_on_one.in_line)
agreed_last_time = live_read(one_on_one.agreed_last_time)
one_on_one_notes = live_read(one_on_one.one_on_ones)

# --- The Data pages: read afresh on every run, so what was just imported or saved shows at once ----
import_history = live_read(batches.list_batches)
rejected_rows = live_read(batches.rejected_rows)
# Exact after an import from any process, without recounting every deal on each click of the page.
import_counts = versioned_read(status.source_counts)
import_coverage = versioned_read(status.field_coverage)
saved_mappings = live_read(mappings.list_mappings)
saved_mapping = live_read(mappings.load_mapping)
setting_overrides = live_read(parameter_store.read_overrides)
setting_history = live_read(parameter_history.change_history)
stored_currency = live_read(currency.read_currency)
