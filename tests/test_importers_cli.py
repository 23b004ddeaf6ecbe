"""``python -m dashboard import`` and ``rejects`` end to end as a user runs them, and safe CSV export."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from dashboard.csv_export import csv_bytes, neutralise, write_csv
from tests.conftest import FIXTURES, REPO_ROOT, SHARED_DATA, needs_shared_data

IMPORTS = FIXTURES / "imports"


@pytest.fixture
def cli(fresh_engine):
    env = {**os.environ, "DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "dashboard", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def test_import_then_rejects_end_to_end(cli, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date\n"
        "D1,Good,Closed Won,100,2024-03-01,2024-01-01\n"
        'D2,=HYPERLINK("http://evil"),Closed Won,-100,2024-03-01,2024-01-01\n',
        encoding="utf-8",
    )
    first = cli("import", "opportunities", str(path), "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["inserted"], summary["rejected"], summary["format"]) == (1, 1, "salesforce_report")
    batch = summary["batch_id"]

    again = cli("import", "opportunities", str(path))
    assert again.returncode == 0
    assert "0 inserted, 0 updated, 1 unchanged, 1 rejected" in again.stdout

    shown = cli("rejects", str(batch))
    assert shown.returncode == 0
    assert "line 3: Amount is negative (-100.00)" in shown.stdout

    as_csv = cli("rejects", str(batch), "--csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][:3] == ["line", "reason", "Opportunity ID"]
    assert rows[1][rows[0].index("Opportunity Name")] == '\'=HYPERLINK("http://evil")'
    assert rows[1][rows[0].index("Amount")] == "'-100"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "opportunities", "/no/such/file.csv"), "error: /no/such/file.csv does not exist."),
        (("import", "people", str(IMPORTS / "hubspot_deals.csv")), "is missing the required column 'name'"),
        (("rejects", "999"), "error: there is no import batch 999."),
        (
            ("import", "opportunities", str(IMPORTS / "hubspot_deals.csv"), "--map", "id"),
            "'id' in --map is not field=column",
        ),
    ],
)
def test_user_errors_exit_2_with_one_line(cli, args, message):
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_binary_and_ambiguous_files_fail_cleanly(cli, tmp_path):
    binary = tmp_path / "export.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    done = cli("import", "opportunities", str(binary))
    assert (done.returncode, done.stderr.strip()) == (
        2,
        f"error: {binary} is a binary file, not a CSV text file",
    )
    dates = tmp_path / "dates.csv"
    dates.write_text("Opportunity ID,Stage,Close Date\nA,Prospecting,01/02/2024\n")
    done = cli("import", "opportunities", str(dates))
    assert done.returncode == 2 and "--date-format" in done.stderr
    assert cli("import", "opportunities", str(dates), "--date-format", "%d/%m/%Y").returncode == 0


@needs_shared_data
def test_maven_dry_run_then_import(cli):
    folder = str(SHARED_DATA / "maven-crm")
    dry = cli("import", "maven", folder, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["inserted"] == 8920
    done = cli("import", "maven", folder, "--json")
    result = json.loads(done.stdout)
    assert (result["inserted"], result["rejected"]) == (8920, 0)  # the dry run left nothing behind
    status = json.loads(cli("status", "--json").stdout)
    assert (status["opportunities"], status["won_opportunities"], status["won_amount"]) == (
        8800,
        4238,
        10005534.0,
    )


def test_help_lists_every_source(cli):
    done = cli("import", "--help")
    for source in (
        "people",
        "accounts",
        "quotas",
        "opportunities",
        "history",
        "subscriptions",
        "surveys",
        "maven",
        "transcripts",
    ):
        assert source in done.stdout


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, ""),
    ],
)
def test_csv_export_neutralises_formulas(value, written):
    assert neutralise(value) == written


def test_csv_bytes_are_excel_friendly_and_safe():
    data = csv_bytes([{"name": "Café", "note": "=1+1"}], ["name", "note"])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["name,note", "Café,'=1+1"]
    out = io.StringIO()
    assert write_csv([{"a": "@x"}, {"a": 3}], ["a"], out) == 2
    assert out.getvalue() == "a\r\n'@x\r\n3\r\n"


def test_an_import_run_in_process_leaves_the_garbage_collector_as_it_found_it(fresh_engine, tmp_path, capsys):
    import gc

    from dashboard.cli.main import main
    from dashboard.config import load_settings

    path = tmp_path / "deals.csv"
    path.write_text("Opportunity ID,Stage\nD1,Prospecting\nD2,Qualification\n", encoding="utf-8")
    settings = load_settings({"DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False)})
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert main(["import", "opportunities", str(path), "--json"], settings) == 0
    assert json.loads(capsys.readouterr().out)["inserted"] == 2
    assert gc.get_threshold() == threshold
    # Nothing the import made is left set aside (in a worker that ran the app, what the app set
    # aside before stays so).
    assert gc.get_freeze_count() <= frozen


def test_an_import_that_takes_no_analytical_copy_never_loads_duckdb(fresh_engine, tmp_path):
    """DuckDB's library is about 20 MiB of the command's memory: an import that takes no copy (the
    organisation under the copy's threshold, or ANALYTICS_DIR=off) must not load it, or a
    million-row file goes over its 300 MiB (docs/performance.md)."""
    path = tmp_path / "deals.csv"
    path.write_text("Opportunity ID,Stage\nD1,Prospecting\nD2,Qualification\n", encoding="utf-8")
    script = (
        "import json, sys\n"
        "from dashboard.cli.main import main\n"
        "code = main(['import', 'opportunities', sys.argv[1], '--json'])\n"
        "print(json.dumps({'code': code, 'duckdb': sorted(m for m in sys.modules if 'duckdb' in m)}))\n"
    )
    url = fresh_engine.url.render_as_string(hide_password=False)
    for analytics_dir in ("off", str(tmp_path / "copies")):
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            cwd=REPO_ROOT,
            env={**os.environ, "DATABASE_URL": url, "ANALYTICS_DIR": analytics_dir},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
        assert outcome["code"] == 0
        assert outcome["duckdb"] == [], (analytics_dir, outcome)
