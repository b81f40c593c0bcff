"""The live demo: the embedded stack running as it would in production, on this machine.

Processes: the API (``crossdock serve``), a Celery worker (broker: files under the
data directory, no server), the sandbox ERP/WMS; in this process, a simulated
supplier. The sandbox ERP issues two purchase orders; they go out as 850s over HTTP
to the supplier, which answers with a 997, then an 855, an 856 and an 810; those
come back through the API, are validated, acknowledged, mapped and delivered to the
sandbox ERP and WMS. The warehouse then counts each truck and books the receipt in the
sandbox WMS, which posts it to the gateway; supplier, warehouse and ERP data are matched
(SPEC §5): one truck is short and one invoice is priced above tolerance, and the summary
lists the two exceptions with their owners. Set ``REDIS_URL`` and ``DATABASE_URL`` to
run it on Redis and PostgreSQL instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from demo.supplier import Supplier
from gateway.api import create_key
from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Direction, MessageQuery, State
from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionRecord
from gateway.profiles import HttpTransport, load_profiles
from gateway.services.partners import import_profiles
from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 78
ORDERS = [
    {"partner_id": "acme-supply", "po_number": "PO-DEMO-1001", "currency": "USD",
     "order_date": "2026-11-28",
     "lines": [{"item": "100-200", "quantity": 24, "uom": "EA", "unit_price": "12.50"},
               {"item": "100-300", "quantity": 6, "uom": "CS", "unit_price": "48.00"}]},
    {"partner_id": "acme-supply", "po_number": "PO-DEMO-1002", "currency": "USD",
     "order_date": "2026-11-28",
     "lines": [{"item": "100-200", "quantity": 120, "uom": "EA", "unit_price": "12.10"}]},
    {"partner_id": "acme-supply", "po_number": "PO-DEMO-1003", "currency": "USD",
     "order_date": "2026-11-28",
     "lines": [{"item": "100-300", "quantity": 10, "uom": "CS", "unit_price": "48.00"}]},
]  # fmt: skip
# The supplier's mistakes the demo shows (SPEC §5): a truck 4 EA short on PO-DEMO-1001,
# and an invoice for PO-DEMO-1002 at 12.90 a unit where the PO says 12.10.
SHORT_SHIPPED = {"PO-DEMO-1001": {"1": Decimal(20)}}
OVERPRICED = {"PO-DEMO-1002": {"1": Decimal("12.90")}}


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Generous: the live stack shares this machine with whatever else runs (CI, test suites).
def _wait(what: str, condition: Callable[[], Any], timeout: float = 180.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (httpx.HTTPError, OSError):
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


class LiveStack:
    def __init__(
        self, data_dir: Path, *, concurrency: int = 2, env: dict[str, str] | None = None
    ) -> None:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        self.data_dir = data_dir
        self.api_url = f"http://127.0.0.1:{_port()}"
        self.sandbox_url = f"http://127.0.0.1:{_port()}"
        self.concurrency = concurrency
        self.env = {
            **os.environ,
            **(env or {}),
            "CROSSDOCK_DATA_DIR": str(data_dir),
            "CROSSDOCK_DISPATCH": "celery",
            "CROSSDOCK_ERP_URL": f"{self.sandbox_url}/erp",
            "CROSSDOCK_WMS_URL": f"{self.sandbox_url}/wms",
            # The sandbox takes a message's documents in one call (its batch endpoint).
            "CROSSDOCK_ERP_BATCH_PATH": "/documents",
            "CROSSDOCK_WMS_BATCH_PATH": "/documents",
        }
        self.settings = Settings.from_env(self.env)
        self.gw: Gateway = gateway(self.settings, connectors={})
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []

    def start(self, supplier: Supplier | None = None) -> tuple[str, str]:
        """Profiles and keys, then the processes; returns (admin key, supplier key)."""
        profiles = load_profiles(ROOT / "demo" / "partners")
        if supplier is not None:
            acme = next(p for p in profiles if p.id == "acme-supply")
            transports = acme.transports.model_copy(
                update={"http": HttpTransport(url=supplier.url), "outbound": "http"}
            )
            profiles = [acme.model_copy(update={"transports": transports})] + [
                p for p in profiles if p.id != "acme-supply"
            ]
        import_profiles(self.gw.unit_of_work, self.gw.clock, profiles)
        admin = create_key(self.gw, "sandbox ERP events", "admin").secret
        partner = create_key(self.gw, "acme supply EDI desk", "partner", "acme-supply").secret
        self._spawn("sandbox", "-m", "erp_connector.sandbox", "--port",
                    self.sandbox_url.rsplit(":", 1)[1], "--db",
                    f"sqlite:///{self.data_dir / 'sandbox.db'}", "--gateway-url", self.api_url,
                    extra={"CROSSDOCK_SANDBOX_GATEWAY_API_KEY": admin})  # fmt: skip
        self._spawn("api", "-m", "gateway.cli.main", "serve", "--port",
                    self.api_url.rsplit(":", 1)[1])  # fmt: skip
        self._spawn("worker", "-m", "celery", "-A", "celery_app", "worker", "-Q",
                    "inbound,outbound,delivery,polling", "-c", str(self.concurrency),
                    "-l", "WARNING",
                    "--without-heartbeat", "--without-gossip", "--without-mingle")  # fmt: skip
        _wait("the sandbox", lambda: httpx.get(f"{self.sandbox_url}/healthz").is_success)
        _wait("the API", lambda: httpx.get(f"{self.api_url}/healthz").is_success)
        return admin, partner

    def _spawn(self, name: str, *args: str, extra: dict[str, str] | None = None) -> None:
        log = (self.data_dir / f"{name}.log").open("wb")
        self.logs.append(log)
        self.processes.append(
            subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env={**self.env, **(extra or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.close()
        self.gw.engine.dispose()


def run(data_dir: Path) -> int:
    print("=" * WIDTH)
    print("Live: the sandbox ERP orders from a supplier; EDI goes out and comes back")
    print("=" * WIDTH)
    stack = LiveStack(data_dir)
    supplier = Supplier("", "", short_shipped=SHORT_SHIPPED, overpriced=OVERPRICED)
    supplier.start()
    try:
        _admin, partner = stack.start(supplier)
        supplier.gateway_url, supplier.api_key = stack.api_url, partner
        print(f"  API {stack.api_url}/docs · sandbox {stack.sandbox_url}/docs · "
              f"supplier {supplier.url}")  # fmt: skip
        # The supplier names items by its own part numbers: the ERP's item master says
        # which of ours they are (what `crossdock items sync` and beat keep current).
        command = [sys.executable, "-m", "gateway.cli.main", "items", "sync"]
        synced = subprocess.run(command, env=stack.env, capture_output=True, text=True, check=True)
        print(f"  ERP {synced.stdout.strip()} copied for matching the supplier's part numbers")
        for order in ORDERS:
            answer = httpx.post(f"{stack.sandbox_url}/erp/purchase-orders", json=order)
            answer.raise_for_status()
            print(f"  ERP created {order['po_number']}: the gateway will send it as an 850")
        _wait("the supplier's documents in the ERP", lambda: _erp_kinds(stack) >= _expected())
        _wait("the 850s acknowledged", lambda: _acknowledged(stack.gw) == len(ORDERS))
        _wait("the expected receipts in the WMS", lambda: _wms_kinds(stack)["expected_receipt"]
              >= len(ORDERS))  # fmt: skip
        _book_receipts(stack, supplier)
        received = _expected() + Counter({"receipt": len(ORDERS), "invoice": 1})
        _wait("the receipts and the matching invoice in the ERP",
              lambda: _erp_kinds(stack) >= received)  # fmt: skip
        _wait("the exceptions", lambda: len(_exceptions(stack.gw)) >= 2)
        _summary(stack, supplier)
    finally:
        supplier.stop()
        stack.stop()
    return 0


def _expected() -> Counter[str]:
    """What the ERP has before the goods arrive: every 855 and 856 (the invoices wait for
    the receipts: no invoice is paid before the goods are in)."""
    return Counter({"po_acknowledgement": len(ORDERS), "ship_notice": len(ORDERS)})


def _erp_kinds(stack: LiveStack) -> Counter[str]:
    stats = httpx.get(f"{stack.sandbox_url}/erp/stats").json()
    return Counter(stats["kinds"])


def _wms_kinds(stack: LiveStack) -> Counter[str]:
    return Counter(httpx.get(f"{stack.sandbox_url}/wms/stats").json()["kinds"])


def _book_receipts(stack: LiveStack, supplier: Supplier) -> None:
    """The dock counts each truck and books what is in it in the WMS, which posts the
    receipt to the gateway (POST /api/v1/wms/receipts)."""
    for asn_number, lines in sorted(supplier.consignments.items()):
        po_number = lines[0][0]
        receipt = {
            "partner_id": "acme-supply", "receipt_id": f"RCV-{asn_number}",
            "asn_number": asn_number, "po_number": po_number,
            "lines": [{"line_number": number, "item": item, "quantity_received": str(quantity),
                       "uom": uom, "condition": "good"}
                      for _, number, item, quantity, uom in lines],
        }  # fmt: skip
        answer = httpx.post(f"{stack.sandbox_url}/wms/receipts", json=receipt,
                            headers={"Idempotency-Key": f"wms-{asn_number}"})  # fmt: skip
        answer.raise_for_status()
        counted = ", ".join(f"{q} {u} of {i}" for _, _, i, q, u in lines)
        print(f"  WMS booked the receipt of {asn_number} ({po_number}): {counted}")


def _exceptions(gw: Gateway) -> list[ExceptionRecord]:
    with gw.unit_of_work() as uow:
        return uow.exceptions.find(ExceptionQuery(limit=100))


def _acknowledged(gw: Gateway) -> int:
    with gw.unit_of_work() as uow:
        sent = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND, limit=1000))
        return sum(
            1
            for message in sent
            for item in uow.messages.transactions_of(message.id)
            if item.transaction_set == "850" and item.state is State.ACKNOWLEDGED
        )


def _summary(stack: LiveStack, supplier: Supplier) -> None:
    print()
    # Sorted: the supplier answers each PO in its own thread, in no fixed order.
    sent = sorted(supplier.sent, key=lambda kind: kind != "997")
    print(f"  The supplier received {', '.join(sorted(supplier.received))} and sent back: "
          f"{', '.join(sent)}")  # fmt: skip
    print()
    print("  Documents in the gateway, by kind and state:")
    with stack.gw.unit_of_work() as uow:
        counts: Counter[tuple[str, str, str]] = Counter()
        for message in uow.messages.find(MessageQuery(limit=1000)):
            for item in uow.messages.transactions_of(message.id):
                counts[(message.direction.value, item.transaction_set, item.state.value)] += 1
    for (direction, kind, state), count in sorted(counts.items()):
        print(f"    {direction:8} {kind:4} {state:13} {count}")
    erp = httpx.get(f"{stack.sandbox_url}/erp/stats").json()
    wms = httpx.get(f"{stack.sandbox_url}/wms/stats").json()
    print()
    print(f"  Sandbox ERP records: {dict(sorted(erp['kinds'].items()))}")
    print(f"  Sandbox WMS records: {dict(sorted(wms['kinds'].items()))}")
    _workflow(stack)
    print()
    print("  Where to look:")
    print(f"    data, logs and the SQLite store: {stack.data_dir}")
    print(f"    CROSSDOCK_DATA_DIR={stack.data_dir} .venv/bin/crossdock messages list")
    print(f"    the exception queue: {stack.api_url}/api/v1/exceptions, a PO's story: "
          f"{stack.api_url}/api/v1/pos/PO-DEMO-1001/timeline, the KPIs: "
          f"{stack.api_url}/api/v1/kpis (with an API key)")  # fmt: skip


def _workflow(stack: LiveStack) -> None:
    """Supplier, warehouse and ERP matched: the invoices' fate and the exceptions."""
    print()
    print("  Supplier, warehouse and ERP matched (SPEC §5):")
    invoices = [r for r in httpx.get(f"{stack.sandbox_url}/erp/records",
                                     params={"kind": "invoice"}).json()["records"]]  # fmt: skip
    for record in invoices:
        payment = (record["body"].get("approval") or {}).get("payment", "?")
        print(f"    invoice {record['business_number']}: in the ERP, payment {payment}")
    with stack.gw.unit_of_work() as uow:
        for order in ORDERS:
            documents = uow.activity.order_documents(str(order["po_number"]), None)
            held = [d for d in documents if d.kind == "invoice" and d.state is State.HELD]
            matches = uow.workflow.matches([d.id for d in held])
            for document in held:
                match = matches.get(document.id)
                print(f"    invoice {document.business_number}: held, "
                      f"{match.summary if match else ''}")  # fmt: skip
    found = sorted(_exceptions(stack.gw), key=lambda e: (e.owner.value, e.subject))
    print()
    print(f"  Exceptions to settle ({len(found)}):")
    for item in found:
        who = f"{item.owner.value}" + (f" ({item.assignee})" if item.assignee else "")
        print(f"    {who:40} {item.kind:18} {item.subject}")
        print(f"      {item.explanation}")
