"""Who sees what, over every page, through AppTest with a signed-in user on the demo organisation.

A manager of Atlas must see none of Beacon's people, even when the URL asks for Beacon; an admin
gets no people pages registered at all; sellers and strangers get the no-access page.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from dashboard.shell.navigation import PAGE_SPECS
from tests.apptest import Q3, period_query, start_app

ATLAS_MANAGER = "claire.donovan@example.com"
ADMIN = "sam.ortiz@example.com"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def beacon_names(demo_database_url) -> list[str]:
    engine = create_engine(demo_database_url)
    with engine.connect() as conn:
        names = (
            conn.execute(
                text("select p.name from people p join teams t on t.id = p.team_id where t.name = 'Beacon'")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert len(names) >= 6
    return ["Beacon", *names]


def _visible_text(at: AppTest) -> str:
    """Everything a viewer could read on the page: texts, labels, options, tables and chart data."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
        "exception",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for widget in (*at.selectbox, *at.multiselect, *at.radio):
        parts += [str(widget.label), *map(str, widget.options)]
    parts += [e.value.to_string() for e in at.dataframe]
    parts += [str(e.proto) for e in at.get("plotly_chart")]
    return "\n".join(parts)


def _run(user: dict, page: str | None = None, query: dict | None = None) -> AppTest:
    at = start_app({**period_query(Q3), **(query or {})}, user=user).run()
    # What the filter bar said on arrival (it then drops the refused team from the URL).
    at.first_warnings = [w.value for w in at.sidebar.warning]
    if page is not None:
        at.switch_page(f"../pages/{page}").run()
    return at


MANAGER_PAGES = [spec for spec in PAGE_SPECS if "manager" in spec.roles]


@pytest.mark.parametrize("spec", MANAGER_PAGES, ids=[s.url_path for s in MANAGER_PAGES])
def test_manager_sees_no_other_team_even_when_the_url_asks(demo_app_env, beacon_names, spec):
    at = _run({"is_logged_in": True, "email": ATLAS_MANAGER}, spec.file, {"teams": "Beacon"})
    assert not at.exception, at.exception
    shown = _visible_text(at)
    assert len(shown) > 200, f"{spec.title} showed almost nothing"
    leaked = [
        name
        for name in beacon_names
        if name in shown.replace("Ignored team(s) outside your view: Beacon.", "")
    ]
    assert leaked == [], f"{spec.title} shows {leaked} to the manager of Atlas"
    assert "Ignored team(s) outside your view: Beacon." in at.first_warnings


def test_executive_sees_beacon(demo_app_env, beacon_names):
    at = _run({"is_logged_in": True, "email": "morgan.hale@example.com"})
    assert not at.exception
    assert "Beacon" in _visible_text(at)


def test_admin_gets_no_people_pages(demo_app_env):
    at = _run({"is_logged_in": True, "email": ADMIN})
    assert not at.exception
    with pytest.raises(ValueError, match=r"Known pages: \[.*home.py.*data_imports.py.*settings.py'\]"):
        at.switch_page("../pages/overview.py").run()
    at = _run({"is_logged_in": True, "email": ADMIN}, "data_imports.py")
    assert not at.exception and at.title[0].value == "Data imports"


@pytest.mark.parametrize("email", ["jonas.vasquez@example.com", "nobody@example.com"])
def test_seller_and_stranger_see_no_access(demo_app_env, email):
    at = _run({"is_logged_in": True, "email": email})
    assert at.title[0].value == "No access"
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
