"""Access follows the roster: a person demoted by a roster import loses their pages on the next
run, and an identity provider's unverified e-mail is never matched to the roster."""

from __future__ import annotations

from dashboard.shell.sign_in import ACCESS_TTL_SECONDS
from tests.test_app_access import _app, _home, roster_url  # noqa: F401 - roster_url is a fixture
from tests.test_cli import run_cli


def test_a_roster_import_that_demotes_someone_takes_effect_at_once(roster_url, tmp_path):  # noqa: F811
    at = _home({"is_logged_in": True, "email": "max@example.com"})
    assert {m.label: m.value for m in at.metric}["Teams"] == "1"
    roster = tmp_path / "people.csv"
    roster.write_text("id,name,email,team,role\nm,Max Manager,max@example.com,Atlas,seller\n")
    result = run_cli("import", "people", str(roster), database_url=roster_url)
    assert result.returncode == 0, result.stderr
    at.run()
    assert not at.exception
    assert at.title[0].value == "No access" and "sellers have no access" in at.warning[0].value
    assert not at.metric


def test_access_is_read_again_within_a_minute():
    assert ACCESS_TTL_SECONDS <= 60


def test_an_unverified_email_is_refused(roster_url):  # noqa: F811
    for claim in (False, "false"):
        at = _app({"is_logged_in": True, "email": "eve@example.com", "email_verified": claim})
        assert not at.exception
        assert at.title[0].value == "No access" and "not verified" in at.warning[0].value
        assert not at.metric


def test_a_verified_email_signs_in(roster_url):  # noqa: F811
    at = _home({"is_logged_in": True, "email": "eve@example.com", "email_verified": True})
    assert {m.label: m.value for m in at.metric}["Teams"] == "3"
