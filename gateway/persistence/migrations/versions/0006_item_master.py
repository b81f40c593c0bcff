"""The ERP's item master (item cross-references the 856 rule resolves items through),
and an index for the sweeper's look at matches left waiting.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_master",
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("buyer_item", sa.String(length=80), nullable=True),
        sa.Column("vendor_item", sa.String(length=80), nullable=True),
        sa.Column("gtin", sa.String(length=20), nullable=True),
        sa.Column("upc", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("item_key", name=op.f("pk_item_master")),
    )
    op.create_table(
        "item_codes",
        sa.Column("code", sa.String(length=90), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_key"],
            ["item_master.item_key"],
            name=op.f("fk_item_codes_item_key_item_master"),
        ),
        sa.PrimaryKeyConstraint("code", "item_key", name=op.f("pk_item_codes")),
    )
    with op.batch_alter_table("item_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_codes_item_key"), ["item_key"])
    with op.batch_alter_table("document_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_matches_status_checked_at"), ["status", "checked_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("document_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_matches_status_checked_at"))
    with op.batch_alter_table("item_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_codes_item_key"))
    op.drop_table("item_codes")
    op.drop_table("item_master")
