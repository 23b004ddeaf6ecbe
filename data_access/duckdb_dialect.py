"""The SQLAlchemy dialect the analytical copy is read with (``duckdb+cached://``).

A module of its own so that DuckDB's library (about 20 MiB of a process's memory) is loaded only by
a process that reads or writes a copy: SQLAlchemy imports it the first time an engine asks for the
dialect (:mod:`data_access.analytics` registers it by name).
"""

from __future__ import annotations

import duckdb_engine


class CachingDuckDBDialect(duckdb_engine.Dialect):
    """duckdb_engine's dialect with SQLAlchemy's compiled-statement cache on.

    The dialect compiles with PostgreSQL's compiler, whose output SQLAlchemy caches by a statement's
    shape; duckdb_engine leaves the cache off only because a third-party dialect has to ask for it.
    A scorecard runs each symptom's statements once per period with other values, so without it
    every statement is compiled again (about a second of the Overview's first render at a million
    deals)."""

    supports_statement_cache = True
