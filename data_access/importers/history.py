"""Opportunity history: Salesforce OpportunityHistory (Data Loader) or the "Opportunity History" report.

Each row is the state of a deal after a change (stage, amount, close date) and when it happened; the
metrics count close-date pushes and pull-ins and stage durations from these rows, never from a vendor's
push counter. A row for a deal that is not loaded is rejected: import the opportunities first.
"""

from __future__ import annotations

from pydantic import model_validator
from sqlalchemy import select

from data_access import models as m
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.spec import FieldSpec, Format, Source
from data_access.importers.store import bulk_insert, bulk_update, chunks, load_existing, plan_upsert
from data_access.importers.validation import (
    Amount,
    Date,
    ImportRow,
    Rejection,
    RequiredDateTime,
    RequiredText,
    Text,
    ValidRow,
    reject_duplicates,
)


class HistoryRow(ImportRow):
    opportunity: RequiredText
    changed_at: RequiredDateTime
    stage: Text = None
    amount: Amount = None
    close_date: Date = None

    @model_validator(mode="after")
    def _check(self):
        if self.amount is not None and self.amount < 0:
            raise ValueError(f"the amount is negative ({self.amount})")
        if self.stage is None and self.amount is None and self.close_date is None:
            raise ValueError("the row has no stage, amount or close date")
        return self


FIELDS = (
    FieldSpec("opportunity", required=True, help="the opportunity's id (as in the opportunities import)"),
    FieldSpec("changed_at", "datetime", required=True, help="when the change was made"),
    FieldSpec("stage", help="the stage after the change"),
    FieldSpec("amount", "amount", help="the amount after the change"),
    FieldSpec("close_date", "date", help="the close date after the change"),
)

FORMATS = (
    Format(
        "salesforce_dataloader",
        "Salesforce OpportunityHistory (Data Loader)",
        {
            "opportunity": ("OpportunityId",),
            "changed_at": ("CreatedDate",),
            "stage": ("StageName",),
            "amount": ("Amount",),
            "close_date": ("CloseDate",),
        },
        markers=("OpportunityId", "CreatedDate"),
    ),
    Format(
        "salesforce_report",
        'Salesforce "Opportunity History" report',
        {
            "opportunity": ("Opportunity ID", "Opportunity ID (18)"),
            "changed_at": ("Last Modified", "Last Modified Date", "Edit Date", "Created Date"),
            "stage": ("To Stage", "Stage"),
            "amount": ("Amount",),
            "close_date": ("Close Date",),
        },
        markers=("Opportunity ID",),
    ),
    Format(
        "generic",
        "generic CSV (canonical names)",
        {
            "opportunity": ("Opportunity ID", "Deal ID", "opportunity_id"),
            "changed_at": ("Changed", "Date", "Modified"),
        },
    ),
)


def write(ctx: WriteContext, rows: list[ValidRow]) -> WriteOutcome:
    """Upsert history rows by (deal, time); rows for deals that are not loaded are rejected."""
    opp = m.Opportunity
    known: dict[str, int] = {}
    keys = list(dict.fromkeys(r.row.opportunity for r in rows))
    for part in chunks(keys):
        known.update(
            ctx.conn.execute(select(opp.external_key, opp.id).where(opp.external_key.in_(list(part)))).all()
        )
    rejected: list[Rejection] = []
    usable: list[ValidRow] = []
    for valid in rows:
        if valid.row.opportunity in known:
            usable.append(valid)
        else:
            rejected.append(
                Rejection(
                    valid.line_number,
                    valid.raw,
                    f"opportunity '{valid.row.opportunity}' is not loaded; import the opportunities first",
                )
            )
    usable, duplicates = reject_duplicates(
        usable, lambda r: (r.opportunity, r.changed_at), "the same opportunity and time"
    )
    table = m.OpportunityHistory.__table__
    pairs = [
        (
            (known[v.row.opportunity], v.row.changed_at),
            {
                "opportunity_id": known[v.row.opportunity],
                "changed_at": v.row.changed_at,
                "stage": v.row.stage,
                "amount": v.row.amount,
                "close_date": v.row.close_date,
                "source_batch_id": ctx.batch_id,
            },
        )
        for v in usable
    ]
    stored = load_existing(
        ctx.conn,
        table,
        ["opportunity_id", "changed_at"],
        [k for k, _ in pairs],
        ["stage", "amount", "close_date"],
    )
    plan = plan_upsert(pairs, stored, ("stage", "amount", "close_date"))
    bulk_insert(ctx.conn, table, plan.inserts)
    bulk_update(ctx.conn, table, plan.updates)
    return WriteOutcome(len(plan.inserts), len(plan.updates), plan.unchanged, rejected + duplicates)


SOURCE = Source(
    name="history",
    label="Opportunity history",
    description="Changes of stage, amount and close date per deal, for pushes, pull-ins and stage durations.",
    fields=FIELDS,
    formats=FORMATS,
    model=HistoryRow,
    write=write,
)
