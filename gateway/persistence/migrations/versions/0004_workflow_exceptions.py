"""Workflow sync: exceptions with their audit trail, match results, documents' orders.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exceptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("po_number", sa.String(length=80), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=True),
        sa.Column("hold", sa.Boolean(), nullable=False),
        sa.Column("line", sa.String(length=200), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("opened_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("acknowledged_at", _TIMESTAMP, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("resolved_at", _TIMESTAMP, nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_exceptions_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_exceptions_transaction_id_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exceptions")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_exceptions_fingerprint")),
    )
    with op.batch_alter_table("exceptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exceptions_state_owner_opened_at"), ["state", "owner", "opened_at"]
        )
        batch_op.create_index(
            batch_op.f("ix_exceptions_partner_id_po_number"), ["partner_id", "po_number"]
        )
        batch_op.create_index(batch_op.f("ix_exceptions_rule_subject"), ["rule", "subject"])
        batch_op.create_index(batch_op.f("ix_exceptions_transaction_id"), ["transaction_id"])

    op.create_table(
        "exception_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exception_id", sa.String(length=36), nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["exception_id"],
            ["exceptions.id"],
            name=op.f("fk_exception_events_exception_id_exceptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_events")),
    )
    with op.batch_alter_table("exception_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exception_events_exception_id"), ["exception_id"])
        batch_op.create_index(batch_op.f("ix_exception_events_at"), ["at"])
    _forbid_audit_changes()

    op.create_table(
        "document_matches",
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("waiting_on", sa.String(length=120), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("checked_at", _TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_document_matches_transaction_id_transactions"),
        ),
        sa.PrimaryKeyConstraint("transaction_id", name=op.f("pk_document_matches")),
    )
    with op.batch_alter_table("document_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_matches_waiting_on"), ["waiting_on"])

    op.create_table(
        "document_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("po_number", sa.String(length=80), nullable=True),
        sa.Column("asn_number", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_document_orders_transaction_id_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_orders")),
    )
    with op.batch_alter_table("document_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_orders_transaction_id"), ["transaction_id"])
        batch_op.create_index(
            batch_op.f("ix_document_orders_po_number_kind"), ["po_number", "kind"]
        )
        batch_op.create_index(
            batch_op.f("ix_document_orders_asn_number_kind"), ["asn_number", "kind"]
        )


# As for state_transitions (0001): the audit trail refuses UPDATE and DELETE.
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER exception_events_no_{verb.lower()} BEFORE {verb} ON exception_events
    BEGIN SELECT RAISE(ABORT, 'exception_events is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION exception_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'exception_events is append-only'; END $$""",
    """CREATE TRIGGER exception_events_append_only BEFORE UPDATE OR DELETE ON exception_events
    FOR EACH ROW EXECUTE FUNCTION exception_events_append_only()""",
]


def _forbid_audit_changes() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_TRIGGERS if dialect == "sqlite" else _POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("document_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_orders_asn_number_kind"))
        batch_op.drop_index(batch_op.f("ix_document_orders_po_number_kind"))
        batch_op.drop_index(batch_op.f("ix_document_orders_transaction_id"))
    op.drop_table("document_orders")
    with op.batch_alter_table("document_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_matches_waiting_on"))
    op.drop_table("document_matches")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER exception_events_append_only ON exception_events")
        op.execute("DROP FUNCTION exception_events_append_only()")
    with op.batch_alter_table("exception_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exception_events_at"))
        batch_op.drop_index(batch_op.f("ix_exception_events_exception_id"))
    op.drop_table("exception_events")
    with op.batch_alter_table("exceptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exceptions_transaction_id"))
        batch_op.drop_index(batch_op.f("ix_exceptions_rule_subject"))
        batch_op.drop_index(batch_op.f("ix_exceptions_partner_id_po_number"))
        batch_op.drop_index(batch_op.f("ix_exceptions_state_owner_opened_at"))
    op.drop_table("exceptions")
