"""The leadership brief as a PDF: a first page for the organisation, then one page per team.

:func:`render_pdf` takes the report of :func:`metrics.report.build_report` (the dict the Markdown
brief and the JSON are made from), so the three never disagree; it computes no figure itself.
Numbers are formatted as on the pages; a figure that cannot be known says why in the words of the
Markdown brief. Drawn with fpdf2, charts with matplotlib (see ``docs/report.md`` for the choice);
the type is the DejaVu Sans that matplotlib ships, so no system font is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import pandas as pd
from fpdf import FPDF, FontFace

from dashboard.charts import printed
from dashboard.charts.printed import text_on
from dashboard.charts.theme import MUTED, STATUS_COLORS, STATUS_LABELS
from dashboard.formatting import fmt_change, fmt_date, fmt_trend
from metrics.brief import red_teams, to_act_on, worst_movers
from metrics.index_parts import index_trend, ordered, previous_index
from metrics.metric import MetricResult, format_value
from metrics.parameters import MetricSettings
from metrics.registry import REGISTRY, get_metric
from metrics.scorecard import Scorecard, index_words

ALL_TEAMS = "All teams in view"
TITLE = "Purpose Pulse leadership brief"
FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
INK = "#1F2937"
RULE = "#D1D5DB"
HEADING_FILL = "#F3F4F6"
BAND_RANGES = {"red": "0–50", "amber": "51–75", "green": "76–100"}
# The red symptoms a team row names before "and N more" (its page lists them all).
RED_NAMES = 2


def rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def status_color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "needs", STATUS_COLORS["needs"])


def status_text(status: str | None) -> str:
    return STATUS_LABELS.get(status, "No band") if status else "No band"


def band_cell(status: str | None) -> FontFace:
    """A table cell filled with the band's colour, its words in the more readable of white and ink."""
    fill = status_color(status)
    return FontFace(emphasis="BOLD", color=rgb(text_on(fill)), fill_color=rgb(fill))


def value_text(result: MetricResult) -> str:
    """A symptom's value as the scorecard shows it: a dash where it needs data or is hidden."""
    if result.status in ("needs", "suppressed"):
        return "—"
    return format_value(result.value, result.unit)


def index_text(index: float | None) -> str:
    return "—" if index is None else f"{index:.0f}"


def index_change(current: float | None, before: float | None) -> str:
    """The index against the previous period, e.g. "▼ worsening (-7)", or that there is none."""
    trend = index_trend(current, before)
    if trend is None:
        return "— no previous value" if current is not None else "—"
    arrow = {"improving": "▲", "worsening": "▼"}.get(trend, "►")
    return f"{arrow} {trend} ({current - before:+.0f})"


def previous_words(current: float | None, before: float | None) -> str:
    if before is None:
        return "Previous period: no index to compare with."
    if current is None:
        return f"Previous period: {before:.0f}; no index now to compare with it."
    return f"Previous period: {before:.0f} · {index_change(current, before)}."


def period_line(report: dict) -> str:
    p, q = report["period"], report["previous_period"]
    return (
        f"{fmt_date(p['from'])} – {fmt_date(p['to'])}, {q['comparison']} "
        f"({fmt_date(q['from'])} – {fmt_date(q['to'])})"
    )


def to_date_line(report: dict) -> str | None:
    """The Markdown brief's note on a period that has not ended, or None."""
    p = report["period"]
    if p["complete"]:
        return None
    return f"To date: the period runs until {fmt_date(p['to'])}, figures to {fmt_date(p['to_date'])}."


def band_counts(card: Scorecard) -> str:
    """How many symptoms are in each band, e.g. "Symptoms: 1 red, 11 amber, 5 green, 2 not scored."."""
    counts = {band: sum(1 for r in card.symptoms if r.status == band) for band in ("red", "amber", "green")}
    unscored = sum(1 for r in card.symptoms if not r.scored)
    parts = [f"{n} {band}" for band, n in counts.items()] + ([f"{unscored} not scored"] if unscored else [])
    return f"Symptoms: {', '.join(parts)}."


def profile_frame(card: Scorecard) -> pd.DataFrame:
    """The columns :func:`dashboard.charts.printed.symptom_profile` draws, one row per symptom."""
    return pd.DataFrame(
        [
            {
                "number": get_metric(r.id).number,
                "score": r.score,
                "previous_score": r.previous_score,
                "status": r.status,
            }
            for r in card.symptoms
        ],
        columns=["number", "score", "previous_score", "status"],
    )


class Brief(FPDF):
    """An A4 page with the brief's type, margins and footer (title, period, page of pages)."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=16)
        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(fonts / name))
        self.set_title(TITLE)
        self.set_creator("Purpose Pulse")
        self.set_draw_color(*rgb(RULE))
        self.set_line_width(0.2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*rgb(MUTED))
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    # --- text ---------------------------------------------------------------------------------

    def text_block(self, text: str, *, size: float = 8.5, style: str = "", color: str = INK, height=None):
        self.set_font(FAMILY, style, size)
        self.set_text_color(*rgb(color))
        self.multi_cell(0, height or size * 0.48, text, new_x="LMARGIN", new_y="NEXT")

    def title_block(self, title: str, subtitle: str, note: str | None) -> None:
        self.text_block(title, size=17, style="B", height=8)
        self.text_block(subtitle, size=9, color=MUTED)
        if note:
            self.text_block(note, size=9, color=MUTED)
        self.ln(2.5)

    def section(self, title: str) -> None:
        if self.will_page_break(14):
            self.add_page()
        self.ln(2.5)
        self.text_block(title, size=11, style="B", height=6)
        self.ln(0.8)

    # --- the index ------------------------------------------------------------------------------

    def index_block(
        self, name: str, card: Scorecard, before: float | None, extra: Sequence[str] = ()
    ) -> None:
        """The index as a large number on its band colour with the band named; beside it the
        coverage, the band's range, the previous period and the trend."""
        top, left = self.get_y(), self.l_margin
        index = card.health_index
        fill = status_color(card.band)
        self.set_fill_color(*rgb(fill))
        self.rect(left, top, 30, 24, style="F")
        self.set_text_color(*rgb(text_on(fill)))
        self.set_xy(left, top + 2.5)
        self.set_font(FAMILY, "B", 24)
        self.cell(30, 11, index_text(index), align="C")
        self.set_xy(left, top + 14.5)
        self.set_font(FAMILY, "B", 9.5)
        self.cell(30, 6, status_text(card.band) if index is not None else "No index", align="C")
        self.set_fill_color(255, 255, 255)
        if card.band:
            band = f"Band: {status_text(card.band)} ({BAND_RANGES[card.band]})."
        elif index is not None:
            band = "No band: under half of the index's weight is scored, too little to call a band."
        else:
            band = "No band."
        lines = [
            ("B", f"Purpose Health Index · {name}"),
            ("", index_words(index, card.coverage) + "."),
            ("", band),
            ("", previous_words(index, before)),
            *(("", line) for line in extra),
        ]
        self.set_y(top)
        for style, line in lines:
            self.set_x(left + 34)
            self.set_font(FAMILY, style, 9 if style else 8.5)
            self.set_text_color(*rgb(INK))
            self.multi_cell(0, 4.4, line, new_x="LEFT", new_y="NEXT")
        self.set_xy(left, max(top + 26, self.get_y() + 2))

    def chart(self, png: bytes, height_mm: float) -> None:
        """A chart image across the text width, ``height_mm`` tall."""
        if self.will_page_break(height_mm):
            self.add_page()
        self.image(png, x=self.l_margin, y=self.get_y(), w=self.epw, h=height_mm)
        self.set_y(self.get_y() + height_mm)

    # --- tables ---------------------------------------------------------------------------------

    def table_of(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str | tuple[str, FontFace]]],
        widths: Sequence[float],
        align: Sequence[str],
        *,
        size: float = 8,
    ) -> None:
        """A table with a shaded heading repeated on a new page; a cell is text or (text, style).
        A row whose only cell is a ``(text, style)`` after an empty first cell spans the rest."""
        self.set_font(FAMILY, "", size)
        self.set_text_color(*rgb(INK))
        self.set_fill_color(255, 255, 255)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            text_align=tuple(align),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", color=rgb(INK), fill_color=rgb(HEADING_FILL)),
            line_height=size * 0.5,
            padding=(0.9, 1.2),
            v_align="MIDDLE",
        ) as table:
            head = table.row()
            for heading in headings:
                head.cell(heading)
            for cells in rows:
                row = table.row()
                if len(cells) == 2 and cells[0] == "" and isinstance(cells[1], tuple):
                    row.cell("")
                    row.cell(cells[1][0], style=cells[1][1], colspan=len(headings) - 1)
                    continue
                for cell in cells:
                    if isinstance(cell, tuple):
                        row.cell(cell[0], style=cell[1])
                    else:
                        row.cell(cell)


# --- the pages ----------------------------------------------------------------------------------


def _why_style() -> FontFace:
    return FontFace(emphasis="ITALICS", color=rgb(MUTED), size_pt=7)


def organisation_page(pdf: Brief, report: dict, title: str, settings: MetricSettings) -> None:
    org, teams = report["_cards"]
    pdf.add_page()
    pdf.title_block(TITLE, f"{title} · {period_line(report)}", to_date_line(report))
    pdf.index_block(title, org, previous_index(org.symptoms, settings), extra=[band_counts(org)])

    pdf.section("Worst movers since the previous period")
    movers = worst_movers(org.symptoms)
    if movers:
        pdf.table_of(
            ["Symptom", "Was", "Now", "Change", "Band now", "n"],
            [
                [
                    r.label,
                    format_value(r.previous, r.unit),
                    value_text(r),
                    fmt_change(None if r.value is None else r.value - r.previous, r.unit),
                    (status_text(r.status), band_cell(r.status)),
                    f"{r.n:,}" if r.n is not None else "—",
                ]
                for r in movers
            ],
            [78, 22, 22, 22, 22, 14],
            ["LEFT", "RIGHT", "RIGHT", "RIGHT", "CENTER", "RIGHT"],
        )
    else:
        compared = any(r.previous is not None for r in org.symptoms)
        pdf.text_block(
            "No symptom got worse since the previous period."
            if compared
            else "No symptom has a figure for the previous period to compare with."
        )

    pdf.section("Teams, weakest first")
    if teams:
        rows = []
        for card in sorted(teams, key=lambda c: (c.health_index is None, c.health_index or 0, c.name)):
            before = previous_index(card.symptoms, settings)
            reds = [r.label for r in ordered(card.symptoms) if r.status == "red"]
            named = ", ".join(reds[:RED_NAMES]) + (
                f" and {len(reds) - RED_NAMES} more" if len(reds) > RED_NAMES else ""
            )
            cov = card.coverage
            rows.append(
                [
                    card.name,
                    index_text(card.health_index),
                    (status_text(card.band), band_cell(card.band)),
                    index_change(card.health_index, before),
                    f"{cov.scored} of {cov.total} ({cov.weight_share:.0%})",
                    f"{len(reds)}: {named}" if reds else "none",
                ]
            )
        pdf.table_of(
            ["Team", "Index", "Band", "Index trend", "Scored", "Red symptoms"],
            rows,
            [24, 12, 17, 30, 27, 70],
            ["LEFT", "RIGHT", "CENTER", "LEFT", "LEFT", "LEFT"],
        )
    else:
        pdf.text_block("No sales team is in view.")

    pdf.section("Symptoms to act on")
    act_on = to_act_on(org, teams)
    if act_on:
        rows = []
        for r in act_on:
            where = red_teams(r.id, teams)
            was = f"was {format_value(r.previous, r.unit)}, " if r.previous is not None else ""
            evidence = (
                f"{r.detail or r.reason or ''} (n = {r.n:,}; {was}{r.trend or 'no earlier figure'})"
                if r.n is not None
                else r.detail
            )
            rows.append(
                [
                    r.label,
                    (f"{value_text(r)} {status_text(r.status)}", band_cell(r.status)),
                    evidence,
                    f"{len(where)} of {len(teams)}: {', '.join(where)}" if where else "none",
                ]
            )
        pdf.table_of(
            ["Symptom", "Overall", "Evidence", "Red in teams"],
            rows,
            [42, 24, 74, 40],
            ["LEFT", "CENTER", "LEFT", "LEFT"],
        )
    else:
        pdf.text_block("No symptom is red, for the organisation or in any team.")

    absent = [r for r in org.symptoms if not r.scored]
    if absent:
        pdf.section("Not scored")
        for r in absent:
            shown = "" if r.value is None else f" {format_value(r.value, r.unit)}"
            sample = f", n = {r.n:,}" if r.n is not None else ""
            pdf.text_block(f"{r.label}{shown} ({r.reason}{sample}).", size=8)
    weights = ", ".join(f"{REGISTRY[r.id].label} {r.weight:g}" for r in org.symptoms if r.weight)
    pdf.ln(2)
    pdf.text_block(
        f"Index = weighted average of the symptom scores shown (weights: {weights}).", size=7, color=MUTED
    )


def team_page(pdf: Brief, report: dict, card: Scorecard, org: Scorecard, title: str, settings) -> None:
    pdf.add_page()
    pdf.title_block(card.name, f"Team · {period_line(report)}", to_date_line(report))
    org_line = f"{title}: {index_text(org.health_index)} ({status_text(org.band)})."
    pdf.index_block(
        card.name, card, previous_index(card.symptoms, settings), extra=[band_counts(card), org_line]
    )
    pdf.chart(printed.png(printed.symptom_profile(profile_frame(card))), 48)
    pdf.section("Symptoms, worst first")
    rows: list = []
    for r in ordered(card.symptoms):
        rows.append(
            [
                str(get_metric(r.id).number),
                r.label,
                value_text(r),
                (status_text(r.status), band_cell(r.status)),
                f"{r.n:,}" if r.n is not None else "—",
                format_value(r.previous, r.unit),
                fmt_trend(r.value, r.previous, r.trend) if r.scored else "—",
            ]
        )
        if not r.scored and r.reason:
            rows.append(["", (f"Why: {r.reason}.", _why_style())])
    pdf.table_of(
        ["#", "Symptom", "Value", "Band", "n", "Previous", "Trend"],
        rows,
        [6, 70, 22, 18, 11, 22, 31],
        ["RIGHT", "LEFT", "RIGHT", "CENTER", "RIGHT", "RIGHT", "LEFT"],
    )


def render_pdf(report: dict, *, title: str = ALL_TEAMS, settings: MetricSettings | None = None) -> bytes:
    """The brief as PDF bytes: the organisation (``title`` names what it covers) on the first page,
    then a page per team of ``report["teams"]``, in the report's order."""
    settings = settings or MetricSettings.defaults()
    org, teams = report["_cards"]
    p = report["period"]
    pdf = Brief(f"{TITLE} · {fmt_date(p['from'])} – {fmt_date(p['to'])}")
    organisation_page(pdf, report, title, settings)
    for card in teams:
        team_page(pdf, report, card, org, title, settings)
    return bytes(pdf.output())


def pdf_for_view(view) -> bytes:
    """The brief for what a page shows: the period and the teams of the view's filters within its
    scope (the segment filter does not apply), from the report ``python -m dashboard report`` stores,
    so a report already computed (or precomputed) is read, not computed again."""
    from dashboard.cli.report import build_report
    from metrics.scorecard import sales_teams

    filters, scope = view.filters, view.scope
    names: list[str] | None = None
    if filters.team_ids is not None:
        with view.engine.connect() as conn:
            names = [name for _, name in sales_teams(conn, filters.team_ids_within(scope))]
        if not names:
            raise ValueError("No sales team is in view: pick teams in the sidebar.")
    report = build_report(view.engine, filters.period, scope, tuple(names or ()))
    title = ALL_TEAMS if names is None else ", ".join(names)
    return render_pdf(report, title=title, settings=view.settings)
