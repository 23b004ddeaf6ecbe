"""stored results: computed page results shared by every viewer and replica, a change log, and an
index on when deal history changed

Revision ID: 0003_stored_results
Revises: 0002_scale
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_stored_results"
down_revision = "0002_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_results",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_results")),
    )
    op.create_table(
        "data_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_changes")),
    )
    op.create_index(
        "ix_opportunity_history_changed", "opportunity_history", ["changed_at", "opportunity_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_opportunity_history_changed", table_name="opportunity_history")
    op.drop_table("data_changes")
    op.drop_table("stored_results")
