"""``python -m benchmarks.symptoms``: every symptom measured as the Overview measures it, on the
database or on its analytical copy, slowest first."""

from __future__ import annotations

import re

import pytest

from benchmarks import symptoms
from metrics.registry import METRICS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("copy", [False, True], ids=["database", "copy"])
def test_every_symptom_is_measured_slowest_first(demo_database_url, tmp_path, monkeypatch, capsys, copy):
    monkeypatch.setenv("ANALYTICS_DIR", str(tmp_path / "copies"))
    args = [demo_database_url, "--from", "2026-07-01", "--to", "2026-09-30"]
    assert symptoms.main(args + (["--copy"] if copy else [])) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"on the {'analytical copy' if copy else 'database'}" in lines[0]
    assert "6 periods (teams)" in lines[0]
    rows = [re.match(r"\s*(\d+)\. .*?\s+([\d.]+)\s+\d+%\s+[\d.]+\s+[\d.]+\s+(\d+)$", line) for line in lines[2:]]
    assert all(rows) and len(rows) == len(METRICS)
    assert sorted(int(row[1]) for row in rows) == [metric.number for metric in METRICS]
    totals = [float(row[2]) for row in rows]
    assert totals == sorted(totals, reverse=True)
    assert all(int(row[3]) > 0 for row in rows)  # each symptom ran statements
    if copy:
        assert list((tmp_path / "copies").glob("*.duckdb"))  # taken for the measurement
