"""Who may call what: every endpoint × every kind of caller (SPEC §1 invariant 7)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from gateway.api import create_key
from gateway.domain.tracking import Transport
from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionState
from gateway.services.intake import Submission
from gateway.services.wms_events import WmsEvents
from tests.integration.api.conftest import ACME_FILE, CALLERS, Api, x12_profile

Request = tuple[str, str, dict[str, Any]]
_numbers = itertools.count()


def _new_partner(api: Api) -> Request:
    n = next(_numbers)
    return "POST", "/api/v1/partners", {"json": x12_profile(f"new-{n}", f"NEW{n}")}


def _fresh_rejected_message(api: Api) -> Request:
    """A message that replay may restart (each caller needs its own)."""
    record = api.gw.intake.receive(b"not EDI at all", Submission(Transport.API))
    api.gw.intake.process(record.id)
    return "POST", f"/api/v1/messages/{record.id}/replay", {}


def _fresh_key(api: Api) -> Request:
    key = create_key(api.gw, "temporary", "operator")
    return "DELETE", f"/api/v1/keys/{key.record.id}", {}


def _receipt(number: int, **body: str) -> bytes:
    return json.dumps({
        "meta": {"kind": "receipt", "direction": "inbound", "partner_id": "acme-supply",
                 "document_id": f"r-{number}", "idempotency_key": f"r-{number}"},
        "body": {"receipt_id": f"R-{number}", "lines": []} | body,
    }).encode()  # fmt: skip


def _fresh_receipt(api: Api) -> Request:
    return "POST", "/api/v1/wms/receipts", {"content": _receipt(next(_numbers))}


def _fresh_exception(api: Api, move: str, body: dict[str, Any]) -> Request:
    """An open exception of acme's (a receipt that names nothing known), one per caller."""
    events = WmsEvents(api.gw.unit_of_work, api.gw.payloads, api.gw.clock,
                       api.gw.pipeline.workflow)  # fmt: skip
    events.accept(_receipt(next(_numbers)), "receipt")
    with api.gw.unit_of_work() as uow:
        (found,) = uow.exceptions.find(ExceptionQuery(states=(ExceptionState.OPEN,), limit=1))
    return "POST", f"/api/v1/exceptions/{found.id}/{move}", {"json": body}


def _exception_of(partner: str) -> Callable[[Api], Request]:
    """One exception of ``partner`` (its seeded message's documents, matched: the POs were
    never sent, so each is an exception for b2b)."""

    def request(api: Api) -> Request:
        with api.gw.unit_of_work() as uow:
            ids = [t.id for t in uow.messages.transactions_of(api.messages[partner])]
        api.gw.pipeline.workflow.check(ids)
        with api.gw.unit_of_work() as uow:
            found = uow.exceptions.find(ExceptionQuery(partner_id=partner, limit=1))
        return "GET", f"/api/v1/exceptions/{found[0].id}", {}

    return request


def _call(method: str, url: str, **kwargs: Any) -> Callable[[Api], Request]:
    """A request that is the same for every caller (``{partner id}`` → its message id)."""
    return lambda api: (method, url.format(**api.messages), kwargs)


ACME_MESSAGE = "/api/v1/messages/{acme-supply}"
OTHER_MESSAGE = "/api/v1/messages/{nordfrost}"
_replace_acme = _call(
    "PUT",
    "/api/v1/partners/acme-supply",
    json=x12_profile("acme-supply", "ACMESUPPLY") | {"name": "Acme Supply Co"},
)
_submit_acme = _call("POST", "/api/v1/messages", content=ACME_FILE.read_bytes())
_deactivate_other = _call("POST", "/api/v1/partners/nordfrost/deactivate")
_new_key = _call("POST", "/api/v1/keys", json={"name": "ci", "role": "operator"})

# Expected status for each caller, in CALLERS order: admin, operator, acme's partner key,
# no key, a revoked key. acme's key asking for nordfrost's things gets 404, not 403.
# fmt: off
MATRIX: list[tuple[str, str, Callable[[Api], Request]]] = [
    ("healthz",        "200 200 200 200 200", _call("GET", "/healthz")),
    ("create partner", "201 403 403 401 401", _new_partner),
    ("list partners",  "200 200 200 401 401", _call("GET", "/api/v1/partners")),
    ("own profile",    "200 200 200 401 401", _call("GET", "/api/v1/partners/acme-supply")),
    ("other profile",  "200 200 404 401 401", _call("GET", "/api/v1/partners/nordfrost")),
    ("replace",        "200 403 403 401 401", _replace_acme),
    ("deactivate",     "200 403 403 401 401", _deactivate_other),
    ("own gaps",       "200 200 200 401 401", _call("GET", "/api/v1/partners/acme-supply/gaps")),
    ("other gaps",     "200 200 404 401 401", _call("GET", "/api/v1/partners/nordfrost/gaps")),
    ("own certs",      "200 200 200 401 401",
     _call("GET", "/api/v1/partners/acme-supply/certificates")),
    ("other certs",    "200 200 404 401 401",
     _call("GET", "/api/v1/partners/nordfrost/certificates")),
    ("submit",         "202 403 202 401 401", _submit_acme),
    ("list messages",  "200 200 200 401 401", _call("GET", "/api/v1/messages")),
    ("own message",    "200 200 200 401 401", _call("GET", ACME_MESSAGE)),
    ("other message",  "200 200 404 401 401", _call("GET", OTHER_MESSAGE)),
    ("own raw",        "200 200 200 401 401", _call("GET", ACME_MESSAGE + "/raw")),
    ("other raw",      "200 200 404 401 401", _call("GET", OTHER_MESSAGE + "/raw")),
    ("replay",         "200 200 403 401 401", _fresh_rejected_message),
    ("create key",     "201 403 403 401 401", _new_key),
    ("list keys",      "200 403 403 401 401", _call("GET", "/api/v1/keys")),
    ("revoke key",     "204 403 403 401 401", _fresh_key),
    ("wms receipt",    "201 403 403 401 401", _fresh_receipt),
    ("list exceptions", "200 200 200 401 401", _call("GET", "/api/v1/exceptions")),
    ("own exception",  "200 200 200 401 401", _exception_of("acme-supply")),
    ("other exception", "200 200 404 401 401", _exception_of("nordfrost")),
    ("acknowledge",    "200 200 403 401 401",
     lambda api: _fresh_exception(api, "acknowledge", {})),
    ("assign",         "200 200 403 401 401",
     lambda api: _fresh_exception(api, "assign", {"assignee": "dana"})),
    ("resolve",        "200 200 403 401 401",
     lambda api: _fresh_exception(api, "resolve", {"action": "accept", "note": "ok"})),
    ("own timeline",   "200 200 200 401 401", _call("GET", "/api/v1/pos/PO-20261128-01/timeline")),
    ("other timeline", "200 200 404 401 401", _call("GET", "/api/v1/pos/PO-20261128-02/timeline")),
    ("kpis",           "200 200 200 401 401", _call("GET", "/api/v1/kpis")),
]
# fmt: on

_CODES = {401: "auth.unauthenticated", 403: "auth.forbidden"}


@pytest.mark.parametrize(
    ("endpoint", "expected", "request_for"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_each_caller_gets_the_expected_status(
    api: Api, endpoint: str, expected: str, request_for: Callable[[Api], Request]
) -> None:
    got = {}
    for caller in CALLERS:
        method, url, kwargs = request_for(api)
        response = api.call(caller, method, url, **kwargs)
        got[caller] = response.status_code
        if response.status_code in _CODES:
            assert response.json()["error"]["code"] == _CODES[response.status_code]
        if response.status_code == 401:
            assert response.headers["WWW-Authenticate"] == "Bearer"
    assert got == dict(zip(CALLERS, map(int, expected.split()), strict=True)), endpoint


def test_the_key_may_come_in_an_x_api_key_header(api: Api) -> None:
    for caller in ("admin", "acme"):
        headers = api.headers(caller, header="x-api-key")
        assert api.client.get("/api/v1/partners", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer cdk_not_a_key"]
)
def test_malformed_or_unknown_credentials_are_401(api: Api, authorization: str) -> None:
    response = api.client.get("/api/v1/messages", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
