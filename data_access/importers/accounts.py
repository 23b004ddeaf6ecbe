"""Accounts (customers): name, segment, industry, size, region, parent company."""

from __future__ import annotations

from typing import ClassVar

from pydantic import model_validator

from data_access import models as m
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.refs import fold
from data_access.importers.spec import FieldSpec, Format, Source
from data_access.importers.store import bulk_insert, bulk_update, load_existing, plan_upsert
from data_access.importers.validation import (
    Amount,
    ImportRow,
    Integer,
    RequiredText,
    Text,
    ValidRow,
    reject_duplicates,
)


class AccountRow(ImportRow):
    TEXT_LIMITS: ClassVar[dict[str, int]] = {"name": 300, "parent": 300}

    id: Text = None
    name: RequiredText
    segment: Text = None
    industry: Text = None
    employees: Integer = None
    annual_revenue: Amount = None
    region: Text = None
    parent: Text = None

    @model_validator(mode="after")
    def _check(self):
        if self.employees is not None and self.employees < 0:
            raise ValueError(f"the number of employees is negative ({self.employees})")
        if self.annual_revenue is not None and self.annual_revenue < 0:
            raise ValueError(f"the annual revenue is negative ({self.annual_revenue})")
        for name, limit in (
            ("name", 300),
            ("segment", 50),
            ("industry", 100),
            ("region", 100),
            ("parent", 300),
        ):
            value = getattr(self, name)
            if value and len(value) > limit:
                raise ValueError(f"{name} is longer than {limit} characters")
        return self

    @property
    def key(self) -> str:
        return self.id or self.name


FIELDS = (
    FieldSpec("id", help="the account's id in the CRM (optional; the name is the key otherwise)"),
    FieldSpec("name", required=True, help="the customer's name, as opportunities name it"),
    FieldSpec("segment", help="e.g. SMB, Mid-market, Enterprise"),
    FieldSpec("industry"),
    FieldSpec("employees", "integer"),
    FieldSpec("annual_revenue", "amount"),
    FieldSpec("region"),
    FieldSpec("parent", help="the parent company's name"),
)

FORMATS = (
    Format(
        "salesforce_report",
        "Salesforce account report",
        {
            "id": ("Account ID",),
            "name": ("Account Name",),
            "segment": ("Segment", "Account Segment"),
            "industry": ("Industry",),
            "employees": ("Employees",),
            "annual_revenue": ("Annual Revenue",),
            "region": ("Billing Country", "Billing State/Province", "Region"),
            "parent": ("Parent Account",),
        },
        markers=("Account Name",),
    ),
    Format(
        "salesforce_dataloader",
        "Salesforce Data Loader export (Account)",
        {
            "id": ("Id",),
            "name": ("Name",),
            "industry": ("Industry",),
            "employees": ("NumberOfEmployees",),
            "annual_revenue": ("AnnualRevenue",),
            "region": ("BillingCountry", "BillingState"),
            "parent": ("Parent.Name", "ParentId"),
        },
        markers=("Id", "Name"),
    ),
    Format(
        "hubspot",
        "HubSpot company export",
        {
            "id": ("Record ID", "Company ID"),
            "name": ("Company name", "Name"),
            "industry": ("Industry",),
            "employees": ("Number of Employees",),
            "annual_revenue": ("Annual Revenue",),
            "region": ("Country/Region", "Country", "State/Region"),
            "parent": ("Parent Company",),
        },
        markers=("Record ID", "Company name"),
    ),
    Format(
        "maven",
        "Maven CRM accounts.csv",
        {
            "name": ("account",),
            "industry": ("sector",),
            "employees": ("employees",),
            "annual_revenue": ("revenue",),
            "region": ("office_location",),
            "parent": ("subsidiary_of",),
        },
        markers=("account", "sector", "subsidiary_of"),
    ),
    Format("generic", "generic CSV (canonical names)", {"name": ("Account", "Account Name", "Company")}),
)

COMPARED = ("name", "segment", "industry", "employees", "annual_revenue", "region", "parent_name")


def write(ctx: WriteContext, rows: list[ValidRow]) -> WriteOutcome:
    """Upsert accounts by id (or name when there is no id)."""
    rows, duplicates = reject_duplicates(rows, lambda r: fold(r.key), "the same account")
    table = m.Account.__table__
    stored = load_existing(ctx.conn, table, ["external_key"], [r.row.key for r in rows], COMPARED)
    # An account created earlier from an opportunity file has its name as key; match such rows by name too.
    ctx.directory.load_accounts([r.row.name for r in rows])
    by_name = {ctx.directory.account_id(r.row.name) for r in rows if r.row.key not in stored} - {None}
    by_id = load_existing(ctx.conn, table, ["id"], by_name, [*COMPARED, "external_key"])
    pairs = []
    for valid in rows:
        row = valid.row
        key = row.key
        if key not in stored:
            found = ctx.directory.account_id(row.name)
            if found in by_id:
                key = by_id[found]["external_key"]
                stored[key] = by_id[found]
        pairs.append(
            (
                key,
                {
                    "external_key": key,
                    "name": row.name,
                    "segment": row.segment,
                    "industry": row.industry,
                    "employees": row.employees,
                    "annual_revenue": row.annual_revenue,
                    "region": row.region,
                    "parent_name": row.parent,
                },
            )
        )
    plan = plan_upsert(pairs, stored, COMPARED)
    names = {r["external_key"]: r["name"] for r in plan.inserts}
    for account_id, key in bulk_insert(ctx.conn, table, plan.inserts, "external_key"):
        ctx.directory.remember_account(account_id, key, names[key])
    bulk_update(ctx.conn, table, plan.updates)
    return WriteOutcome(len(plan.inserts), len(plan.updates), plan.unchanged, duplicates)


SOURCE = Source(
    name="accounts",
    label="Accounts",
    description="Customers: name, segment, industry, employees, annual revenue, region, parent company.",
    fields=FIELDS,
    formats=FORMATS,
    model=AccountRow,
    write=write,
)
