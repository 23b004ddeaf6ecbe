"""A file's rows handed out in lists are the rows, line numbers and notes of reading it whole.

The lists are read in one loop over the CSV reader; whatever the list size, they must hold exactly what
the whole-file reader (``reading.read_table``) finds (blank lines, quoted line breaks, footer-like
lines in the middle and the footer at the end), and a file that cannot be read must be refused with
the same sentence.
"""

from __future__ import annotations

import pytest

from data_access.importers.errors import UnreadableFile
from data_access.importers.reading import read_table
from data_access.importers.streaming import chunked, open_rows

TRICKY = (
    "Opportunity ID,Stage,Amount\r\n"
    "\r\n"
    "D1,Prospecting,100\r\n"
    ",,\r\n"
    "D2,Closed Won,200\r\n"
    "\r\n"
    "Only one cell\r\n"
    'D3,"Negotiation\r\nover two lines",300\r\n'
    "   ,  ,\r\n"
    "\r\n"
    "D4,Closed Lost,400\r\n"
    "just a note,,\r\n"
    "short\r\n"
    "D5,Prospecting\r\n"
    "\r\n"
    "Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.\r\n"
    "\r\n"
    "Confidential Information - Do Not Distribute\r\n"
)


def _both(path, size: int):
    whole = read_table(path.read_bytes(), "deals.csv")
    layered = list(chunked(iter(whole.rows), size))
    facts = (len(whole.rows), whole.notes)
    stream = open_rows(path, "deals.csv")
    lists = list(stream.chunks(size))
    return layered, facts, lists, (stream.rows_read, stream.notes)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 100])
def test_rows_in_lists_are_the_rows_read_one_by_one(tmp_path, size):
    path = tmp_path / "deals.csv"
    path.write_text(TRICKY, encoding="utf-8", newline="")
    layered, facts, lists, lists_facts = _both(path, size)
    assert lists == layered
    assert lists_facts == facts
    rows = [row for part in lists for row in part]
    assert [line for line, _ in rows] == [3, 5, 7, 8, 12, 13, 14, 15, 17]
    assert rows[3][1][1] == "Negotiation\r\nover two lines"
    assert facts == (9, ["Ignored 1 footer line(s) after the data (lines 19-19)."])
    assert all(len(part) <= size for part in lists)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Opportunity ID,Stage\n\n\n", "deals.csv has a header but no data rows."),
        (
            b'Opportunity ID,Stage\nD1,"' + b"x" * 140_000 + b'"\n',
            "deals.csv cannot be read as CSV at line 2",
        ),
    ],
)
def test_a_file_that_cannot_be_read_in_lists_is_refused_in_the_same_sentence(tmp_path, data, message):
    path = tmp_path / "deals.csv"
    path.write_bytes(data)
    refusals = []
    with pytest.raises(UnreadableFile) as refused:
        read_table(path.read_bytes(), "deals.csv")
    refusals.append(str(refused.value))
    for read in (lambda s: list(s.rows()), lambda s: list(s.chunks(2))):
        with pytest.raises(UnreadableFile) as refused:
            read(open_rows(path, "deals.csv"))
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1] == refusals[2]
    assert refusals[0].startswith(message)
