"""The message store's tables (SQLAlchemy Core).

Core tables and explicit row conversion in the repositories, rather than ORM
classes: the records are small, the queries are few and visible, and the domain
and profile types stay free of the ORM (STYLE.md habit 1). Alembic migrations
in ``migrations/versions`` create exactly these; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations can refer to them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry their offset")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = UtcDateTime()

partners = Table(
    "partners",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("standard", String(8), nullable=False),
    # The envelope ids that route an inbound interchange to this partner ("" when
    # the standard has no qualifier), unique so two profiles can never claim one.
    Column("sender_qualifier", String(4), nullable=False),
    Column("sender_id", String(35), nullable=False),
    Column("receiver_qualifier", String(4), nullable=False),
    Column("receiver_id", String(35), nullable=False),
    Column("profile", JSON, nullable=False),
    Column("profile_sha256", String(64), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint(
        "standard",
        "sender_qualifier",
        "sender_id",
        "receiver_qualifier",
        "receiver_id",
        name="uq_partners_envelope",
    ),
)

IDEMPOTENT_TRANSPORTS = "direction = 'inbound' AND transport IN ('sftp', 'as2')"

messages = Table(
    "messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("direction", String(8), nullable=False),
    Column("transport", String(8), nullable=False),
    Column("transport_message_id", String(998)),  # AS2 Message-ID, SFTP path, API request id
    Column("partner_id", String(64), ForeignKey("partners.id")),
    Column("raw_sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("received_at", Timestamp, nullable=False),
    Column("state", String(16), nullable=False),
    Column("standard", String(8)),
    Column("sender_qualifier", String(4)),
    Column("sender_id", String(35)),
    Column("receiver_qualifier", String(4)),
    Column("receiver_id", String(35)),
    Column("interchange_control_number", String(14)),
    Column("test_indicator", Boolean),
    Column("duplicate_of", String(36), ForeignKey("messages.id")),
    Column("in_reply_to", String(36), ForeignKey("messages.id")),  # an ack → what it answers
    Column("document_type", String(8)),  # 997, 999, TA1, CONTRL, 850, ORDERS…
    Column("error_code", String(80)),
    Column("error_message", Text),
    # A worker's lease on an inbound message it processes with others (migration 0007).
    Column("claimed_at", Timestamp),
    Index(None, "transport", "transport_message_id"),
    # One inbound message per transport id and partner on the transports whose ids name
    # what was sent (an SFTP file with its checksum, an AS2 Message-ID): a file offered
    # again or a resent Message-ID is the same message, even when two offers race. (A
    # path given to the command line or an API request id names no content: not here.)
    Index(
        "uq_messages_inbound_transport_id",
        "transport",
        "partner_id",
        "transport_message_id",
        unique=True,
        postgresql_where=text(IDEMPOTENT_TRANSPORTS),
        sqlite_where=text(IDEMPOTENT_TRANSPORTS),
    ),
    Index(None, "partner_id", "received_at"),
    Index(None, "interchange_control_number"),
    Index(None, "state"),
)

transactions = Table(
    "transactions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("message_id", String(36), ForeignKey("messages.id"), nullable=False),
    Column("position", Integer, nullable=False),  # order within the message
    Column("partner_id", String(64), ForeignKey("partners.id")),
    Column("direction", String(8), nullable=False),
    Column("standard", String(8), nullable=False),
    Column("interchange_control_number", String(14), nullable=False),
    Column("functional_id", String(6)),
    Column("group_control_number", String(14)),
    Column("transaction_set", String(6), nullable=False),
    Column("set_control_number", String(14), nullable=False),
    Column("version", String(12)),
    Column("status", String(24), nullable=False),  # accepted | accepted_with_errors | rejected
    Column("state", String(16), nullable=False),
    Column("kind", String(24)),  # canonical kind once mapped
    Column("business_number", String(80)),  # PO, ASN or invoice number
    Column("po_number", String(80)),  # the order it belongs to: deliveries keep PO order
    Column("idempotency_key", String(64), unique=True),
    Column("document_id", String(36)),
    Column("document", JSON),  # the canonical document (contract v1)
    Column("erp_document_id", String(120)),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "message_id"),
    Index(None, "business_number"),
    Index(None, "partner_id", "transaction_set"),
    Index(None, "partner_id", "po_number"),
    Index(None, "state"),
    # Today's sets on the console's dashboard, and the oldest first on its ack monitor
    # (migration 0005; measured in bench/console.py).
    Index(None, "created_at"),
)

# One row per transaction and system of record: a system that took the document is
# never sent it again, whatever retries or replays happen (SPEC §1 invariant 2).
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("transaction_id", String(36), ForeignKey("transactions.id"), nullable=False),
    Column("system", String(16), nullable=False),
    Column("external_id", String(120)),
    Column("attempts", Integer, nullable=False),
    Column("delivered_at", Timestamp),
    Column("last_error", Text),
    UniqueConstraint("transaction_id", "system", name="uq_deliveries_transaction_system"),
)

# What operations must look at: overdue acks, dead letters, rejected acks.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # ack_overdue | ack_rejected | dead_letter
    Column("partner_id", String(64)),
    Column("message_id", String(36), ForeignKey("messages.id")),
    Column("transaction_id", String(36), ForeignKey("transactions.id")),
    Column("raised_at", Timestamp, nullable=False),
    Column("text", Text, nullable=False),
    Column("state", String(16), nullable=False),  # open | acknowledged | resolved
    UniqueConstraint("kind", "transaction_id", name="uq_alerts_kind_transaction"),
    Index(None, "state", "raised_at"),
)

# Append-only: the migration adds triggers that refuse UPDATE and DELETE.
state_transitions = Table(
    "state_transitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(36), ForeignKey("messages.id"), nullable=False),
    Column("transaction_id", String(36), ForeignKey("transactions.id")),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("at", Timestamp, nullable=False),
    Column("reason", Text),
    Index(None, "message_id"),
    Index(None, "to_state", "at"),  # the dashboard's ack latency (migration 0005)
)

# One row per inbound interchange control number per sender → receiver: the
# unique constraint is what makes duplicate detection safe under concurrency.
inbound_interchanges = Table(
    "inbound_interchanges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner_id", String(64), ForeignKey("partners.id")),
    Column("standard", String(8), nullable=False),
    Column("sender_qualifier", String(4), nullable=False),
    Column("sender_id", String(35), nullable=False),
    Column("receiver_qualifier", String(4), nullable=False),
    Column("receiver_id", String(35), nullable=False),
    Column("control_number", String(14), nullable=False),
    Column("message_id", String(36), ForeignKey("messages.id"), nullable=False),
    Column("received_at", Timestamp, nullable=False),
    UniqueConstraint(
        "standard",
        "sender_qualifier",
        "sender_id",
        "receiver_qualifier",
        "receiver_id",
        "control_number",
        name="uq_inbound_interchanges_key",
    ),
)

control_counters = Table(
    "control_counters",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("direction", String(8), primary_key=True),
    Column("level", String(16), primary_key=True),
    Column("last_value", BigInteger, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("prefix", String(16), nullable=False),  # shown in lists; the key itself never is
    Column("key_sha256", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("partner_id", String(64), ForeignKey("partners.id")),
    Column("created_at", Timestamp, nullable=False),
    Column("revoked_at", Timestamp),
)

# Workflow sync (SPEC §5, migration 0004). An exception is one row per discrepancy: the
# unique fingerprint is what makes "found twice" one exception, even when two workers
# find it at once.
exceptions = Table(
    "exceptions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("rule", String(16), nullable=False),  # po_ack | ship_notice | receipt | invoice
    Column("kind", String(40), nullable=False),  # the discrepancy
    Column("owner", String(16), nullable=False),  # procurement | warehouse | finance | b2b
    Column("state", String(16), nullable=False),  # open | acknowledged | resolved
    Column("partner_id", String(64), ForeignKey("partners.id")),
    Column("po_number", String(80)),
    Column("subject", String(80), nullable=False),  # the PO, ASN or invoice number matched
    Column("transaction_id", String(36), ForeignKey("transactions.id")),
    Column("hold", Boolean, nullable=False),  # its document waits until it is settled
    Column("line", String(200)),
    Column("explanation", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("links", JSON, nullable=False),  # [{kind, number, transaction_id, message_id}]
    Column("assignee", String(200)),
    Column("opened_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("acknowledged_at", Timestamp),
    Column("acknowledged_by", String(120)),
    Column("resolved_at", Timestamp),
    Column("resolved_by", String(120)),
    Column("resolution", String(16)),  # accept | rematch | reject | cleared
    Column("resolution_note", Text),
    Index(None, "state", "owner", "opened_at"),
    Index(None, "partner_id", "po_number"),
    Index(None, "rule", "subject"),
    Index(None, "transaction_id"),
)

# Append-only, like state_transitions: the migration adds triggers refusing UPDATE/DELETE.
exception_events = Table(
    "exception_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exception_id", String(36), ForeignKey("exceptions.id"), nullable=False),
    Column("at", Timestamp, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("note", Text),
    Index(None, "exception_id"),
    Index(None, "at"),
)

# Where each matched document stands: matched, approved, held, waiting (and on what, so
# that a counterpart's arrival re-runs it), or with exceptions that did not hold it.
document_matches = Table(
    "document_matches",
    metadata,
    Column("transaction_id", String(36), ForeignKey("transactions.id"), primary_key=True),
    Column("rule", String(16), nullable=False),
    Column("partner_id", String(64)),
    Column("subject", String(80), nullable=False),
    Column("status", String(16), nullable=False),
    Column("waiting_on", String(120)),  # asn:<number> | receipts:<po number>
    Column("summary", Text, nullable=False),
    Column("checked_at", Timestamp, nullable=False),
    Index(None, "waiting_on"),
    Index(None, "status", "checked_at"),  # the sweeper: the longest-waiting matches first
)

# The POs (and ASN) each matched document refers to: an ASN may ship several POs, and a
# receipt names its ASN, which the transactions table keeps no column for.
document_orders = Table(
    "document_orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("transaction_id", String(36), ForeignKey("transactions.id"), nullable=False),
    Column("partner_id", String(64)),
    Column("kind", String(24), nullable=False),
    Column("po_number", String(80)),
    Column("asn_number", String(80)),
    Index(None, "transaction_id"),
    Index(None, "po_number", "kind"),
    Index(None, "asn_number", "kind"),
)

# The ERP's item master as last synchronised (services.item_master): the matching rules
# resolve an ASN's items through it. ``item_codes`` holds each item's identifiers in the
# form the rules compare (``b:`` our part, ``v:`` vendor part, ``g:`` a trade code
# without leading zeros, ``k:`` the ERP's item number), one indexed lookup per document.
item_master = Table(
    "item_master",
    metadata,
    Column("item_key", String(80), primary_key=True),
    Column("buyer_item", String(80)),
    Column("vendor_item", String(80)),
    Column("gtin", String(20)),
    Column("upc", String(20)),
    Column("description", Text),
    Column("synced_at", Timestamp, nullable=False),
)

item_codes = Table(
    "item_codes",
    metadata,
    Column("code", String(90), primary_key=True),
    Column("item_key", String(80), ForeignKey("item_master.item_key"), primary_key=True),
    Index(None, "item_key"),
)
