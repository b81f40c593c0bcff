"""The message store: partners, messages, transactions, history, control numbers, API keys.

The history of state transitions is append-only: triggers refuse UPDATE and
DELETE on it (SPEC §1 invariant 4), on SQLite and PostgreSQL alike.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "control_counters",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "partner_id", "direction", "level", name=op.f("pk_control_counters")
        ),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("sender_qualifier", sa.String(length=4), nullable=False),
        sa.Column("sender_id", sa.String(length=35), nullable=False),
        sa.Column("receiver_qualifier", sa.String(length=4), nullable=False),
        sa.Column("receiver_id", sa.String(length=35), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("profile_sha256", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint(
            "standard",
            "sender_qualifier",
            "sender_id",
            "receiver_qualifier",
            "receiver_id",
            name="uq_partners_envelope",
        ),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_api_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_api_keys_key_sha256")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("transport", sa.String(length=8), nullable=False),
        sa.Column("transport_message_id", sa.String(length=998), nullable=True),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("standard", sa.String(length=8), nullable=True),
        sa.Column("sender_qualifier", sa.String(length=4), nullable=True),
        sa.Column("sender_id", sa.String(length=35), nullable=True),
        sa.Column("receiver_qualifier", sa.String(length=4), nullable=True),
        sa.Column("receiver_id", sa.String(length=35), nullable=True),
        sa.Column("interchange_control_number", sa.String(length=14), nullable=True),
        sa.Column("test_indicator", sa.Boolean(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=36), nullable=True),
        sa.Column("in_reply_to", sa.String(length=36), nullable=True),
        sa.Column("document_type", sa.String(length=8), nullable=True),
        sa.Column("error_code", sa.String(length=80), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of"], ["messages.id"], name=op.f("fk_messages_duplicate_of_messages")
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to"], ["messages.id"], name=op.f("fk_messages_in_reply_to_messages")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_messages_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_messages_interchange_control_number"),
            ["interchange_control_number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_messages_partner_id_received_at"),
            ["partner_id", "received_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_messages_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_messages_transport_transport_message_id"),
            ["transport", "transport_message_id"],
            unique=False,
        )

    op.create_table(
        "inbound_interchanges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("sender_qualifier", sa.String(length=4), nullable=False),
        sa.Column("sender_id", sa.String(length=35), nullable=False),
        sa.Column("receiver_qualifier", sa.String(length=4), nullable=False),
        sa.Column("receiver_id", sa.String(length=35), nullable=False),
        sa.Column("control_number", sa.String(length=14), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_inbound_interchanges_message_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_inbound_interchanges_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_interchanges")),
        sa.UniqueConstraint(
            "standard",
            "sender_qualifier",
            "sender_id",
            "receiver_qualifier",
            "receiver_id",
            "control_number",
            name="uq_inbound_interchanges_key",
        ),
    )
    op.create_table(
        "transactions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("standard", sa.String(length=8), nullable=False),
        sa.Column("interchange_control_number", sa.String(length=14), nullable=False),
        sa.Column("functional_id", sa.String(length=6), nullable=True),
        sa.Column("group_control_number", sa.String(length=14), nullable=True),
        sa.Column("transaction_set", sa.String(length=6), nullable=False),
        sa.Column("set_control_number", sa.String(length=14), nullable=False),
        sa.Column("version", sa.String(length=12), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=True),
        sa.Column("business_number", sa.String(length=80), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("document_id", sa.String(length=36), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("erp_document_id", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_transactions_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_transactions_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_transactions_idempotency_key")),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transactions_business_number"), ["business_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transactions_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transactions_partner_id_transaction_set"),
            ["partner_id", "transaction_set"],
            unique=False,
        )

    op.create_table(
        "state_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=True),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_state_transitions_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_state_transitions_transaction_id_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_transitions")),
    )
    with op.batch_alter_table("state_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_transitions_message_id"), ["message_id"], unique=False
        )
    _forbid_history_changes()


_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER state_transitions_no_{verb.lower()} BEFORE {verb} ON state_transitions
    BEGIN SELECT RAISE(ABORT, 'state_transitions is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION state_transitions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'state_transitions is append-only'; END $$""",
    """CREATE TRIGGER state_transitions_append_only BEFORE UPDATE OR DELETE ON state_transitions
    FOR EACH ROW EXECUTE FUNCTION state_transitions_append_only()""",
]


def _forbid_history_changes() -> None:
    dialect = op.get_bind().dialect.name
    statements = _SQLITE_TRIGGERS if dialect == "sqlite" else _POSTGRES_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER state_transitions_append_only ON state_transitions")
        op.execute("DROP FUNCTION state_transitions_append_only()")

    with op.batch_alter_table("state_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_transitions_message_id"))

    op.drop_table("state_transitions")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transactions_partner_id_transaction_set"))
        batch_op.drop_index(batch_op.f("ix_transactions_message_id"))
        batch_op.drop_index(batch_op.f("ix_transactions_business_number"))

    op.drop_table("transactions")
    op.drop_table("inbound_interchanges")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_transport_transport_message_id"))
        batch_op.drop_index(batch_op.f("ix_messages_state"))
        batch_op.drop_index(batch_op.f("ix_messages_partner_id_received_at"))
        batch_op.drop_index(batch_op.f("ix_messages_interchange_control_number"))

    op.drop_table("messages")
    op.drop_table("api_keys")
    op.drop_table("partners")
    op.drop_table("control_counters")
