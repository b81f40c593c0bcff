"""Benchmark the web console's pages over 100,000 messages in PostgreSQL.

What it measures: the server time of a page, from the request to the last byte of
HTML (Starlette's TestClient, in process: no network, no browser rendering), for the
dashboard, message searches (none, PO number, kind + state, partner + dates, control
number, a partner's own), a message page with five sets and its raw EDI re-read, the
acknowledgements monitor and the dead letters. Target: under 300 ms each (issue 10).

How: a throwaway schema on 127.0.0.1:5432 (database ``test``), migrated as production
is; partners, keys and a few messages made through the services (so payloads exist),
then the bulk: messages over 30 days, two sets each, three state moves per set,
outbound sets awaiting, acknowledged, overdue and rejected, open alerts; inserted with
SQLAlchemy Core executemany, then ANALYZE. The schema is dropped at the end.

Run: ``.venv/bin/python bench/console.py [--messages 100000] [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.api import create_app, create_key
from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Transport
from gateway.persistence.database import make_engine
from gateway.persistence.tables import alerts, messages, state_transitions, transactions
from gateway.profiles import load_profiles
from gateway.services.intake import Submission
from gateway.services.partners import import_profiles
from gateway.settings import Settings

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300.0
CHUNK = 5000
PARTNERS = ["acme-supply", "nordfrost"]
KINDS = [("855", "po_acknowledgement"), ("856", "ship_notice"), ("810", "invoice")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15, help="requests per page")
    arguments = parser.parse_args()
    schema = f"bench_console_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
        gw = gateway(Settings(data_dir=Path(tempfile.mkdtemp()), database_url=url))
        started = time.perf_counter()
        sample, keys = _seed_services(gw)
        counts = _bulk(gw.engine, arguments.messages, sample)
        with gw.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print(f"seeded in {time.perf_counter() - started:.0f} s: " + ", ".join(
            f"{n:,} {name}" for name, n in counts.items()))  # fmt: skip
        rows = _measure(gw, keys, sample, arguments.repeat)
        gw.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target < {TARGET_MS:.0f} ms")
    failed = 0
    for name, times in rows:
        p50 = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        ok = p95 < TARGET_MS
        failed += not ok
        print(f"{name:44} {p50:8.1f} {p95:8.1f} {max(times):8.1f}  {'ok' if ok else 'SLOW'}")
    return 1 if failed else 0


def _seed_services(gw: Gateway) -> tuple[dict[str, Any], dict[str, str]]:
    """Partners, keys and the demo files through the services: real payloads to read."""
    import_profiles(gw.unit_of_work, gw.clock, load_profiles(ROOT / "demo" / "partners"))
    keys = {
        "admin": create_key(gw, "bench", "admin").secret,
        "partner": create_key(gw, "acme", "partner", "acme-supply").secret,
    }
    inbound = ROOT / "demo" / "inbound"
    ids = {}
    for path in sorted(inbound.iterdir()):
        record = gw.intake.receive(path.read_bytes(), Submission(Transport.API, path.name))
        gw.intake.process(record.id)
        ids[path.name] = record.id
    with gw.unit_of_work() as uow:
        rejected = uow.messages.get(ids["acme_supply_day2_with_errors.x12"])
    assert rejected is not None
    return {"message_id": rejected.id, "sha": rejected.raw_sha256, "size": rejected.size}, keys


def _bulk(engine: Engine, count: int, sample: dict[str, Any]) -> dict[str, int]:
    rng = random.Random(10)
    now = datetime.now(UTC)
    counts = {"messages": 0, "transactions": 0, "state moves": 0, "alerts": 0}
    for start in range(0, count, CHUNK):
        batch_messages, batch_sets, batch_moves, batch_alerts = [], [], [], []
        for n in range(start, min(count, start + CHUNK)):
            message_id = str(uuid.uuid4())
            at = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
            partner = PARTNERS[n % 2]
            outbound = n % 4 == 0
            icn = f"{n + 1000:09d}"
            state = "delivered" if not outbound else rng.choice(
                ["sent", "acknowledged", "acknowledged", "overdue", "rejected"])  # fmt: skip
            batch_messages.append({
                "id": message_id, "direction": "outbound" if outbound else "inbound",
                "transport": "api", "transport_message_id": f"bench-{n}", "partner_id": partner,
                "raw_sha256": sample["sha"], "size": sample["size"], "received_at": at,
                "state": state, "standard": "x12", "sender_qualifier": "ZZ",
                "sender_id": "ACMESUPPLY", "receiver_qualifier": "ZZ", "receiver_id": "CROSSDOCK",
                "interchange_control_number": icn, "document_type": "850" if outbound else None,
            })  # fmt: skip
            for position in range(1 if outbound else 2):
                tid = str(uuid.uuid4())
                tset, kind = ("850", "purchase_order") if outbound else KINDS[(n + position) % 3]
                batch_sets.append({
                    "id": tid, "message_id": message_id, "position": position,
                    "partner_id": partner, "direction": "outbound" if outbound else "inbound",
                    "standard": "x12", "interchange_control_number": icn,
                    "functional_id": "PO", "group_control_number": str(n + 1),
                    "transaction_set": tset, "set_control_number": f"{position + 1:04d}",
                    "version": "004010", "status": "accepted", "state": state, "kind": kind,
                    "business_number": f"PO-{n:07d}" if position == 0 else f"ASN-{n:07d}",
                    "po_number": f"PO-{n:07d}", "idempotency_key": uuid.uuid4().hex,
                    "document_id": str(uuid.uuid4()),
                    "document": {"meta": {"kind": kind}, "body": {"po_number": f"PO-{n:07d}"}},
                    "created_at": at,
                })  # fmt: skip
                path = ["received", "mapped", "sent", state] if outbound else [
                    "received", "mapped", "delivered"]  # fmt: skip
                for step, (source, target) in enumerate(zip([None, *path], path, strict=False)):
                    batch_moves.append({
                        "message_id": message_id, "transaction_id": tid, "from_state": source,
                        "to_state": target, "at": at + timedelta(minutes=step * 7),
                        "reason": f"bench step {step}",
                    })  # fmt: skip
                if state in ("overdue", "rejected"):
                    batch_alerts.append({
                        "kind": "ack_overdue" if state == "overdue" else "ack_rejected",
                        "partner_id": partner, "message_id": message_id, "transaction_id": tid,
                        "raised_at": at, "text": f"850 #{position + 1:04d}: {state}",
                        "state": "open",
                    })  # fmt: skip
        with engine.begin() as connection:
            connection.execute(insert(messages), batch_messages)
            connection.execute(insert(transactions), batch_sets)
            connection.execute(insert(state_transitions), batch_moves)
            if batch_alerts:
                connection.execute(insert(alerts), batch_alerts)
        for name, batch in (("messages", batch_messages), ("transactions", batch_sets),
                            ("state moves", batch_moves), ("alerts", batch_alerts)):  # fmt: skip
            counts[name] += len(batch)
    return counts


def _measure(
    gw: Gateway, keys: dict[str, str], sample: dict[str, Any], repeat: int
) -> list[tuple[str, list[float]]]:
    from fastapi.testclient import TestClient

    today = datetime.now(UTC).date()
    pages = [
        ("dashboard", "admin", "/console"),
        ("messages: newest, no filter", "admin", "/console/messages"),
        ("messages: PO number", "admin", "/console/messages?number=PO-0012345"),
        ("messages: kind + state", "admin",
         "/console/messages?kind=invoice&state=delivered"),
        ("messages: partner + 7 days", "admin",
         f"/console/messages?partner=nordfrost&from={today - timedelta(days=7)}&until={today}"),
        ("messages: control number", "admin", "/console/messages?control=000050000"),
        ("messages: page 20", "admin", "/console/messages?page=20"),
        ("message page (5 sets, raw re-read)", "admin",
         f"/console/messages/{sample['message_id']}"),
        ("acknowledgements monitor", "admin", "/console/acks"),
        ("dead letters", "admin", "/console/dead-letters"),
        ("partner login: dashboard", "partner", "/console"),
        ("partner login: PO number", "partner", "/console/messages?number=PO-0012346"),
    ]  # fmt: skip
    results = []
    clients: dict[str, TestClient] = {}
    with TestClient(create_app(gw)) as anonymous:
        for who, secret in keys.items():
            client = TestClient(anonymous.app)
            form = client.get("/console/login").text
            token = form.split('name="csrf_token" value="')[1].split('"')[0]
            reply = client.post(
                "/console/login",
                data={"api_key": secret, "csrf_token": token},
                follow_redirects=False,
            )
            assert reply.status_code == 303, reply.text
            clients[who] = client
        for name, who, url in pages:
            client = clients[who]
            assert client.get(url).status_code == 200, url  # warm: caches, prepared plans
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, url
            results.append((name, times))
    return results


if __name__ == "__main__":
    raise SystemExit(main())
