"""Where a deal's CRM record opens: [crm] record_url in secrets.toml, or CRM_RECORD_URL."""

from __future__ import annotations

from dashboard.config import load_settings

SF = "https://acme.my.salesforce.com/{crm_id}"


def test_the_crm_record_address_comes_from_the_secrets_and_the_environment_wins():
    assert load_settings(environ={}, secrets={}).crm_record_url is None
    assert load_settings(environ={}, secrets={"crm": {"record_url": SF}}).crm_record_url == SF
    hub = "https://app.hubspot.com/contacts/1/record/0-3/{crm_id}"
    assert (
        load_settings(environ={"CRM_RECORD_URL": hub}, secrets={"crm": {"record_url": SF}}).crm_record_url
        == hub
    )
    # A stray value instead of a section is ignored rather than crashing the app.
    assert load_settings(environ={}, secrets={"crm": "oops"}).crm_record_url is None
