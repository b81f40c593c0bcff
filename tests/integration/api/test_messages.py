"""Submitting raw EDI, tracking it, reading it back and replaying it (SPEC §1, §6)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.api import create_key
from gateway.bootstrap import Gateway, gateway
from gateway.domain.errors import RetryableError
from gateway.persistence.tables import messages
from gateway.profiles.model import PartnerProfile
from gateway.settings import Settings
from tests.fakes import FixedClock
from tests.integration.api.conftest import (
    ACME,
    ACME_FILE,
    Api,
    client_for,
    x12_from,
    x12_profile,
)


def test_an_x12_file_is_mapped_and_its_bytes_are_kept(api: Api) -> None:
    data = x12_from(control_number=102)  # the fixture has sent the demo file as it is
    response = api.submit("acme", data, **{"X-Request-ID": "erp-batch-42"})
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "mapped"
    assert body["error"] is None
    assert body["partner_id"] == "acme-supply"
    assert body["transport_message_id"] == "erp-batch-42"
    assert body["size"] == len(data)
    raw = api.call("acme", "GET", f"/api/v1/messages/{body['message_id']}/raw")
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.content == data


def test_without_a_request_id_the_transport_id_is_generated(api: Api) -> None:
    first = api.submit("acme", x12_from(control_number=102)).json()
    second = api.submit("acme", x12_from(control_number=102)).json()
    assert first["transport_message_id"] != second["transport_message_id"]
    assert str(uuid.UUID(first["transport_message_id"])) == first["transport_message_id"]
    assert second["state"] == "duplicate"  # the same interchange twice: reported, not mapped


def test_a_message_shows_its_transactions_history_and_on_request_documents(api: Api) -> None:
    url = f"/api/v1/messages/{api.messages['acme-supply']}"
    detail = api.call("operator", "GET", url).json()
    assert detail["sender"] == "ZZ:ACMESUPPLY" and detail["receiver"] == "ZZ:CROSSDOCK"
    assert [item["transaction_set"] for item in detail["transactions"]] == ["855", "856", "810"]
    assert all(item["document"] is None for item in detail["transactions"])
    moves = [(step["from_state"], step["to_state"]) for step in detail["history"]]
    assert moves[0] == (None, "received") and moves[-1][1] == "mapped"
    documents = api.call("operator", "GET", url, params={"documents": "true"}).json()
    kinds = [item["document"]["meta"]["kind"] for item in documents["transactions"]]
    assert kinds == ["po_acknowledgement", "ship_notice", "invoice"]


def test_an_unknown_sender_is_recorded_as_rejected_with_its_bytes(api: Api) -> None:
    data = x12_from("GLOBEX")
    body = api.submit("admin", data).json()
    assert body["state"] == "rejected"
    assert body["error"]["code"] == "partners.unknown_sender"
    assert "ZZ:GLOBEX" in body["error"]["message"]
    raw = api.call("operator", "GET", f"/api/v1/messages/{body['message_id']}/raw")
    assert raw.content == data


def test_replay_after_the_profile_exists_maps_the_stored_bytes(api: Api) -> None:
    message_id = api.submit("admin", x12_from("GLOBEX")).json()["message_id"]
    url = f"/api/v1/messages/{message_id}/replay"
    created = api.call("admin", "POST", "/api/v1/partners", json=x12_profile("globex", "GLOBEX"))
    assert created.status_code == 201
    replayed = api.call("operator", "POST", url, json={"reason": "globex onboarded"})
    assert replayed.status_code == 200
    detail = replayed.json()
    assert detail["state"] == "mapped"
    assert detail["partner_id"] == "globex"
    assert detail["error_code"] is None
    reasons = [step["reason"] for step in detail["history"] if step["to_state"] == "received"]
    assert reasons[-1] == "replay: globex onboarded (key b2b team)"
    again = api.call("operator", "POST", url)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "messages.not_replayable"


def test_replaying_a_missing_message_is_404(api: Api) -> None:
    response = api.call("admin", "POST", "/api/v1/messages/nope/replay")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "messages.not_found"


def test_messages_are_searched_by_filters(api: Api) -> None:
    api.submit("admin", x12_from("GLOBEX"))
    rejected = api.call("operator", "GET", "/api/v1/messages", params={"state": "rejected"})
    assert [item["sender"] for item in rejected.json()["items"]] == ["ZZ:GLOBEX"]
    by_number = api.call("operator", "GET", "/api/v1/messages?business_number=ASN-7781")
    assert [item["id"] for item in by_number.json()["items"]] == [api.messages["acme-supply"]]
    page = api.call("operator", "GET", "/api/v1/messages", params={"limit": 1, "offset": 1})
    assert page.json()["limit"] == 1 and len(page.json()["items"]) == 1


def test_bad_filters_are_refused_naming_each(api: Api) -> None:
    query = "?state=lost&limit=0&colour=red&received_from=2026-11-01T00:00:00"
    response = api.call("operator", "GET", f"/api/v1/messages{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request.invalid"
    fields = {problem["field"] for problem in error["problems"]}
    assert fields == {"state", "limit", "colour", "received_from"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=9223372036854775808", "offset"),  # past the stores' signed 64-bit OFFSET
        ("received_from=0001-01-01T00:00:00%2B01:00", "received_from"),  # before year 1 in UTC
        ("received_until=9999-12-31T23:59:59-01:00", "received_until"),  # after 9999 in UTC
        ("partner_id=acme-supply%00", "partner_id"),  # PostgreSQL text holds no NUL
        ("business_number=%00", "business_number"),
    ],
)
def test_filters_the_store_cannot_take_are_422_not_500(api: Api, query: str, field: str) -> None:
    response = api.call("operator", "GET", f"/api/v1/messages?{query}")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "request.invalid"
    assert [problem["field"] for problem in error["problems"]] == [field]


def test_the_largest_offset_the_store_takes_is_an_empty_page(api: Api) -> None:
    response = api.call("operator", "GET", f"/api/v1/messages?offset={2**63 - 1}")
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("GET", "/raw"), ("POST", "/replay")])
def test_a_nul_in_a_message_id_is_422_not_500(api: Api, method: str, suffix: str) -> None:
    response = api.call("admin", method, f"/api/v1/messages/abc%00{suffix}")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"] == [
        {"field": "message_id", "message": "must not contain NUL (0x00)"}
    ]


def test_a_nul_in_a_replay_reason_is_422(api: Api) -> None:
    url = f"/api/v1/messages/{api.messages['acme-supply']}/replay"
    response = api.call("admin", "POST", url, json={"reason": "fixed\u0000"})
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "reason"


def _chunks(data: bytes) -> Iterator[bytes]:
    yield from (data[start : start + 100] for start in range(0, len(data), 100))


def test_an_oversize_body_is_refused_and_nothing_is_kept(
    wired: Gateway, tmp_path: Path, clock: FixedClock
) -> None:
    data = ACME_FILE.read_bytes()
    settings = Settings(data_dir=tmp_path / "small", max_upload_bytes=len(data) - 1)
    small = gateway(settings, clock=clock, engine=wired.engine, migrate=False)
    with small.unit_of_work() as uow:
        uow.partners.save(PartnerProfile.model_validate(ACME), clock.now())
        uow.commit()
    key = create_key(small, "acme", "partner", "acme-supply")
    headers = {"Authorization": f"Bearer {key.secret}"}
    with client_for(small) as client:
        for content in (data, _chunks(data)):  # with Content-Length, then streamed without
            response = client.post("/api/v1/messages", content=content, headers=headers)
            assert response.status_code == 413
            assert response.json()["error"]["code"] == "payload.too_large"
        assert _inbound_count(small) == 0
        assert [path for path in small.payloads.root.rglob("*") if path.is_file()] == []
        fits = client.post("/api/v1/messages", content=data[:-1], headers=headers)
        assert fits.status_code == 202
        assert _inbound_count(small) == 1


def _inbound_count(gw: Gateway) -> int:
    query = select(func.count()).where(messages.c.direction == "inbound")
    with gw.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_once_the_bytes_are_kept_a_processing_failure_still_answers_202(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raw first (SPEC §1 invariant 1): the sender must not send again what we hold."""

    def broken(message_id: str) -> None:
        raise RetryableError("database went away")

    monkeypatch.setattr(api.gw.intake, "process", broken)
    data = x12_from(control_number=102)
    response = api.submit("acme", data)
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "received"
    assert body["error"] == {"code": "gateway.retryable", "message": "database went away"}
    raw = api.call("acme", "GET", f"/api/v1/messages/{body['message_id']}/raw")
    assert raw.content == data
