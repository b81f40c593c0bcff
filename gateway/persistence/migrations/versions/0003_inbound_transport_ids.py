"""One inbound message per transport id and partner (idempotent SFTP and AS2 intake).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# As in gateway/persistence/tables.py (a migration keeps its own copy: it must not change
# when the tables module does).
_INBOUND = sa.text("direction = 'inbound' AND transport IN ('sftp', 'as2')")


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "uq_messages_inbound_transport_id",
            ["transport", "partner_id", "transport_message_id"],
            unique=True,
            postgresql_where=_INBOUND,
            sqlite_where=_INBOUND,
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("uq_messages_inbound_transport_id")
