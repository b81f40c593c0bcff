"""The reconciliation of the soak benchmark (``soak.py``): every document sent looked up
in the store (its raw bytes, by sha256) and in the sandbox ERP's own database (by
business number and idempotency key).

Why a module of its own: it is the benchmark's verdict (lost, stored twice, undelivered,
delivered twice) and must stay readable on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from bench.soak_traffic import Sent
from demo.live import LiveStack


@dataclass
class Reconciliation:
    sent: int = 0
    refused_at_send: int = 0
    stored: int = 0
    raw_bytes_match: int = 0
    stored_twice: int = 0
    lost: int = 0  # answered OK, yet not in the store
    delivered_once: int = 0
    undelivered: int = 0
    delivered_twice: int = 0
    key_mismatch: int = 0
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def note(self, what: str, sent: Sent, detail: str = "") -> None:
        if len(self.examples[what]) < 5:
            self.examples[what].append(f"{sent.transport} {sent.kind} {sent.business_number} "
                                       f"{detail}".strip())  # fmt: skip

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.stored_twice or self.undelivered or self.delivered_twice)


def _store_rows(stack: LiveStack) -> tuple[dict[str, list[tuple[Any, ...]]], Counter[str]]:
    query = text(
        "SELECT m.raw_sha256, m.id, m.state, t.id, t.business_number, t.idempotency_key "
        "FROM messages m LEFT JOIN transactions t ON t.message_id = m.id "
        "WHERE m.direction = 'inbound'"
    )
    delivered_query = text(
        "SELECT transaction_id FROM deliveries WHERE system = 'erp' AND delivered_at IS NOT NULL"
    )
    by_sha: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    with stack.gw.engine.connect() as connection:
        for row in connection.execute(query):
            by_sha[row[0]].append(tuple(row))
        confirmed = Counter(row[0] for row in connection.execute(delivered_query))
    return by_sha, confirmed


def reconcile(stack: LiveStack, sent: list[Sent]) -> Reconciliation:
    by_sha, confirmed = _store_rows(stack)
    erp: dict[str, list[str]] = defaultdict(list)  # business number → idempotency keys
    with contextlib.closing(sqlite3.connect(stack.data_dir / "sandbox.db")) as sandbox:
        for key, number in sandbox.execute(
            "SELECT idempotency_key, business_number FROM records WHERE system = 'erp'"
        ):
            erp[number].append(key)
    result = Reconciliation(sent=len(sent))
    for item in sent:
        if item.error is not None:
            result.refused_at_send += 1
            result.note("refused at send", item, item.error)
        rows = by_sha.get(item.sha256, [])
        messages = {row[1] for row in rows}
        if not messages:
            if item.error is None:
                result.lost += 1
                result.note("lost", item)
            continue
        result.stored += 1
        if len(messages) > 1:
            result.stored_twice += 1
            result.note("stored twice", item, f"{len(messages)} messages")
        if stack.gw.payloads.exists(item.sha256):
            stored = hashlib.sha256(stack.gw.payloads.get(item.sha256)).hexdigest()
            result.raw_bytes_match += stored == item.sha256
        keys = erp.get(item.business_number, [])
        expected = {row[5] for row in rows if row[4] == item.business_number}
        if not keys:
            result.undelivered += 1
            states = ",".join(sorted({str(row[2]) for row in rows}))
            result.note("undelivered", item, f"message state {states}")
        elif len(keys) > 1 or any(confirmed[row[3]] > 1 for row in rows):
            result.delivered_twice += 1
            result.note("delivered twice", item, f"keys {keys}")
        else:
            result.delivered_once += 1
            if keys[0] not in expected:
                result.key_mismatch += 1
                result.note("key mismatch", item, f"{keys[0]} not in {expected}")
    return result
