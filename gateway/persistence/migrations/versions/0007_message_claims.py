"""``messages.claimed_at``: a worker's lease on the received messages it processes
together (``MessageRepository.claim_one``, ``claim_waiting``). A message claimed
within the lease is left alone by every other worker, its own task included; a
lease that runs out (the worker died) lets the sweeper's task take the message
again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("claimed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("claimed_at")
