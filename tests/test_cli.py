"""The command line as a user meets it: a real subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUS_KEYS = {
    "teams",
    "people",
    "accounts",
    "opportunities",
    "won_opportunities",
    "won_amount",
    "history_rows",
    "subscriptions",
    "meetings",
    "utterances",
    "survey_responses",
    "imports",
    "rejected_rows",
}


def run_cli(
    *args: str, database_url: str, stdin: str | None = None, environ: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``python -m dashboard ARGS`` on ``database_url``, with ``environ`` added to this process's."""
    env = {**os.environ, **(environ or {}), "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_lists_the_commands(tmp_path):
    result = run_cli("--help", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 0
    for command in ("init", "status"):
        assert command in result.stdout


def test_status_before_init_is_one_clear_line(tmp_path):
    result = run_cli("status", "--json", database_url=f"sqlite:///{tmp_path / 'none.db'}")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "run `python -m dashboard init` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_then_status_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    init = run_cli("init", database_url=url)
    assert init.returncode == 0, init.stderr
    again = run_cli("init", database_url=url)
    assert again.returncode == 0, again.stderr
    status = run_cli("status", "--json", database_url=url)
    assert status.returncode == 0, status.stderr
    counts = json.loads(status.stdout)
    assert set(counts) >= STATUS_KEYS
    assert counts["teams"] == 0 and counts["opportunities"] == 0


def test_unreachable_database_is_one_line(tmp_path):
    result = run_cli("status", database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error:")
