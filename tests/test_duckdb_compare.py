"""The DuckDB comparison benchmark (benchmarks/duckdb_compare.py): its statement translation and its
columnar copy must be right, or its figures compare different work."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest
from sqlalchemy import create_engine, text

from benchmarks.duckdb_compare import (
    DEAL_TABLES,
    columnar_copy,
    connect,
    normalise,
    replay_duckdb,
    replay_native,
    to_duckdb,
)
from tests.conftest import copy_database


def test_sqlite_statement_gets_its_parameters_inline_and_null_safe_comparisons():
    sql = "SELECT a FROM t WHERE t.won IS 1 AND t.closed IS NOT 0 AND t.d BETWEEN ? AND ? AND t.n = ? AND t.s = '?'"
    out = to_duckdb(sql, ("2026-07-01", "O'Neil", 3), "sqlite")
    assert out == (
        "SELECT a FROM t WHERE t.won IS NOT DISTINCT FROM 1 AND t.closed IS DISTINCT FROM 0 "
        "AND t.d BETWEEN '2026-07-01' AND 'O''Neil' AND t.n = 3 AND t.s = '?'"
    )


def test_sqlite_is_null_stays_as_it_is():
    assert to_duckdb("SELECT 1 FROM t WHERE a IS NULL AND b IS NOT NULL", (), "sqlite") == (
        "SELECT 1 FROM t WHERE a IS NULL AND b IS NOT NULL"
    )


def test_postgresql_statement_gets_named_parameters_inline():
    sql = "SELECT to_char(d, 'YYYY%%') FROM t WHERE d >= %(start)s AND ok = %(ok)s AND x = %(start)s AND f < %(f)s"
    out = to_duckdb(sql, {"start": dt.date(2026, 7, 1), "ok": True, "f": 0.5}, "postgresql")
    assert out == (
        "SELECT to_char(d, 'YYYY%%') FROM t WHERE d >= DATE '2026-07-01' AND ok = TRUE "
        "AND x = DATE '2026-07-01' AND f < 0.5"
    )


def test_float_casts_stay_double_precision_and_integers_divide_as_on_both_databases():
    # DuckDB's FLOAT is 4 bytes: 0.2 - 1e-9 would count as a 20 % discount.
    sql = to_duckdb("SELECT CAST(? AS FLOAT) >= 0.2, 7 / 2, 7 / (2 + 0.0)", (0.2 - 1e-9,), "sqlite")
    assert "AS DOUBLE" in sql
    con = connect()
    try:
        assert con.execute(sql).fetchone() == (False, 3, 3.5)
    finally:
        con.close()


def test_placeholders_and_parameters_that_do_not_match_are_refused():
    with pytest.raises(ValueError, match="placeholders"):
        to_duckdb("SELECT ? , ?", (1,), "sqlite")
    with pytest.raises(ValueError, match="placeholders"):
        to_duckdb("SELECT ?", (1, 2), "sqlite")


@pytest.fixture(scope="module")
def report_statements(demo_database_url, tmp_path_factory):
    """A private copy of the demo and the SQL the leadership report issues on it with nothing stored,
    plus the Discounting page's per-team and per-seller medians (integer positions, float shares)."""
    from benchmarks.floor import recording
    from benchmarks.pages import forget_stored_results
    from dashboard.cli.report import build_report
    from data_access.db import make_engine
    from data_access.scope import Filters, Period, Scope
    from metrics.analyses.discounting import discount_by_seller, discount_by_team

    url = copy_database(demo_database_url, tmp_path_factory.mktemp("duckdb") / "demo.db")
    forget_stored_results(url)
    engine = make_engine(url)
    try:
        period = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
        with recording() as recorded:
            build_report(engine, period, Scope.everything())
            with engine.connect() as conn:
                discount_by_team(conn, Scope.everything(), Filters(period), 0.2)
                discount_by_seller(conn, Scope.everything(), Filters(period), 0.2)
    finally:
        engine.dispose()
    return url, recorded


@pytest.fixture(scope="module")
def copied(report_statements, tmp_path_factory):
    url, recorded = report_statements
    target = tmp_path_factory.mktemp("duckdb") / "copy.duckdb"
    tables = sorted(recorded.tables | set(DEAL_TABLES))
    return columnar_copy(url, target, tables, chunk_rows=1000), target


def test_the_columnar_copy_holds_every_row_of_the_tables_it_copies(report_statements, copied):
    url, _recorded = report_statements
    summary, target = copied
    source = create_engine(url)
    con = duckdb.connect(str(target), read_only=True)
    try:
        with source.connect() as conn:
            for table, figures in summary["tables"].items():
                expected = conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar()
                assert figures["rows"] == expected, table
                assert con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == expected, table
    finally:
        con.close()
        source.dispose()
    assert summary["tables"]["opportunities"]["rows"] > 5000
    assert summary["tables"]["opportunity_history"]["rows"] > 20000


def test_duckdb_answers_the_reports_and_discountings_sql_with_the_same_figures(report_statements, copied):
    url, recorded = report_statements
    _summary, target = copied
    assert len(recorded.statements) > 100
    native = replay_native(url, recorded.statements)
    translated = [to_duckdb(sql, params, "sqlite") for sql, params in recorded.statements]
    con = connect(str(target), read_only=True)
    try:
        duck = replay_duckdb(con, translated)
    finally:
        con.close()
    assert [t.error for t in duck if t.error] == []
    compared = 0
    for sql, mine, theirs in zip(translated, duck, native, strict=True):
        limit = re.search(r"\bLIMIT (\d+)", sql)
        if limit and len(theirs.rows) == int(limit.group(1)):  # ties at the cut may be broken differently
            assert len(mine.rows) == len(theirs.rows), sql
        else:
            assert normalise(mine.rows) == normalise(theirs.rows), sql
            compared += 1
    assert compared > 100
