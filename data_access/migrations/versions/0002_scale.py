"""scale: the team-week rollup of closed deals and indexes for the large organisation

Revision ID: 0002_scale
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_scale"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_week_deals",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("closed_count", sa.Integer(), nullable=False),
        sa.Column("won_count", sa.Integer(), nullable=False),
        sa.Column("won_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("won_list_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("won_discount_sum", sa.Float(), nullable=False),
        sa.Column("won_discount_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_week_deals_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "week_start", name=op.f("pk_team_week_deals")),
    )


def downgrade() -> None:
    op.drop_table("team_week_deals")
