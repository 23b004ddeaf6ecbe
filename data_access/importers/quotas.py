"""Quotas: one amount per person per period."""

from __future__ import annotations

from pydantic import ValidationInfo, model_validator

from data_access import models as m
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.spec import FieldSpec, Format, Source
from data_access.importers.store import bulk_insert, bulk_update, load_existing, plan_upsert
from data_access.importers.validation import (
    ImportRow,
    RequiredAmount,
    RequiredDate,
    RequiredText,
    ValidRow,
    label_of,
    reject_duplicates,
)


class QuotaRow(ImportRow):
    person: RequiredText
    period_start: RequiredDate
    period_end: RequiredDate
    amount: RequiredAmount

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo):
        if self.period_end < self.period_start:
            raise ValueError(
                f"{label_of(info, 'period_end')} {self.period_end} is before "
                f"{label_of(info, 'period_start')} {self.period_start}"
            )
        if self.amount < 0:
            raise ValueError(f"{label_of(info, 'amount')} is negative ({self.amount:,.2f})")
        return self


FIELDS = (
    FieldSpec("person", required=True, help="the seller's email, name or CRM user id"),
    FieldSpec("period_start", "date", required=True),
    FieldSpec("period_end", "date", required=True),
    FieldSpec("amount", "amount", required=True, help="the quota for the period"),
)

FORMATS = (
    Format(
        "salesforce_forecast",
        "Salesforce forecasting quota export",
        {
            "person": ("QuotaOwner.Name", "QuotaOwnerId", "Owner", "Quota Owner"),
            "period_start": ("StartDate", "Start Date"),
            "period_end": ("EndDate", "End Date"),
            "amount": ("QuotaAmount", "Quota Amount"),
        },
        markers=("QuotaAmount",),
    ),
    Format(
        "generic",
        "generic CSV (canonical names)",
        {
            "person": ("Seller", "Owner", "Email", "Name", "Sales Rep"),
            "period_start": ("Start", "Start Date", "Period Start"),
            "period_end": ("End", "End Date", "Period End"),
            "amount": ("Quota", "Quota Amount", "Target"),
        },
    ),
)


def write(ctx: WriteContext, rows: list[ValidRow]) -> WriteOutcome:
    """Upsert quotas by (person, period start); unknown people are created and reported."""
    directory = ctx.directory
    directory.ensure_people(r.row.person for r in rows)
    rows, duplicates = reject_duplicates(
        rows, lambda r: (directory.person(r.person)[0], r.period_start), "the same person and period start"
    )
    table = m.Quota.__table__
    pairs = []
    for valid in rows:
        row = valid.row
        person_id = directory.person(row.person)[0]  # type: ignore[index]
        pairs.append(
            (
                (person_id, row.period_start),
                {
                    "person_id": person_id,
                    "period_start": row.period_start,
                    "period_end": row.period_end,
                    "amount": row.amount,
                },
            )
        )
    stored = load_existing(
        ctx.conn, table, ["person_id", "period_start"], [k for k, _ in pairs], ["period_end", "amount"]
    )
    plan = plan_upsert(pairs, stored, ("period_end", "amount"))
    bulk_insert(ctx.conn, table, plan.inserts)
    bulk_update(ctx.conn, table, plan.updates)
    return WriteOutcome(len(plan.inserts), len(plan.updates), plan.unchanged, duplicates)


SOURCE = Source(
    name="quotas",
    label="Quotas",
    description="Quota per seller per period.",
    fields=FIELDS,
    formats=FORMATS,
    model=QuotaRow,
    write=write,
)
