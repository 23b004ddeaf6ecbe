"""The import command with the options real exports need, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from data_access.importers.mappings import SavedMapping, save_mapping
from tests.conftest import REPO_ROOT, SHARED_DATA, needs_shared_data


@pytest.fixture
def cli(fresh_engine):
    env = {**os.environ, "DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False)}

    def run(*args: str, shell: str | None = None) -> subprocess.CompletedProcess:
        command = shell or [sys.executable, "-m", "dashboard", *args]
        return subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            shell=shell is not None,
            executable="/bin/bash" if shell else None,
        )

    run.engine = fresh_engine
    return run


HR = (
    "Employee_Name,EmpID,Salary,EmploymentStatus,Department,DateofHire,DateofTermination,"
    "EngagementSurvey,EmpSatisfaction,LastPerformanceReview_Date\n"
    '"Adinolfi, Wilson  K",10026,62506,Active,Production       ,7/5/2011,,4.6,5,1/17/2019\n'
    '"Ait Sidi, Karthikeyan",10084,104437,Voluntarily Terminated,IT/IS,3/30/2015,6/16/2016,4.96,3,2/24/2016\n'
    '"Akinkuolie, Sarah",10196,64955,Terminated for Cause,Production       ,7/5/2011,9/24/2012,3.02,3,5/15/2012\n'
)


def test_constants_and_value_maps_on_the_command_line(cli, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(HR, encoding="utf-8")
    done = cli(
        "import", "people", str(path), "--json",
        "--map", "name=Employee_Name,id=EmpID,team=Department,hire_date=DateofHire,"
        "termination_date=DateofTermination,termination_voluntary=EmploymentStatus",
        "--values", "termination_voluntary=Voluntarily Terminated:yes|Terminated for Cause:no|Active:",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (json.loads(done.stdout)["inserted"], json.loads(done.stdout)["rejected"]) == (3, 0)

    wide = cli(
        "import", "surveys", str(path), "--wide",
        "--map", "respondent=EmpID,team=Department,submitted_at=LastPerformanceReview_Date",
        "--question", "EngagementSurvey=engagement:1.0-5.0", "--question", "EmpSatisfaction=satisfaction:1-5",
    )  # fmt: skip
    assert wide.returncode == 0, wide.stderr
    assert "6 inserted, 0 updated, 0 unchanged, 0 rejected" in wide.stdout


def test_an_import_that_stores_nothing_exits_2(cli, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(HR, encoding="utf-8")
    done = cli(
        "import", "people", str(path),
        "--map", "name=Employee_Name,termination_voluntary=EmploymentStatus",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "error: nothing was imported: all 3 rows of hr.csv were rejected\n"
    assert "0 inserted" in done.stdout


def test_a_saved_mapping_is_used_by_name(cli, tmp_path):
    with cli.engine.begin() as conn:
        save_mapping(
            conn,
            SavedMapping(
                name="Marketplace won deals",
                source="opportunities",
                columns={"id": "mql_id", "close_date": "won_date", "amount": "declared_monthly_revenue"},
                constants={"stage": "Closed Won", "currency": "BRL"},
            ),
        )
    path = tmp_path / "won.csv"
    path.write_text(
        "mql_id,won_date,declared_monthly_revenue\nm1,2018-02-26 19:58:54,0.0\nm2,2018-05-08 20:17:59,125000.0\n"
    )
    done = cli("import", "opportunities", str(path), "--mapping", "Marketplace won deals", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inserted"] == 2
    status = json.loads(cli("status", "--json").stdout)
    assert (status["won_opportunities"], status["won_amount"]) == (2, 125000.0)
    missing = cli("import", "opportunities", str(path), "--mapping", "Nope")
    assert missing.returncode == 2
    assert missing.stderr == "error: There is no saved mapping named 'Nope' (saved: Marketplace won deals)\n"


def test_a_closed_standard_output_ends_quietly_after_the_commit(cli, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("id,stage,close_date\nD1,Closed Won,2024-01-02\nD2,Prospecting,\n")
    # `true` exits without reading, so every line the import prints meets a closed pipe.
    done = cli(
        shell=f"{sys.executable} -m dashboard import opportunities {path} | true; echo ${{PIPESTATUS[0]}}"
    )
    assert done.stdout.strip() == "0"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    status = json.loads(cli("status", "--json").stdout)
    assert status["opportunities"] == 2
    head = cli(shell=f"{sys.executable} -m dashboard import opportunities {path} | head -1")
    assert head.returncode == 0 and head.stdout.startswith("Imported 2 rows") and head.stderr == ""


@needs_shared_data
def test_a_transcript_reimported_with_new_facts_updates_the_meeting(cli, tmp_path):
    source = SHARED_DATA / "talk" / "earnings_calls" / "AAN_q3_2021.txt"
    first = cli(
        "import", "transcripts", str(source), "--kind", "forecast_call", "--held-at", "2021-10-28", "--json"
    )
    assert first.returncode == 0, first.stderr
    meeting = json.loads(first.stdout)
    assert meeting["created"] is True
    assert (
        "Michael P. Dickerson (Vice President, Corporate Communications & Investor Relations)"
        in (meeting["speakers"])
    )
    again = cli(
        "import", "transcripts", str(source), "--kind", "leadership", "--held-at", "2021-10-29",
        "--title", "Q3 2021 call",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert (
        f"meeting {meeting['meeting_id']} (already imported; updated its kind, date, title)" in again.stdout
    )
    same = cli(
        "import", "transcripts", str(source), "--kind", "leadership", "--held-at", "2021-10-29",
        "--title", "Q3 2021 call",
    )  # fmt: skip
    assert "(already imported, unchanged)" in same.stdout
    from sqlalchemy import select

    from data_access import models as m

    with cli.engine.connect() as conn:
        row = conn.execute(select(m.Meeting.kind, m.Meeting.title, m.Meeting.held_at)).one()
    assert (row.kind, row.title, str(row.held_at)[:10]) == ("leadership", "Q3 2021 call", "2021-10-29")


def test_plain_text_speakers_must_look_like_names(cli, tmp_path):
    path = tmp_path / "review.txt"
    path.write_text(
        "Ana Lima: Our targets for 2022: 5% growth in every region.\n"
        "Ben Ode: Agreed.\n"
        "Our targets for 2022: 5% growth\n"
        "Ana Lima: And the customers?\n"
        "Ben Ode: Next steps: call them.\n"
    )
    done = cli(
        "import", "transcripts", str(path), "--kind", "leadership", "--held-at", "2024-01-02", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["speakers"] == ["Ana Lima", "Ben Ode"]
    assert json.loads(done.stdout)["utterances"] == 4  # the unlabelled line continues Ben's turn
    custom = tmp_path / "irc.txt"
    custom.write_text("<ana> hello all\n<ben> hi\n<ana> let us start\n")
    done = cli(
        "import", "transcripts", str(custom), "--kind", "leadership", "--held-at", "2024-01-02", "--json",
        "--speaker-pattern", r"<(?P<speaker>\w+)>\s*",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["speakers"] == ["ana", "ben"]


@needs_shared_data
def test_a_research_meeting_in_qmsum_json_imports(cli, tmp_path):
    lines = (SHARED_DATA / "talk" / "icsi").glob("*.txt")
    source = sorted(lines)[0].read_text(encoding="utf-8").splitlines()[:40]
    items = [
        {"speaker": s.split(":", 1)[0], "content": s.split(":", 1)[1].strip()} for s in source if ":" in s
    ]
    path = tmp_path / "research.json"
    path.write_text(json.dumps({"topic_list": [], "meeting_transcripts": items}), encoding="utf-8")
    done = cli(
        "import", "transcripts", str(path), "--kind", "leadership", "--held-at", "2001-06-12", "--json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["utterances"] == len(items)
    assert set(result["speakers"]) == {i["speaker"] for i in items}
