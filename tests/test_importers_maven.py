"""The Maven CRM sample imported as one organisation, held to the totals its README gives."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data_access import models as m
from data_access.importers import ImportOptions, UnreadableFile, import_maven
from tests.conftest import SHARED_DATA, needs_shared_data

MAVEN = SHARED_DATA / "maven-crm"
pytestmark = needs_shared_data


def test_maven_sample_totals(conn):
    result = import_maven(conn, MAVEN, ImportOptions())
    assert [p.source for p in result.parts] == ["people", "accounts", "opportunities"]
    assert (result.rows_read, result.inserted, result.rejected) == (35 + 85 + 8800, 35 + 85 + 8800, 0)
    opp = m.Opportunity
    by_stage = dict(conn.execute(select(opp.stage, func.count()).group_by(opp.stage)).all())
    assert by_stage == {"Won": 4238, "Lost": 2473, "Engaging": 1589, "Prospecting": 500}
    won_amount = conn.execute(select(func.sum(opp.amount)).where(opp.is_won.is_(True))).scalar_one()
    assert Decimal(won_amount) == Decimal("10005534")
    assert conn.execute(select(func.count()).where(opp.account_id.is_(None))).scalar_one() == 1425
    assert conn.execute(select(func.count()).where(opp.amount.is_(None))).scalar_one() == 2089
    assert (
        conn.execute(select(func.count()).where(opp.is_closed.is_(True), opp.is_won.is_(False))).scalar_one()
        == 2473
    )
    # Every won deal has a list price (GTXPro matched GTX Pro) and therefore a discount.
    won_without_discount = conn.execute(
        select(func.count()).where(opp.is_won.is_(True), opp.discount.is_(None))
    ).scalar_one()
    assert won_without_discount == 0
    assert conn.execute(select(func.count()).where(opp.product == "GTXPro")).scalar_one() == 0
    gtx_pro = conn.execute(select(func.count()).where(opp.product == "GTX Pro")).scalar_one()
    assert gtx_pro > 0
    # A deal sold below the list price: 1C1I7A6R is GTX Plus Basic (list 1,096) won at 1,054.
    first = conn.execute(select(opp.discount, opp.list_amount).where(opp.external_key == "1C1I7A6R")).one()
    assert first.list_amount == Decimal("1096") and first.discount == pytest.approx(1 - 1054 / 1096, abs=1e-6)


def test_maven_people_teams_and_accounts(conn):
    result = import_maven(conn, MAVEN, ImportOptions())
    regions = conn.execute(
        select(m.Team.name).where(m.Team.parent_id.is_(None)).order_by(m.Team.name)
    ).scalars()
    assert list(regions) == ["Central", "East", "West"]
    roles = dict(conn.execute(select(m.Person.role, func.count()).group_by(m.Person.role)).all())
    assert roles == {"seller": 35, "manager": 6}
    # Every seller is in their manager's team, under the regional office.
    anna = conn.execute(
        select(m.Person.team_id, m.Person.manager_id).where(m.Person.name == "Anna Snelling")
    ).one()
    team = conn.execute(select(m.Team.name, m.Team.parent_id).where(m.Team.id == anna.team_id)).one()
    assert team.name == "Dustin Brinkmann's team"
    central = conn.execute(select(m.Team.id).where(m.Team.name == "Central")).scalar_one()
    assert team.parent_id == central
    idle = conn.execute(
        select(func.count())
        .select_from(m.Person)
        .where(
            m.Person.role == "seller",
            ~select(m.Opportunity.id).where(m.Opportunity.owner_id == m.Person.id).exists(),
        )
    ).scalar_one()
    assert idle == 5  # five agents own no deal
    industries = set(conn.execute(select(m.Account.industry)).scalars())
    assert "technology" in industries and "technolgy" not in industries
    assert any("technolgy" in note for note in result.notes)
    # Deals carry their owner's team, so scoping needs no join.
    unteamed = conn.execute(select(func.count()).where(m.Opportunity.team_id.is_(None))).scalar_one()
    assert unteamed == 0


def test_maven_twice_changes_nothing(conn):
    import_maven(conn, MAVEN, ImportOptions())
    again = import_maven(conn, MAVEN, ImportOptions())
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 8920)
    assert conn.execute(select(func.count()).select_from(m.Opportunity)).scalar_one() == 8800
    assert conn.execute(select(func.count()).select_from(m.OpportunityHistory)).scalar_one() == 0


def test_maven_folder_without_its_files_is_refused(conn, tmp_path):
    shutil.copy(MAVEN / "accounts.csv", tmp_path / "accounts.csv")
    with pytest.raises(UnreadableFile, match="has no sales_teams.csv"):
        import_maven(conn, tmp_path, ImportOptions())
    assert conn.execute(select(func.count()).select_from(m.ImportBatch)).scalar_one() == 0
