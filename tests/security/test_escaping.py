"""One escaper for outside text, and what it promises."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dashboard.escaping import WORD_JOINER, escape_chart_text, escape_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_there_is_one_escaper():
    defined = [
        f"{path.relative_to(ROOT)}:{node.name}"
        for folder in ("dashboard", "metrics", "pages", "data_access")
        for path in (ROOT / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.lstrip("_").startswith("escape")
    ]
    # Markdown text is escaped in one place, below both the pages and the report command; charts have
    # their own (plotly reads a little HTML, not Markdown).
    assert sorted(defined) == ["dashboard/escaping.py:escape_chart_text", "metrics/text.py:escape_markdown"]


@given(st.text())
def test_escaped_text_reads_as_typed_on_one_line(text):
    escaped = escape_markdown(text)
    assert not re.search(r"[\r\n\u2028\u2029\v\f]", escaped)
    for char in "[]()<>!*_`$:#|~{}&@":
        assert char not in re.sub(r"\\.", "", escaped.replace(WORD_JOINER, ""))
    shown = re.sub(r"\\(.)", r"\1", escaped.replace(WORD_JOINER, ""))
    assert (
        shown == re.sub(r"[\r\n\u2028\u2029\v\f]+", " ", text.replace(WORD_JOINER, "")) or WORD_JOINER in text
    )


def test_addresses_do_not_autolink():
    escaped = escape_markdown("https://evil.example www.evil.example me@evil.example")
    for trigger in ("://", "www.", "www\\.", "@e", "\\@e"):
        assert trigger not in escaped


def test_chart_text_shows_tags_as_text():
    assert (
        escape_chart_text('<a href="https://evil.example">x</a>')
        == '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'
    )
