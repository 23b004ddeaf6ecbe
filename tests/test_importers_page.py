"""The Data page through Streamlit's AppTest on a fresh SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import models as m
from tests.apptest import start_app
from tests.conftest import FIXTURES

PAGE = "../pages/data_imports.py"
DEALS = (
    b"Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date\n"
    b'P1,Good deal,Closed Won,"$1,200.00",2024-03-01,2024-01-01\n'
    b"P2,Backwards,Closed Won,100,2024-01-01,2024-03-01\n"
)


@pytest.fixture
def page(fresh_engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", fresh_engine.url.render_as_string(hide_password=False))

    def open_with(file_name: str | None = None, data: bytes | None = None) -> AppTest:
        at = start_app(timeout=60)
        if file_name is not None:
            at.session_state["pp.imports.upload"] = (file_name, data)
        at.run()
        return at.switch_page(PAGE).run()

    return open_with


def test_empty_page_explains_what_to_do(page):
    at = page()
    assert not at.exception, at.exception
    assert "Upload a Salesforce, HubSpot or other CSV export (or an Excel workbook) to begin." in [
        i.value for i in at.info
    ]
    assert "Nothing has been imported yet." in [i.value for i in at.info]


def test_upload_preview_validate_and_import(page, fresh_engine):
    at = page("deals.csv", DEALS)
    assert not at.exception, at.exception
    assert at.selectbox(key="pp.imports.format.opportunities").value == "salesforce_report"
    assert any("2 rows · 6 columns" in c.value for c in at.caption)

    at.button(key="pp.imports.validate").click().run()
    assert not at.exception, at.exception
    assert any("Would import 2 rows" in i.value for i in at.info)
    with fresh_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one() == 0

    at.button(key="pp.imports.run").click().run()
    assert not at.exception, at.exception
    assert any("1 inserted, 0 updated, 0 unchanged, 1 rejected" in s.value for s in at.success)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert (metrics["Inserted"], metrics["Rejected"]) == ("1", "1")
    with fresh_engine.connect() as conn:
        assert conn.execute(select(m.Opportunity.amount)).scalar_one() == 1200
    # The history tab lists the batch and its rejected row, with the reason.
    assert at.selectbox(key="pp.imports.batch").value == 1
    frames = [df.value for df in at.dataframe]
    rejects = next(f for f in frames if "reason" in f.columns)
    assert rejects.loc[0, "reason"] == "Close Date 2024-01-01 is before Created Date 2024-03-01"
    assert int(rejects.loc[0, "line"]) == 3


def test_a_file_that_needs_a_map_says_so_on_the_page(page):
    data = (FIXTURES / "imports" / "generic_deals_eu.csv").read_bytes()
    at = page("deals_eu.csv", data)
    assert not at.exception, at.exception
    assert any("is missing the required columns 'id', 'stage'" in e.value for e in at.error)


def test_binary_upload_is_refused_on_the_page(page):
    at = page("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not at.exception, at.exception
    # The message is escaped Markdown (the file name came from outside); a reader sees it without backslashes.
    assert [e.value.replace("\\", "") for e in at.error] == [
        "photo.csv is a binary file, not a CSV text file."
    ]


WON = (
    b"mql_id,sr_id,won_date,business_segment,declared_monthly_revenue\n"
    b"m1,4ef15afb,2018-02-26 19:58:54,pet,0.0\n"
    b"m2,d3d1e91a,2018-05-08 20:17:59,car_accessories,125000.0\n"
)


def test_a_constant_and_a_preview_then_a_saved_mapping(page, fresh_engine):
    at = page("won.csv", WON)
    assert not at.exception, at.exception
    assert any("is missing the required columns 'id', 'stage'" in e.value for e in at.error)
    at.text_input(key="pp.imports.map_text.opportunities").input(
        'id=mql_id,stage="Closed Won",close_date=won_date,amount=declared_monthly_revenue,currency="BRL"'
    ).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    preview = next(df.value for df in at.dataframe if "line" in df.value.columns and "id" in df.value.columns)
    assert list(preview["stage"]) == ["Closed Won", "Closed Won"]
    assert list(preview["close_date"]) == ["2018-02-26", "2018-05-08"]
    assert list(preview["amount"]) == ["0.00", "125000.00"]

    at.text_input(key="pp.imports.save_name").input("Marketplace won deals")
    at.button(key="pp.imports.save").click().run()
    assert any("Saved the mapping 'Marketplace won deals'" in s.value for s in at.success)
    at.button(key="pp.imports.run").click().run()
    assert not at.exception, at.exception
    assert any("2 inserted, 0 updated, 0 unchanged, 0 rejected" in s.value for s in at.success)
    with fresh_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.ImportMapping)).scalar_one() == 1
        won = conn.execute(select(m.Opportunity.currency, m.Opportunity.is_won)).all()
    assert sorted(won) == [("BRL", True), ("BRL", True)]

    # The next file of this kind needs only the saved mapping.
    again = page("won-march.csv", WON.replace(b"m1,", b"m3,"))
    again.selectbox(key="pp.imports.saved.opportunities").select("Marketplace won deals").run()
    assert not again.exception, again.exception
    assert not again.error, [e.value for e in again.error]
    again.button(key="pp.imports.run").click().run()
    assert any("1 inserted, 0 updated, 1 unchanged, 0 rejected" in s.value for s in again.success)


def test_an_excel_upload_is_read_on_the_page(page):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date"])
    book.active.append(
        ["X1", "Workbook deal", "Closed Won", 1500.0, __import__("datetime").datetime(2024, 5, 2)]
    )
    data = io.BytesIO()
    book.save(data)
    at = page("deals.xlsx", data.getvalue())
    assert not at.exception, at.exception
    preview = next(df.value for df in at.dataframe if "line" in df.value.columns and "id" in df.value.columns)
    assert (preview.loc[0, "id"], preview.loc[0, "close_date"], preview.loc[0, "amount"]) == (
        "X1",
        "2024-05-02",
        "1500.00",
    )


def test_a_mapping_problem_quotes_typed_text_as_text(page):
    """What a mapping problem quotes back (here a field name typed as a Markdown link) reads as typed
    and never becomes a link on the page."""
    at = page("won.csv", WON)
    at.text_input(key="pp.imports.map_text.opportunities").input("[login](https://evil.example)=mql_id").run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("is not a field of opportunities" in e.replace("\\", "") for e in errors)
    assert all("](https://" not in e for e in errors)
    assert any("\\[login\\]" in e for e in errors)


def test_freshness_shows_an_import_made_from_the_command_line_in_another_process(
    page, fresh_engine, tmp_path
):
    """The Freshness tab is cached by the data version: the same session sees a command-line import
    made meanwhile by another process, without recounting on every click before it."""
    at = page()
    assert "Nothing has been imported yet." in [i.value for i in at.info]
    export = tmp_path / "deals.csv"
    export.write_bytes(DEALS)
    url = fresh_engine.url.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", "opportunities", str(export)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    at.run()
    assert not at.exception, at.exception
    assert "Nothing has been imported yet." not in [i.value for i in at.info]
    freshness = next(
        df.value for df in at.dataframe if {"status", "rows", "imports"} <= set(df.value.columns)
    )
    deals = freshness.set_index("source").loc["Opportunities (pipeline)"]
    assert (deals["status"], deals["rows"], deals["imports"]) == ("Fresh", 1, 1), freshness
