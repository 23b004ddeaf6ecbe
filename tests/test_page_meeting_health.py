"""Signals › Meeting health through AppTest on the demo, and the transcript's safe Markdown.

The period is fixed through the URL (``?period=custom&from=2026-07-01&to=2026-09-30``) so the page
does not depend on today's date; every number is checked against the metrics layer.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.components.transcript import escape_markdown, highlight_evidence, utterance_markdown
from dashboard.formatting import fmt_percent
from data_access import models as m
from data_access.db import make_engine
from data_access.scope import Filters, Period, Scope
from metrics import registry
from metrics.analyses.meetings import meeting_list
from metrics.talk.measures import meeting_utterances
from tests import apptest
from tests.conftest import FIXTURES

PAGE = "../pages/meeting_health.py"
Q3 = apptest.Q3
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
HEADLINES = {
    "Customer share of talk": "customer_talk_share",
    "Deal reviews asking about the customer": "deal_reviews_with_customer_questions",
    "Meetings opening with a customer": "meetings_opening_with_customer",
    "Meetings mentioning the NSP": "nsp_mention_rate",
}


def open_page(period: Period = Q3) -> AppTest:
    return apptest.open_page(PAGE, period)


def shown(value: float) -> str:
    return fmt_percent(value, 1 if abs(value) < 0.1 else 0)


def expected_headlines(url: str, filters: Filters) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        results = {
            label: registry.evaluate(conn, mid, Scope.everything(), filters)
            for label, mid in HEADLINES.items()
        }
    engine.dispose()
    return {label: shown(result.value) for label, result in results.items()}


def headlines(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric if metric.label in HEADLINES}


def meetings_table(at: AppTest):
    """The meeting list as the page shows it (the one table with a title and a customer share)."""
    return next(df.value for df in at.dataframe if {"title", "customer_share"} <= set(df.value.columns))


def team_id(url: str, name: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(select(m.Team.id).where(m.Team.name == name)).scalar_one()
    engine.dispose()
    return found


def test_headline_numbers_are_the_metrics(demo_app_env):
    at = open_page()
    assert headlines(at) == expected_headlines(demo_app_env, Filters(Q3))
    assert "2026" in at.caption[0].value and not at.error


def test_another_period_shows_its_own_numbers(demo_app_env):
    at = open_page()
    before = headlines(at)
    at.date_input(key="pp.filter.range").set_value((Q2.start, Q2.end)).run()
    assert not at.exception, at.exception
    after = headlines(at)
    assert after == expected_headlines(demo_app_env, Filters(Q2))
    assert after != before


def test_picking_a_team_narrows_numbers_and_meetings(demo_app_env):
    at = open_page()
    at.multiselect(key="pp.filter.teams").set_value(["Atlas"]).run()
    assert not at.exception, at.exception
    atlas = frozenset({team_id(demo_app_env, "Atlas")})
    assert headlines(at) == expected_headlines(demo_app_env, Filters(Q3, atlas))
    table = meetings_table(at)
    assert len(table) > 0 and set(table["team"]) == {"Atlas"}


def test_meeting_list_and_its_download_hold_the_same_meetings(demo_app_env, downloads):
    at = open_page()
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        expected = meeting_list(conn, Scope.everything(), Filters(Q3), sort="customer_share_asc", limit=200)
    engine.dispose()
    table = meetings_table(at)
    assert table["title"].tolist() == expected["title"].tolist()
    # Shares are shown as percentages of 0..100.
    assert table["customer_share"].iloc[-1] == pytest.approx(expected["customer_share"].iloc[-1] * 100)
    rows = list(csv.DictReader(io.StringIO(downloads["meetings.csv"].decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == expected["title"].tolist()
    assert "meeting_id" not in rows[0]
    at.selectbox(key="pp.meetings.sort").set_value("customer_share_desc").run()
    reordered = meetings_table(at)
    assert reordered["customer_share"].iloc[0] >= reordered["customer_share"].iloc[-1]


def test_picking_a_meeting_shows_its_sentences_coloured(demo_app_env):
    at = open_page()
    table = meetings_table(at)
    best = int(table.sort_values("customer_share").iloc[-1]["meeting_id"])
    at.selectbox(key="pp.meetings.pick").set_value(best).run()
    assert not at.exception, at.exception
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        utterances = meeting_utterances(conn, Scope.everything(), best)
    engine.dispose()
    text = "\n".join(md.value for md in at.markdown)
    assert table.loc[table["meeting_id"] == best, "title"].item() in text.replace("\\", "")
    customer = next(u for u in utterances if u["label"] == "customer_impact")
    assert utterance_markdown(customer) in text
    assert 'background="rgba(27,127,121,0.20)"' in text
    assert any(
        chart.proto.spec and "Talk time per speaker" in chart.proto.spec for chart in at.get("plotly_chart")
    )


def test_an_imported_zoom_transcript_is_listed_with_its_sentences(tmp_path, monkeypatch):
    from dashboard.config import Settings
    from dashboard.transcript_import import add_transcript_arguments, run_transcript_import
    from data_access.db import migrate

    url = f"sqlite:///{tmp_path / 'zoom.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(m.Team.__table__.insert().values(name="Harbor"))
    engine.dispose()
    parser = argparse.ArgumentParser()
    add_transcript_arguments(parser)
    args = parser.parse_args(
        [
            str(FIXTURES / "transcripts" / "zoom_deal_review.vtt"),
            "--kind",
            "deal_review",
            "--team",
            "Harbor",
            "--held-at",
            "2026-09-14T10:00",
            "--title",
            "Harbor Clinic deal review",
        ]
    )
    assert run_transcript_import(args, Settings(database_url=url)) == 0
    monkeypatch.setenv("DATABASE_URL", url)
    at = open_page()
    table = meetings_table(at)
    assert table["title"].tolist() == ["Harbor Clinic deal review"]
    assert table["utterances"].tolist() == [4]
    text = "\n".join(md.value for md in at.markdown)
    assert "What are they trying to achieve this year" in text.replace("\\", "").replace("**", "")
    assert "Sam Ortiz" in text and ":material/help: question" in text
    assert headlines(at)["Deal reviews asking about the customer"] == "100%"


def test_an_empty_period_says_how_to_import_transcripts(demo_app_env):
    at = open_page(Period(dt.date(2020, 1, 1), dt.date(2020, 3, 31)))
    assert "python -m dashboard import transcripts" in " ".join(i.value for i in at.info)
    assert headlines(at)["Customer share of talk"] == "—"


# --- Imported text is shown as written, never as Markdown or HTML. ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We're $15k short; the $20k deal is $$x$$ math?",
        "**bold** _it_ `code` [link](https://evil.example) ![img](x.png)",
        ":red[alarm] :material/home: <script>alert(1)</script> &amp; # heading",
        "1. not a list\n- nor this\n> nor a quote | table | ~strike~",
    ],
)
def test_escaped_text_has_no_live_markdown(text):
    escaped = escape_markdown(text)
    for special in "$*_`[]()!:<>&#|~":
        assert special not in escaped.replace("\\" + special, "")
    assert "\n" not in escaped


def test_evidence_phrases_are_bold_as_whole_words():
    line = highlight_evidence("Their goal is to pass the audit; the goalkeeper is $5 off.", "goal, $5, audit")
    assert line == "Their **goal** is to pass the **audit**; the goalkeeper is **\\$5** off\\."
    assert highlight_evidence("No evidence here.", None) == "No evidence here\\."


def test_an_utterance_line_shows_speaker_time_question_and_label():
    line = utterance_markdown(
        {
            "speaker": "Sam *O*",
            "start_seconds": 65.2,
            "text": "What are they trying to achieve?",
            "label": "customer_impact",
            "evidence": "achieve",
            "is_question": True,
        }
    )
    head, body = line.split("  \n")
    assert head == "**Sam \\*O\\*** · 1:05 · :material/help: question"
    assert body.startswith(":color[What are they trying to **achieve**?]{background=")
    assert body.endswith(":small[Customer impact]")
    plain = utterance_markdown({"speaker": None, "text": "Lunch?", "label": "other", "evidence": None})
    assert plain == "**Unknown speaker**  \nLunch?"


def test_a_manager_reads_only_their_teams_meetings(demo_app_env):
    # Signed in as the manager of Beacon, with a link that asks for Atlas.
    at = apptest.open_page(PAGE, query={"teams": "Atlas"}, email="victor.sloane@example.com")
    table = meetings_table(at)
    assert len(table) > 0 and set(table["team"]) == {"Beacon"}
    beacon = frozenset({team_id(demo_app_env, "Beacon")})
    engine = make_engine(demo_app_env)
    with engine.connect() as conn:
        share = registry.evaluate(conn, "customer_talk_share", Scope.teams(beacon), Filters(Q3)).value
    engine.dispose()
    assert headlines(at)["Customer share of talk"] == shown(share)
    assert all(" · Beacon · " in option for option in at.selectbox(key="pp.meetings.pick").options)
