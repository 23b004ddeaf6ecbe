"""Links between pages and out to the CRM: a seller's name opens their one-on-one prep, a deal its
CRM record, a symptom its own page; every link keeps the period and teams of the view.

Pure functions of plain values (no streamlit): a page builds a :class:`Links` from its view, the
URL's query and the settings, and tables use it to turn names and keys into link columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pandas as pd

# The filter bar's own query parameters (period, custom dates, teams, segment): a link keeps them.
FILTER_KEYS = ("period", "from", "to", "teams", "segment")
ONE_ON_ONE = "one-on-one"
CRM_PLACEHOLDER = "{crm_id}"
# The symptom -> the page that opens it up.
SYMPTOM_PAGES = {
    "customer_talk_share": "meeting-health",
    "deal_reviews_with_customer_questions": "meeting-health",
    "meetings_opening_with_customer": "meeting-health",
    "nsp_mention_rate": "meeting-health",
    "quarter_end_close_share": "pipeline",
    "pipeline_with_customer_outcome": "pipeline",
    "late_stage_without_outcome": "pipeline",
    "late_stage_with_exec_sponsor": "pipeline",
    "comp_plan_gaming": "pipeline",
    "discounting": "discounting",
    "price_loss_share": "discounting",
    "walk_away_rate": "discounting",
    "small_amount_jeopardy": "churn",
    "customer_churn": "churn",
    "top_performer_slide": "morale",
    "morale": "morale",
    "peer_competition": "morale",
}
PAGE_TITLES = {
    "meeting-health": "Meeting health",
    "pipeline": "Pipeline behaviour",
    "discounting": "Discounting",
    "churn": "Churn and retention",
    "morale": "Morale and people",
}
# Columns that hold a seller's name, and the column that holds a deal's CRM key.
SELLER_COLUMNS = ("owner", "seller")
CRM_COLUMN = "opportunity"


def filter_query(query: Mapping[str, str]) -> dict[str, str]:
    """The filter parameters of a URL's query, in a stable order; everything else dropped."""
    return {key: str(query[key]) for key in FILTER_KEYS if query.get(key)}


def page_url(url_path: str, query: Mapping[str, str]) -> str:
    """A relative link to a page of the app with ``query`` ("discounting?period=last_quarter")."""
    return f"{url_path}?{urlencode(dict(query))}" if query else url_path


def record_url(template: str | None, crm_id: object) -> str | None:
    """The CRM record of a deal: ``template`` with ``{crm_id}`` replaced by the deal's key (quoted
    for a URL). None without a usable template (an http(s) address holding ``{crm_id}``) or key."""
    if not template or CRM_PLACEHOLDER not in template or not template.startswith(("https://", "http://")):
        return None
    if crm_id is None or (not isinstance(crm_id, str) and pd.isna(crm_id)) or not str(crm_id).strip():
        return None
    return template.replace(CRM_PLACEHOLDER, quote(str(crm_id).strip(), safe=""))


def crm_template_problem(template: str | None) -> str | None:
    """Why a configured CRM record address cannot be used, in one sentence (None when it can)."""
    if not template:
        return None
    if not template.startswith(("https://", "http://")):
        return (
            f"The CRM record address “{template}” must start with https:// (crm.record_url in secrets.toml)."
        )
    if CRM_PLACEHOLDER not in template:
        return (
            f"The CRM record address “{template}” must hold {CRM_PLACEHOLDER} where the deal's CRM id goes "
            "(crm.record_url in secrets.toml)."
        )
    return None


@dataclass(frozen=True)
class Links:
    """What a page needs to link: the view's filter query, the sellers in view (name, team) -> id,
    and the CRM record address template (None: deals are not linked)."""

    query: Mapping[str, str] = field(default_factory=dict)
    sellers: Mapping[tuple[str, str], int] = field(default_factory=dict)
    crm_template: str | None = None

    @classmethod
    def of(cls, query: Mapping[str, str], sellers: Iterable, crm_template: str | None = None) -> Links:
        """From a URL's query, the :class:`~metrics.analyses.coaching.Seller` s in view and the template."""
        return cls(filter_query(query), {(s.name, s.team): s.id for s in sellers}, crm_template)

    def seller_id(self, name: object, team: object = None) -> int | None:
        """The id of the seller of that name (in that team when two share a name); None if unknown."""
        if not isinstance(name, str):
            return None
        if team is not None and (name, team) in self.sellers:
            return self.sellers[(name, team)]
        found = {sid for (seller, _), sid in self.sellers.items() if seller == name}
        return found.pop() if len(found) == 1 else None

    def seller_url(self, name: object, team: object = None) -> str | None:
        """Their one-on-one prep, the name after ``#`` so a table can show it."""
        seller_id = self.seller_id(name, team)
        if seller_id is None:
            return None
        return f"{page_url(ONE_ON_ONE, {**self.query, 'seller': str(seller_id)})}#{quote(str(name))}"

    def symptom_url(self, symptom_id: str, team: str | None = None) -> str | None:
        """The symptom's own page, narrowed to ``team`` when given (the period kept)."""
        page = SYMPTOM_PAGES.get(symptom_id)
        if page is None:
            return None
        query = dict(self.query)
        if team is not None:
            query["teams"] = team
        return page_url(page, query)

    def add_to(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
        """``frame`` with its seller names made links to their prep and its CRM keys links to the
        record (when a template is set); returns the frame and the columns that became links. A
        name with no seller in view keeps its text (it leads to no prep)."""
        shown = frame.copy()
        linked: list[str] = []
        teams = (
            shown["team"] if "team" in shown.columns else pd.Series([None] * len(shown), index=shown.index)
        )
        for column in SELLER_COLUMNS:
            if column in shown.columns and self.sellers:
                urls = [self.seller_url(n, t) for n, t in zip(shown[column], teams, strict=True)]
                if any(urls):
                    shown[column] = [u or n for u, n in zip(urls, shown[column], strict=True)]
                    linked.append(column)
        if CRM_COLUMN in shown.columns and record_url(self.crm_template, "x"):
            shown[CRM_COLUMN] = [record_url(self.crm_template, key) for key in shown[CRM_COLUMN]]
            linked.append(CRM_COLUMN)
        return shown, linked


# What a link column shows: the seller's name (after "#") or the CRM record's last path part.
SELLER_TEXT = r"#(.+)$"
RECORD_TEXT = r"([^/?#]+)(?:[?#].*)?$"
