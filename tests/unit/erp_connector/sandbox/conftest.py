"""The sandbox app over a SQLite file per test, with a fake gateway behind its events.

The fake gateway is an ``httpx.MockTransport`` injected as the app's event client: it
records every request and answers from a queue (202 when the queue is empty), so a
test scripts outages with plain responses or httpx exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from erp_connector.sandbox import create_sandbox_app

GATEWAY_URL = "http://gateway.test"
API_KEY = "cdk_test_sandbox_key"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class FakeGateway:
    requests: list[httpx.Request] = field(default_factory=list)
    answers: list[httpx.Response | Exception] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            return httpx.Response(202, json={"accepted": True})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sandbox.db'}"


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(db_url: str, gateway: FakeGateway) -> Iterator[MakeClient]:
    """``make_client(**overrides)``: a started client over a fresh app on ``db_url``."""
    with ExitStack() as stack:

        def make(**overrides: Any) -> TestClient:
            options: dict[str, Any] = {
                "database_url": db_url,
                "gateway_url": GATEWAY_URL,
                "gateway_api_key": API_KEY,
                "http_client": httpx.AsyncClient(transport=httpx.MockTransport(gateway.handle)),
                "hang_seconds": 0.05,
                "retry_delays": (0.01, 0.01, 0.01),
            }
            app = create_sandbox_app(**(options | overrides))
            return stack.enter_context(TestClient(app))

        yield make


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


def po_document(po_number: str = "PO-1001", partner: str = "acme") -> dict[str, Any]:
    """A canonical purchase order, as the gateway delivers it."""
    return {
        "meta": {
            "document_id": "0b7f1d0e-0000-4000-8000-000000000001",
            "kind": "purchase_order",
            "direction": "inbound",
            "partner_id": partner,
            "contract_version": "1",
        },
        "body": {
            "po_number": po_number,
            "lines": [{"line_number": "1", "quantity": "12", "uom": "EA"}],
        },
    }


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}
