"""Fuzzing the command line: Hypothesis-generated CSV, VTT, SRT and JSON files through every import
source via ``dashboard.cli.main.main`` (the real command-line code path, in-process). Whatever arrives,
the command exits 0 or 2 without a traceback, and what is loaded never shrinks."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.cli.main import main
from dashboard.config import load_settings
from data_access.importers import SOURCES
from data_access.scope import Scope
from data_access.status import load_counts

CELLS = st.one_of(
    st.text(max_size=14),
    st.sampled_from(
        [
            "", "$1,234.50", "1.234,50 €", "-5", "13/13/2024", "2/30/2024", "2024-02-01", "1/7/2008",
            "9999-12-31T23:59:59-05:00", "٢٠٢٤-٠١-٠١", "١٠٠", "TRUE", "Closed Won", "Closed Lost", "x" * 300,
            "enps", "4.6", "11", "Voluntarily Terminated", "=1+1", '"', "a,b", "\u202e", "EUR", "USD",
        ]
    ),
)  # fmt: skip
FIELDS = {name: [f.name for f in source.fields] for name, source in SOURCES.items()}


@st.composite
def csv_file(draw, source: str) -> bytes:
    names = FIELDS[source]
    header = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.text(min_size=1, max_size=8)))
    rows = [header]
    for _ in range(draw(st.integers(0, 5))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, -1, 1]))
        rows.append([draw(CELLS) for _ in range(max(0, width))])
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="replace")


CLOCK = st.builds(
    lambda h, m, s, ms: f"{h:02d}:{m:02d}:{s:02d}{ms}",
    st.integers(0, 99), st.integers(0, 70), st.integers(0, 70), st.sampled_from([".000", ",500", "", ".5"]),
)  # fmt: skip
WORDS = st.one_of(
    st.text(max_size=30), st.sampled_from(["Ann: hello", "<v Bo>hi</v>", "Our targets for 2022: 5%"])
)


@st.composite
def transcript_file(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["vtt", "srt", "txt", "json"]))
    cues = draw(st.lists(st.tuples(CLOCK, CLOCK, WORDS), max_size=4))
    if kind == "vtt":
        text = "WEBVTT\n\n" + "".join(f"{a} --> {b}\n{w}\n\n" for a, b, w in cues)
    elif kind == "srt":
        text = "".join(f"{i}\n{a} --> {b}\n{w}\n\n" for i, (a, b, w) in enumerate(cues, 1))
    elif kind == "txt":
        text = "\n".join(f"[{a}] {w}" if draw(st.booleans()) else w for a, _, w in cues)
    else:
        items = [
            {
                "speaker": draw(st.one_of(st.none(), st.text(max_size=6), st.integers())),
                "start": a,
                "end": b,
                "text": w,
            }
            for a, b, w in cues
        ]
        text = json.dumps(draw(st.sampled_from([items, {"utterances": items}, items[:1] or 3])))
        if draw(st.integers(0, 9)) == 0:
            text = "[" * 5000 + "]" * 5000
    return f"meeting.{kind}", text.encode("utf-8")


@pytest.fixture
def database(fresh_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", fresh_engine.url.render_as_string(hide_password=False))
    return fresh_engine


def _counts(engine) -> dict:
    with engine.connect() as conn:
        return load_counts(conn, Scope.everything())


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv, load_settings())
    return code, err.getvalue()


def _never_shrinks(before: dict, after: dict) -> None:
    for key, value in before.items():
        assert after[key] >= value, (key, before, after)


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("source", sorted(SOURCES))
@FUZZ
@given(data=st.data())
def test_any_csv_through_the_command_line_exits_0_or_2(database, tmp_path, source, data):
    before = _counts(database)
    path = Path(tmp_path) / f"{source}.csv"
    path.write_bytes(data.draw(csv_file(source)))
    code, err = _run(["import", source, str(path)])
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1, err
    _never_shrinks(before, _counts(database))


@FUZZ
@given(data=st.data())
def test_any_wide_survey_through_the_command_line_exits_0_or_2(database, tmp_path, data):
    before = _counts(database)
    header = ["who", "when", "q1", "q2"]
    rows = [header] + [[data.draw(CELLS) for _ in header] for _ in range(data.draw(st.integers(1, 4)))]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = Path(tmp_path) / "wide.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    scale = data.draw(st.sampled_from(["", ":1-5", ":1.0-5.0", ":0-10", ":5-1", ":x"]))
    code, err = _run(
        ["import", "surveys", str(path), "--wide", "--map", "respondent=who,submitted_at=when",
         "--question", f"q1=engagement{scale}", "--question", f"q2=enps{scale}"]
    )  # fmt: skip
    assert code in (0, 2), err
    assert "Traceback" not in err
    _never_shrinks(before, _counts(database))


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_transcript_through_the_command_line_exits_0_or_2(database, tmp_path, data):
    before = _counts(database)
    name, body = data.draw(transcript_file())
    path = Path(tmp_path) / name
    path.write_bytes(body)
    code, err = _run(["import", "transcripts", str(path), "--kind", "leadership", "--held-at", "2024-01-02"])
    assert code in (0, 2), err
    assert "Traceback" not in err
    _never_shrinks(before, _counts(database))
