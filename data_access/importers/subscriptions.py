"""Subscriptions (contract terms) and renewals: churn, contraction and expansion become visible over time.

A renewal is its own row naming the term it renews (``renewed_from``). ARR is given or computed as
12 x MRR. The team is the one named in the file, or the team of the deal the term came from, or the
team that won the account's latest deal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import ValidationInfo, model_validator
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
    RequiredDate,
    RequiredText,
    Text,
    ValidRow,
    label_of,
    reject_duplicates,
)


class SubscriptionRow(ImportRow):
    TEXT_LIMITS: ClassVar[dict[str, int]] = {"account": 300, "plan": 100, "cancel_reason": 500}

    subscription_id: RequiredText
    account: RequiredText
    start_date: RequiredDate
    end_date: Date = None
    mrr: Amount = None
    arr: Amount = None
    plan: Text = None
    renewed_from: Text = None
    concession_amount: Amount = None
    cancel_reason: Text = None
    opportunity: Text = None
    team: Text = None

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo):
        problems = []
        if self.end_date and self.end_date < self.start_date:
            problems.append(
                f"{label_of(info, 'end_date')} {self.end_date} is before {label_of(info, 'start_date')} {self.start_date}"
            )
        if self.mrr is None and self.arr is None:
            problems.append("there is neither an MRR nor an ARR")
        for name in ("mrr", "arr", "concession_amount"):
            value = getattr(self, name)
            if value is not None and value < 0:
                problems.append(f"{label_of(info, name)} is negative ({value:,.2f})")
        if self.renewed_from and self.renewed_from == self.subscription_id:
            problems.append("the subscription renews itself")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def annual(self) -> Decimal:
        return self.arr if self.arr is not None else (self.mrr or Decimal(0)) * 12


FIELDS = (
    FieldSpec("subscription_id", required=True, help="the contract or subscription id"),
    FieldSpec("account", required=True, help="account name or id; created when new"),
    FieldSpec("start_date", "date", required=True),
    FieldSpec("end_date", "date", help="empty while running"),
    FieldSpec("mrr", "amount", help="monthly recurring revenue (mrr or arr is required)"),
    FieldSpec("arr", "amount", help="annual recurring revenue (default 12 x mrr)"),
    FieldSpec("plan"),
    FieldSpec("renewed_from", help="the subscription id this term renews"),
    FieldSpec("concession_amount", "amount", help="annual amount given away to keep the contract"),
    FieldSpec("cancel_reason"),
    FieldSpec("opportunity", help="the opportunity id that sold this term"),
    FieldSpec("team", help="the selling team (default: the deal's or account's team)"),
)

FORMATS = (
    Format(
        "salesforce_contract",
        "Salesforce contract export",
        {
            "subscription_id": ("ContractNumber", "Contract Number", "Id"),
            "account": ("Account.Name", "Account Name", "AccountId"),
            "start_date": ("StartDate", "Contract Start Date"),
            "end_date": ("EndDate", "Contract End Date"),
            "arr": ("ARR__c", "Annual Value"),
            "mrr": ("MRR__c",),
            "renewed_from": ("Renewed_From__c", "Original Contract"),
        },
        markers=("ContractNumber",),
    ),
    Format(
        "generic",
        "generic CSV (canonical names)",
        {
            "subscription_id": ("Subscription ID", "Contract ID", "id"),
            "account": ("Account", "Customer", "Account Name"),
            "start_date": ("Start", "Start Date"),
            "end_date": ("End", "End Date"),
            "mrr": ("MRR",),
            "arr": ("ARR",),
        },
    ),
)

COMPARED = (
    "account_id",
    "opportunity_id",
    "team_id",
    "plan",
    "start_date",
    "end_date",
    "mrr",
    "arr",
    "renewed_from_id",
    "concession_amount",
    "cancel_reason",
)


def _account_teams(ctx: WriteContext, account_ids: list[int]) -> dict[int, int]:
    """The team of each account's most recent won deal."""
    opp = m.Opportunity
    teams: dict[int, int] = {}
    for part in chunks(account_ids):
        rows = ctx.conn.execute(
            select(opp.account_id, opp.team_id)
            .where(opp.account_id.in_(list(part)), opp.is_won.is_(True), opp.team_id.is_not(None))
            .order_by(opp.account_id, opp.close_date)
        )
        teams.update({account_id: team_id for account_id, team_id in rows})  # the last (latest) one wins
    return teams


def write(ctx: WriteContext, rows: list[ValidRow]) -> WriteOutcome:
    """Upsert terms by subscription id; renewals link to the term they renew, in this file or stored."""
    rows, duplicates = reject_duplicates(rows, lambda r: r.subscription_id, "the same subscription id")
    directory = ctx.directory
    directory.ensure_accounts(r.row.account for r in rows)
    directory.ensure_teams(r.row.team for r in rows)
    table = m.Subscription.__table__
    sub = m.Subscription
    in_file = {r.row.subscription_id for r in rows}
    wanted = list({r.row.renewed_from for r in rows if r.row.renewed_from} - in_file)
    known: dict[str, int] = {}
    for part in chunks(wanted):
        known.update(
            ctx.conn.execute(select(sub.external_key, sub.id).where(sub.external_key.in_(list(part)))).all()
        )
    opp_ids: dict[str, tuple[int, int | None]] = {}
    opp_keys = list({r.row.opportunity for r in rows if r.row.opportunity})
    for part in chunks(opp_keys):
        rows_found = ctx.conn.execute(
            select(m.Opportunity.external_key, m.Opportunity.id, m.Opportunity.team_id).where(
                m.Opportunity.external_key.in_(list(part))
            )
        )
        opp_ids.update({key: (oid, team) for key, oid, team in rows_found})
    rejected: list[Rejection] = []
    usable = []
    for valid in rows:
        row = valid.row
        if row.renewed_from and row.renewed_from not in in_file and row.renewed_from not in known:
            rejected.append(
                Rejection(
                    valid.line_number,
                    valid.raw,
                    f"it renews subscription '{row.renewed_from}', which is not loaded",
                )
            )
        elif row.opportunity and row.opportunity not in opp_ids:
            rejected.append(
                Rejection(
                    valid.line_number,
                    valid.raw,
                    f"opportunity '{row.opportunity}' is not loaded; import the opportunities first",
                )
            )
        else:
            usable.append(valid)
    account_teams = _account_teams(ctx, list({directory.account_id(v.row.account) for v in usable}))
    pairs = []
    for valid in usable:
        row = valid.row
        account_id = directory.account_id(row.account)
        opportunity = opp_ids.get(row.opportunity) if row.opportunity else None
        team_id = (
            directory.team_id(row.team)
            or (opportunity[1] if opportunity else None)
            or account_teams.get(account_id)
        )
        pairs.append(
            (
                row.subscription_id,
                {
                    "external_key": row.subscription_id,
                    "account_id": account_id,
                    "opportunity_id": opportunity[0] if opportunity else None,
                    "team_id": team_id,
                    "plan": row.plan,
                    "start_date": row.start_date,
                    "end_date": row.end_date,
                    "mrr": row.mrr,
                    "arr": row.annual,
                    "renewed_from_id": known.get(row.renewed_from) if row.renewed_from else None,
                    "concession_amount": row.concession_amount,
                    "cancel_reason": row.cancel_reason,
                },
            )
        )
    stored = load_existing(ctx.conn, table, ["external_key"], [k for k, _ in pairs], COMPARED)
    # Renewals of terms in this same file get their link once every term has an id.
    renews = {v.row.subscription_id: v.row.renewed_from for v in usable if v.row.renewed_from in in_file}
    ids = {k: v["id"] for k, v in stored.items()}
    for key, values in pairs:
        if key in renews and renews[key] in ids:
            values["renewed_from_id"] = ids[renews[key]]
    plan = plan_upsert(pairs, stored, COMPARED)
    for new_id, key in bulk_insert(ctx.conn, table, plan.inserts, "external_key"):
        ids[key] = new_id
    bulk_update(ctx.conn, table, plan.updates)
    links = [
        {"id": ids[key], "renewed_from_id": ids[source]}
        for key, source in renews.items()
        if key in ids and source in ids
    ]
    bulk_update(ctx.conn, table, links)
    return WriteOutcome(len(plan.inserts), len(plan.updates), plan.unchanged, rejected + duplicates)


SOURCE = Source(
    name="subscriptions",
    label="Subscriptions",
    description="Contract terms and renewals with MRR or ARR, for churn, contraction and expansion.",
    fields=FIELDS,
    formats=FORMATS,
    model=SubscriptionRow,
    write=write,
    one_of=(("mrr", "arr"),),
)
