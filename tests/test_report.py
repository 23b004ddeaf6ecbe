"""``python -m dashboard report`` end to end: JSON shape, Markdown brief, errors, the demo."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.cli import main
from dashboard.settings import Settings
from data_access.scope import last_full_quarter
from metrics.registry import SYMPTOM_IDS
from tests.metrics.builders import Org

D = dt.date
SYMPTOM_KEYS = {
    "id",
    "label",
    "value",
    "unit",
    "previous",
    "trend",
    "score",
    "status",
    "threshold",
    "needs",
    "parts",
}
Q1 = ["--from", "2025-01-01", "--to", "2025-03-31"]


@pytest.fixture
def small_org(fresh_engine):
    """Atlas walks away from bad-fit deals; Beacon loses on price and discounts deeply."""
    with fresh_engine.begin() as conn:
        org = Org(conn)
        region = org.team("Americas")
        atlas, beacon = org.team("Atlas", parent=region), org.team("Beacon", parent=region)
        for loss in ("disqualified", "disqualified", "competition"):
            org.deal(atlas, 1000, D(2025, 2, 3), won=False, loss=loss)
        org.deal(atlas, 1000, D(2025, 2, 3), list_amount=1000)
        for loss in ("price", "price", "price", "competition"):
            org.deal(beacon, 1000, D(2025, 3, 28), won=False, loss=loss)
        org.deal(beacon, 600, D(2025, 3, 29), list_amount=1000)
    return Settings(database_url=str(fresh_engine.url))


def run(capsys, settings, *argv):
    code = main(["report", *argv], settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(small_org, capsys):
    code, out, _ = run(capsys, small_org, *Q1, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"period", "previous_period", "org", "teams"}
    assert report["period"] == {"from": "2025-01-01", "to": "2025-03-31"}
    assert report["previous_period"] == {"from": "2024-10-03", "to": "2024-12-31"}
    assert set(report["org"]) == {"health_index", "symptoms"}
    assert [s["id"] for s in report["org"]["symptoms"]] == list(SYMPTOM_IDS)
    for symptom in report["org"]["symptoms"]:
        assert set(symptom) == SYMPTOM_KEYS
        assert set(symptom["threshold"]) == {"green", "red", "direction", "weight"}
    assert [t["team"] for t in report["teams"]] == ["Atlas", "Beacon"]
    beacon = {s["id"]: s for s in report["teams"][1]["symptoms"]}
    assert beacon["price_loss_share"]["value"] == pytest.approx(0.75)
    assert beacon["price_loss_share"]["status"] == "red"
    assert beacon["morale"] == {**beacon["morale"], "value": None, "status": "needs"}
    assert beacon["morale"]["needs"].startswith("needs survey responses")
    atlas = report["teams"][0]
    assert atlas["health_index"] > report["teams"][1]["health_index"]


def test_team_option_narrows_the_report(small_org, capsys):
    code, out, _ = run(capsys, small_org, *Q1, "--team", "beacon")
    report = json.loads(out)
    assert code == 0
    assert [t["team"] for t in report["teams"]] == ["Beacon"]
    org = {s["id"]: s for s in report["org"]["symptoms"]}
    assert org["walk_away_rate"]["value"] == 0.0  # Atlas's walk-aways are not in Beacon's report
    code, out, _ = run(capsys, small_org, *Q1, "--team", "Americas")
    assert [t["team"] for t in json.loads(out)["teams"]] == ["Atlas", "Beacon"]


def test_markdown_brief_puts_red_first_with_evidence(small_org, capsys):
    code, out, _ = run(capsys, small_org, *Q1, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Purpose Pulse leadership brief")
    assert "## Purpose Health Index:" in out
    red, in_teams, absent = (out.index(h) for h in ("## Red: act on", "## Red in some teams", "## Not shown"))
    assert red < in_teams < absent
    red_section = out[red:in_teams]
    assert "**Discounting** 20%" in red_section  # median of 0% (Atlas) and 40% (Beacon)
    assert "median discount 20%, P90 36%" in red_section  # the evidence, in one line
    assert "Red in Beacon" in red_section
    # Fine for the organisation, red for Beacon: listed after the red ones, before anything amber.
    assert "- **Walking away for poor fit** 29% green overall" in out[in_teams:absent]
    assert "needs survey responses" in out[absent:]
    table = out[out.index("| Team |") :]
    assert table.index("| Beacon |") < table.index("| Atlas |")  # weakest team first


def test_unknown_team_is_one_line(small_org, capsys):
    code, out, err = run(capsys, small_org, *Q1, "--team", "Zeppelin")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "Zeppelin" in err and "Atlas" in err


def test_half_a_period_is_refused(small_org, capsys):
    code, _, err = run(capsys, small_org, "--from", "2025-01-01")
    assert code == 2 and "--to" in err


def test_default_period_is_the_last_full_quarter(small_org, capsys):
    code, out, _ = run(capsys, small_org)
    quarter = last_full_quarter(dt.date.today())
    assert code == 0
    assert json.loads(out)["period"] == {"from": quarter.start.isoformat(), "to": quarter.end.isoformat()}


def test_database_without_schema(tmp_path, capsys):
    code, _, err = run(capsys, Settings(database_url=f"sqlite:///{tmp_path / 'none.db'}"))
    assert code == 2 and "init" in err


@pytest.mark.slow
def test_demo_brief(demo_database_url, capsys):
    settings = Settings(database_url=demo_database_url)
    code, out, err = run(
        capsys, settings, "--from", "2026-07-01", "--to", "2026-09-30", "--format", "markdown"
    )
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| Team")]
    assert rows[0].startswith("| Beacon | ") and " red |" in rows[0]
    assert "Report built in" in err
    code, out, _ = run(capsys, settings, "--from", "2026-07-01", "--to", "2026-09-30", "--team", "Harbor")
    harbor = {s["id"]: s for s in json.loads(out)["teams"][0]["symptoms"]}
    assert harbor["morale"]["status"] == "suppressed" and harbor["morale"]["value"] is None
