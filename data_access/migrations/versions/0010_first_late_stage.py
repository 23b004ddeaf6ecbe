"""first late stage: each deal's first time at a late stage, kept beside the deal

The late-stage symptoms asked, for every deal open in a period, whether its history reached a stage
that flagged deals are in by the period's end: two lookups per deal, most of those symptoms' time at
a million deals. Each deal now carries ``has_stage_history`` and ``first_late_stage_at``, worked out
by the history rollup; ``late_stage_names`` keeps the flagged stages they were worked out with, so a
change of flags works them out again. Filled here from the stage firsts.

Revision ID: 0010_first_late_stage
Revises: 0009_one_on_one_notes
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_first_late_stage"
down_revision = "0009_one_on_one_notes"
branch_labels = None
depends_on = None

# As data_access.history_rollup works them out, written out here so this migration keeps meaning
# what it meant when it was written.
FILL_NAMES = """
INSERT INTO late_stage_names (stage)
SELECT DISTINCT stage FROM opportunities WHERE is_late_stage = {true} AND stage IS NOT NULL
"""
FILL_DEALS = """
UPDATE opportunities SET
    has_stage_history = EXISTS (
        SELECT 1 FROM deal_stage_firsts AS f WHERE f.opportunity_id = opportunities.id
    ),
    first_late_stage_at = (
        SELECT MIN(f.first_at) FROM deal_stage_firsts AS f
        WHERE f.opportunity_id = opportunities.id
          AND f.stage IN (SELECT stage FROM late_stage_names)
    )
"""


def upgrade() -> None:
    with op.batch_alter_table("opportunities") as batch:
        batch.add_column(sa.Column("has_stage_history", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("first_late_stage_at", sa.DateTime(), nullable=True))
    op.create_table(
        "late_stage_names",
        sa.Column("stage", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("stage", name=op.f("pk_late_stage_names")),
    )
    true = "true" if op.get_bind().dialect.name == "postgresql" else "1"
    op.execute(FILL_NAMES.format(true=true))
    op.execute(FILL_DEALS)


def downgrade() -> None:
    op.drop_table("late_stage_names")
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("first_late_stage_at")
        batch.drop_column("has_stage_history")
