"""Importers for the files sales organisations actually have.

``SOURCES`` is the registry of single-file sources; the Maven sample folder has its own entry point.
Typical use (the caller owns the transaction)::

    prepared = prepare(SOURCES["opportunities"], data, "export.csv", ImportOptions())
    with engine.begin() as conn:
        result = run_import(conn, prepared, ImportOptions())
"""

from __future__ import annotations

from data_access.importers import accounts, history, opportunities, people, quotas, subscriptions, surveys
from data_access.importers.errors import UnreadableFile
from data_access.importers.maven import import_maven
from data_access.importers.pipeline import ImportOptions, ImportResult, Prepared, prepare, run_import
from data_access.importers.spec import Source, parse_map_option

SOURCES: dict[str, Source] = {
    module.SOURCE.name: module.SOURCE
    for module in (people, accounts, quotas, opportunities, history, subscriptions, surveys)
}


def get_source(name: str) -> Source:
    """The registered source called ``name``; raises :class:`UnreadableFile` listing the known ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise UnreadableFile(f"'{name}' is not a source; use one of {', '.join(SOURCES)}.") from None


__all__ = [
    "SOURCES",
    "ImportOptions",
    "ImportResult",
    "Prepared",
    "Source",
    "UnreadableFile",
    "get_source",
    "import_maven",
    "parse_map_option",
    "prepare",
    "run_import",
]
