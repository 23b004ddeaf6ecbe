"""one-on-one notes: the notes of each one-on-one with a seller and the actions agreed in it

Revision ID: 0009_one_on_one_notes
Revises: 0008_deal_history
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_one_on_one_notes"
down_revision = "0008_deal_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "one_on_ones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["people.id"], name=op.f("fk_one_on_ones_seller_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_one_on_ones_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_ones")),
    )
    op.create_index(op.f("ix_one_on_ones_seller_id"), "one_on_ones", ["seller_id"], unique=False)
    op.create_table(
        "one_on_one_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("one_on_one_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["one_on_one_id"],
            ["one_on_ones.id"],
            name=op.f("fk_one_on_one_actions_one_on_one_id_one_on_ones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_actions")),
    )
    op.create_index(
        op.f("ix_one_on_one_actions_one_on_one_id"), "one_on_one_actions", ["one_on_one_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_one_on_one_actions_one_on_one_id"), table_name="one_on_one_actions")
    op.drop_table("one_on_one_actions")
    op.drop_index(op.f("ix_one_on_ones_seller_id"), table_name="one_on_ones")
    op.drop_table("one_on_ones")
