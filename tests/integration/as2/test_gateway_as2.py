"""AS2 through the gateway: ``POST /as2`` stores the request first, takes the payload
into the pipeline and answers with a signed MDN; a resent Message-ID gets the original
MDN back; refusals are kept and answered with the right disposition; our 997 goes back
over AS2 with its MDN verified (a negative one fails it)."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from as2 import Cipher, Digest, MdnMode, build_mdn, build_message, check_mdn, read_mdn, receive
from as2.mdn import Disposition
from gateway.api import create_app
from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Direction, MessageQuery, State, Transport
from gateway.ports import Dispatcher
from gateway.settings import Settings
from gateway.tasks.app import make_celery
from gateway.tasks.dispatch import CeleryDispatcher
from gateway.transports.as2 import As2Outbound, Station
from tests.conftest import ROOT
from tests.fakes import FakeConnector
from tests.partner_profiles import acme
from tests.unit.as2.pki import Pki, write_pem

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()
PARTNER_URL = "https://as2.acme.example/as2"


def _pem(pki: Pki) -> str:
    return pki.partner.certificate.x509.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def gw(tmp_path: Path, pki: Pki) -> Iterator[Gateway]:
    wired = _gateway(tmp_path, pki)
    yield wired
    wired.engine.dispose()


def _gateway(tmp_path: Path, pki: Pki, dispatcher: Dispatcher | None = None) -> Gateway:
    key, certificate = write_pem(pki.ours, tmp_path, "ours")
    settings = Settings(
        data_dir=tmp_path / "data", as2_key=key, as2_certificate=certificate, as2_id="CROSSDOCK"
    )
    wired = gateway(settings, connectors={"erp": FakeConnector("erp")}, dispatcher=dispatcher)
    profile = acme(
        transports={
            "as2": {"as2_id": "ACMEAS2", "url": PARTNER_URL, "partner_certificate": _pem(pki)},
            "outbound": "as2",
        }
    )
    with wired.unit_of_work() as uow:
        uow.partners.save(profile, wired.clock.now())
        uow.commit()
    return wired


def _partner_answers(pki: Pki, disposition: Disposition | None = None) -> httpx.MockTransport:
    """The partner's AS2 server: our own receiver, as the partner, answering a sync MDN."""

    def answer(request: httpx.Request) -> httpx.Response:
        result = receive(
            list(request.headers.multi_items()),
            request.read(),
            local=pki.partner_local("ACMEAS2"),
            find_partner=lambda as2_id: pki.our_policy("CROSSDOCK"),
        )
        mdn = build_mdn(result, disposition=disposition)
        return httpx.Response(200, headers=list(mdn.headers), content=mdn.body)

    return httpx.MockTransport(answer)


def _use_partner(gw: Gateway, pki: Pki, disposition: Disposition | None = None) -> None:
    station = Station(gw.settings, gw.unit_of_work)
    client = httpx.Client(transport=_partner_answers(pki, disposition))
    gw.outbound._transports["as2"] = As2Outbound(station, client)  # type: ignore[index]


def _message(pki: Pki, **policy: Any) -> Any:
    return build_message(
        DAY1,
        local=pki.partner_local("ACMEAS2"),
        partner=pki.our_policy("CROSSDOCK", **policy),
        message_id="day1-0001@acme.example",
    )


def _post(client: TestClient, message: Any) -> httpx.Response:
    return client.post("/as2", content=message.body.tobytes(), headers=list(message.headers))


def _inbound(gw: Gateway) -> list[Any]:
    with gw.unit_of_work() as uow:
        return uow.messages.find(MessageQuery(direction=Direction.INBOUND))


def test_a_signed_encrypted_message_is_processed_and_answered_with_a_signed_mdn(
    gw: Gateway, pki: Pki
) -> None:
    _use_partner(gw, pki)
    message = _message(pki)
    with TestClient(create_app(gw)) as client:
        answer = _post(client, message)
    assert answer.status_code == 200
    receipt = read_mdn(
        list(answer.headers.multi_items()), answer.content, partner=pki.our_policy("CROSSDOCK")
    )
    check_mdn(receipt, message_id=message.message_id, expected_mic=message.mic, require_signed=True)
    assert receipt.signed and str(receipt.disposition).endswith("processed")
    [stored] = _inbound(gw)
    assert stored.transport is Transport.AS2 and stored.partner_id == "acme-supply"
    assert stored.transport_message_id == "day1-0001@acme.example"
    assert gw.payloads.get(stored.raw_sha256) == DAY1  # the payload, unwrapped
    assert stored.state is State.DELIVERED
    with gw.unit_of_work() as uow:
        first = uow.messages.history(stored.id)[0].reason or ""
        replies = uow.messages.find(MessageQuery(in_reply_to=stored.id))
    assert "signed sha-256" in first and "encrypted aes256-cbc" in first
    request_sha = first.split("request ")[1].split(",")[0]
    assert gw.payloads.get(request_sha).endswith(message.body.tobytes())  # request kept raw
    kinds = {m.document_type: m.state for m in replies}
    # the MDN we answered, and the TA1/997 sent back over AS2 with their MDNs verified
    assert kinds["MDN"] is State.SENT and kinds["997"] is State.SENT


def test_a_resent_message_id_gets_the_original_mdn_and_is_not_processed_again(
    gw: Gateway, pki: Pki
) -> None:
    _use_partner(gw, pki)
    message = _message(pki)
    with TestClient(create_app(gw)) as client:
        first = _post(client, message)
        again = _post(client, message)
    assert again.status_code == 200 and again.content == first.content
    assert len(_inbound(gw)) == 1


def test_a_message_kept_while_the_broker_is_down_gets_its_mdn_and_waits_for_the_sweeper(
    tmp_path: Path, pki: Pki
) -> None:
    """Raw first: once kept and recorded, the partner is told "processed" whether or not
    the broker took the task, rather than an error that makes it send again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = int(probe.getsockname()[1])
    app = make_celery(Settings(data_dir=tmp_path, broker_url=f"redis://127.0.0.1:{closed}/0"))
    down = _gateway(tmp_path, pki, CeleryDispatcher(app))
    message = _message(pki)
    with TestClient(create_app(down)) as client:
        first, again = _post(client, message), _post(client, message)
    down.engine.dispose()
    for answer in (first, again):
        assert answer.status_code == 200
        receipt = read_mdn(
            list(answer.headers.multi_items()), answer.content, partner=pki.our_policy("CROSSDOCK")
        )
        check_mdn(
            receipt, message_id=message.message_id, expected_mic=message.mic, require_signed=True
        )
        assert not receipt.disposition.is_error
    assert again.content == first.content  # the resend gets the MDN kept the first time
    [stored] = _inbound(down)  # one message, left for the sweeper to queue
    assert stored.state is State.RECEIVED


@pytest.mark.parametrize(
    ("policy", "modifier"),
    [
        ({"sign": False}, "insufficient-message-security"),
        ({"encrypt": False}, "insufficient-message-security"),
    ],
)
def test_a_message_below_the_partners_security_is_refused_and_kept(
    gw: Gateway, pki: Pki, policy: dict[str, Any], modifier: str
) -> None:
    message = _message(pki, **policy)
    with TestClient(create_app(gw)) as client:
        answer = _post(client, message)
    receipt = read_mdn(
        list(answer.headers.multi_items()), answer.content, partner=pki.our_policy("CROSSDOCK")
    )
    assert modifier in str(receipt.disposition)
    [kept] = _inbound(gw)
    assert kept.state is State.REJECTED and kept.error_code == "as2.insufficient-message-security"
    assert gw.payloads.get(kept.raw_sha256).endswith(message.body.tobytes())


def test_an_unknown_as2_id_is_refused_with_authentication_failed(gw: Gateway, pki: Pki) -> None:
    message = build_message(
        DAY1, local=pki.partner_local("NOBODY"), partner=pki.our_policy("CROSSDOCK")
    )
    with TestClient(create_app(gw)) as client:
        answer = _post(client, message)
    assert answer.status_code == 200
    assert b"authentication-failed" in answer.content
    [kept] = _inbound(gw)
    assert kept.state is State.REJECTED and kept.partner_id is None


def test_a_negative_mdn_for_our_997_fails_it_with_the_reason(gw: Gateway, pki: Pki) -> None:
    _use_partner(gw, pki, Disposition.parse("automatic-action/MDN-sent-automatically; "
                                            "processed/error: decryption-failed"))  # fmt: skip
    with TestClient(create_app(gw)) as client:
        assert _post(client, _message(pki)).status_code == 200
    with gw.unit_of_work() as uow:
        sent = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
        failed = [m for m in sent if m.document_type == "997"]
        alerts = uow.deliveries.open_alerts("acme-supply")
    assert [m.state for m in failed] == [State.FAILED]
    assert "decryption-failed" in (failed[0].error_message or "") or any(
        "decryption-failed" in a.text for a in alerts
    )


def test_without_our_key_the_endpoint_says_503(tmp_path: Path) -> None:
    wired = gateway(Settings(data_dir=tmp_path / "data"), connectors={})
    with TestClient(create_app(wired)) as client:
        answer = client.post("/as2", content=b"x", headers={"AS2-From": "A", "AS2-To": "B"})
    assert answer.status_code == 503


def test_an_async_mdn_goes_only_to_the_partners_own_host(gw: Gateway, pki: Pki) -> None:
    _use_partner(gw, pki)
    message = _message(pki, mdn_mode=MdnMode.ASYNC, async_mdn_url="http://169.254.169.254/steal")
    with TestClient(create_app(gw)) as client:
        answer = _post(client, message)  # background tasks run before this returns
    assert answer.status_code == 200 and answer.content == b""
    [stored] = _inbound(gw)
    with gw.unit_of_work() as uow:
        [mdn] = [
            m for m in uow.messages.find(MessageQuery(in_reply_to=stored.id))
            if m.document_type == "MDN"
        ]  # fmt: skip
        reason = uow.messages.history(mdn.id)[-1].reason or ""
    assert mdn.state is State.FAILED and "is not the partner's" in reason


def test_an_async_mdn_for_our_997_is_checked_against_the_mic_we_sent(gw: Gateway, pki: Pki) -> None:
    with gw.unit_of_work() as uow:  # the partner answers our messages asynchronously
        stored = uow.partners.get("acme-supply")
        assert stored is not None
        as2 = stored.profile.transports.as2.model_copy(  # type: ignore[union-attr]
            update={"mdn_mode": "async", "mdn_url": "https://gateway.example/as2"}
        )
        transports = stored.profile.transports.model_copy(update={"as2": as2})
        uow.partners.save(
            stored.profile.model_copy(update={"transports": transports}), gw.clock.now()
        )
        uow.commit()
    captured: list[httpx.Request] = []

    def accept(request: httpx.Request) -> httpx.Response:
        request.read()
        captured.append(request)
        return httpx.Response(200)

    station = Station(gw.settings, gw.unit_of_work)
    gw.outbound._transports["as2"] = As2Outbound(  # type: ignore[index]
        station, httpx.Client(transport=httpx.MockTransport(accept))
    )
    with TestClient(create_app(gw)) as client:
        assert _post(client, _message(pki)).status_code == 200
        with gw.unit_of_work() as uow:
            [ack] = [
                m for m in uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
                if m.document_type == "997"
            ]  # fmt: skip
        [ours] = [r for r in captured if ack.id in r.headers["message-id"]]
        result = receive(
            list(ours.headers.multi_items()), ours.content,
            local=pki.partner_local("ACMEAS2"), find_partner=lambda _: pki.our_policy("CROSSDOCK"),
        )  # fmt: skip
        mdn = build_mdn(result)
        assert mdn.async_url == "https://gateway.example/as2"
        assert client.post("/as2", content=mdn.body, headers=list(mdn.headers)).status_code == 200
        with gw.unit_of_work() as uow:
            ack = uow.messages.get(ack.id)  # type: ignore[assignment]
        assert (
            ack is not None and ack.state is State.SENT
        )  # a good MDN: sent stays sent, the 997 reply settles it
        negative = (
            "automatic-action/MDN-sent-automatically; processed/error: integrity-check-failed"
        )
        forged = build_mdn(result, disposition=Disposition.parse(negative))
        assert (
            client.post("/as2", content=forged.body, headers=list(forged.headers)).status_code
            == 200
        )
    with gw.unit_of_work() as uow:
        again = uow.messages.get(ack.id)
    assert again is not None and again.state is State.FAILED


def test_a_message_built_by_openssl_cms_goes_through_the_gateway(
    gw: Gateway, pki: Pki, openssl: Any
) -> None:
    from tests.integration.as2.test_openssl_inbound import enveloped_type, signed_by_openssl
    from tests.unit.as2 import messages as m

    part = m.entity(DAY1)  # binary, bare of any canonicalisation: hashed as sent
    signed_type, signed_body = signed_by_openssl(openssl, part, Digest.SHA384)
    envelope = openssl.encrypt(m.as_entity(signed_type, signed_body), "aes-128-gcm", [("ours", [])])
    options = (
        "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha384"
    )
    headers = m.headers(enveloped_type(Cipher.AES128_GCM), sender="ACMEAS2", options=options)
    _use_partner(gw, pki)
    with TestClient(create_app(gw)) as client:
        answer = client.post("/as2", content=envelope, headers=headers)
    receipt = read_mdn(
        list(answer.headers.multi_items()), answer.content, partner=pki.our_policy("CROSSDOCK")
    )
    assert str(receipt.disposition).endswith("processed")
    assert receipt.mic is not None and receipt.mic.value == hashlib.sha384(part).digest()
    [stored] = _inbound(gw)
    assert gw.payloads.get(stored.raw_sha256) == DAY1 and stored.state is State.DELIVERED


def test_certificate_expiry_is_surfaced_with_a_warning_before_it_comes(
    gw: Gateway, pki: Pki
) -> None:
    from gateway.api import create_key

    soon = pki.expired.certificate.x509.public_bytes(serialization.Encoding.PEM).decode()
    with gw.unit_of_work() as uow:
        stored = uow.partners.get("acme-supply")
        assert stored is not None and stored.profile.transports.as2 is not None
        as2 = stored.profile.transports.as2.model_copy(update={"next_certificate": soon})
        transports = stored.profile.transports.model_copy(update={"as2": as2})
        uow.partners.save(
            stored.profile.model_copy(update={"transports": transports}), gw.clock.now()
        )
        uow.commit()
    key = create_key(gw, "ops", "operator").secret
    with TestClient(create_app(gw)) as client:
        answer = client.get("/api/v1/partners/acme-supply/certificates", headers={"X-API-Key": key})
    assert answer.status_code == 200
    current, expired = answer.json()["certificates"]
    assert current["role"] == "partner_certificate" and current["state"] == "valid"
    assert current["warning"] is None and current["days_left"] > 300
    assert expired["role"] == "next_certificate" and expired["state"] == "expired"
    assert "expired" in expired["warning"]


def test_a_valid_signature_from_another_partners_certificate_is_refused(
    gw: Gateway, pki: Pki
) -> None:
    from as2 import LocalIdentity

    impostor = LocalIdentity("ACMEAS2", (pki.stranger,))  # claims to be Acme, signs as nobody
    message = build_message(DAY1, local=impostor, partner=pki.our_policy("CROSSDOCK"))
    with TestClient(create_app(gw)) as client:
        answer = _post(client, message)
    assert b"authentication-failed" in answer.content
    [kept] = _inbound(gw)
    assert kept.state is State.REJECTED and kept.error_code == "as2.authentication-failed"


def test_header_values_cannot_inject_headers_into_our_mdn(gw: Gateway, pki: Pki) -> None:
    message = _message(pki)
    headers = [
        (name, "<evil@x>\rX-Injected: yes" if name.lower() == "message-id" else value)
        for name, value in message.headers
    ]
    answer = gw.as2.handle(headers, message.body.tobytes())
    assert all("\r" not in value and "\n" not in value for _, value in answer.headers)
    assert not any(name.lower() == "x-injected" for name, _ in answer.headers)
    assert b"\r\nX-Injected" not in answer.body
