"""Property-based: whatever bytes arrive, the reader either reads them or refuses them with one
:class:`UnreadableFile` sentence, and an import is whole or absent, never partial."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, UnreadableFile, prepare, run_import
from data_access.importers.reading import read_table
from tests.conftest import FIXTURES

BASE = (FIXTURES / "imports" / "salesforce_report_opportunities.csv").read_bytes()
GOOD_ROWS = list(csv.reader(io.StringIO(BASE.decode("utf-8"), newline="")))[:6]
TABLES = (m.Opportunity, m.Person, m.Account, m.ImportBatch, m.RejectedRow, m.OpportunityHistory)

junk_cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "$1,234.50", "1.234,50 €", "-5", "13/13/2024", "2/30/2024", "TRUE", "maybe", "150", "=1+1"]
    ),
)


@st.composite
def corrupted_csv(draw) -> bytes:
    """The Salesforce fixture with some cells replaced, some rows cut short or lengthened, and an encoding."""
    rows = [list(r) for r in GOOD_ROWS]
    for row in rows[1:]:
        for i in range(len(row)):
            if draw(st.booleans()) and draw(st.integers(0, 4)) == 0:
                row[i] = draw(junk_cell)
        cut = draw(st.integers(0, 6))
        if cut == 0:
            del row[draw(st.integers(1, len(row))) :]
        elif cut == 1:
            row.extend(draw(st.lists(junk_cell, max_size=3)))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_are_read_or_refused_in_one_sentence(data):
    try:
        table = read_table(data, "random.csv")
    except UnreadableFile as exc:
        message = str(exc)
        assert message.startswith("random.csv") or message.startswith("--")
        assert "\n" not in message
        return
    assert all(line >= 2 for line, _ in table.rows)


def _counts(conn) -> list[int]:
    return [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(corrupted_csv(), st.binary(max_size=300)))
def test_corrupted_files_import_whole_or_not_at_all(conn, data):
    savepoint = conn.begin_nested()  # each example starts from the same empty database
    try:
        before = _counts(conn)
        try:
            prepared = prepare(SOURCES["opportunities"], data, "corrupt.csv", ImportOptions(date_format="us"))
        except UnreadableFile:
            assert _counts(conn) == before
            return
        result = run_import(conn, prepared, ImportOptions(date_format="us"))
        assert result.inserted + result.updated + result.unchanged + result.rejected == result.rows_read
        after = _counts(conn)
        stored_rejects = after[TABLES.index(m.RejectedRow)] - before[TABLES.index(m.RejectedRow)]
        assert stored_rejects == result.rejected
        assert after[TABLES.index(m.Opportunity)] - before[TABLES.index(m.Opportunity)] == result.inserted
        assert after[TABLES.index(m.ImportBatch)] - before[TABLES.index(m.ImportBatch)] == 1
    finally:
        savepoint.rollback()
