"""The interfaces the core needs from the outside world (STYLE.md habit 2).

Protocols only: adapters implement them (gateway.persistence), the composition
root wires them, the services use nothing else.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, BinaryIO, Literal, Protocol, Self

from gateway.domain.access import ApiKey, Role
from gateway.domain.control_numbers import Level
from gateway.domain.delivery import Alert, Attempt, DeliveryReceipt
from gateway.domain.errors import GatewayError
from gateway.domain.payloads import StoredPayload
from gateway.domain.tracking import (
    Direction,
    EnvelopeParty,
    InterchangeSighting,
    MessageQuery,
    MessageRecord,
    State,
    TransactionRecord,
    Transition,
)
from gateway.domain.workflow.cross_reference import MasterItem
from gateway.domain.workflow.exceptions import AuditEntry, ExceptionQuery, ExceptionRecord, Owner
from gateway.domain.workflow.kpis import AckSample, ConfirmationSample, SyncSample
from gateway.domain.workflow.matches import MatchState, MatchStatus, OrderLink
from gateway.domain.workflow.timeline import Delivered
from gateway.profiles.model import PartnerProfile


class ControlNumberAllocator(Protocol):
    """Hands out outbound control numbers; never the same one twice per partner and level."""

    def next(self, partner: str, level: Level) -> int: ...

    def reserve(self, partner: str, levels: Sequence[Level]) -> list[int]:
        """One number per entry of ``levels``, as ``next`` for each in turn would hand
        them out, in one allocation (an acknowledgement's interchange, group and set)."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class Connector(Protocol):
    """One system of record (an ERP or a WMS) behind a small interface.

    Implementations live in ``erp_connector``; they raise only
    ``DeliveryUnavailable`` (retryable) or ``DeliveryRejected`` (permanent).
    """

    @property
    def system(self) -> str:
        """The name routing rules use: "erp", "wms"."""
        ...

    def deliver(self, document: Mapping[str, Any], idempotency_key: str) -> DeliveryReceipt:
        """Hand over one canonical document (contract v1 JSON); delivering the same key
        again must not create a second record."""
        ...

    def deliver_many(
        self, items: Sequence[tuple[Mapping[str, Any], str]]
    ) -> list[DeliveryReceipt | GatewayError]:
        """``deliver`` for many (document, idempotency key) pairs, one answer per pair in
        their order: a receipt, or the error that pair would have raised. A system with a
        batch endpoint takes them in one call; others one by one."""
        ...

    def fetch(self, kind: str, external_id: str) -> Mapping[str, Any] | None:
        """The system's current view of a document it holds, None if it has none."""
        ...

    def items(self) -> Sequence[MasterItem]:
        """The system's item master (an ERP's item numbers with our part, the vendor's
        part, GTIN and UPC); empty for a system that keeps none."""
        ...

    def close(self) -> None: ...


class OutboundTransport(Protocol):
    """Carries raw EDI to a partner (HTTP now; AS2 and SFTP in their issues)."""

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        """Deliver ``payload``; returns the transport's id for it (or "").

        Raises:
            RetryableError: the partner's side is unreachable or busy.
            PermanentError: the partner refused it.
        """
        ...


class Dispatcher(Protocol):
    """Hands the next step of a document's journey to whoever runs it: a Celery queue,
    or the caller's own thread when no broker is configured."""

    def process_inbound(self, message_id: str) -> None: ...

    def deliver(self, transaction_id: str) -> None: ...

    def deliver_message(self, message_id: str) -> None:
        """Every mapped transaction of a message at once (the batch fast path)."""
        ...

    def send(self, message_id: str) -> None: ...


class PayloadStore(Protocol):
    """Raw bytes by sha256; ``put`` returns once they are durable."""

    def put(self, data: bytes) -> StoredPayload: ...

    def put_stream(self, source: BinaryIO, *, max_bytes: int | None = None) -> StoredPayload: ...

    def get(self, sha256: str) -> bytes: ...

    def open(self, sha256: str) -> BinaryIO: ...


Change = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class StoredPartner:
    profile: PartnerProfile
    active: bool
    created_at: datetime
    updated_at: datetime


class PartnerDirectory(Protocol):
    def save(
        self, profile: PartnerProfile, at: datetime, *, create_only: bool = False
    ) -> Change: ...

    def get(self, partner_id: str) -> StoredPartner | None: ...

    def list_all(self, *, include_inactive: bool = True) -> list[StoredPartner]: ...

    def deactivate(self, partner_id: str, at: datetime) -> bool: ...

    def by_envelope(
        self, standard: str, sender: EnvelopeParty, receiver: EnvelopeParty
    ) -> StoredPartner | None: ...

    def by_sender(self, standard: str, sender: EnvelopeParty) -> list[StoredPartner]: ...


class MessageLog(Protocol):
    def add(self, record: MessageRecord, at: datetime, reason: str | None = None) -> None: ...

    def get(self, message_id: str) -> MessageRecord | None: ...

    def claim_one(
        self, message_id: str, now: datetime, lease_start: datetime
    ) -> MessageRecord | None: ...

    def claim_waiting(
        self, now: datetime, lease_start: datetime, *, limit: int, max_size: int
    ) -> list[MessageRecord]: ...

    def release(self, message_ids: Sequence[str]) -> None: ...

    def by_transport_id(
        self, transport: str, partner_id: str | None, transport_message_id: str
    ) -> MessageRecord | None: ...

    def update(
        self,
        record: MessageRecord,
        *,
        moving_to: tuple[State, datetime, str | None] | None = None,
    ) -> None: ...

    def move(
        self, record: MessageRecord, target: State, at: datetime, reason: str | None = None
    ) -> None: ...

    def add_transaction(
        self, record: TransactionRecord, at: datetime, reason: str | None = None
    ) -> None: ...

    def move_transaction(
        self, record: TransactionRecord, target: State, at: datetime, reason: str | None = None
    ) -> None: ...

    def update_transaction(self, record: TransactionRecord) -> None: ...

    def add_transactions(
        self,
        entries: Sequence[
            tuple[TransactionRecord, Sequence[tuple[State | None, State, str | None]]]
        ],
        at: datetime,
    ) -> None: ...

    def move_transactions(
        self,
        records: Sequence[TransactionRecord],
        target: State,
        at: datetime,
        reasons: Sequence[str],
    ) -> None: ...

    def set_erp_document_ids(self, records: Sequence[TransactionRecord]) -> None: ...

    def known_keys(self, idempotency_keys: Sequence[str]) -> dict[str, str]: ...

    def mapped_of(self, message_id: str) -> list[TransactionRecord]: ...

    def mapped_of_messages(self, message_ids: Sequence[str]) -> list[TransactionRecord]: ...

    def undelivered_of_orders(
        self, partner_id: str, direction: Direction, po_numbers: Sequence[str]
    ) -> list[TransactionRecord]: ...

    def transactions_of(self, message_id: str) -> list[TransactionRecord]: ...

    def unfinished_counts(
        self, message_ids: Sequence[str], states: list[State]
    ) -> dict[str, int]: ...

    def get_many(
        self, message_ids: Sequence[str], *, lock: bool = False
    ) -> list[MessageRecord]: ...

    def move_through(
        self, record: MessageRecord, steps: Sequence[tuple[State, str | None]], at: datetime
    ) -> None: ...

    def transaction_by_key(self, idempotency_key: str) -> TransactionRecord | None: ...

    def transaction(self, transaction_id: str) -> TransactionRecord | None: ...

    def pending_before(self, record: TransactionRecord) -> list[TransactionRecord]: ...

    def pending_after(self, record: TransactionRecord) -> list[TransactionRecord]: ...

    def outbound_sets(
        self, partner_id: str, group_control_number: str, set_control_numbers: list[str] | None
    ) -> list[TransactionRecord]: ...

    def transactions_in_state(
        self,
        state: State,
        *,
        direction: Direction,
        before: datetime | None = None,
        limit: int = 500,
    ) -> list[TransactionRecord]: ...

    def history(self, message_id: str) -> list[Transition]: ...

    def find(self, query: MessageQuery) -> list[MessageRecord]: ...

    def outbound_interchange_numbers(self, partner_id: str) -> set[int]: ...

    def find_stalled(
        self, state: State, before: datetime, limit: int = 500
    ) -> list[MessageRecord]: ...


class InterchangeRegister(Protocol):
    def register(self, sighting: InterchangeSighting, window: timedelta) -> str | None: ...

    def gaps(self, partner_id: str, since: datetime | None = None) -> list[tuple[int, int]]: ...


class NewKeyLike(Protocol):
    @property
    def record(self) -> ApiKey: ...

    @property
    def secret(self) -> str: ...


class ApiKeyStore(Protocol):
    def create(self, name: str, role: Role, partner_id: str | None, at: datetime) -> NewKeyLike: ...

    def authenticate(self, secret: str) -> ApiKey | None: ...

    def list_all(self) -> list[ApiKey]: ...

    def revoke(self, key_id: str, at: datetime) -> bool: ...


class DeliveryLog(Protocol):
    def delivered(self, transaction_id: str) -> dict[str, str]: ...

    def delivered_many(self, transaction_ids: Sequence[str]) -> dict[str, dict[str, str]]: ...

    def record_many(self, attempts: Sequence[Attempt], at: datetime) -> None: ...

    def attempts(self, transaction_id: str, system: str) -> int: ...

    def record(
        self,
        transaction_id: str,
        system: str,
        *,
        external_id: str | None = None,
        at: datetime | None = None,
        error: str | None = None,
    ) -> None: ...

    def raise_alert(
        self,
        kind: str,
        text: str,
        at: datetime,
        *,
        partner_id: str | None = None,
        message_id: str | None = None,
        transaction_id: str | None = None,
    ) -> bool: ...

    def open_alerts(self, partner_id: str | None = None) -> list[Alert]: ...


class ExceptionLog(Protocol):
    """Workflow exceptions and their append-only audit trail (SPEC §5)."""

    def add(self, record: ExceptionRecord, entry: AuditEntry) -> bool:
        """False, writing nothing, when the fingerprint is taken (the same discrepancy)."""
        ...

    def save(self, record: ExceptionRecord, entries: Sequence[AuditEntry]) -> None: ...

    def get(self, exception_id: str) -> ExceptionRecord | None: ...

    def by_fingerprint(self, fingerprint: str) -> ExceptionRecord | None: ...

    def find(self, query: ExceptionQuery) -> list[ExceptionRecord]: ...

    def count(self, query: ExceptionQuery) -> int: ...

    def of_subject(self, partner_id: str | None, rule: str, subject: str) -> list[ExceptionRecord]:
        """Everything a rule ever found on a subject, settled or not."""
        ...

    def history(self, exception_id: str) -> list[AuditEntry]: ...

    def histories(self, exception_ids: Sequence[str]) -> list[AuditEntry]: ...

    def unresolved_ages(self, partner_id: str | None = None) -> list[tuple[Owner, datetime]]: ...


class WorkflowStore(Protocol):
    """What the matching rules read (the PO we sent, a PO's ASNs, receipts, invoices) and
    where each matched document stands."""

    def purchase_order(
        self, partner_id: str | None, po_number: str
    ) -> TransactionRecord | None: ...

    def ship_notice(self, partner_id: str | None, asn_number: str) -> TransactionRecord | None: ...

    def of_order(
        self, partner_id: str | None, po_number: str, kind: str
    ) -> list[TransactionRecord]: ...

    def receipts_of_asn(
        self, partner_id: str | None, asn_number: str
    ) -> list[TransactionRecord]: ...

    def partners_of(self, *, po_number: str | None, asn_number: str | None) -> set[str]: ...

    def link(
        self, record: TransactionRecord, links: Sequence[OrderLink], *, first: bool = False
    ) -> None:
        """Replace what ``record`` refers to; ``first``: it was never linked."""
        ...

    def save_match(self, state: MatchState) -> None: ...

    def match(self, transaction_id: str) -> MatchState | None: ...

    def matches(self, transaction_ids: Sequence[str]) -> dict[str, MatchState]: ...

    def waiting_on(self, keys: Sequence[str]) -> list[MatchState]: ...

    def stale(self, statuses: Sequence[MatchStatus], before: datetime, limit: int) -> list[str]:
        """Documents whose match has these statuses, last run before ``before``."""
        ...

    def unmatched(self, kinds: Sequence[str], before: datetime, limit: int) -> list[str]:
        """Inbound mapped documents of these kinds, older than ``before``, never matched."""
        ...


class ItemMasterStore(Protocol):
    """The gateway's copy of the ERP's item master (``domain.workflow.cross_reference``)."""

    def find(self, wanted: Collection[str]) -> list[MasterItem]:
        """The items any of these codes (``domain.workflow.items.codes``) names."""
        ...

    def count(self) -> int: ...

    def replace(self, items: Sequence[MasterItem], now: datetime) -> None: ...


class ActivityQueries(Protocol):
    """Read-only: a PO's documents and history, and the KPIs' samples (SPEC §6)."""

    def order_documents(
        self, po_number: str, partner_id: str | None
    ) -> list[TransactionRecord]: ...

    def transitions(self, transaction_ids: Sequence[str]) -> dict[str, list[Transition]]: ...

    def deliveries(self, transaction_ids: Sequence[str]) -> list[Delivered]: ...

    def sync_samples(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[SyncSample]: ...

    def ack_samples(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[AckSample]: ...

    def state_counts(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> dict[str, int]: ...

    def daily_counts(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[tuple[str | None, date, str, int]]: ...

    def confirmation_samples(
        self, since: datetime, until: datetime, partner_id: str | None
    ) -> list[ConfirmationSample]: ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow: …; uow.commit()``; leaving without commit rolls back."""

    @property
    def messages(self) -> MessageLog: ...

    @property
    def partners(self) -> PartnerDirectory: ...

    @property
    def interchanges(self) -> InterchangeRegister: ...

    @property
    def api_keys(self) -> ApiKeyStore: ...

    @property
    def deliveries(self) -> DeliveryLog: ...

    @property
    def exceptions(self) -> ExceptionLog: ...

    @property
    def workflow(self) -> WorkflowStore: ...

    @property
    def items(self) -> ItemMasterStore: ...

    @property
    def activity(self) -> ActivityQueries: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class StateMove:
    """A message or a transaction set entering ``state`` (what monitoring counts)."""

    record: Literal["message", "document"]
    state: State
    direction: Direction
    partner_id: str | None
    kind: str  # a document's canonical kind (its set id when unmapped); a message's transport


class StateObserver(Protocol):
    """Told of the state moves of each committed transaction (the store reports them;
    an adapter in ``gateway.observability`` counts them)."""

    def moved(self, moves: Sequence[StateMove]) -> None: ...


class Telemetry(Protocol):
    """What the services report for monitoring beyond state moves; the composition
    root wires a Prometheus adapter, the default does nothing."""

    def ack_outcome(self, partner_id: str | None, status: str) -> None:
        """A partner's 997/999/CONTRL settled one of our sets: accepted,
        accepted_with_errors, partially_accepted or rejected."""
        ...


class NoTelemetry:
    """The ``Telemetry`` that reports nothing (unit tests, the command line)."""

    def ack_outcome(self, partner_id: str | None, status: str) -> None:
        return None
