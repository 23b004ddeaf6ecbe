"""``python -m dashboard report`` end to end: JSON shape, Markdown brief, errors, the demo."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.cli.main import main
from dashboard.config import Settings
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
    "n",
    "state",
    "reason",
    "comparison",
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


@pytest.fixture
def scored_org(small_org, fresh_engine):
    """The same organisation with every minimum sample set to 1 in Settings: a leader's choice to
    score even a handful of deals."""
    from data_access.parameter_store import write_override
    from metrics.registry import METRICS

    with fresh_engine.begin() as conn:
        for metric in METRICS:
            write_override(conn, f"min_sample.{metric.id}", "1")
    return small_org


def run(capsys, settings, *argv):
    code = main(["report", *argv], settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(small_org, capsys):
    code, out, _ = run(capsys, small_org, *Q1, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"period", "previous_period", "org", "teams"}
    assert report["period"] == {
        "from": "2025-01-01",
        "to": "2025-03-31",
        "complete": True,
        "to_date": "2025-03-31",
    }
    assert report["previous_period"] == {
        "from": "2024-10-01",
        "to": "2024-12-31",
        "comparison": "against the previous quarter",
    }
    assert set(report["org"]) == {"health_index", "health_index_band", "health_index_coverage", "symptoms"}
    assert [s["id"] for s in report["org"]["symptoms"]] == list(SYMPTOM_IDS)
    for symptom in report["org"]["symptoms"]:
        assert set(symptom) == SYMPTOM_KEYS
        assert set(symptom["threshold"]) == {"green", "red", "direction", "weight"}
    assert [t["team"] for t in report["teams"]] == ["Atlas", "Beacon"]
    beacon = {s["id"]: s for s in report["teams"][1]["symptoms"]}
    # Three of four lost deals on price: the figure is reported with its n, greyed, never coloured.
    price = beacon["price_loss_share"]
    assert price["value"] == pytest.approx(0.75) and price["n"] == 4
    assert (price["state"], price["status"], price["score"]) == ("too_few", "too_few", None)
    assert "4 lost deals with a loss reason (scored from 10)" in price["reason"]
    assert beacon["morale"] == {**beacon["morale"], "value": None, "status": "needs", "state": "needs"}
    assert beacon["morale"]["needs"].startswith("needs survey responses")
    # Nothing is scored on a handful of deals: no index, and the coverage says why.
    assert report["teams"][1]["health_index"] is None
    assert report["teams"][1]["health_index_coverage"] == {
        "scored": 0,
        "total": len(SYMPTOM_IDS),
        "weight_share": 0.0,
    }


def test_json_index_stands_on_its_coverage(scored_org, capsys):
    code, out, _ = run(capsys, scored_org, *Q1, "--format", "json")
    report = json.loads(out)
    beacon = {s["id"]: s for s in report["teams"][1]["symptoms"]}
    assert beacon["price_loss_share"]["status"] == "red" and beacon["price_loss_share"]["n"] == 4
    atlas, beacon_team = report["teams"]
    assert atlas["health_index"] > beacon_team["health_index"]
    # Only the deal symptoms are known: a handful of the seventeen, under half of the weight, no band.
    coverage = beacon_team["health_index_coverage"]
    assert 0 < coverage["scored"] < coverage["total"] == len(SYMPTOM_IDS)
    assert coverage["weight_share"] < 0.5 and beacon_team["health_index_band"] is None


def test_team_option_narrows_the_report(small_org, capsys):
    code, out, _ = run(capsys, small_org, *Q1, "--team", "beacon")
    report = json.loads(out)
    assert code == 0
    assert [t["team"] for t in report["teams"]] == ["Beacon"]
    org = {s["id"]: s for s in report["org"]["symptoms"]}
    assert org["walk_away_rate"]["value"] == 0.0  # Atlas's walk-aways are not in Beacon's report
    code, out, _ = run(capsys, small_org, *Q1, "--team", "Americas")
    assert [t["team"] for t in json.loads(out)["teams"]] == ["Atlas", "Beacon"]


def test_markdown_brief_puts_red_first_with_evidence(scored_org, capsys):
    code, out, _ = run(capsys, scored_org, *Q1, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Purpose Pulse leadership brief")
    assert "## Purpose Health Index:" in out
    assert "from 4 of 17 symptoms" in out  # the index says what it stands on
    red, in_teams, absent = (
        out.index(h) for h in ("## Red: act on", "## Red in some teams", "## Not scored")
    )
    assert red < in_teams < absent
    red_section = out[red:in_teams]
    assert "**Discounting** 50% (n = 2" in red_section  # one of the two won deals (Beacon's 40%)
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
    period = json.loads(out)["period"]
    assert (period["from"], period["to"], period["complete"]) == (
        quarter.start.isoformat(),
        quarter.end.isoformat(),
        True,
    )


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


def test_markdown_brief_shows_a_hostile_team_name_as_text(fresh_engine, capsys):
    """A team name from an import is written into the brief as literal text: no link, no image."""
    with fresh_engine.begin() as conn:
        org = Org(conn)
        hostile = org.team("[Session expired](https://evil.example/login) ![p](https://evil.example/p.png)")
        for _ in range(12):
            org.deal(hostile, 1000, D(2025, 2, 3), won=False, loss="price")
    code, out, _ = run(capsys, Settings(database_url=str(fresh_engine.url)), *Q1, "--format", "markdown")
    assert code == 0
    import re

    assert "](https://" not in out and "![" not in out
    row = next(line for line in out.splitlines() if "Session expired" in line and line.startswith("| "))
    # Every Markdown character of the name is escaped: rendered, it reads exactly as it was typed.
    assert re.sub(r"\\(.)", r"\1", row.split(" | ")[0][2:]).replace("\u2060", "") == (
        "[Session expired](https://evil.example/login) ![p](https://evil.example/p.png)"
    )
