"""settings audit: every change of a setting or the NSP (who, when, old value, new value); stored
results dropped, since they are now written as JSON and older rows were pickles

Revision ID: 0006_settings_audit
Revises: 0005_import_mappings
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_settings_audit"
down_revision = "0005_import_mappings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setting_changes")),
    )
    op.create_index("ix_setting_changes_changed_at", "setting_changes", ["changed_at"], unique=False)
    # Pickled results are never read again (and never unpickled): drop them, they are recomputed.
    op.execute(sa.text("DELETE FROM stored_results"))


def downgrade() -> None:
    op.drop_index("ix_setting_changes_changed_at", table_name="setting_changes")
    op.drop_table("setting_changes")
    op.execute(sa.text("DELETE FROM stored_results"))
