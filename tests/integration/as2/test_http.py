"""Over real HTTP: our sender against a server running our receiver (sync and async MDN),
and ``curl`` posting an ``openssl cms`` message to it (a client that is not httpx)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from as2 import (
    Cipher,
    Digest,
    Mdn,
    MdnMode,
    SendStatus,
    build_mdn,
    build_message,
    check_mdn,
    is_mdn,
    make_client,
    read_mdn,
    receive,
    send,
    send_mdn,
)
from as2.content import Content
from as2.errors import TransportError, TransportTimeout
from as2.mime import parse_entity
from tests.integration.as2.conftest import OpenSsl
from tests.integration.as2.test_openssl_inbound import enveloped_type, signed_by_openssl
from tests.unit.as2 import messages as m
from tests.unit.as2.pki import Pki

PAYLOAD = b"UNA:+.? 'UNB+UNOC:3+PARTNER+CROSSDOCK+261128:0601+1'UNH+1+ORDERS:D:96A:UN'\n"


@dataclass
class Station:
    """A partner's AS2 station on localhost: AS2 messages on /as2, MDNs on /mdn."""

    pki: Pki
    url: str = ""
    mdns: list[tuple[list[tuple[str, str]], bytes]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for every handler: nothing outlives a test


def _post_mdn(mdn: Mdn) -> None:
    with httpx.Client() as client:
        send_mdn(mdn, client=client)


def _handler(station: Station) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # so that Expect: 100-continue is answered

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib name
            pass

        def do_POST(self) -> None:
            time.sleep(station.delay)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = list(self.headers.items())
            station.requests.append(dict(headers))
            if self.path == "/mdn":
                station.mdns.append((headers, body))
                self._answer(200, [], b"")
                station.arrived.set()
                return
            # the station receives as the partner would: its own key, our certificate
            result = receive(
                headers,
                body,
                local=station.pki.partner_local(),
                find_partner=lambda _: station.pki.our_policy(),
            )
            mdn = build_mdn(result)
            if mdn.async_url:
                self._answer(200, [], b"")
                poster = threading.Thread(target=_post_mdn, args=(mdn,))
                station.threads.append(poster)
                poster.start()
            else:
                self._answer(200, list(mdn.headers), mdn.body)

        def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def station(pki: Pki) -> Iterator[Station]:
    station = Station(pki)
    server = _Server(("127.0.0.1", 0), _handler(station))
    station.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield station
    server.shutdown()
    server.server_close()
    for poster in station.threads:
        poster.join(10)
    thread.join(10)


def test_sync_mdn_over_http(pki: Pki, station: Station) -> None:
    policy = pki.policy(url=f"{station.url}/as2", cipher=Cipher.AES256_GCM)
    message = build_message(PAYLOAD, local=pki.local(), partner=policy)
    with make_client() as client:
        result = send(message, policy, client=client)
    assert result.status is SendStatus.DELIVERED
    assert result.receipt is not None and result.receipt.signed
    assert result.receipt.mic == message.mic
    assert station.requests[0]["Message-ID"] == f"<{message.message_id}>"


def test_async_mdn_over_http(pki: Pki, station: Station) -> None:
    policy = pki.policy(
        url=f"{station.url}/as2", mdn_mode=MdnMode.ASYNC, async_mdn_url=f"{station.url}/mdn"
    )
    message = build_message(PAYLOAD, local=pki.local(), partner=policy)
    with make_client() as client:
        result = send(message, policy, client=client)
    assert result.status is SendStatus.AWAITING_MDN and not result.mdn_body
    assert station.arrived.wait(10), "the asynchronous MDN never arrived"
    headers, body = station.mdns[0]
    assert is_mdn(headers, body)
    receipt = read_mdn(headers, body, partner=policy)
    # what the gateway stored at sending time is enough to check it
    check_mdn(receipt, message_id=result.message_id, expected_mic=result.mic, require_signed=True)


def test_timeouts_and_refused_connections_are_retryable(pki: Pki, station: Station) -> None:
    station.delay = 1.0
    policy = pki.policy(url=f"{station.url}/as2")
    message = build_message(PAYLOAD, local=pki.local(), partner=policy)
    with make_client(timeout=httpx.Timeout(0.2)) as client, pytest.raises(TransportTimeout):
        send(message, policy, client=client)
    closed = pki.policy(url="http://127.0.0.1:9/as2")
    with make_client() as client, pytest.raises(TransportError) as caught:
        send(message, closed, client=client)
    assert caught.value.retryable


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_and_openssl_as_the_partner(pki: Pki, openssl: OpenSsl, station: Station) -> None:
    """curl posts an openssl-made message (Expect: 100-continue, Content-Transfer-Encoding
    as an HTTP header) to a station running our receiver; openssl verifies the MDN."""
    part = m.entity(PAYLOAD)
    signed_type, signed_body = signed_by_openssl(openssl, part, Digest.SHA256, signer="ours")
    envelope = openssl.encrypt(
        m.as_entity(signed_type, signed_body), "aes-128-cbc", [("partner", [])]
    )
    body_file = openssl.scratch(envelope)
    headers = m.headers(
        enveloped_type(Cipher.AES128_CBC),
        sender="CROSSDOCK",
        receiver="PARTNER",
        extra=[("Content-Transfer-Encoding", "binary"), ("Expect", "100-continue")],
    )
    args = ["curl", "-sS", "--max-time", "20", "-D", "-", "--data-binary", f"@{body_file}"]
    for name, value in headers:
        args += ["-H", f"{name}: {value}"]
    done = subprocess.run([*args, f"{station.url}/as2"], capture_output=True, check=True)
    response = done.stdout
    if response.startswith(b"HTTP/1.1 100"):
        response = response.split(b"\r\n\r\n", 1)[1]
    head, _, mdn_body = response.partition(b"\r\n\r\n")
    mdn_headers = [
        tuple(part.strip() for part in line.split(":", 1))
        for line in head.decode("latin-1").split("\r\n")[1:]
    ]
    content_type = dict(mdn_headers)["Content-Type"]
    verified = openssl.verify_smime(
        f"Content-Type: {content_type}\r\n\r\n".encode() + mdn_body, signer="partner"
    )
    assert verified.returncode == 0, verified.stderr
    report = parse_entity(Content.of(verified.stdout))
    assert b"; processed\r\n" in report.body.tobytes()
    import base64
    import hashlib

    mic = base64.b64encode(hashlib.sha256(part).digest())
    assert b"Received-Content-MIC: " + mic + b", sha-256" in report.body.tobytes()
