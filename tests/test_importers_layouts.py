"""Real export layouts imported as they come: constants and value maps, wide surveys, Excel workbooks,
per-deal currencies, conflicts inside a file and strict rows (SQLite and PostgreSQL via ``conn``).

The files are written here in the layouts of public exports: a marketplace's won deals (no stage
column, amounts in reais), an HR export (employment status as text, engagement scores one column per
question, salary and date of birth beside them) and a SaaS subscription export with its Excel copy.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from data_access import models as m
from data_access.importers import SOURCES, ImportOptions, ImportResult, UnreadableFile, prepare, run_import
from data_access.importers.batches import rejected_rows
from data_access.importers.spec import parse_map_option, parse_values_option
from data_access.importers.surveys import parse_question_option


def load(conn, source: str, data: bytes, name: str, **options) -> ImportResult:
    opts = ImportOptions(**options)
    return run_import(conn, prepare(SOURCES[source], data, name, opts), opts)


def reasons(conn, result: ImportResult) -> dict[int, str]:
    return {r["line_number"]: r["reason"] for r in rejected_rows(conn, result.batch_id)}


def count(conn, model) -> int:
    return conn.execute(select(func.count()).select_from(model)).scalar_one()


# --- a marketplace's won deals: no stage column, amounts in reais -----------------------------------

WON_DEALS = (
    "mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,declared_monthly_revenue\n"
    "5420aad7fec3549a85876ba1c529bd84,2c43fb51,a8387c01,4ef15afb,2018-02-26 19:58:54,pet,online_medium,0.0\n"
    "a555fb36b9368110ede0f043dfc3b9a0,bbb7d7893a,09285259,d3d1e91a,2018-05-08 20:17:59,car_accessories,"
    "industry,125000.0\n"
    "327174d3648a2d047e8940d7d15204ca,612170e3,b90f87164b,6565aa9c,2018-06-05 17:27:23,home_appliances,"
    "online_beginner,0.0\n"
)
WON_MAP = (
    'id=mql_id,owner=sr_id,stage="Closed Won",close_date=won_date,amount=declared_monthly_revenue,'
    'segment=business_segment,type=lead_type,currency="BRL"'
)


def test_a_file_without_a_stage_column_imports_with_a_constant_stage(conn):
    result = load(
        conn, "opportunities", WON_DEALS.encode(), "won_deals.csv", mapping=parse_map_option(WON_MAP)
    )
    assert (result.inserted, result.rejected) == (3, 0)
    opp = m.Opportunity.__table__
    deal = conn.execute(select(opp).where(opp.c.external_key == "a555fb36b9368110ede0f043dfc3b9a0")).one()
    assert (deal.stage, deal.is_won, deal.is_closed) == ("Closed Won", True, True)
    assert deal.close_date == dt.date(2018, 5, 8)
    assert deal.amount == Decimal("125000.00") and deal.currency == "BRL"
    assert deal.segment == "car_accessories"


def test_constants_keep_commas_inside_their_quotes():
    mapping = parse_map_option('stage="Closed Won, signed",id=Deal Ref')
    assert mapping == {"stage": "Closed Won, signed", "id": "Deal Ref"}
    with pytest.raises(ValueError, match="unbalanced double quote"):
        parse_map_option('stage="Closed Won')


def test_a_file_mixing_currencies_is_refused_in_one_sentence(conn):
    data = (
        b"id,stage,amount,close_date,currency\n"
        b"A,Closed Won,100,2024-01-05,EUR\n"
        b"B,Closed Won,200,2024-01-06,USD\n"
    )
    before = count(conn, m.Opportunity)
    with pytest.raises(UnreadableFile) as info:
        load(conn, "opportunities", data, "mixed.csv")
    assert str(info.value) == (
        "mixed.csv mixes currencies (EUR (line 2), USD (line 3)) and holds no exchange rates; "
        "import one currency per file, converted to one currency first."
    )
    assert count(conn, m.Opportunity) == before


# --- an HR export: status as text, engagement scores as columns ------------------------------------

HR = (
    "Employee_Name,EmpID,Salary,DOB,Position,DateofHire,DateofTermination,EmploymentStatus,Department,"
    "ManagerName,EngagementSurvey,EmpSatisfaction,LastPerformanceReview_Date\n"
    '"Adinolfi, Wilson  K",10026,62506,07/10/83,Production Technician I,7/5/2011,,Active,'
    "Production       ,Michael Albert,4.6,5,1/17/2019\n"
    '"Ait Sidi, Karthikeyan",10084,104437,05/05/75,Sr. DBA,3/30/2015,6/16/2016,Voluntarily Terminated,'
    "IT/IS,Simon Roup,4.96,3,2/24/2016\n"
    '"Akinkuolie, Sarah",10196,64955,09/19/88,Production Technician II,7/5/2011,9/24/2012,'
    "Terminated for Cause,Production       ,Kissy Sullivan,3.02,3,5/15/2012\n"
    '"Alagbe,Trina",10088,64991,09/27/88,Production Technician I,1/7/2008,,Leave of Absence,'
    "Production       ,Elijiah Gray,4.84,5,1/3/2019\n"
)
HR_MAP = (
    "name=Employee_Name,id=EmpID,title=Position,hire_date=DateofHire,termination_date=DateofTermination,"
    "team=Department,manager=ManagerName,termination_voluntary=EmploymentStatus"
)
HR_VALUES = ["termination_voluntary=Voluntarily Terminated:yes|Terminated for Cause:no|Active:"]


def test_a_status_column_in_words_feeds_the_voluntary_leaver_flag(conn):
    result = load(
        conn,
        "people",
        HR.encode(),
        "hr.csv",
        mapping=parse_map_option(HR_MAP),
        value_maps=parse_values_option(HR_VALUES),
    )
    assert (result.inserted, result.rejected) == (3, 1)
    people = {
        p.external_key: p
        for p in conn.execute(
            select(m.Person.__table__).where(m.Person.external_key.in_(["10026", "10084", "10196"]))
        )
    }
    assert people["10084"].termination_voluntary is True
    assert people["10084"].termination_date == dt.date(2016, 6, 16)
    assert people["10196"].termination_voluntary is False
    assert people["10026"].termination_voluntary is None and people["10026"].termination_date is None
    assert people["10026"].name == "Adinolfi, Wilson  K"
    rejected = rejected_rows(conn, result.batch_id)
    assert [r["line_number"] for r in rejected] == [5]
    assert (
        "EmploymentStatus 'Leave of Absence' is not in the value map for termination_voluntary"
        in (rejected[0]["reason"])
    )
    # A rejected row keeps the mapped columns only: never the salary or the date of birth.
    assert "Salary" not in rejected[0]["raw"] and "DOB" not in rejected[0]["raw"]
    assert rejected[0]["raw"]["EmploymentStatus"] == "Leave of Absence"


def test_a_wide_survey_file_is_stored_in_the_long_form(conn):
    questions = (
        parse_question_option("EngagementSurvey=engagement:1.0-5.0"),
        parse_question_option("EmpSatisfaction=satisfaction:1-5"),
    )
    result = load(
        conn,
        "surveys",
        HR.encode(),
        "hr.csv",
        wide=True,
        questions=questions,
        mapping=parse_map_option("respondent=EmpID,team=Department,submitted_at=LastPerformanceReview_Date"),
    )
    assert (result.rows_read, result.inserted, result.rejected) == (8, 8, 0)
    answers = conn.execute(
        select(m.SurveyResponse.question_code, m.SurveyResponse.score, m.SurveyResponse.scale)
        .where(m.SurveyResponse.respondent_key == "10084")
        .order_by(m.SurveyResponse.question_code)
    ).all()
    assert [(c, s, k) for c, s, k in answers] == [("engagement", 4.96, 5), ("satisfaction", 3.0, 5)]
    submitted = (
        conn.execute(select(m.SurveyResponse.submitted_at).where(m.SurveyResponse.respondent_key == "10084"))
        .scalars()
        .first()
    )
    assert submitted == dt.datetime(2016, 2, 24)


def test_a_wide_file_rejects_decimals_on_a_whole_scale_naming_the_line(conn):
    result = load(
        conn,
        "surveys",
        HR.encode(),
        "hr.csv",
        wide=True,
        questions=(parse_question_option("EngagementSurvey=engagement:1-5"),),
        mapping=parse_map_option("respondent=EmpID"),
        submitted_at=dt.datetime(2024, 3, 1),
    )
    assert (result.inserted, result.rejected) == (0, 4)
    assert "the score 4.6 is not a whole number on the 1-5 scale" in reasons(conn, result)[2]


@pytest.mark.parametrize("scale", ["1-5", "0-5", "1-10"])
def test_the_enps_question_on_another_scale_is_refused(conn, scale):
    with pytest.raises(UnreadableFile) as info:
        load(
            conn,
            "surveys",
            HR.encode(),
            "hr.csv",
            wide=True,
            questions=(parse_question_option(f"EmpSatisfaction=enps:{scale}"),),
            mapping=parse_map_option("respondent=EmpID"),
            submitted_at=dt.datetime(2024, 3, 1),
        )
    assert str(info.value) == (
        f"The eNPS question (EmpSatisfaction) is on a {scale} scale, but eNPS must be asked on 0-10."
    )
    long = b"respondent,submitted_at,question,score,scale\nr1,2024-03-01,enps,4,5\n"
    with pytest.raises(UnreadableFile, match="eNPS must be asked on 0-10"):
        load(conn, "surveys", long, "long.csv")


# --- a SaaS subscription export and its Excel copy ------------------------------------------------

SUBSCRIPTIONS = [
    [
        "subscription_id",
        "account_id",
        "start_date",
        "end_date",
        "plan_tier",
        "seats",
        "mrr_amount",
        "is_trial",
    ],
    ["S-8a3f", "A-2e9c", dt.date(2023, 2, 1), dt.date(2024, 1, 31), "Pro", 12, 1188.0, False],
    ["S-91bc", "A-77d1", dt.date(2023, 6, 15), None, "Enterprise", 40, 4990.5, False],
]
SUB_MAP = "subscription_id=subscription_id,account=account_id,plan=plan_tier,mrr=mrr_amount"


def _as_csv(rows) -> bytes:
    out = io.StringIO()
    for row in rows:
        out.write(
            ",".join("" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in row)
        )
        out.write("\n")
    return out.getvalue().encode()


def _as_xlsx(rows, sheet="Subscriptions", first_sheet=None) -> bytes:
    book = openpyxl.Workbook()
    if first_sheet:
        book.active.title = first_sheet
        book.active.append(["notes"])
        book.active.append(["Exported from the billing system"])
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet
    for row in rows:
        ws.append([dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v for v in row])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _as_xls(rows, sheet="Subscriptions") -> bytes:
    """The same rows as an old-style Excel 97-2003 workbook (.xls), dates as Excel dates."""
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write(r, c, dt.datetime.combine(value, dt.time()), date_style)
            elif value is not None:
                ws.write(r, c, value)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.mark.parametrize(
    ("writer", "name"), [(_as_xlsx, "subs.xlsx"), (_as_xls, "subs.xls")], ids=["xlsx", "xls"]
)
def test_an_excel_copy_imports_like_the_csv_it_was_saved_from(conn, writer, name):
    mapping = parse_map_option(SUB_MAP)
    first = load(conn, "subscriptions", _as_csv(SUBSCRIPTIONS), "subs.csv", mapping=mapping)
    assert (first.inserted, first.rejected) == (2, 0)
    again = load(conn, "subscriptions", writer(SUBSCRIPTIONS), name, mapping=mapping)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    stored = conn.execute(
        select(m.Subscription.__table__).where(m.Subscription.external_key == "S-91bc")
    ).one()
    assert stored.start_date == dt.date(2023, 6, 15) and stored.end_date is None
    assert stored.mrr == Decimal("4990.50") and stored.arr == Decimal("59886.00")


def test_a_named_sheet_of_a_workbook_is_read(conn):
    data = _as_xlsx(SUBSCRIPTIONS, first_sheet="Read me")
    with pytest.raises(UnreadableFile, match="missing the required"):
        load(conn, "subscriptions", data, "subs.xlsx", mapping={})
    result = load(
        conn, "subscriptions", data, "subs.xlsx", mapping=parse_map_option(SUB_MAP), sheet="Subscriptions"
    )
    assert result.inserted == 2
    assert any("Read sheet 'Subscriptions' of 2" in n for n in result.notes)
    with pytest.raises(UnreadableFile) as info:
        load(conn, "subscriptions", data, "subs.xlsx", sheet="Data")
    assert str(info.value) == "subs.xlsx has no sheet 'Data' (its sheets: Read me, Subscriptions)."


# --- conflicts inside one file ----------------------------------------------------------------------

TEAMS = (
    "name,email,team,parent_team\n"
    "Ann Lee,ann@x.com,East,Americas\n"
    "Bo Chen,bo@x.com,East,EMEA\n"
    "Cy Diaz,cy@x.com,West,Americas\n"
)


def _parent_of(conn, team: str) -> str | None:
    parent = m.Team.__table__.alias("parent")
    return conn.execute(
        select(parent.c.name)
        .select_from(m.Team.__table__.join(parent, m.Team.parent_id == parent.c.id))
        .where(m.Team.name == team)
    ).scalar()


def test_a_team_with_two_parents_keeps_the_first_and_says_so(conn):
    result = load(conn, "people", TEAMS.encode(), "teams.csv")
    assert (result.inserted, result.rejected) == (3, 0)
    assert _parent_of(conn, "East") == "Americas"
    assert (
        "Conflict: team 'East' is given two parent teams, 'Americas' and 'EMEA' on line 3; "
        "kept 'Americas' (line 2), the first."
    ) in result.notes


def test_strict_rejects_the_rows_of_a_conflict(conn):
    result = load(conn, "people", TEAMS.encode(), "teams.csv", strict=True)
    assert (result.inserted, result.rejected) == (2, 1)
    assert reasons(conn, result) == {3: "team 'East' has parent 'EMEA' here but 'Americas' on line 2"}


# --- strict rows ------------------------------------------------------------------------------------


def test_a_cut_off_accounts_row_is_rejected_and_the_stored_account_kept(conn):
    full = b"id,name,segment,industry,region\nAC1,Acme,Enterprise,Retail,EMEA\n"
    load(conn, "accounts", full, "accounts.csv")
    short = b"id,name,segment,industry,region\nAC1,Acme\n"
    result = load(conn, "accounts", short, "accounts.csv")
    assert (result.updated, result.rejected) == (0, 1)
    assert reasons(conn, result) == {2: "has 2 of 5 columns: the file may be cut short"}
    stored = conn.execute(select(m.Account.__table__).where(m.Account.external_key == "AC1")).one()
    assert (stored.segment, stored.industry, stored.region) == ("Enterprise", "Retail", "EMEA")


def test_a_won_deal_without_a_close_date_is_rejected(conn):
    data = (
        b"id,stage,amount,close_date\nD1,Closed Won,100,2024-02-01\nD2,Closed Won,50,\nD3,Prospecting,10,\n"
    )
    result = load(conn, "opportunities", data, "deals.csv")
    assert (result.inserted, result.rejected) == (2, 1)
    assert reasons(conn, result) == {3: "the deal is won (stage 'Closed Won') but close_date is empty"}


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (
            "9999-12-31T23:59:59-05:00",
            "close_date: '9999-12-31T23:59:59-05:00' is not a date between 1900 and 2100",
        ),
        ("1850-01-01", "close_date: '1850-01-01' is not a date between 1900 and 2100"),
        ("٢٠٢٤-٠١-٠١", "close_date: '٢٠٢٤-٠١-٠١' is not a date (use the digits 0-9)"),
    ],
)
def test_dates_out_of_range_or_in_other_digits_are_rejected(conn, cell, reason):
    data = f"id,stage,close_date\nD1,Prospecting,{cell}\n".encode()
    result = load(conn, "opportunities", data, "deals.csv")
    assert reasons(conn, result) == {2: reason}


def test_amounts_in_other_digits_are_not_numbers(conn):
    data = "id,stage,amount\nD1,Prospecting,١٠٠\n".encode()
    result = load(conn, "opportunities", data, "deals.csv")
    assert reasons(conn, result) == {2: "amount: '١٠٠' is not an amount (use the digits 0-9)"}


def test_over_long_names_are_one_rejected_row(conn):
    long_team = "T" * 201
    data = f"name,team\nAnn,{long_team}\nBo,East\n".encode()
    result = load(conn, "people", data, "people.csv")
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons(conn, result) == {2: "team is longer than 200 characters"}


def test_a_header_over_128_kib_is_refused_in_one_sentence(conn):
    data = ("a" * (130 * 1024) + ",b\n1,2\n").encode()
    with pytest.raises(UnreadableFile) as info:
        load(conn, "opportunities", data, "huge.csv")
    assert str(info.value) == "huge.csv has a header line longer than 128 KiB, so it is not a CSV export."


DEAL_OWNERS = (
    "id,owner,stage,close_date\n"
    "D1,Ann Lee,Closed Won,2024-01-05\n"
    "D2,Bo Chen,Prospecting,\n"
    "D1,Cy Diaz,Closed Won,2024-01-05\n"
)


def test_a_deal_with_two_owners_keeps_the_first_and_says_so(conn):
    result = load(conn, "opportunities", DEAL_OWNERS.encode(), "deals.csv")
    assert (result.inserted, result.rejected) == (2, 1)
    assert (
        "Conflict: deal 'D1' has 2 owners, 'Ann Lee' (line 2), 'Cy Diaz' (line 4); kept 'Ann Lee' (line 2), "
        "the first."
    ) in result.notes
    owner = conn.execute(
        select(m.Person.name)
        .join(m.Opportunity, m.Opportunity.owner_id == m.Person.id)
        .where(m.Opportunity.external_key == "D1")
    ).scalar_one()
    assert owner == "Ann Lee"


def test_strict_rejects_every_row_of_a_deal_with_two_owners(conn):
    result = load(conn, "opportunities", DEAL_OWNERS.encode(), "deals.csv", strict=True)
    assert (result.inserted, result.rejected) == (1, 2)
    assert reasons(conn, result) == {
        2: "the deal has another owner: 'Cy Diaz' on line 4",
        4: "the deal has another owner: 'Ann Lee' on line 2",
    }
