"""Mappings saved by name: the columns, constants and value maps of one kind of export, for reuse.

The Imports page saves them; ``python -m dashboard import SOURCE FILE --mapping NAME`` reads them. A
saved mapping is stored as plain JSON in ``import_mappings.spec``::

    {"format": "generic", "columns": {"id": "mql_id"}, "constants": {"stage": "Closed Won"},
     "values": {"termination_voluntary": {"voluntarily terminated": "yes", "active": null}},
     "date_format": null, "sheet": null}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, insert, select, update

from data_access import models as m
from data_access.importers.errors import UnreadableFile
from data_access.importers.spec import Constant

MAX_NAME = 100


@dataclass
class SavedMapping:
    """What a saved mapping holds; :meth:`overrides` is the ``--map`` dict it stands for."""

    name: str
    source: str
    format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    date_format: str | None = None
    sheet: str | None = None

    def overrides(self) -> dict[str, str]:
        return {**self.columns, **{k: Constant(v) for k, v in self.constants.items()}}

    def spec(self) -> dict:
        return {
            "format": self.format,
            "columns": dict(self.columns),
            "constants": dict(self.constants),
            "values": {k: dict(v) for k, v in self.values.items()},
            "date_format": self.date_format,
            "sheet": self.sheet,
        }

    @classmethod
    def from_row(cls, name: str, source: str, spec: dict) -> SavedMapping:
        return cls(
            name=name,
            source=source,
            format=spec.get("format"),
            columns=dict(spec.get("columns") or {}),
            constants=dict(spec.get("constants") or {}),
            values={k: dict(v) for k, v in (spec.get("values") or {}).items()},
            date_format=spec.get("date_format"),
            sheet=spec.get("sheet"),
        )


def split_overrides(overrides: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(columns, constants) of a ``--map`` dict."""
    columns = {k: str(v) for k, v in overrides.items() if not isinstance(v, Constant)}
    constants = {k: str(v) for k, v in overrides.items() if isinstance(v, Constant)}
    return columns, constants


def save_mapping(conn: Connection, mapping: SavedMapping, *, by: str | None = None) -> None:
    """Store ``mapping`` under its name, replacing a mapping of the same name."""
    name = mapping.name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"A mapping's name must be 1 to {MAX_NAME} characters.")
    values = {
        "source": mapping.source,
        "spec": mapping.spec(),
        "updated_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        "updated_by": by,
    }
    table = m.ImportMapping
    found = conn.execute(select(table.id).where(table.name == name)).scalar()
    if found is None:
        conn.execute(insert(table).values(name=name, **values))
    else:
        conn.execute(update(table).where(table.id == found).values(**values))


def load_mapping(conn: Connection, name: str, source: str | None = None) -> SavedMapping:
    """The mapping saved as ``name``; UnreadableFile naming the saved ones when there is none."""
    table = m.ImportMapping
    row = conn.execute(select(table.name, table.source, table.spec).where(table.name == name.strip())).first()
    if row is None:
        known = ", ".join(n for n, _ in list_mappings(conn)) or "none saved yet"
        raise UnreadableFile(f"There is no saved mapping named '{name}' (saved: {known}).")
    if source is not None and row.source != source:
        raise UnreadableFile(f"The saved mapping '{name}' is for {row.source} files, not {source}.")
    return SavedMapping.from_row(row.name, row.source, dict(row.spec or {}))


def list_mappings(conn: Connection, source: str | None = None) -> list[tuple[str, str]]:
    """(name, source) of the saved mappings, by name."""
    table = m.ImportMapping
    stmt = select(table.name, table.source).order_by(table.name)
    if source is not None:
        stmt = stmt.where(table.source == source)
    return [(n, s) for n, s in conn.execute(stmt)]


def delete_mapping(conn: Connection, name: str) -> None:
    conn.execute(delete(m.ImportMapping).where(m.ImportMapping.name == name))
