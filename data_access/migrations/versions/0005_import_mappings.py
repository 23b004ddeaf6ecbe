"""import mappings saved by name, and the currency of each deal

Revision ID: 0005_import_mappings
Revises: 0004_meeting_talk
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_import_mappings"
down_revision = "0004_meeting_talk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("updated_by", sa.String(320)),
    )
    with op.batch_alter_table("opportunities") as batch:
        batch.add_column(sa.Column("currency", sa.String(3)))


def downgrade() -> None:
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("currency")
    op.drop_table("import_mappings")
