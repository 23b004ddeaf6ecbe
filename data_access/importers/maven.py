"""The Maven Analytics "CRM Sales Opportunities" sample as one organisation.

sales_teams.csv gives the people: each regional office (Central, East, West) becomes a team, each
manager a team under it ("Dustin Brinkmann's team") with their sellers; accounts.csv the accounts (the
sector "technolgy" is corrected, revenue is in millions of USD); products.csv the list price of each
product, so won deals have a discount; sales_pipeline.csv the deals (engage_date is the created date,
close_value the amount). Product names are matched without spaces: "GTXPro" is "GTX Pro".
All three imports share one savepoint: the sample loads whole or not at all.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, update

from data_access import models as m
from data_access.importers import accounts, opportunities, people
from data_access.importers.errors import UnreadableFile
from data_access.importers.opportunities import product_key
from data_access.importers.pipeline import ImportOptions, ImportResult, ProgressFn, _silent, write_part
from data_access.importers.reading import RawTable, read_table
from data_access.importers.refs import Directory
from data_access.importers.spec import Source, map_columns
from data_access.importers.validation import ValidRow, build_context, validate_rows
from data_access.importers.values import parse_amount

FILES = ("sales_teams.csv", "accounts.csv", "products.csv", "sales_pipeline.csv")
SECTOR_FIXES = {"technolgy": "technology"}


def _read(folder: Path, name: str) -> RawTable:
    path = folder / name
    if not path.is_file():
        raise UnreadableFile(f"{folder} has no {name}; the Maven CRM sample has {', '.join(FILES)}.")
    return read_table(path.read_bytes(), str(path))


def _validate(source: Source, table: RawTable, options: ImportOptions):
    fmt = source.format_named("maven")
    mapping = map_columns(source, fmt, table.headers, table.file_name)
    ctx = build_context(source, table, mapping, options.date_format)
    return validate_rows(source, table, mapping, ctx)


def list_prices(table: RawTable) -> dict[str, tuple[str, Decimal]]:
    """products.csv as product key -> (product name, sales price)."""
    index = {h: i for i, h in enumerate(table.headers)}
    if "product" not in index or "sales_price" not in index:
        raise UnreadableFile(
            f"{table.file_name} is missing the required columns 'product' and 'sales_price'."
        )
    prices = {}
    for line, cells in table.rows:
        name, price = cells[index["product"]].strip(), cells[index["sales_price"]]
        try:
            prices[product_key(name)] = (name, parse_amount(price))
        except (ValueError, IndexError):
            raise UnreadableFile(f"{table.file_name} line {line}: '{price}' is not a price.") from None
    return prices


def import_maven(
    conn: Connection, folder: Path, options: ImportOptions, progress: ProgressFn = _silent
) -> ImportResult:
    """Import the sample folder as three batches (people, accounts, opportunities) in one savepoint."""
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise UnreadableFile(
            f"{folder} is not a folder; give the folder that holds the Maven CRM sample's CSV files."
        )
    teams_table, accounts_table, products_table, pipeline_table = (_read(folder, name) for name in FILES)
    prices = list_prices(products_table)
    progress(0.05, "Checking sales_teams.csv")
    team_rows, team_rejected = _validate(people.SOURCE, teams_table, options)
    team_rows = [
        ValidRow(
            v.line_number,
            v.row.model_copy(update={"team": _team_name(v.row.manager), "role": "seller"}),
            v.raw,
        )
        if v.row.manager
        else v
        for v in team_rows
    ]
    progress(0.1, "Checking accounts.csv")
    account_rows, account_rejected = _validate(accounts.SOURCE, accounts_table, options)
    fixed = 0
    for i, valid in enumerate(account_rows):
        row = valid.row
        industry = SECTOR_FIXES.get((row.industry or "").strip().casefold(), row.industry)
        fixed += industry != row.industry
        revenue = row.annual_revenue * 1_000_000 if row.annual_revenue is not None else None
        account_rows[i] = ValidRow(
            valid.line_number,
            row.model_copy(update={"industry": industry, "annual_revenue": revenue}),
            valid.raw,
        )
    progress(0.15, "Checking sales_pipeline.csv")
    deal_rows, deal_rejected = _validate(opportunities.SOURCE, pipeline_table, options)
    deal_rows = [
        ValidRow(
            v.line_number,
            v.row.model_copy(
                update={"name": f"{_product_name(v.row.product, prices)} – {v.row.account or 'no account'}"}
            ),
            v.raw,
        )
        for v in deal_rows
    ]

    result = ImportResult(source="maven", file_name=str(folder), format="maven", dry_run=options.dry_run)
    savepoint = conn.begin_nested()
    try:
        directory = Directory(conn)
        parts = []
        steps = (
            (people.SOURCE, teams_table, team_rows, team_rejected, {}),
            (accounts.SOURCE, accounts_table, account_rows, account_rejected, {}),
            (opportunities.SOURCE, pipeline_table, deal_rows, deal_rejected, {"list_prices": prices}),
        )
        for n, (source, table, valid, rejected, extra) in enumerate(steps):
            part = ImportResult(
                source=source.name,
                file_name=table.file_name,
                format="maven",
                rows_read=len(table.rows),
                notes=list(table.notes),
                dry_run=options.dry_run,
            )
            if source is accounts.SOURCE and fixed:
                part.notes.append(
                    f"Corrected the misspelt sector 'technolgy' to 'technology' in {fixed} accounts."
                )
                part.notes.append("Read revenue as millions of USD (as the sample's data dictionary says).")
            low, high = 0.2 + 0.8 * n / 3, 0.2 + 0.8 * (n + 1) / 3
            write_part(
                conn,
                source,
                table,
                "maven",
                valid,
                rejected,
                directory,
                options,
                part,
                lambda f, msg, low=low, high=high: progress(low + (high - low) * f, msg),
                extra,
            )
            if source is people.SOURCE:
                _place_managers(conn, directory, {v.row.manager for v in team_rows if v.row.manager})
            parts.append(part)
        result.created = {kind: names for kind, names in directory.created.items() if names}
    except BaseException:
        savepoint.rollback()
        raise
    if options.dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    result.parts = parts
    for field in ("rows_read", "inserted", "updated", "unchanged", "rejected"):
        setattr(result, field, sum(getattr(p, field) for p in parts))
    result.notes = [note for p in parts for note in p.notes]
    result.batch_id = parts[-1].batch_id
    result.seconds = time.perf_counter() - started
    progress(1.0, result.summary_line())
    return result


def _team_name(manager: str) -> str:
    return f"{manager}'s team"


def _product_name(product: str | None, prices: dict[str, tuple[str, Decimal]]) -> str:
    if not product:
        return "Deal"
    return prices.get(product_key(product), (product, None))[0]


def _place_managers(conn: Connection, directory: Directory, managers: set[str]) -> None:
    """A manager belongs to the team they lead (the file lists managers only as the sellers' manager)."""
    for manager in managers:
        found = directory.person(manager)
        team_id = directory.team_id(_team_name(manager))
        if found and team_id and found[1] is None:
            conn.execute(
                update(m.Person).where(m.Person.id == found[0]).values(team_id=team_id, role="manager")
            )
            directory.remember_person(found[0], team_id, key=manager, email=None, name=manager)
