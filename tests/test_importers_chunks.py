"""Imports read and written in chunks store exactly what a one-chunk (and a row-by-row) import stores.

A file of a few dozen deals is imported with chunks of 7 rows, so its bad rows, repeated deals, quoted
line breaks, blank line and footer fall on and across chunk boundaries; the stored deals, their
history, the rejected rows (line numbers, reasons, the raw values kept) and the notes must be those of
the same file imported in one chunk and of the row-by-row import the importers had before.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, ImportResult, UnreadableFile, prepare
from data_access.importers.batched import import_file
from data_access.importers.batches import rejected_rows
from data_access.importers.pipeline import write_part
from data_access.importers.refs import Directory
from data_access.importers.validation import validate_rows
from tests.conftest import REPO_ROOT

HEADER = [
    "Opportunity Owner",
    "Account Name",
    "Opportunity Name",
    "Opportunity ID",
    "Stage",
    "Amount",
    "List Amount",
    "Probability (%)",
    "Close Date",
    "Created Date",
    "Won",
    "Closed",
    "Loss Reason",
    "Currency",
]


def deals(amount_shift: int = 0) -> str:
    """A Salesforce report export with a problem every few rows (line numbers in the comments)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    stages = ("Prospecting", "Negotiation/Review", "Closed Won", "Closed Lost")
    for i in range(1, 41):
        stage = stages[i % 4]
        closed = stage.startswith("Closed")
        row = [
            f"Seller {i % 3}",
            f"Account {i % 5}",
            f"Deal {i}",
            f"D{i:03d}",
            stage,
            f"{1000 * i + amount_shift:,}.00",
            f"{1200 * i:,}.00" if i % 6 == 0 else "",
            "100" if stage == "Closed Won" else "0" if closed else "40",
            f"{1 + i % 12}/{1 + i % 27}/2024",
            "1/1/2024",
            "1" if stage == "Closed Won" else "0",
            "1" if closed else "0",
            "Lost on price" if stage == "Closed Lost" else "",
            "USD",
        ]
        if i == 7:
            row[5] = "12abc"  # not an amount, last row of the first chunk
        if i == 8:
            row[5] = "-5.00"  # negative, first row of the second chunk
        if i == 12:
            row[8], row[9] = "1/1/2024", "6/1/2024"  # closed before created
        if i == 14:
            row[8] = ""  # won without a close date
        if i == 15:
            row[2] = "x" * 301  # name too long
        if i == 16:
            row[13] = "XX1"  # not a currency code
        if i == 21:
            row = row[:6]  # cut short
        if i == 22:
            row[2] = "Deal 22\nsecond line of the name"  # a quoted line break: later line numbers shift
        if i == 25:
            row[3], row[0] = "D003", "Seller 9"  # repeats deal D003 (line 4) with another owner
        if i == 30:
            row[3] = "D010"  # repeats deal D010 with the same owner
        if i == 33:
            row[7] = "250"  # probability 250% is outside 0-100%
        if i == 35:
            row[10] = "maybe"  # not yes/no
        writer.writerow(row)
        if i == 18:
            writer.writerow([])  # a blank line in the middle
    writer.writerow([])
    writer.writerow(["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."])
    return out.getvalue()


def rowwise(conn, data: bytes, name: str, options: ImportOptions) -> ImportResult:
    """The import as it was before chunks: every row through the row model, then one write."""
    prepared = prepare(SOURCES["opportunities"], data, name, options)
    valid, rejected = validate_rows(prepared.source, prepared.table, prepared.mapping, prepared.context)
    prepared.source.check(valid, name)
    result = ImportResult("opportunities", name, prepared.format.name, rows_read=len(prepared.table.rows))
    result.notes = list(prepared.table.notes)
    savepoint = conn.begin_nested()
    directory = Directory(conn)
    write_part(
        conn,
        prepared.source,
        prepared.table,
        prepared.format.name,
        valid,
        rejected,
        directory,
        options,
        result,
    )
    savepoint.commit()
    return result


def stored(conn) -> list[tuple]:
    """Every deal as a user sees it (accounts and owners by their key, not by internal id)."""
    o, a, p = m.Opportunity.__table__, m.Account.__table__, m.Person.__table__
    shown = [
        c
        for c in o.columns
        # Times the import itself stamps (a deal's first late-stage time comes from its history, dated
        # when the change was imported) differ between two imports of the same file.
        if c.name
        not in ("id", "account_id", "owner_id", "team_id", "source_batch_id", "updated_at", "first_late_stage_at")
    ]
    query = (
        select(*shown, a.c.external_key.label("account"), p.c.external_key.label("owner"))
        .select_from(o.outerjoin(a, a.c.id == o.c.account_id).outerjoin(p, p.c.id == o.c.owner_id))
        .order_by(o.c.external_key)
    )
    return [tuple(row) for row in conn.execute(query)]


def history(conn) -> list[tuple]:
    o, h = m.Opportunity.__table__, m.OpportunityHistory.__table__
    query = (
        select(o.c.external_key, h.c.stage, h.c.amount, h.c.close_date)
        .select_from(h.join(o, o.c.id == h.c.opportunity_id))
        .order_by(o.c.external_key, h.c.changed_at)
    )
    return [tuple(row) for row in conn.execute(query)]


def outcome(conn, result: ImportResult) -> dict:
    return {
        "counts": (result.rows_read, result.inserted, result.updated, result.unchanged, result.rejected),
        "notes": result.notes,
        "rejected": [(r["line_number"], r["reason"], r["raw"]) for r in rejected_rows(conn, result.batch_id)],
        "deals": stored(conn),
        "history": history(conn),
    }


def imported(conn, tmp_path, how, texts: list[str], **options) -> list[dict]:
    """Import each text in turn (a first export, then a newer one) and describe what each left."""
    opts = ImportOptions(**options)
    out = []
    savepoint = conn.begin_nested()
    for n, text in enumerate(texts):
        path = tmp_path / f"deals{n}.csv"
        path.write_text(text, encoding="utf-8", newline="")
        if how == "rowwise":
            result = rowwise(conn, path.read_bytes(), str(path), opts)
        else:
            result = import_file(conn, SOURCES["opportunities"], path, str(path), opts, chunk_rows=how)
        out.append(outcome(conn, result))
    savepoint.rollback()
    return out


def test_chunks_store_what_one_chunk_and_row_by_row_store(conn, tmp_path):
    texts = [deals(), deals(amount_shift=500)]  # the newer export changes every amount
    small = imported(conn, tmp_path, 7, texts)
    whole = imported(conn, tmp_path, 10_000, texts)
    before = imported(conn, tmp_path, "rowwise", texts)
    assert small == whole == before
    first, newer = small
    assert first["counts"] == (40, 29, 0, 0, 11)
    reasons = {line: reason for line, reason, _raw in first["rejected"]}
    # Line numbers are the file's own: a blank line after deal 18 and a quoted line break in deal 22.
    assert reasons[8] == "Amount: '12abc' is not an amount"
    assert reasons[9] == "Amount is negative (-5.00)"
    assert reasons[23] == "has 6 of 14 columns: the file may be cut short"
    assert reasons[28] == "repeats the same opportunity id of line 4"
    assert reasons[33] == "repeats the same opportunity id of line 11"
    assert "Close Date 2024-01-01 is before Created Date 2024-06-01" in reasons[13]
    assert "Currency 'XX1' is not a currency code such as EUR" in reasons[17]
    # A rejected row keeps its mapped columns only, as read.
    assert dict(first["rejected"][0][2])["Amount"] == "12abc"
    assert first["notes"][0].startswith("Ignored 1 footer line(s)")
    assert any("Conflict: deal 'D003' has 2 owners" in note for note in first["notes"])
    assert newer["counts"] == (40, 0, 29, 0, 11)
    assert len(newer["history"]) == 2 * 29  # each changed deal: its previous and its new amount


def test_strict_rejects_every_row_of_a_deal_with_two_owners_across_chunks(conn, tmp_path):
    small = imported(conn, tmp_path, 7, [deals()], strict=True)
    before = imported(conn, tmp_path, "rowwise", [deals()], strict=True)
    assert small == before
    reasons = {line: reason for line, reason, _raw in small[0]["rejected"]}
    assert reasons[4] == "the deal has another owner: 'Seller 9' on line 28"  # in the first chunk
    assert reasons[28] == "the deal has another owner: 'Seller 0' on line 4"
    assert "D003" not in [deal[0] for deal in small[0]["deals"]]


def test_a_currency_in_the_last_chunk_refuses_the_file_and_stores_nothing(conn, tmp_path):
    text = deals().replace('USD\r\n\r\n"Copyright', 'EUR\r\n\r\n"Copyright')
    assert "EUR" in text
    path = tmp_path / "mixed.csv"
    path.write_text(text, encoding="utf-8", newline="")
    savepoint = conn.begin_nested()
    with pytest.raises(UnreadableFile) as small:
        import_file(conn, SOURCES["opportunities"], path, "mixed.csv", ImportOptions(), chunk_rows=7)
    assert conn.execute(select(m.ImportBatch.id)).first() is None
    assert stored(conn) == []
    with pytest.raises(UnreadableFile) as before:
        rowwise(conn, path.read_bytes(), "mixed.csv", ImportOptions())
    savepoint.rollback()
    assert str(small.value) == str(before.value)
    assert "USD (line 2), EUR (line 43)" in str(small.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.csv is empty."),
        (b"%PDF-1.4 ...", "x.csv is a PDF document, not a CSV file."),
        (b"Opportunity ID,Stage\n", "x.csv has a header but no data rows."),
        (b"a,b\n\x00\x01\x02,\x03\n", "x.csv is a binary file, not a CSV text file."),
        ("Opportunity ID,Stage,Amount\nD1,Won,1 200 \u20ac\n".encode("cp1252"), None),
        (b'Opportunity ID,Stage\nD1,"' + b"x" * 140_000 + b'"\n', "x.csv cannot be read as CSV at line 2"),
    ],
)
def test_a_file_read_in_chunks_is_refused_or_read_like_one_read_whole(conn, tmp_path, data, message):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    source = SOURCES["opportunities"]
    errors = []
    for attempt in (
        lambda: prepare(source, data, "x.csv", ImportOptions()),
        lambda: import_file(conn, source, path, "x.csv", ImportOptions(dry_run=True), chunk_rows=1),
    ):
        try:
            attempt()
            errors.append(None)
        except UnreadableFile as exc:
            errors.append(str(exc))
    assert errors[0] == errors[1]
    if message:
        assert errors[0].startswith(message)


def test_the_command_line_imports_in_chunks(fresh_engine, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(deals(), encoding="utf-8", newline="")
    env = {**os.environ, "DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", "opportunities", str(path), "--chunk-rows", "7"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "40 rows of" in done.stdout and "29 inserted, 0 updated, 0 unchanged, 11 rejected" in done.stdout
    with fresh_engine.connect() as conn:
        batch = conn.execute(select(m.ImportBatch.id)).scalar_one()
        lines = [r["line_number"] for r in rejected_rows(conn, batch)]
    assert lines == [8, 9, 13, 15, 16, 17, 23, 28, 33, 36, 38]


def test_progress_counts_rows_done_of_the_total_with_the_rate(conn, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(deals(), encoding="utf-8", newline="")
    seen: list[tuple[float, str]] = []
    savepoint = conn.begin_nested()
    import_file(
        conn,
        SOURCES["opportunities"],
        path,
        "deals.csv",
        ImportOptions(),
        lambda f, m: seen.append((f, m)),
        10,
    )
    savepoint.rollback()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    messages = [msg for _, msg in seen]
    assert any(msg.startswith("Imported 20 of 40 rows (") and msg.endswith(" rows/s)") for msg in messages)
    assert messages[-1].startswith("Imported 40 rows of deals.csv")


def many(n: int, newer: bool = False) -> str:
    """``n`` open deals; the newer export moves every deal to Negotiation with a higher amount."""
    lines = ["Opportunity ID,Opportunity Owner,Stage,Amount,Close Date,Created Date"]
    stage = "Negotiation/Review" if newer else "Prospecting"
    for i in range(n):
        lines.append(
            f"M{i:05d},Seller {i % 7},{stage},{1000 + i + (250 if newer else 0)}.50,2024-06-30,2024-01-0{1 + i % 9}"
        )
    return "\r\n".join(lines) + "\r\n"


def test_a_newer_export_of_many_deals_updates_every_one_with_its_history(conn, tmp_path):
    # Over a thousand changed deals: PostgreSQL writes them through COPY into a scratch table.
    first, newer = imported(conn, tmp_path, 500, [many(1200), many(1200, newer=True)])
    assert first["counts"] == (1200, 1200, 0, 0, 0)
    assert newer["counts"] == (1200, 0, 1200, 0, 0)
    by_key = {deal[0]: deal for deal in newer["deals"]}
    columns = [
        c.name
        for c in m.Opportunity.__table__.columns
        # Times the import itself stamps (a deal's first late-stage time comes from its history, dated
        # when the change was imported) differ between two imports of the same file.
        if c.name
        not in ("id", "account_id", "owner_id", "team_id", "source_batch_id", "updated_at", "first_late_stage_at")
    ]
    deal = dict(zip(columns, by_key["M01199"], strict=False))
    assert (
        deal["stage"] == "Negotiation/Review" and float(deal["amount"]) == 2449.50 and deal["is_late_stage"]
    )
    assert len(newer["history"]) == 2 * 1200
    (key, stage, amount, close), (_, new_stage, new_amount, _) = newer["history"][:2]
    assert (key, stage, float(amount), new_stage, float(new_amount)) == (
        "M00000",
        "Prospecting",
        1000.5,
        "Negotiation/Review",
        1250.5,
    )
    assert str(close)[:10] == "2024-06-30"


def test_a_chunk_whose_write_fails_stops_the_import_and_leaves_nothing(conn, tmp_path):
    # Chunks are written in the background while the next is read: the failure still ends the import.
    source = SOURCES["opportunities"]
    calls = []

    def failing(ctx, columns):
        calls.append(len(columns["id"]))
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(ctx, columns)

    original = source.write_columns
    source = dataclasses.replace(source, write_columns=failing)
    path = tmp_path / "deals.csv"
    path.write_text(many(40), encoding="utf-8", newline="")
    savepoint = conn.begin_nested()
    with pytest.raises(RuntimeError, match="went away"):
        import_file(conn, source, path, "deals.csv", ImportOptions(), chunk_rows=10)
    assert conn.execute(select(m.ImportBatch.id)).first() is None
    assert stored(conn) == []
    savepoint.rollback()
    assert calls == [10, 10]
