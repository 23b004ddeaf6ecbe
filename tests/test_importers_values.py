"""The value parsers and the reader on their own: what real exports write, and what they must refuse."""

from __future__ import annotations

import codecs
import datetime as dt
from decimal import Decimal

import pytest

from data_access.importers.errors import UnreadableFile
from data_access.importers.reading import read_table
from data_access.importers.values import (
    infer_date_order,
    parse_amount,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_ratio,
    resolve_date_format,
)


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("$1,234.50", None, "1234.50"),
        ("1.234,50 €", None, "1234.50"),
        ("1 234,50 €", None, "1234.50"),
        ("USD 1,234", None, "1234"),
        ("€ 99", None, "99"),
        ("(250.00)", None, "-250.00"),
        ("-3,5", None, "-3.5"),
        ("1.234.567", None, "1234567"),
        ("1,234,567.89", None, "1234567.89"),
        ("1.234", True, "1234"),  # a column written with decimal commas
        ("1.234", None, "1.234"),
        ("CHF 1'250.00", None, "1250.00"),
    ],
)
def test_amounts(text, decimal_comma, expected):
    assert parse_amount(text, decimal_comma) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "$", "1,23,4", "12.34.5", "1e5", "--", "10 USD 5"])
def test_not_amounts(text):
    with pytest.raises(ValueError, match="is not an amount"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-31", None, dt.datetime(2024, 3, 31)),
        ("2024-03-31T10:20:30.000Z", None, dt.datetime(2024, 3, 31, 10, 20, 30)),
        ("2024-03-31T12:00:00+02:00", None, dt.datetime(2024, 3, 31, 10, 0)),
        ("3/31/2024 10:00 PM", "mdy", dt.datetime(2024, 3, 31, 22, 0)),
        ("31/03/2024", "dmy", dt.datetime(2024, 3, 31)),
        ("31.03.2024", None, dt.datetime(2024, 3, 31)),
        ("3/31/24", "mdy", dt.datetime(2024, 3, 31)),
        ("31 Mar 2024", None, dt.datetime(2024, 3, 31)),
        ("March 31, 2024", None, dt.datetime(2024, 3, 31)),
    ],
)
def test_dates(text, order, expected):
    assert parse_datetime(text, order) == expected


def test_impossible_dates_say_how_they_were_read():
    with pytest.raises(ValueError, match=r"'2/30/2024' is not a date \(read as month/day/year\)"):
        parse_date("2/30/2024", "mdy")
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("next Tuesday")


def test_date_order_is_decided_for_the_whole_file():
    assert infer_date_order(["2024-01-05", "12/31/2024", "01/02/2024"]) == "mdy"
    assert infer_date_order(["31/12/2024", "01/02/2024"]) == "dmy"
    assert infer_date_order(["2024-01-05"]) is None
    with pytest.raises(ValueError, match="could be day/month or month/day"):
        infer_date_order(["01/02/2024", "03/04/2024"])
    with pytest.raises(ValueError, match="mixes month-first and day-first"):
        infer_date_order(["12/31/2024", "31/12/2024"])
    assert resolve_date_format("eu") == ("dmy", None)
    assert resolve_date_format("%m/%d/%Y") == ("mdy", "%m/%d/%Y")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        ("Yes", True),
        ("y", True),
        ("x", True),
        ("0", False),
        ("FALSE", False),
        ("No", False),
        ("n", False),
        ("0.0", False),
    ],
)
def test_booleans(text, expected):
    assert parse_bool(text) is expected


def test_ratios():
    assert parse_ratio("15%") == pytest.approx(0.15)
    assert parse_ratio("15") == pytest.approx(0.15)
    assert parse_ratio("0.15") == pytest.approx(0.15)
    assert parse_ratio("0.5", percent=True) == pytest.approx(0.005)


def test_reader_handles_the_encodings_and_delimiters_exports_use():
    text = "Name;Amount\r\nRenée;1.234,50\r\n"
    for data, encoding in (
        (text.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("cp1252"), "windows-1252"),
        (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "utf-16"),
    ):
        table = read_table(data, "t.csv")
        assert (table.encoding, table.delimiter, table.headers) == (encoding, ";", ("Name", "Amount"))
        assert table.rows == [(2, ["Renée", "1.234,50"])]
    tabbed = read_table(b"a\tb\n1\t2\n", "t.tsv")
    assert tabbed.delimiter == "\t"


def test_reader_refuses_duplicate_headers():
    with pytest.raises(UnreadableFile, match="has two columns named 'amount'"):
        read_table(b"Amount,amount\n1,2\n", "dup.csv")


def test_every_source_field_and_format_is_documented():
    from data_access.importers import SOURCES
    from tests.conftest import REPO_ROOT

    doc = (REPO_ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    missing = [
        f"{source.name}.{name}"
        for source in SOURCES.values()
        for name in (*source.field_names, *(f.name for f in source.formats))
        if f"`{name}`" not in doc
    ]
    missing += [source.name for source in SOURCES.values() if f"### `{source.name}`" not in doc]
    assert not missing, f"docs/import.md does not mention: {missing}"
