"""Opportunities (deals) from Salesforce reports, Salesforce Data Loader, HubSpot, Maven or any mapped CSV.

Beyond the vendor's columns, each deal gets what the metrics need: won/closed from the stage when the
file has no such columns, late stage (commit / negotiation), a loss category from the loss-reason text,
the discount (explicit, or 1 - amount / list amount for won deals), and the owner's team. A newer export
of the same deals updates them in place and appends an opportunity_history row for every change of
stage, amount or close date, so pushes and pull-ins can be counted from our own history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import ValidationInfo, model_validator
from sqlalchemy import func, select

from data_access import models as m
from data_access.currency import normalise_code
from data_access.importers.errors import UnreadableFile
from data_access.importers.pipeline import WriteContext, WriteOutcome
from data_access.importers.spec import FieldSpec, Format, Source
from data_access.importers.store import (
    bulk_insert,
    bulk_update,
    chunks,
    insert_columns,
    is_empty,
    load_existing,
    plan_upsert,
    same,
)
from data_access.importers.validation import (
    Amount,
    Bool,
    Date,
    ImportRow,
    Percent,
    Ratio,
    Rejection,
    RequiredText,
    Text,
    ValidRow,
    label_of,
    reject_duplicates,
)

LATE_STAGE = re.compile(r"negotiat|commit|contract sent|verbal|decision maker bought", re.IGNORECASE)
WON_STAGE = re.compile(r"\bwon\b|closedwon|closed[-_ ]?won", re.IGNORECASE)
LOST_STAGE = re.compile(r"\blost\b|closedlost|closed[-_ ]?lost|\bdisqualified\b", re.IGNORECASE)

# First match wins: a walk-away is recorded before "price" ("walked away over price" is a walk-away), and
# timing before price ("budget frozen until next year" is timing).
LOSS_CATEGORY_PATTERNS = (
    (
        "disqualified",
        re.compile(r"no fit|not a fit|poor fit|bad fit|disqualif|walked away|walk away|unqualified", re.I),
    ),
    (
        "timing",
        re.compile(r"timing|\blater\b|next (year|quarter)|postpon|delay|not now|on hold|freeze|frozen", re.I),
    ),
    ("price", re.compile(r"price|pricing|cost|expensive|budget|cheaper|discount", re.I)),
    ("competition", re.compile(r"compet|rival|lost to|went with|chose (another|a different)|vendor", re.I)),
    (
        "no_decision",
        re.compile(
            r"no decision|status quo|did nothing|do nothing|no action|went dark|unresponsive|ghost", re.I
        ),
    ),
)


def loss_category(reason: str | None) -> str | None:
    """The category of a loss-reason text: price, competition, no_decision, disqualified, timing or other."""
    if not reason:
        return None
    for category, pattern in LOSS_CATEGORY_PATTERNS:
        if pattern.search(reason):
            return category
    return "other"


class OpportunityRow(ImportRow):
    TEXT_LIMITS: ClassVar[dict[str, int]] = {
        "name": 300,
        "account": 300,
        "loss_reason": 500,
        "customer_outcome": 20_000,
        "executive_sponsor": 300,
    }

    CHECKED_LIMITS: ClassVar[dict[str, int]] = {}  # set below, from the limits _check applies

    id: RequiredText
    name: Text = None
    account: Text = None
    owner: Text = None
    stage: RequiredText
    amount: Amount = None
    list_amount: Amount = None
    discount: Ratio = None
    discount_percent: Percent = None
    close_date: Date = None
    created_date: Date = None
    is_won: Bool = None
    is_closed: Bool = None
    probability: Ratio = None
    type: Text = None
    forecast_category: Text = None
    product: Text = None
    segment: Text = None
    loss_reason: Text = None
    customer_outcome: Text = None
    executive_sponsor: Text = None
    currency: Text = None

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo):
        problems = []
        if self.close_date and self.created_date and self.close_date < self.created_date:
            problems.append(
                f"{label_of(info, 'close_date')} {self.close_date} is before "
                f"{label_of(info, 'created_date')} {self.created_date}"
            )
        for name in ("amount", "list_amount"):
            value = getattr(self, name)
            if value is not None and value < 0:
                problems.append(f"{label_of(info, name)} is negative ({value:,.2f})")
        for name in ("discount", "discount_percent"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                problems.append(f"{label_of(info, name)} {value * 100:g}% is outside 0-100%")
        if self.probability is not None and not 0 <= self.probability <= 1:
            problems.append(f"{label_of(info, 'probability')} {self.probability * 100:g}% is outside 0-100%")
        for name, limit in (
            ("id", 200),
            ("name", 300),
            ("stage", 100),
            ("type", 100),
            ("forecast_category", 50),
            ("product", 200),
            ("segment", 50),
            ("loss_reason", 500),
            ("executive_sponsor", 300),
        ):
            value = getattr(self, name)
            if value and len(value) > limit:
                problems.append(f"{label_of(info, name)} is longer than {limit} characters")
        if self.currency is not None:
            try:
                normalise_code(self.currency)
            except ValueError:
                problems.append(
                    f"{label_of(info, 'currency')} '{self.currency}' is not a currency code such as EUR"
                )
        won, closed = outcome(self)
        if closed and self.close_date is None:
            state = "won" if won else "lost"
            problems.append(
                f"the deal is {state} (stage '{self.stage}') but {label_of(info, 'close_date')} is empty"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


# The limits _check applies beyond the model's TEXT_LIMITS (and the default of 200 characters); the
# column-wise check (data_access.importers.batched) applies both.
CHECKED_LIMITS = {
    "id": 200,
    "name": 300,
    "stage": 100,
    "type": 100,
    "forecast_category": 50,
    "product": 200,
    "segment": 50,
    "loss_reason": 500,
    "executive_sponsor": 300,
}


OpportunityRow.CHECKED_LIMITS = CHECKED_LIMITS


def flag_rows(columns: dict[str, np.ndarray], _ctx=None) -> np.ndarray:
    """Which rows :meth:`OpportunityRow._check` might refuse, checked on whole parsed columns.

    A flagged row goes through the row model, which words the reason; the others are valid as they are.
    """
    n = len(columns["id"])
    flagged = np.zeros(n, dtype=bool)

    def present(name: str) -> np.ndarray:
        return columns[name] != None  # noqa: E711 (element-wise on an object array)

    both = present("close_date") & present("created_date")
    if both.any():
        flagged[both] |= (columns["close_date"][both] < columns["created_date"][both]).astype(bool)
    for name in ("amount", "list_amount"):
        there = present(name)
        if there.any():
            flagged[there] |= (columns[name][there] < 0).astype(bool)
    for name in ("discount", "discount_percent", "probability"):
        there = present(name)
        if there.any():
            share = columns[name][there].astype(float)
            flagged[there] |= (share < 0) | (share > 1)
    codes, currencies = pd.factorize(columns["currency"], use_na_sentinel=True)
    if len(currencies):
        flagged |= np.isin(codes, [j for j, code in enumerate(currencies) if not _is_currency(code)])
    _won, closed = outcomes(columns)
    flagged |= closed & ~present("close_date")
    return flagged


def _matches(pattern: re.Pattern, column: np.ndarray) -> np.ndarray:
    """Whether each text of ``column`` matches ``pattern`` (searched once per distinct text; None is no)."""
    codes, texts = pd.factorize(column, use_na_sentinel=True)
    return np.array([bool(pattern.search(t)) for t in texts] + [False], dtype=bool)[codes]


def outcomes(columns: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`outcome` of whole columns: (won, closed) per row."""
    won_stage = _matches(WON_STAGE, columns["stage"])
    lost_stage = _matches(LOST_STAGE, columns["stage"]) & ~won_stage
    given_won, given_closed = columns["is_won"], columns["is_closed"]
    is_won = np.where(given_won == None, won_stage, given_won).astype(bool)  # noqa: E711
    stage_closed = is_won | won_stage | lost_stage
    closed = np.where(given_closed == None, stage_closed, given_closed).astype(bool) | is_won  # noqa: E711
    return is_won, closed


def column_values(columns: dict[str, np.ndarray]) -> dict[str, list]:
    """:func:`deal_values` of whole columns (valid rows, no repeated deal): stored column -> values."""
    is_won, closed = outcomes(columns)
    forecast_late = _matches(LATE_STAGE, columns["forecast_category"])
    late = ~closed & (_matches(LATE_STAGE, columns["stage"]) | forecast_late)
    discount = np.where(columns["discount_percent"] == None, columns["discount"], columns["discount_percent"])  # noqa: E711
    derive = (discount == None) & is_won & (columns["list_amount"] != None) & (columns["amount"] != None)  # noqa: E711
    for k in np.flatnonzero(derive):
        price = columns["list_amount"][k]
        if price:
            discount[k] = max(0.0, float(1 - columns["amount"][k] / price))
    discount = [None if d is None else round(d, 6) for d in discount.tolist()]
    lost = closed & ~is_won
    reasons = np.where(lost, columns["loss_reason"], None)
    codes, texts = pd.factorize(reasons, use_na_sentinel=True)
    category = np.array([loss_category(t) for t in texts] + [None], dtype=object)[codes]
    currency = [c.strip().upper() if c else None for c in columns["currency"].tolist()]
    names = [
        (name or key)[:300]
        for name, key in zip(columns["name"].tolist(), columns["id"].tolist(), strict=True)
    ]
    out = {
        "name": names,
        "segment": columns["segment"].tolist(),
        "product": columns["product"].tolist(),
        "stage": columns["stage"].tolist(),
        "amount": columns["amount"].tolist(),
        "list_amount": columns["list_amount"].tolist(),
        "discount": discount,
        "is_won": is_won.tolist(),
        "is_closed": closed.tolist(),
        "created_date": columns["created_date"].tolist(),
        "close_date": columns["close_date"].tolist(),
        "probability": columns["probability"].tolist(),
        "type": columns["type"].tolist(),
        "forecast_category": columns["forecast_category"].tolist(),
        "is_late_stage": late.tolist(),
        "loss_reason": columns["loss_reason"].tolist(),
        "loss_category": category.tolist(),
        "customer_outcome": columns["customer_outcome"].tolist(),
        "executive_sponsor": columns["executive_sponsor"].tolist(),
        "currency": currency,
    }
    return out


def _one_at_a_time(keys: list, values: dict[str, list], rows: list[int]) -> Iterator[tuple[Any, dict]]:
    """(key, {column: value}) of each of ``rows`` of the column lists ``values``, built as it is asked
    for: an unchanged deal's values (most of a re-import) are let go once compared, not held for the
    whole chunk."""
    for k in rows:
        yield keys[k], {name: column[k] for name, column in values.items()}


def write_columns(ctx: WriteContext, columns: dict[str, np.ndarray]) -> WriteOutcome:
    """:func:`write` for valid rows given as parsed columns, none repeating a deal of the file.

    New deals go to the database as columns (no row objects); deals already stored are compared and
    updated, with their history, exactly as :func:`write` does.
    """
    directory = ctx.directory
    owners = columns["owner"]
    accounts = columns["account"]
    owner_codes, owner_refs = pd.factorize(owners, use_na_sentinel=True)
    account_codes, account_refs = pd.factorize(accounts, use_na_sentinel=True)
    directory.ensure_people(owner_refs.tolist())
    directory.ensure_accounts(account_refs.tolist())
    found = [directory.person(ref) for ref in owner_refs.tolist()]
    owner_ids = np.array([f[0] if f else None for f in found] + [None], dtype=object)[owner_codes]
    team_ids = np.array([f[1] if f else None for f in found] + [None], dtype=object)[owner_codes]
    account_ids = np.array([directory.account_id(r) for r in account_refs.tolist()] + [None], dtype=object)[
        account_codes
    ]
    values = column_values(columns)
    keys = columns["id"].tolist()
    values.update(
        external_key=keys,
        account_id=account_ids.tolist(),
        owner_id=owner_ids.tolist(),
        team_id=team_ids.tolist(),
    )
    table = m.Opportunity.__table__
    if ctx.table_was_empty is None:
        ctx.table_was_empty = is_empty(ctx.conn, table)
    # Into a table that held no deals, no deal of these rows (each given once in the file) is stored yet.
    stored = (
        {}
        if ctx.table_was_empty
        else load_existing(ctx.conn, table, ["external_key"], keys, [*COMPARED, "updated_at"])
    )
    names = list(values)
    if stored:
        new = [k for k, key in enumerate(keys) if key not in stored]
        old = [k for k, key in enumerate(keys) if key in stored]
        pairs = _one_at_a_time(keys, values, old)
        values = {name: [values[name][k] for k in new] for name in names}
    else:
        pairs = []
    values.update(
        source_batch_id=[ctx.batch_id] * len(values["name"]), updated_at=[ctx.now] * len(values["name"])
    )
    insert_columns(ctx.conn, table, values)
    plan = plan_upsert(pairs, stored, COMPARED)
    stamp = {"source_batch_id": ctx.batch_id, "updated_at": ctx.now}
    bulk_update(ctx.conn, table, [{**r, **stamp} for r in plan.updates])
    append_history(ctx, plan.updates, plan.changed_from)
    return WriteOutcome(len(values["name"]), len(plan.updates), plan.unchanged, [])


def _is_currency(code: str) -> bool:
    try:
        normalise_code(code)
    except ValueError:
        return False
    return True


FIELDS = (
    FieldSpec("id", required=True, help="the deal's id in the CRM; the key that makes re-imports update"),
    FieldSpec("name", help="the deal's name (default: the id)"),
    FieldSpec("account", help="account name or CRM id; created when new"),
    FieldSpec("owner", help="owner's name, email or CRM user id; created when new"),
    FieldSpec("stage", required=True, help="the sales stage, e.g. Negotiation/Review, Closed Won"),
    FieldSpec("amount", "amount", help="deal amount; currency symbols and thousands separators are fine"),
    FieldSpec("list_amount", "amount", help="the amount at list price, before any discount"),
    FieldSpec("discount", "ratio", help="discount as 0.15 or 15%; a bare number above 1 is a percentage"),
    FieldSpec("discount_percent", "percent", help="discount in percent: 15 means 15%"),
    FieldSpec("close_date", "date"),
    FieldSpec("created_date", "date"),
    FieldSpec("is_won", "bool", help="default: the stage says won"),
    FieldSpec("is_closed", "bool", help="default: the stage says won or lost"),
    FieldSpec("probability", "ratio", help="0-100 (Salesforce) or 0-1 (HubSpot)"),
    FieldSpec("type", help="e.g. New Business, Existing Business"),
    FieldSpec("forecast_category", help="e.g. Pipeline, Best Case, Commit, Closed"),
    FieldSpec("product"),
    FieldSpec("segment"),
    FieldSpec(
        "loss_reason",
        help="free text; sorted into price, competition, no_decision, disqualified, timing, other",
    ),
    FieldSpec("customer_outcome", help="what will be different for the customer"),
    FieldSpec("executive_sponsor", help="the senior contact on the customer's side"),
    FieldSpec("currency", help="ISO 4217 code of the amounts (default: the organisation's currency)"),
)

# The optional fields of PRODUCT.md, recognised by name in every format (and as API names with __c).
SHARED_ALIASES = {
    "list_amount": ("List Amount", "List Price", "Total List Price"),
    "discount": ("Discount",),
    "discount_percent": ("Discount (%)", "Discount %", "Discount Percent"),
    "loss_reason": ("Loss Reason", "Closed Lost Reason"),
    "customer_outcome": ("Customer Outcome", "Customer Goal"),
    "executive_sponsor": ("Executive Sponsor",),
    "product": ("Product", "Product Name"),
    "segment": ("Segment",),
    "currency": ("Currency", "Currency ISO Code", "CurrencyIsoCode", "Deal Currency Code"),
}

FORMATS = (
    Format(
        "salesforce_report",
        "Salesforce report export",
        {
            "id": ("Opportunity ID", "Opportunity ID (18)"),
            "name": ("Opportunity Name",),
            "account": ("Account Name", "Account ID"),
            "owner": ("Opportunity Owner", "Opportunity Owner Email", "Owner Email"),
            "stage": ("Stage",),
            "amount": ("Amount",),
            "close_date": ("Close Date",),
            "created_date": ("Created Date",),
            "is_won": ("Won",),
            "is_closed": ("Closed",),
            "probability": ("Probability (%)",),
            "type": ("Type",),
            "forecast_category": ("Forecast Category",),
        },
        markers=("Opportunity Name", "Stage"),
    ),
    Format(
        "salesforce_dataloader",
        "Salesforce Data Loader export",
        {
            "id": ("Id",),
            "name": ("Name",),
            "account": ("Account.Name", "AccountId"),
            "owner": ("Owner.Email", "Owner.Name", "OwnerId"),
            "stage": ("StageName",),
            "amount": ("Amount",),
            "close_date": ("CloseDate",),
            "created_date": ("CreatedDate",),
            "is_won": ("IsWon",),
            "is_closed": ("IsClosed",),
            "probability": ("Probability",),
            "type": ("Type",),
            "forecast_category": ("ForecastCategoryName", "ForecastCategory"),
        },
        markers=("Id", "StageName"),
    ),
    Format(
        "hubspot",
        "HubSpot deal export",
        {
            "id": ("Record ID", "Deal ID"),
            "name": ("Deal Name",),
            "account": ("Associated Company", "Company name", "Associated Company (Primary)"),
            "owner": ("Deal owner",),
            "stage": ("Deal Stage",),
            "amount": ("Amount",),
            "close_date": ("Close Date",),
            "created_date": ("Create Date",),
            "probability": ("Deal probability", "Deal Stage Probability"),
            "type": ("Deal Type",),
            "forecast_category": ("Forecast category",),
            "segment": ("Pipeline",),
        },
        markers=("Deal Stage",),
    ),
    Format(
        "maven",
        "Maven CRM sales_pipeline.csv",
        {
            "id": ("opportunity_id",),
            "account": ("account",),
            "owner": ("sales_agent",),
            "stage": ("deal_stage",),
            "amount": ("close_value",),
            "close_date": ("close_date",),
            "created_date": ("engage_date",),
            "product": ("product",),
        },
        markers=("opportunity_id", "deal_stage", "close_value"),
    ),
    Format(
        "generic",
        "generic CSV (canonical names)",
        {
            "id": ("Opportunity ID", "Deal ID"),
            "name": ("Opportunity", "Deal", "Deal Name"),
            "owner": ("Owner",),
        },
    ),
)

COMPARED = (
    "name",
    "account_id",
    "owner_id",
    "team_id",
    "segment",
    "product",
    "stage",
    "amount",
    "list_amount",
    "discount",
    "is_won",
    "is_closed",
    "created_date",
    "close_date",
    "probability",
    "type",
    "forecast_category",
    "is_late_stage",
    "loss_reason",
    "loss_category",
    "customer_outcome",
    "executive_sponsor",
    "currency",
)
TRACKED = ("stage", "amount", "close_date")


def outcome(row: OpportunityRow) -> tuple[bool, bool]:
    """(won, closed) of a row: its Won/Closed columns, else what the stage says."""
    won_by_stage = bool(WON_STAGE.search(row.stage))
    lost_by_stage = bool(LOST_STAGE.search(row.stage)) and not won_by_stage
    is_won = row.is_won if row.is_won is not None else won_by_stage
    is_closed = row.is_closed if row.is_closed is not None else (is_won or won_by_stage or lost_by_stage)
    return is_won, is_closed or is_won


def deal_values(row: OpportunityRow) -> dict:
    """The stored values a row means, with won/closed, late stage, loss category and discount derived."""
    is_won, is_closed = outcome(row)
    late = not is_closed and bool(
        LATE_STAGE.search(row.stage) or (row.forecast_category and LATE_STAGE.search(row.forecast_category))
    )
    discount = row.discount_percent if row.discount_percent is not None else row.discount
    if discount is None and is_won and row.list_amount and row.amount is not None:
        # A deal sold at or above list price was not discounted: the premium is not a negative discount.
        discount = max(0.0, float(1 - row.amount / row.list_amount))
    lost = is_closed and not is_won
    return {
        "name": (row.name or row.id)[:300],
        "segment": row.segment,
        "product": row.product,
        "stage": row.stage,
        "amount": row.amount,
        "list_amount": row.list_amount,
        "discount": round(discount, 6) if discount is not None else None,
        "is_won": is_won,
        "is_closed": is_closed,
        "created_date": row.created_date,
        "close_date": row.close_date,
        "probability": row.probability,
        "type": row.type,
        "forecast_category": row.forecast_category,
        "is_late_stage": late,
        "loss_reason": row.loss_reason,
        "loss_category": loss_category(row.loss_reason) if lost else None,
        "customer_outcome": row.customer_outcome,
        "executive_sponsor": row.executive_sponsor,
        "currency": row.currency.strip().upper() if row.currency else None,
    }


def write(
    ctx: WriteContext, rows: list[ValidRow], list_prices: dict[str, tuple[str, Decimal]] | None = None
) -> WriteOutcome:
    """Upsert deals by id, creating unknown owners and accounts, and append history for changed deals.

    ``list_prices`` (product key -> (product name, list price)) fills the list amount of deals whose
    file has none, as the Maven sample's products.csv does; the product name is normalised to it.
    """
    rows, conflicts = settle_owners(ctx, rows)
    rows, duplicates = reject_duplicates(rows, lambda r: r.id, "the same opportunity id")
    duplicates = conflicts + duplicates
    directory = ctx.directory
    ctx.progress(0.05, "Finding owners and accounts")
    directory.ensure_people(r.row.owner for r in rows)
    directory.ensure_accounts(r.row.account for r in rows)
    table = m.Opportunity.__table__
    pairs = []
    for valid in rows:
        row = valid.row
        owner = directory.person(row.owner)
        values = deal_values(row)
        if list_prices is not None and values["list_amount"] is None and row.product:
            product, price = list_prices.get(product_key(row.product), (row.product, None))
            values["product"] = product
            if price is not None:
                values["list_amount"] = price
                if values["discount"] is None and values["is_won"] and values["amount"] is not None and price:
                    values["discount"] = round(max(0.0, float(1 - values["amount"] / price)), 6)
        values.update(
            external_key=row.id,
            account_id=directory.account_id(row.account),
            owner_id=owner[0] if owner else None,
            team_id=owner[1] if owner else None,
        )
        pairs.append((row.id, values))
    ctx.progress(0.2, "Comparing with stored deals")
    stored = load_existing(
        ctx.conn, table, ["external_key"], [k for k, _ in pairs], [*COMPARED, "updated_at"]
    )
    plan = plan_upsert(pairs, stored, COMPARED)
    stamp = {"source_batch_id": ctx.batch_id, "updated_at": ctx.now}
    ctx.progress(0.4, f"Writing {len(plan.inserts):,} new deals")
    bulk_insert(ctx.conn, table, [{**r, **stamp} for r in plan.inserts])
    ctx.progress(0.7, f"Updating {len(plan.updates):,} deals")
    bulk_update(ctx.conn, table, [{**r, **stamp} for r in plan.updates])
    append_history(ctx, plan.updates, plan.changed_from)
    return WriteOutcome(len(plan.inserts), len(plan.updates), plan.unchanged, duplicates)


def settle_owners(ctx: WriteContext, rows: list[ValidRow]) -> tuple[list[ValidRow], list[Rejection]]:
    """A deal the file gives two owners: one warning line naming them; the first row is kept (the later
    ones are set aside as repeats). Under ``--strict`` every row of that deal is rejected instead."""
    owners: dict[str, dict[str, int]] = {}
    for valid in rows:
        if valid.row.owner:
            owners.setdefault(valid.row.id, {}).setdefault(valid.row.owner.strip(), valid.line_number)
    conflicted = {deal: found for deal, found in owners.items() if len(found) > 1}
    if not conflicted:
        return rows, []
    for deal, found in conflicted.items():
        shown = ", ".join(f"'{owner}' (line {line})" for owner, line in found.items())
        first, line = next(iter(found.items()))
        choice = "rejected its rows (--strict)" if ctx.strict else f"kept '{first}' (line {line}), the first"
        ctx.notes.append(f"Conflict: deal '{deal}' has {len(found)} owners, {shown}; {choice}.")
    if not ctx.strict:
        return rows, []
    kept, rejected = [], []
    for valid in rows:
        found = conflicted.get(valid.row.id)
        if found is None:
            kept.append(valid)
        else:
            others = ", ".join(f"'{o}' on line {n}" for o, n in found.items() if n != valid.line_number)
            rejected.append(Rejection(valid.line_number, valid.raw, f"the deal has another owner: {others}"))
    return kept, rejected


def append_history(ctx: WriteContext, updates: list[dict], before: dict[int, dict]) -> int:
    """Add a history row for each updated deal whose stage, amount or close date changed.

    A deal without any history first gets a row with its previous values (dated when it was last loaded),
    so the first change is itself countable as a push or pull-in. ``changed_at`` is unique per deal.
    """
    changed = [u for u in updates if any(not same(before[u["id"]].get(c), u.get(c)) for c in TRACKED)]
    if not changed:
        return 0
    latest: dict[int, dt.datetime] = {}
    history = m.OpportunityHistory
    for part in chunks([u["id"] for u in changed]):
        rows = ctx.conn.execute(
            select(history.opportunity_id, func.max(history.changed_at))
            .where(history.opportunity_id.in_(list(part)))
            .group_by(history.opportunity_id)
        )
        latest.update({opp_id: _as_datetime(at) for opp_id, at in rows})
    when = ctx.changed_at or ctx.now
    new_rows = []
    for update in changed:
        opp_id, old = update["id"], before[update["id"]]
        last = latest.get(opp_id)
        if last is None:
            baseline = _as_datetime(old.get("updated_at")) or when - dt.timedelta(seconds=1)
            baseline = min(baseline, when - dt.timedelta(seconds=1))
            new_rows.append(_history_row(opp_id, baseline, old, ctx.batch_id))
            last = baseline
        at = when if when > last else last + dt.timedelta(seconds=1)
        new_rows.append(_history_row(opp_id, at, update, ctx.batch_id))
    bulk_insert(ctx.conn, history.__table__, new_rows)
    return len(new_rows)


def _history_row(opp_id: int, at: dt.datetime, values: dict, batch_id: int) -> dict:
    return {
        "opportunity_id": opp_id,
        "changed_at": at,
        "stage": values.get("stage"),
        "amount": values.get("amount"),
        "close_date": values.get("close_date"),
        "source_batch_id": batch_id,
    }


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def product_key(name: str) -> str:
    """Product names compared without case, spaces or punctuation: "GTXPro" matches "GTX Pro"."""
    return re.sub(r"[\W_]+", "", name).casefold()


def check(rows: list[ValidRow], file_name: str) -> None:
    """Refuse a file whose deals are in more than one currency: amounts would be added across them."""
    found: dict[str, int] = {}
    for valid in rows:
        if valid.row.currency:
            found.setdefault(valid.row.currency.strip().upper(), valid.line_number)
    if len(found) > 1:
        shown = ", ".join(f"{code} (line {line})" for code, line in found.items())
        raise UnreadableFile(
            f"{file_name} mixes currencies ({shown}) and holds no exchange rates; "
            "import one currency per file, converted to one currency first."
        )


SOURCE = Source(
    name="opportunities",
    label="Opportunities",
    description="Deals from Salesforce (report or Data Loader), HubSpot, the Maven sample or any CSV via --map.",
    fields=FIELDS,
    formats=FORMATS,
    model=OpportunityRow,
    write=write,
    check=check,
    shared_aliases=SHARED_ALIASES,
    flag_rows=flag_rows,
    chunk_key="id",
    write_columns=write_columns,
)
