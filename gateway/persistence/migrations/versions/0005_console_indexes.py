"""Indexes for the web console, measured in bench/console.py (100,000 messages on
PostgreSQL). Without them the dashboard read every set and every state move ever
recorded (220–280 ms, growing with the history; the ack monitor 230 ms); with them
every page stays under 100 ms. Others the console could use (messages by time, sets by
group control number) were measured too and left out: under 100 ms without them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Today's sets by kind and state (dashboard); outbound sets oldest first (ack monitor).
    op.create_index("ix_transactions_created_at", "transactions", ["created_at"])
    # Sets that moved to "acknowledged" today (the dashboard's ack latency).
    op.create_index("ix_state_transitions_to_state_at", "state_transitions", ["to_state", "at"])


def downgrade() -> None:
    op.drop_index("ix_state_transitions_to_state_at", table_name="state_transitions")
    op.drop_index("ix_transactions_created_at", table_name="transactions")
