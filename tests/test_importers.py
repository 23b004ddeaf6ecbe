"""Importers end to end against the database (SQLite and PostgreSQL through the ``conn`` fixture).

Each vendor fixture in tests/fixtures/imports/ is written from that vendor's documented export columns;
the expected numbers below are counted by hand from those files.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, ImportResult, UnreadableFile, prepare, run_import
from data_access.importers.batches import get_batch, rejected_rows
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"


def load(conn, source: str, data: bytes | Path, name: str = "", **options) -> ImportResult:
    """Import ``data`` (bytes or a fixture path) into ``conn`` the way the command line does."""
    if isinstance(data, Path):
        name, data = name or data.name, data.read_bytes()
    opts = ImportOptions(**options)
    return run_import(conn, prepare(SOURCES[source], data, name or "upload.csv", opts), opts)


def count(conn, model) -> int:
    return conn.execute(select(func.count()).select_from(model)).scalar_one()


def opp(conn, key: str):
    return conn.execute(select(m.Opportunity.__table__).where(m.Opportunity.external_key == key)).one()


def reasons(conn, result: ImportResult) -> dict[int, str]:
    return {r["line_number"]: r["reason"] for r in rejected_rows(conn, result.batch_id)}


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


# --- one test per vendor format -------------------------------------------------------------------


def test_salesforce_report_export(conn):
    result = load(conn, "opportunities", IMPORTS / "salesforce_report_opportunities.csv")
    assert result.format == "salesforce_report"
    assert (result.rows_read, result.inserted, result.rejected) == (5, 5, 0)
    assert any("footer" in note for note in result.notes)  # Salesforce's copyright lines are not deals
    won = opp(conn, "0065g00000AbCdE1")
    assert won.is_won and won.is_closed and won.amount == Decimal("48000.00")
    assert won.discount == pytest.approx(0.2)  # 1 - 48,000 / 60,000
    assert won.close_date == dt.date(2024, 3, 28) and won.created_date == dt.date(2024, 1, 15)
    assert won.customer_outcome == "Cut onboarding time from 6 weeks to 2"
    assert won.executive_sponsor == "Dana Whitfield (CFO)"
    negotiation = opp(conn, "0065g00000AbCdE2")
    assert (
        negotiation.is_late_stage
        and not negotiation.is_closed
        and negotiation.probability == pytest.approx(0.9)
    )
    assert opp(conn, "0065g00000AbCdE3").loss_category == "price"
    assert opp(conn, "0065g00000AbCdE4").loss_category == "disqualified"
    assert sorted(result.created["people"]) == ["Ana Costa", "Ben Okafor"]
    assert sorted(result.created["accounts"]) == ["Globex", "Hooli", "Initech", "Umbrella Corp"]


def test_salesforce_data_loader_export(conn):
    load(conn, "people", IMPORTS / "people.csv")
    result = load(conn, "opportunities", IMPORTS / "salesforce_dataloader_opportunities.csv")
    assert result.format == "salesforce_dataloader"
    assert (result.inserted, result.rejected) == (3, 0)
    won = opp(conn, "006Hs00001A1")
    atlas = conn.execute(select(m.Team.id).where(m.Team.name == "Atlas")).scalar_one()
    ana = conn.execute(select(m.Person.id).where(m.Person.email == "ana.costa@acme.example")).scalar_one()
    assert (won.owner_id, won.team_id) == (ana, atlas)  # owner matched by email, team = owner's team
    assert won.list_amount == Decimal("100000.00") and won.discount == pytest.approx(0.1)
    assert opp(conn, "006Hs00001A2").loss_category == "competition"
    assert opp(conn, "006Hs00001A3").is_late_stage
    assert "people" not in result.created  # every owner was already known


def test_hubspot_deal_export(conn):
    result = load(conn, "opportunities", IMPORTS / "hubspot_deals.csv")
    assert result.format == "hubspot"
    assert (result.inserted, result.rejected) == (4, 0)
    won = opp(conn, "9876543210")
    assert won.is_won and won.discount == pytest.approx(0.15)  # "Discount (%)" 15 is 15%
    assert won.customer_outcome == "Pass their SOC 2 audit this year"  # "Customer Goal" column
    assert won.close_date == dt.date(2024, 4, 30)
    lost = opp(conn, "9876543211")
    assert lost.is_closed and not lost.is_won and lost.loss_category == "timing"
    assert opp(conn, "9876543212").is_late_stage  # "Contract sent"
    assert not opp(conn, "9876543213").is_closed


def test_generic_csv_needs_a_map_then_reads_european_numbers(conn):
    path = IMPORTS / "generic_deals_eu.csv"
    with pytest.raises(UnreadableFile, match="missing the required columns 'id', 'stage'"):
        load(conn, "opportunities", path)
    mapping = {
        "id": "Deal Ref",
        "account": "Client",
        "owner": "Rep",
        "stage": "Phase",
        "amount": "Value",
        "close_date": "Won On",
        "created_date": "Opened",
    }
    result = load(conn, "opportunities", path, mapping=mapping)
    assert (result.inserted, result.rejected) == (3, 0)
    first = opp(conn, "EU-001")
    assert first.amount == Decimal("1234.50") and first.close_date == dt.date(2024, 3, 31)
    assert (
        conn.execute(select(m.Person.name).where(m.Person.id == first.owner_id)).scalar_one()
        == "Élodie Durand"
    )
    assert opp(conn, "EU-002").amount == Decimal("12000.00")


def test_people_build_teams_and_the_reporting_line(conn):
    result = load(conn, "people", IMPORTS / "people.csv")
    assert (result.inserted, result.rejected) == (5, 0)
    assert sorted(result.created["teams"]) == ["Atlas", "Beacon"]
    assert result.created["people"] == ["Victor Hale"]  # a manager named only as someone's manager
    people = {p.name: p for p in conn.execute(select(m.Person.__table__)).all()}
    assert people["Ana Costa"].manager_id == people["Maria Lopez"].id  # manager given by email
    assert people["Ben Okafor"].manager_id == people["Maria Lopez"].id  # manager given by name
    assert people["Ben Okafor"].termination_date == dt.date(2024, 5, 31)
    assert people["Ben Okafor"].termination_voluntary is True
    assert people["Victor Hale"].role == "manager" and people["Maria Lopez"].role == "manager"
    assert people["Chloe Martin"].role == "seller"


def test_accounts_quotas_subscriptions_and_surveys(conn):
    accounts = load(conn, "accounts", IMPORTS / "accounts.csv")
    assert (accounts.format, accounts.inserted) == ("salesforce_report", 4)
    globex = conn.execute(select(m.Account.__table__).where(m.Account.name == "Globex")).one()
    assert globex.employees == 12000 and globex.annual_revenue == Decimal("2400000000.00")
    assert (
        conn.execute(select(m.Account.parent_name).where(m.Account.name == "Hooli")).scalar_one()
        == "Alphabet"
    )

    load(conn, "people", IMPORTS / "people.csv")
    quotas = load(conn, "quotas", IMPORTS / "quotas.csv")
    assert (quotas.inserted, quotas.rejected) == (4, 0)
    total = conn.execute(select(func.sum(m.Quota.amount))).scalar_one()
    assert Decimal(total) == Decimal("905000")  # 250k + 275k + 200k + 180k

    subs = load(conn, "subscriptions", IMPORTS / "subscriptions.csv")
    assert (subs.inserted, subs.rejected) == (4, 0)
    rows = {s.external_key: s for s in conn.execute(select(m.Subscription.__table__)).all()}
    assert rows["SUB-2"].renewed_from_id == rows["SUB-1"].id  # a renewal of a term in the same file
    assert rows["SUB-3"].arr == Decimal("12000.00")  # 12 x MRR 1,000
    assert rows["SUB-2"].concession_amount == Decimal("2400.00")

    surveys = load(conn, "surveys", IMPORTS / "surveys.csv")
    assert (surveys.inserted, surveys.rejected) == (5, 0)
    answers = conn.execute(select(m.SurveyResponse.__table__)).all()
    codes = sorted(a.question_code for a in answers)
    assert codes == ["enps", "enps", "enps", "meaning_purpose", "meaning_purpose"]
    keys = {a.respondent_key for a in answers}
    assert not any("@" in key for key in keys) and "r-7f3a" in keys  # emails hashed, pseudonyms kept
    assert len(keys) == 3
    assert {a.scale for a in answers if a.question_code == "enps"} == {10}


def test_history_import_rejects_rows_of_unknown_deals(conn):
    load(conn, "opportunities", IMPORTS / "salesforce_dataloader_opportunities.csv")
    result = load(conn, "history", IMPORTS / "salesforce_opportunity_history.csv")
    assert (result.inserted, result.rejected) == (5, 1)
    assert reasons(conn, result) == {
        7: "opportunity '006Hs99999ZZ' is not loaded; import the opportunities first"
    }
    a3 = opp(conn, "006Hs00001A3")
    dates = (
        conn.execute(
            select(m.OpportunityHistory.close_date)
            .where(m.OpportunityHistory.opportunity_id == a3.id)
            .order_by(m.OpportunityHistory.changed_at)
        )
        .scalars()
        .all()
    )
    assert dates == [dt.date(2024, 5, 31), dt.date(2024, 5, 31), dt.date(2024, 6, 28)]  # one push


# --- idempotence and newer exports ----------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(conn):
    path = IMPORTS / "salesforce_report_opportunities.csv"
    first = load(conn, "opportunities", path)
    before = [count(conn, t) for t in (m.Opportunity, m.Person, m.Account, m.OpportunityHistory)]
    again = load(conn, "opportunities", path)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, first.rows_read, 0)
    assert [count(conn, t) for t in (m.Opportunity, m.Person, m.Account, m.OpportunityHistory)] == before
    assert again.created == {}
    assert count(conn, m.ImportBatch) == 2  # every import is recorded, even one that changed nothing


def test_a_newer_export_updates_in_place_and_records_history(conn):
    load(conn, "opportunities", IMPORTS / "salesforce_dataloader_opportunities.csv")
    when = dt.datetime(2024, 7, 1, 8, 0)
    newer = load(
        conn, "opportunities", IMPORTS / "salesforce_dataloader_opportunities_newer.csv", changed_at=when
    )
    assert (newer.inserted, newer.updated, newer.unchanged) == (0, 1, 2)
    a3 = opp(conn, "006Hs00001A3")
    assert a3.amount == Decimal("68000.00") and a3.close_date == dt.date(2024, 7, 31)
    assert a3.probability == pytest.approx(0.8)
    history = conn.execute(
        select(m.OpportunityHistory.changed_at, m.OpportunityHistory.amount, m.OpportunityHistory.close_date)
        .where(m.OpportunityHistory.opportunity_id == a3.id)
        .order_by(m.OpportunityHistory.changed_at)
    ).all()
    # The values before the change (so the first push is countable) and the values after it.
    assert [(Decimal(h.amount), h.close_date) for h in history] == [
        (Decimal("75000"), dt.date(2024, 6, 28)),
        (Decimal("68000"), dt.date(2024, 7, 31)),
    ]
    assert history[-1].changed_at == when
    assert count(conn, m.Opportunity) == 3
    # The unchanged deals got no history rows.
    assert count(conn, m.OpportunityHistory) == 2


# --- bad input ------------------------------------------------------------------------------------

HEADER = "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.csv is empty."),
        (b"\r\n\r\n  \n", "x.csv is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "x.csv is a binary file, not a CSV text file."),
        (b"PK\x03\x04\x14\x00\x06\x00", "x.csv cannot be read as an Excel workbook"),
        (HEADER.encode() + b"\r\n", "x.csv has a header but no data rows."),
        (b"Opportunity Name,Stage\nA,Prospecting\n", "x.csv is missing the required column 'Opportunity ID'"),
        (b"Id,Name,CloseDate,IsWon\n1,A,2024-01-01,1\n", "x.csv is missing the required column 'StageName'"),
    ],
)
def test_unreadable_files_are_refused_with_one_sentence_and_nothing_written(conn, data, message):
    before = count(conn, m.ImportBatch), count(conn, m.Opportunity), count(conn, m.RejectedRow)
    with pytest.raises(UnreadableFile) as info:
        load(conn, "opportunities", data, "x.csv")
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert (count(conn, m.ImportBatch), count(conn, m.Opportunity), count(conn, m.RejectedRow)) == before


def test_windows_1252_bom_and_crlf_are_read(conn):
    text = f"{HEADER}\r\nW1,Café Société,Prospecting,100,2024-05-01,2024-04-01\r\n"
    for data in (
        text.encode("cp1252"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.replace("\r\n", "\n").encode(),
    ):
        result = load(conn, "opportunities", data, "w.csv")
        assert result.rejected == 0
        assert opp(conn, "W1").name == "Café Société"
        assert result.format == "salesforce_report"  # the BOM did not hide the first header


def test_ambiguous_dates_ask_for_a_date_format(conn):
    data = csv_bytes(f"{HEADER}\nA1,A,Prospecting,100,03/04/2024,01/02/2024\n")
    with pytest.raises(UnreadableFile, match=r"could be day/month or month/day; rerun with --date-format"):
        load(conn, "opportunities", data, "dates.csv")
    load(conn, "opportunities", data, "dates.csv", date_format="%d/%m/%Y")
    assert opp(conn, "A1").close_date == dt.date(2024, 4, 3)
    load(conn, "opportunities", data, "dates.csv", date_format="us")
    assert opp(conn, "A1").close_date == dt.date(2024, 3, 4)


def test_one_unambiguous_date_settles_the_whole_file(conn):
    data = csv_bytes(
        f"{HEADER}\nB1,A,Prospecting,100,03/04/2024,01/02/2024\nB2,B,Prospecting,100,25/04/2024,01/02/2024\n"
    )
    load(conn, "opportunities", data, "eu.csv")
    assert opp(conn, "B1").close_date == dt.date(2024, 4, 3)


def test_currency_amounts_and_booleans(conn):
    data = csv_bytes(
        "Id,Name,StageName,Amount,CloseDate,IsWon,IsClosed\n"
        'C1,A,Closed Won,"$1,234.50",2024-01-31,TRUE,TRUE\n'
        'C2,B,Closed Won,"1.234,50 €",2024-01-31,Yes,Y\n'
        "C3,C,Closed Lost,USD 900,2024-01-31,0,1\n"
        "C4,D,Closed Lost,900,2024-01-31,false,maybe\n"
        "C5,E,Prospecting,12 apples,2024-01-31,no,no\n"
    )
    result = load(conn, "opportunities", data, "money.csv")
    assert opp(conn, "C1").amount == Decimal("1234.50") and opp(conn, "C1").is_won
    assert opp(conn, "C2").amount == Decimal("1234.50") and opp(conn, "C2").is_closed
    assert opp(conn, "C3").amount == Decimal("900.00") and not opp(conn, "C3").is_won
    assert reasons(conn, result) == {
        5: "IsClosed: 'maybe' is not yes/no (use 1/0, true/false or yes/no)",
        6: "Amount: '12 apples' is not an amount",
    }


def test_semantic_checks_reject_rows_with_their_reason(conn):
    data = csv_bytes(
        "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date,Discount (%)\n"
        "S1,Fine,Closed Won,100,2024-03-01,2024-01-01,10\n"
        "S2,Backwards,Closed Won,100,2024-01-01,2024-03-01,\n"
        "S3,Negative,Closed Won,-100,2024-03-01,2024-01-01,\n"
        "S4,Too deep,Closed Won,100,2024-03-01,2024-01-01,150\n"
        "S5,,,100,2024-03-01,2024-01-01,\n"
        "S1,Again,Closed Won,100,2024-03-01,2024-01-01,10\n"
        "S6,Wide,Closed Won,100,2024-03-01,2024-01-01,5,surprise\n"
    )
    result = load(conn, "opportunities", data, "checks.csv")
    assert (result.inserted, result.rejected, result.rows_read) == (1, 6, 7)
    assert reasons(conn, result) == {
        3: "Close Date 2024-01-01 is before Created Date 2024-03-01",
        4: "Amount is negative (-100.00)",
        5: "Discount (%) 150% is outside 0-100%",
        6: "Stage is empty",
        7: "repeats the same opportunity id of line 2",
        8: "has 8 values but the header has 7 columns",
    }
    stored = rejected_rows(conn, result.batch_id)
    assert stored[0]["raw"]["Opportunity Name"] == "Backwards"  # the raw values as read
    batch = get_batch(conn, result.batch_id)
    assert (batch["rows_read"], batch["inserted"], batch["rejected"], batch["status"]) == (7, 1, 6, "done")
    assert opp(conn, "S1").discount == pytest.approx(0.10)


def test_line_numbers_are_the_files_lines_even_with_quoted_newlines(conn):
    data = csv_bytes(
        f'{HEADER}\nQ1,"Two\nlines",Prospecting,100,2024-05-01,2024-04-01\n\nQ2,Bad,Prospecting,abc,2024-05-01,2024-04-01\n'
    )
    result = load(conn, "opportunities", data, "lines.csv")
    assert reasons(conn, result) == {5: "Amount: 'abc' is not an amount"}


def test_a_failed_import_loses_nothing_already_stored(conn):
    load(conn, "opportunities", IMPORTS / "salesforce_report_opportunities.csv")
    before = [count(conn, t) for t in (m.Opportunity, m.Person, m.Account, m.ImportBatch, m.RejectedRow)]
    amounts = conn.execute(select(func.sum(m.Opportunity.amount))).scalar_one()
    for bad in (
        b"",
        b"\x00\x01\x02binary",
        b"Opportunity Name\nx\n",
        f"{HEADER}\nA,B,C,1,03/04/2024,03/04/2024\n".encode(),
    ):
        with pytest.raises(UnreadableFile):
            load(conn, "opportunities", bad, "bad.csv")
    assert [
        count(conn, t) for t in (m.Opportunity, m.Person, m.Account, m.ImportBatch, m.RejectedRow)
    ] == before
    assert conn.execute(select(func.sum(m.Opportunity.amount))).scalar_one() == amounts


def test_dry_run_counts_but_writes_nothing(conn):
    result = load(conn, "opportunities", IMPORTS / "hubspot_deals.csv", dry_run=True)
    assert (result.inserted, result.dry_run) == (4, True)
    assert count(conn, m.Opportunity) == 0 and count(conn, m.ImportBatch) == 0 and count(conn, m.Account) == 0


def test_format_can_be_forced_and_map_errors_name_the_problem(conn):
    with pytest.raises(UnreadableFile, match="is not a opportunities format"):
        load(conn, "opportunities", IMPORTS / "hubspot_deals.csv", format="excel")
    with pytest.raises(UnreadableFile, match="has no column 'Deal Ref'"):
        load(conn, "opportunities", IMPORTS / "hubspot_deals.csv", mapping={"id": "Deal Ref"})
    with pytest.raises(UnreadableFile, match="'colour' , which|not a field of opportunities"):
        load(conn, "opportunities", IMPORTS / "hubspot_deals.csv", mapping={"colour": "Amount"})


def test_people_file_rejections(conn):
    data = csv_bytes(
        "name,email,team,manager,role,hire_date,termination_date\n"
        "Ok Person,ok@acme.example,Atlas,,seller,2022-01-01,\n"
        "Bad Mail,not-an-email,Atlas,,seller,2022-01-01,\n"
        "Bad Role,br@acme.example,Atlas,,wizard,2022-01-01,\n"
        "Left Early,le@acme.example,Atlas,,seller,2022-01-01,2021-01-01\n"
    )
    result = load(conn, "people", data, "people.csv")
    assert reasons(conn, result) == {
        3: "'not-an-email' is not an email address",
        4: "role 'wizard' is not one of seller, manager, leader, executive, admin",
        5: "termination_date 2021-01-01 is before hire_date 2022-01-01",
    }
