"""An API over the real store (SQLite and PostgreSQL, via ``wired``), with two partners,
a key for every kind of caller, and one processed message per partner."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from gateway.api import create_app, create_key
from gateway.bootstrap import Gateway
from gateway.domain.tracking import Transport
from gateway.profiles.model import PartnerProfile
from gateway.services.intake import Submission

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from httpx import Response

ROOT = Path(__file__).resolve().parents[3]
ACME_FILE = ROOT / "demo" / "inbound" / "acme_supply_day1.x12"
NORDFROST_FILE = ROOT / "demo" / "inbound" / "nordfrost_desadv_d96a.edi"

ACME: dict[str, Any] = {
    "id": "acme-supply",
    "name": "Acme Supply",
    "standard": "x12",
    "version": "004010",
    "interchange": {
        "partner": {"qualifier": "ZZ", "id": "ACMESUPPLY"},
        "ours": {"qualifier": "ZZ", "id": "CROSSDOCK"},
    },
    "group": {"partner": "ACMESUPPLY", "ours": "CROSSDOCK"},
}
NORDFROST: dict[str, Any] = {
    "id": "nordfrost",
    "name": "Nordfrost GmbH",
    "standard": "edifact",
    "version": "D96A",
    "interchange": {
        "partner": {"qualifier": "14", "id": "4012345000009"},
        "ours": {"qualifier": "14", "id": "5412345000013"},
    },
}
# Who calls: a key per role, one revoked key, and nobody.
CALLERS = ("admin", "operator", "acme", "none", "revoked")


def x12_profile(partner_id: str, sender: str) -> dict[str, Any]:
    """ACME's profile for another X12 sender id (the demo file rewritten by ``x12_from``)."""
    return ACME | {
        "id": partner_id,
        "name": partner_id.title(),
        "interchange": ACME["interchange"] | {"partner": {"qualifier": "ZZ", "id": sender}},
        "group": {"partner": sender, "ours": "CROSSDOCK"},
    }


def x12_from(sender: str = "ACMESUPPLY", control_number: int = 101) -> bytes:
    """The ACME demo interchange as if ``sender`` (≤ 15 characters) had sent it, under
    another interchange control number (the same one twice is a duplicate)."""
    text = ACME_FILE.read_bytes().replace(b"000000101", b"%09d" % control_number)
    text = text.replace(b"ACMESUPPLY     ", sender.encode().ljust(15))
    return text.replace(b"*ACMESUPPLY*", f"*{sender}*".encode())


def _test_client_class() -> type[TestClient]:
    from fastapi.testclient import TestClient

    return TestClient


@dataclass
class Api:
    """The test client plus what the fixture set up, and a call-as-someone helper."""

    client: TestClient
    gw: Gateway
    keys: dict[str, str]
    messages: dict[str, str] = field(default_factory=dict)  # partner id → a message id

    def headers(self, caller: str, *, header: str = "bearer") -> dict[str, str]:
        if caller == "none":
            return {}
        if header == "x-api-key":
            return {"X-API-Key": self.keys[caller]}
        return {"Authorization": f"Bearer {self.keys[caller]}"}

    def call(self, caller: str, method: str, url: str, **kwargs: Any) -> Response:
        headers = self.headers(caller) | kwargs.pop("headers", {})
        response: Response = self.client.request(method, url, headers=headers, **kwargs)
        return response

    def submit(self, caller: str, data: bytes, **headers: str) -> Response:
        return self.call(caller, "POST", "/api/v1/messages", content=data, headers=headers)


def seed(gw: Gateway) -> tuple[dict[str, str], dict[str, str]]:
    """Partners, keys and one processed message per partner, straight through the core."""
    now = gw.clock.now()
    with gw.unit_of_work() as uow:
        for profile in (ACME, NORDFROST):
            uow.partners.save(PartnerProfile.model_validate(profile), now)
        uow.commit()
    keys = {
        "admin": create_key(gw, "root", "admin").secret,
        "operator": create_key(gw, "b2b team", "operator").secret,
        "acme": create_key(gw, "acme edi", "partner", "acme-supply").secret,
        "nordfrost": create_key(gw, "nordfrost edi", "partner", "nordfrost").secret,
    }
    revoked = create_key(gw, "old", "operator")
    with gw.unit_of_work() as uow:
        uow.api_keys.revoke(revoked.record.id, now)
        uow.commit()
    keys["revoked"] = revoked.secret
    messages = {}
    for partner_id, path in (("acme-supply", ACME_FILE), ("nordfrost", NORDFROST_FILE)):
        record = gw.intake.receive(path.read_bytes(), Submission(Transport.API, None, partner_id))
        messages[partner_id] = gw.intake.process(record.id).message.id
    return keys, messages


def client_for(gw: Gateway | None) -> TestClient:
    """A test client for ``create_app(gw)``; enter it to run the app's lifespan."""
    return _test_client_class()(create_app(gw))


@pytest.fixture
def api(wired: Gateway) -> Iterator[Api]:
    keys, messages = seed(wired)
    with client_for(wired) as client:
        yield Api(client, wired, keys, messages)
