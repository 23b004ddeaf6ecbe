"""The leadership brief as a PDF on the demo organisation, read back as a person would: its text
with ``pdftotext`` and its colours with ``pdftoppm``; from the command line (with ``--as``) and
from the Overview's download button."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from dashboard.brief_pdf import render_pdf
from dashboard.charts.theme import STATUS_COLORS
from dashboard.formatting import fmt_date
from data_access.currency import read_currency, write_currency
from data_access.db import make_engine
from data_access.scope import Period, Scope
from metrics import money
from metrics.brief import to_act_on
from metrics.parameters import load_metric_settings
from metrics.report import build_report, render_markdown
from metrics.scorecard import index_words
from tests.conftest import copy_database
from tests.test_cli import run_cli

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="pdftotext and pdftoppm are not installed (apt-get install poppler-utils).",
)

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
PERIOD = ("--from", "2026-07-01", "--to", "2026-09-30")
DEMO_TEAMS = ["Atlas", "Beacon", "Cedar", "Delta", "Evergreen", "Falcon", "Granite", "Harbor"]


def pages(pdf: Path) -> list[str]:
    """The text of each page in the order it is drawn, its whitespace collapsed (a cell's wrapped
    lines read as one line)."""
    raw = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in raw.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def euro_demo(demo_database_url, tmp_path_factory) -> str:
    """A copy of the demo organisation that counts its money in euros."""
    url = copy_database(demo_database_url, tmp_path_factory.mktemp("euro") / "demo.db")
    engine = make_engine(url)
    with engine.begin() as conn:
        write_currency(conn, "EUR")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def demo_brief(euro_demo, tmp_path_factory):
    """The report for the third quarter of 2026, its Markdown brief, and its PDF brief's pages."""
    before = money.currency()
    engine = make_engine(euro_demo)
    try:
        with engine.connect() as conn:
            money.set_currency(read_currency(conn))  # as the app and the commands do on opening
            settings = load_metric_settings(conn)
            report = build_report(conn, Scope.everything(), Q3, None, settings)
        path = tmp_path_factory.mktemp("brief") / "brief.pdf"
        path.write_bytes(render_pdf(report, settings=settings))
        markdown = render_markdown(report)
    finally:
        engine.dispose()
        money.set_currency(before)
    return report, markdown, path, pages(path)


def test_the_first_page_has_the_index_with_its_coverage_and_every_team(demo_brief):
    report, _, _, text = demo_brief
    org, teams = report["_cards"]
    first = text[0]
    assert first.startswith("Purpose Pulse leadership brief All teams in view · 1 Jul 2026 – 30 Sep 2026")
    assert index_words(org.health_index, org.coverage) in first  # "65 from 17 of 17 symptoms (100% ...)"
    assert f"Band: {org.band.capitalize()}" in first
    assert [card.name for card in teams] == DEMO_TEAMS
    team_rows = first[first.index("Teams, weakest first") : first.index("Symptoms to act on")]
    # Weakest first, each with its index and band in words next to the colour.
    weakest = sorted(teams, key=lambda c: c.health_index)
    positions = [
        team_rows.index(f"{card.name} {card.health_index:.0f} {card.band.capitalize()}") for card in weakest
    ]
    assert positions == sorted(positions)


def test_there_is_a_page_per_team_with_its_own_index(demo_brief):
    report, _, _, text = demo_brief
    _, teams = report["_cards"]
    assert len(text) == 1 + len(DEMO_TEAMS)
    for card, page in zip(teams, text[1:], strict=True):
        assert page.startswith(f"{card.name} Team · 1 Jul 2026 – 30 Sep 2026")
        assert f"Purpose Health Index · {card.name}" in page
        assert index_words(card.health_index, card.coverage) in page
        for result in card.symptoms:
            assert result.label in page


def test_the_symptoms_to_act_on_are_the_markdown_briefs_first_with_their_evidence(demo_brief):
    report, markdown, _, text = demo_brief
    org, teams = report["_cards"]
    red_sections = markdown[markdown.index("## Red") : markdown.index("## Amber")]
    first_three = re.findall(r"^- \*\*(.+?)\*\*", red_sections, flags=re.M)[:3]
    assert [r.label for r in to_act_on(org, teams)] == first_three
    section = text[0][text[0].index("Symptoms to act on") :]
    positions = [section.index(label) for label in first_three]
    assert positions == sorted(positions)
    for result in to_act_on(org, teams):
        assert result.detail in section and f"n = {result.n:,}" in section
    # The money in the evidence is in the organisation's currency.
    assert "€" in " ".join(r.detail for r in org.symptoms) and "€" in section and "$" not in text[0]


def test_a_figure_that_cannot_be_known_says_why_on_its_team_page(demo_brief):
    report, _, _, text = demo_brief
    _, teams = report["_cards"]
    harbor = text[1 + DEMO_TEAMS.index("Harbor")]
    unscored = [r for r in teams[DEMO_TEAMS.index("Harbor")].symptoms if not r.scored]
    assert {r.status for r in unscored} >= {"suppressed", "too_few"}
    for result in unscored:
        assert f"Why: {result.reason}." in harbor
    assert "Why: hidden: the survey group is under the confidentiality minimum." in harbor


def test_the_bands_are_drawn_in_the_apps_colours(demo_brief, tmp_path):
    _, _, path, _ = demo_brief
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    for band in ("red", "amber", "green"):
        hex_colour = STATUS_COLORS[band].lstrip("#")
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)) in colours, band


def _pdf_from_cli(url: str, tmp_path: Path, *extra: str) -> list[str]:
    out = tmp_path / "brief.pdf"
    result = run_cli("report", *PERIOD, "--format", "pdf", "--output", str(out), *extra, database_url=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and f"written to {out}" in result.stderr
    return pages(out)


def test_as_a_regional_leader_the_pdf_has_the_teams_of_the_markdown_brief(euro_demo, tmp_path):
    markdown = run_cli(
        "report", *PERIOD, "--format", "markdown", "--as", "priya.raman@example.com", database_url=euro_demo
    )
    assert markdown.returncode == 0, markdown.stderr
    in_markdown = sorted(re.findall(r"^\| (\w+) \| \d+ ", markdown.stdout, flags=re.M))
    assert in_markdown == ["Atlas", "Beacon", "Cedar", "Delta"]
    text = _pdf_from_cli(euro_demo, tmp_path, "--as", "priya.raman@example.com")
    assert [page.split(" Team · ")[0] for page in text[1:]] == in_markdown
    for outside in set(DEMO_TEAMS) - set(in_markdown):
        assert all(outside not in page for page in text)


def test_a_pdf_needs_a_file_to_go_to(euro_demo, tmp_path):
    result = run_cli("report", *PERIOD, "--format", "pdf", database_url=euro_demo)
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr
        == "error: A PDF brief is written to a file: add --output FILE, e.g. --output brief.pdf.\n"
    )
    result = run_cli(
        "report",
        *PERIOD,
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "no" / "brief.pdf"),
        database_url=euro_demo,
    )
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def downloads(monkeypatch):
    """What a page offers to build on click ({file name: (Streamlit's media manager, id)}) and the
    bytes Streamlit then serves ({file name: bytes})."""
    deferred: dict = {}
    served: dict[str, bytes] = {}
    register, store = MediaFileManager.add_deferred, MemoryMediaFileStorage.load_and_get_id

    def keep_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = register(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
        deferred[file_name] = (self, file_id)
        return file_id

    def keep_served(self, path_or_data, mimetype, kind, filename=None):
        served[filename] = path_or_data
        return store(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep_served)
    return deferred, served


def test_the_overviews_download_button_builds_the_pdf_brief_on_click(demo_app_env, downloads, tmp_path):
    from tests.apptest import open_page

    deferred, served = downloads
    at = open_page("../pages/overview.py")
    assert "Download the leadership brief (PDF)" in [b.proto.label for b in at.get("download_button")]
    name = "purpose-pulse-brief-2026-07-01-to-2026-09-30.pdf"
    assert name not in served  # nothing is built until the button is clicked
    manager, file_id = deferred[name]
    # What a click does: Streamlit runs the page's function and serves the bytes it returns.
    manager.execute_deferred(file_id)
    assert served[name].startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(served[name])
    text = pages(path)
    assert len(text) == 1 + len(DEMO_TEAMS)
    shown = next(m.value for m in at.metric if m.label == "Purpose Health Index")  # "65 · ! Amber"
    assert f"Purpose Health Index · All teams in view {shown.split(' · ')[0]} from" in text[0]


def test_an_organisation_without_data_gets_a_brief_that_says_why(fresh_engine, tmp_path):
    today = dt.date.today()
    running = Period(today.replace(day=1), today.replace(day=1) + dt.timedelta(days=40))
    with fresh_engine.connect() as conn:
        report = build_report(conn, Scope.everything(), running, None, load_metric_settings(conn))
    org, teams = report["_cards"]
    assert org.health_index is None and teams == []
    path = tmp_path / "empty.pdf"
    path.write_bytes(render_pdf(report))
    (text,) = pages(path)  # the organisation's page, no team page
    assert f"To date: the period runs until {fmt_date(running.end)}" in text
    assert index_words(None, org.coverage) in text  # "no index: 0 of 17 symptoms (0% of the weight) scored"
    assert "No index" in text and "No sales team is in view." in text
    assert "No symptom has a figure for the previous period to compare with." in text
    for result in org.symptoms:
        assert f"{result.label} ({result.reason}" in text
