"""What the matching rules need from the store: the PO we sent, the ASNs, receipts and
invoices of a PO, and where each matched document stands (SPEC §5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, bindparam, delete, insert, select

from gateway.domain.tracking import Direction, State, TransactionRecord
from gateway.domain.workflow.matches import MatchState, MatchStatus, OrderLink
from gateway.persistence import rows
from gateway.persistence.tables import document_matches, document_orders, transactions
from gateway.persistence.upsert import upsert

# Documents that count: refused, failed and repeated ones do not.
_GONE = (State.REJECTED.value, State.FAILED.value, State.DUPLICATE.value)


class WorkflowRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def purchase_order(self, partner_id: str | None, po_number: str) -> TransactionRecord | None:
        """The latest PO we sent under this number (a change order replaces the original);
        any partner's when ``partner_id`` is None."""
        if partner_id is None:
            row = self._db.execute(_PURCHASE_ORDER, {"po": po_number}).first()
        else:
            row = self._db.execute(
                _PARTNERS_PURCHASE_ORDER, {"po": po_number, "partner": partner_id}
            ).first()
        return None if row is None else rows.transaction_record(row._mapping)

    def ship_notice(self, partner_id: str | None, asn_number: str) -> TransactionRecord | None:
        query = select(transactions).where(
            transactions.c.direction == Direction.INBOUND.value,
            transactions.c.kind == "ship_notice",
            transactions.c.business_number == asn_number,
            transactions.c.state.not_in(_GONE),
        )
        if partner_id is not None:
            query = query.where(transactions.c.partner_id == partner_id)
        return self._latest(query)

    def of_order(
        self, partner_id: str | None, po_number: str, kind: str
    ) -> list[TransactionRecord]:
        """The documents of ``kind`` that refer to the PO, oldest first."""
        linked = select(document_orders.c.transaction_id).where(
            document_orders.c.po_number == po_number, document_orders.c.kind == kind
        )
        return self._live(linked, partner_id)

    def receipts_of_asn(self, partner_id: str | None, asn_number: str) -> list[TransactionRecord]:
        linked = select(document_orders.c.transaction_id).where(
            document_orders.c.asn_number == asn_number, document_orders.c.kind == "receipt"
        )
        return self._live(linked, partner_id)

    def partners_of(self, *, po_number: str | None, asn_number: str | None) -> set[str]:
        """The partners a PO we sent or an ASN we received under this number belongs to."""
        found: set[str] = set()
        if po_number:
            query = select(transactions.c.partner_id).where(
                transactions.c.direction == Direction.OUTBOUND.value,
                transactions.c.kind == "purchase_order",
                transactions.c.po_number == po_number,
            )
            found |= {p for (p,) in self._db.execute(query) if p}
        if asn_number:
            query = select(transactions.c.partner_id).where(
                transactions.c.kind == "ship_notice",
                transactions.c.business_number == asn_number,
            )
            found |= {p for (p,) in self._db.execute(query) if p}
        return found

    def link(
        self, record: TransactionRecord, links: Sequence[OrderLink], *, first: bool = False
    ) -> None:
        """Replace what ``record`` refers to (a re-run may learn its PO from its ASN);
        ``first``: it was never linked (nothing to delete)."""
        if not first:
            self._db.execute(
                delete(document_orders).where(document_orders.c.transaction_id == record.id)
            )
        if links:
            self._db.execute(
                insert(document_orders),
                [
                    {
                        "transaction_id": record.id,
                        "partner_id": record.partner_id,
                        "kind": record.kind or "",
                        "po_number": link.po_number,
                        "asn_number": link.asn_number,
                    }
                    for link in links
                ],
            )

    def save_match(self, state: MatchState) -> None:
        values = {
            "rule": state.rule,
            "partner_id": state.partner_id,
            "subject": state.subject[:80],
            "status": state.status.value,
            "waiting_on": state.waiting_on,
            "summary": state.summary,
            "checked_at": state.checked_at,
        }
        # Another worker may save it at the same time: either write is as fresh.
        values["transaction_id"] = state.transaction_id
        upsert(self._db, document_matches, values, ["transaction_id"])

    def match(self, transaction_id: str) -> MatchState | None:
        found = self.matches([transaction_id])
        return found.get(transaction_id)

    def matches(self, transaction_ids: Sequence[str]) -> dict[str, MatchState]:
        if not transaction_ids:
            return {}
        query = select(document_matches).where(
            document_matches.c.transaction_id.in_(set(transaction_ids))
        )
        return {row.transaction_id: _match(row._mapping) for row in self._db.execute(query)}

    def waiting_on(self, keys: Sequence[str]) -> list[MatchState]:
        """Matches that wait for one of these counterparts (``asn:…``, ``receipts:…``)."""
        if not keys:
            return []
        query = (
            select(document_matches)
            .where(document_matches.c.waiting_on.in_(set(keys)))
            .order_by(document_matches.c.checked_at)
        )
        return [_match(row._mapping) for row in self._db.execute(query)]

    def stale(self, statuses: Sequence[MatchStatus], before: datetime, limit: int) -> list[str]:
        """Documents whose match has these statuses and was last run before ``before``,
        the longest-unchecked first."""
        query = (
            select(document_matches.c.transaction_id)
            .where(
                document_matches.c.status.in_([s.value for s in statuses]),
                document_matches.c.checked_at < before,
            )
            .order_by(document_matches.c.checked_at)
            .limit(limit)
        )
        return list(self._db.execute(query).scalars())

    def unmatched(self, kinds: Sequence[str], before: datetime, limit: int) -> list[str]:
        """Inbound documents of these kinds, mapped before ``before``, that no rule has
        run on (a worker that stopped between mapping and matching)."""
        matched = select(document_matches.c.transaction_id)
        query = (
            select(transactions.c.id)
            .where(
                transactions.c.direction == Direction.INBOUND.value,
                transactions.c.state == State.MAPPED.value,
                transactions.c.kind.in_(kinds),
                transactions.c.created_at < before,
                transactions.c.id.not_in(matched),
            )
            .order_by(transactions.c.created_at)
            .limit(limit)
        )
        return list(self._db.execute(query).scalars())

    def _latest(self, query: Select[Any]) -> TransactionRecord | None:
        statement = query.order_by(
            transactions.c.created_at.desc(), transactions.c.position.desc()
        ).limit(1)
        row = self._db.execute(statement).first()
        return None if row is None else rows.transaction_record(row._mapping)

    def _live(self, linked: Select[Any], partner_id: str | None) -> list[TransactionRecord]:
        query = select(transactions).where(
            transactions.c.id.in_(linked),
            transactions.c.state.not_in(_GONE),
        )
        if partner_id is not None:
            query = query.where(transactions.c.partner_id == partner_id)
        query = query.order_by(transactions.c.created_at, transactions.c.position)
        return [rows.transaction_record(row._mapping) for row in self._db.execute(query)]


# Built once: the rule asks for a PO per document, and building the statement cost more
# than running it (profiled on the pipeline benchmark).
_PURCHASE_ORDER = (
    select(transactions)
    .where(
        transactions.c.direction == Direction.OUTBOUND.value,
        transactions.c.kind == "purchase_order",
        transactions.c.po_number == bindparam("po"),
        transactions.c.document.is_not(None),
        transactions.c.state.not_in(_GONE),
    )
    .order_by(transactions.c.created_at.desc(), transactions.c.position.desc())
    .limit(1)
)
_PARTNERS_PURCHASE_ORDER = _PURCHASE_ORDER.where(transactions.c.partner_id == bindparam("partner"))


def _match(row: RowMapping) -> MatchState:
    return MatchState(
        transaction_id=row["transaction_id"],
        rule=row["rule"],
        subject=row["subject"],
        status=MatchStatus(row["status"]),
        summary=row["summary"],
        checked_at=row["checked_at"],
        partner_id=row["partner_id"],
        waiting_on=row["waiting_on"],
    )
