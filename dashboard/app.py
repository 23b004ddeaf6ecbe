"""Purpose Pulse: ``streamlit run dashboard/app.py`` from the repository root.

Streamlit puts this file's folder, not the repository root, on ``sys.path``; the root is added
here so ``dashboard``, ``metrics`` and ``data_access`` import the same way as from the CLI.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard.collector import set_aside_loaded  # noqa: E402
from dashboard.shell import state  # noqa: E402
from dashboard.shell.bootstrap import ensure_database  # noqa: E402
from dashboard.shell.filter_bar import render_filter_bar  # noqa: E402
from dashboard.shell.navigation import pages_by_section  # noqa: E402
from dashboard.shell.sign_in import resolve_access, sidebar_identity  # noqa: E402
from dashboard.shell.style import apply_app_style  # noqa: E402


def main() -> None:
    st.set_page_config(page_title="Purpose Pulse", page_icon=":material/monitor_heart:", layout="wide")
    settings = state.get_settings()
    ensure_database(settings)
    # Every page formats money in the organisation's currency, the first one opened included.
    state.apply_currency(settings.database_url)
    access = resolve_access(settings)
    state.set_access(access)
    state.open_view(settings.database_url, access)
    navigation = {
        section: [
            st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
            for spec in specs
        ]
        for section, specs in pages_by_section(access.role).items()
    }
    page = st.navigation(navigation)
    apply_app_style()
    sidebar_identity(settings, access)
    if access.sees_people_data:
        render_filter_bar()
    with st.sidebar:
        st.caption(f"Data: {settings.database_label}")
    # Once per process: what is loaded by now is kept out of the garbage collector's walks, which
    # would otherwise take half a second of a large organisation's first computation.
    set_aside_loaded()
    page.run()


main()
