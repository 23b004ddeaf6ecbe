"""The :class:`~dashboard.links.Links` of this run: the URL's filters, the sellers in view and the
CRM record address from the settings."""

from __future__ import annotations

import streamlit as st

from dashboard import reads
from dashboard.links import Links, crm_template_problem
from dashboard.shell import state
from dashboard.view import View


def page_links(view: View) -> Links:
    """Links for tables of ``view``: sellers link to their prep, deals to the CRM when configured."""
    template = state.get_settings().crm_record_url
    if crm_template_problem(template):
        template = None
    sellers = reads.sellers(view) if view.filters is not None else []
    return Links.of(st.query_params.to_dict(), sellers, template)


def symptom_link(links: Links, symptom_id: str, label: str, team: str | None = None) -> None:
    """A link to the symptom's own page (narrowed to ``team``), keeping the period; nothing when no
    page opens the symptom up."""
    from dashboard.links import PAGE_TITLES, SYMPTOM_PAGES, filter_query
    from dashboard.shell.navigation import PAGE_SPECS

    url_path = SYMPTOM_PAGES.get(symptom_id)
    spec = next((s for s in PAGE_SPECS if s.url_path == url_path), None)
    if spec is None:
        return
    query = filter_query(links.query)
    if team is not None:
        query["teams"] = team
    st.page_link(
        str(spec.path),
        label=label,
        icon=":material/arrow_forward:",
        query_params=query,
        help=f"Open {PAGE_TITLES.get(url_path, spec.title)}" + (f" for {team}" if team else "") + ".",
    )
