"""The filter bar in the running app: the URL reproduces the view and a page's own parameters survive."""

from __future__ import annotations

from tests.apptest import start_app


def test_link_reproduces_the_view_and_keeps_page_parameters(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = start_app(
        {"period": "custom", "from": "2026-02-01", "to": "2026-04-30", "seller": "Jonas Vasquez"}, timeout=60
    ).run()
    assert not at.exception
    assert at.selectbox(key="pp.filter.preset").value == "custom"
    assert "Period: 1 Feb 2026 – 30 Apr 2026" in [c.value for c in at.sidebar.caption]
    assert at.query_params["seller"] == "Jonas Vasquez"
    at.selectbox(key="pp.filter.preset").set_value("last_12_months").run()
    assert at.query_params["period"] == "last_12_months"
    assert "from" not in at.query_params and at.query_params["seller"] == "Jonas Vasquez"


def test_unknown_team_in_the_url_is_ignored_and_said(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = start_app({"teams": "Beacon"}, timeout=60).run()
    assert "Ignored team(s) outside your view: Beacon." in [w.value for w in at.sidebar.warning]
