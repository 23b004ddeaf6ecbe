"""deal history: per-deal rollups of the opportunity history (close-date moves, stage firsts, summary)

Pushes, pull-ins, the pipeline's moves, late-stage deals of past periods and "which teams have any
history" are read from three rollups of ``opportunity_history`` instead of window functions over it:
``deal_close_date_moves``, ``deal_stage_firsts`` and ``deal_history``. They are created here and
filled from the raw rows (no foreign keys: derived rows, and a check per row made a rebuild several
times slower on PostgreSQL); an index on the history's import batch lets each import find the deals
it wrote.

Revision ID: 0008_deal_history
Revises: 0007_talk_opening
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_deal_history"
down_revision = "0007_talk_opening"
branch_labels = None
depends_on = None

# The rollups as data_access.history_rollup computes them, written out here so this migration keeps
# meaning what it meant when it was written. A move is a history row holding a close date, written
# up to the day its deal closed, in order of changed_at then id.
FILL_MOVES = """
INSERT INTO deal_close_date_moves (
    opportunity_id, changed_at, old_close, new_close, next_at, direction, days
)
SELECT opportunity_id, changed_at, old_close, new_close, next_at,
       CASE WHEN old_close IS NOT NULL AND new_close > old_close THEN 1
            WHEN old_close IS NOT NULL AND new_close < old_close THEN -1
            ELSE 0 END,
       {days}
FROM (
    SELECT h.opportunity_id, h.changed_at, h.close_date AS new_close,
           LAG(h.close_date) OVER (PARTITION BY h.opportunity_id ORDER BY h.changed_at, h.id) AS old_close,
           LEAD(h.changed_at) OVER (PARTITION BY h.opportunity_id ORDER BY h.changed_at, h.id) AS next_at
    FROM opportunity_history AS h
    JOIN opportunities AS o ON o.id = h.opportunity_id
    WHERE h.close_date IS NOT NULL
      AND (o.is_closed IS false OR o.close_date IS NULL OR date(h.changed_at) <= o.close_date)
) AS moves
"""
DAYS = {
    "sqlite": "CAST(julianday(new_close) - julianday(old_close) AS INTEGER)",
    "postgresql": "new_close - old_close",
}

FILL_STAGE_FIRSTS = """
INSERT INTO deal_stage_firsts (opportunity_id, stage, first_at)
SELECT opportunity_id, stage, MIN(changed_at)
FROM opportunity_history
WHERE stage IS NOT NULL
GROUP BY opportunity_id, stage
"""

FILL_DEAL_HISTORY = """
INSERT INTO deal_history (
    opportunity_id, team_id, segment, history_rows, pushes, pull_ins, first_close, last_close,
    last_move_at
)
SELECT counted.opportunity_id, o.team_id, o.segment, counted.history_rows,
       COALESCE(moves.pushes, 0), COALESCE(moves.pull_ins, 0),
       moves.first_close, moves.last_close, moves.last_move_at
FROM (
    SELECT opportunity_id, COUNT(*) AS history_rows FROM opportunity_history GROUP BY opportunity_id
) AS counted
JOIN opportunities AS o ON o.id = counted.opportunity_id
LEFT OUTER JOIN (
    SELECT opportunity_id,
           SUM(CASE WHEN direction = 1 THEN 1 ELSE 0 END) AS pushes,
           SUM(CASE WHEN direction = -1 THEN 1 ELSE 0 END) AS pull_ins,
           MAX(CASE WHEN old_close IS NULL THEN new_close END) AS first_close,
           MAX(new_close) AS last_close,
           MAX(changed_at) AS last_move_at
    FROM deal_close_date_moves
    GROUP BY opportunity_id
) AS moves ON moves.opportunity_id = counted.opportunity_id
"""


def upgrade() -> None:
    op.create_table(
        "deal_close_date_moves",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("old_close", sa.Date(), nullable=True),
        sa.Column("new_close", sa.Date(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=True),
        sa.Column("direction", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("opportunity_id", "changed_at", name=op.f("pk_deal_close_date_moves")),
    )
    op.create_table(
        "deal_stage_firsts",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=100), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("opportunity_id", "stage", name=op.f("pk_deal_stage_firsts")),
    )
    op.create_table(
        "deal_history",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("segment", sa.String(length=50), nullable=True),
        sa.Column("history_rows", sa.Integer(), nullable=False),
        sa.Column("pushes", sa.Integer(), nullable=False),
        sa.Column("pull_ins", sa.Integer(), nullable=False),
        sa.Column("first_close", sa.Date(), nullable=True),
        sa.Column("last_close", sa.Date(), nullable=True),
        sa.Column("last_move_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_deal_history")),
    )
    op.create_index("ix_deal_history_team_segment", "deal_history", ["team_id", "segment"], unique=False)
    op.create_index("ix_opportunity_history_batch", "opportunity_history", ["source_batch_id"], unique=False)
    dialect = op.get_bind().dialect.name
    op.execute(FILL_MOVES.format(days=DAYS.get(dialect, DAYS["postgresql"])))
    op.execute(FILL_STAGE_FIRSTS)
    op.execute(FILL_DEAL_HISTORY)


def downgrade() -> None:
    op.drop_index("ix_opportunity_history_batch", table_name="opportunity_history")
    op.drop_index("ix_deal_history_team_segment", table_name="deal_history")
    op.drop_table("deal_history")
    op.drop_table("deal_stage_firsts")
    op.drop_table("deal_close_date_moves")
