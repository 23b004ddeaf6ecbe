"""Links between pages and to the CRM: pure functions of plain values."""

from __future__ import annotations

import re

import pytest

from dashboard.links import (
    RECORD_TEXT,
    SELLER_TEXT,
    SYMPTOM_PAGES,
    Links,
    crm_template_problem,
    filter_query,
    record_url,
)
from dashboard.shell.navigation import PAGE_SPECS
from metrics.analyses.coaching import Seller
from metrics.registry import METRICS


def test_a_link_keeps_only_the_filters_of_the_url():
    query = {"seller": "Ann", "teams": "Atlas,Beacon", "period": "last_quarter", "present": "1"}
    assert filter_query(query) == {"period": "last_quarter", "teams": "Atlas,Beacon"}


@pytest.mark.parametrize(
    ("template", "crm_id", "url"),
    [
        (
            "https://acme.my.salesforce.com/{crm_id}",
            "0065g00000AbCdE",
            "https://acme.my.salesforce.com/0065g00000AbCdE",
        ),
        (
            "https://acme.lightning.force.com/lightning/r/Opportunity/{crm_id}/view",
            "006A",
            "https://acme.lightning.force.com/lightning/r/Opportunity/006A/view",
        ),
        (
            "https://app.hubspot.com/contacts/1234567/record/0-3/{crm_id}",
            "987654",
            "https://app.hubspot.com/contacts/1234567/record/0-3/987654",
        ),
        ("https://crm.example.com/deal/{crm_id}", "a/b c", "https://crm.example.com/deal/a%2Fb%20c"),
        ("https://crm.example.com/deal/{crm_id}", None, None),
        ("https://crm.example.com/deal/{crm_id}", "  ", None),
        ("https://crm.example.com/deal/", "006A", None),  # no place for the id
        ("javascript:alert(1)//{crm_id}", "006A", None),  # only http(s) addresses
        (None, "006A", None),
    ],
)
def test_a_deals_record_url_fills_the_template(template, crm_id, url):
    assert record_url(template, crm_id) == url


def test_a_bad_crm_address_is_explained_in_one_sentence():
    assert crm_template_problem(None) is None
    assert crm_template_problem("https://x.my.salesforce.com/{crm_id}") is None
    assert "must hold {crm_id}" in crm_template_problem("https://x.my.salesforce.com/")
    assert "must start with https://" in crm_template_problem("x.my.salesforce.com/{crm_id}")


def test_link_columns_show_the_name_and_the_record_id():
    links = Links.of({"period": "last_quarter"}, [Seller(7, "Zoë Ångström", 1, "Atlas")])
    url = links.seller_url("Zoë Ångström", "Atlas")
    assert url.startswith("one-on-one?period=last_quarter&seller=7#")
    # The table shows the name: the part after "#", decoded as the browser does.
    from urllib.parse import unquote

    assert unquote(re.search(SELLER_TEXT, url).group(1)) == "Zoë Ångström"
    assert re.search(RECORD_TEXT, "https://app.hubspot.com/contacts/1/record/0-3/987654").group(1) == "987654"


def test_a_name_two_sellers_share_links_only_with_their_team():
    links = Links.of({}, [Seller(1, "Kim Lee", 1, "Atlas"), Seller(2, "Kim Lee", 2, "Beacon")])
    assert links.seller_id("Kim Lee", "Beacon") == 2
    assert links.seller_id("Kim Lee") is None  # ambiguous without the team
    assert links.seller_id(None) is None


def test_every_symptom_opens_a_page_of_the_app_narrowed_to_a_team():
    pages = {spec.url_path for spec in PAGE_SPECS}
    assert {metric.id for metric in METRICS} == set(SYMPTOM_PAGES)
    assert set(SYMPTOM_PAGES.values()) <= pages
    links = Links.of({"period": "custom", "from": "2026-07-01", "to": "2026-09-30", "teams": "Atlas"}, [])
    assert (
        links.symptom_url("discounting", "Beacon")
        == "discounting?period=custom&from=2026-07-01&to=2026-09-30&teams=Beacon"
    )
    assert (
        links.symptom_url("discounting")
        == "discounting?period=custom&from=2026-07-01&to=2026-09-30&teams=Atlas"
    )
