"""Hand-made AS2 requests for receiver tests: what a peer would send, layer by layer,
built from the CMS primitives rather than from ``as2.outbound`` (so the receiver is not
only tested against our own builder)."""

from __future__ import annotations

import base64

from as2 import Cipher, Content, Digest, KeyPair, KeyTransport, SignatureScheme
from as2.cms_compress import compress
from as2.cms_encrypt import encrypt
from as2.cms_sign import sign_detached
from as2.identities import Certificate

BOUNDARY = "----=_Part_test_0001"


def headers(
    content_type: str,
    *,
    sender: str = "PARTNER",
    receiver: str = "CROSSDOCK",
    message_id: str = "<msg-1@partner.example>",
    options: str | None = "signed-receipt-protocol=optional, pkcs7-signature; "
    "signed-receipt-micalg=optional, sha-256, sha1",
    extra: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    fields = [
        ("AS2-Version", "1.2"),
        ("AS2-From", sender),
        ("AS2-To", receiver),
        ("Message-ID", message_id),
        ("Subject", "test"),
        ("Content-Type", content_type),
        ("Disposition-Notification-To", "edi@partner.example"),
    ]
    if options is not None:
        fields.append(("Disposition-Notification-Options", options))
    return fields + (extra or [])


def entity(payload: bytes, content_type: str = "application/edi-x12", cte: str = "binary") -> bytes:
    body = base64.encodebytes(payload).replace(b"\n", b"\r\n") if cte == "base64" else payload
    return (
        f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: {cte}\r\n"
        'Content-Disposition: attachment; filename="order.edi"\r\n\r\n'
    ).encode() + body


def signed(
    part: bytes,
    key: KeyPair,
    digest: Digest = Digest.SHA256,
    scheme: SignatureScheme = SignatureScheme.RSA_PKCS1V15,
) -> tuple[str, bytes]:
    """(Content-Type, body) of a multipart/signed over ``part`` exactly."""
    signature = sign_detached(Content.of(part), key, digest, scheme)
    content_type = (
        f'multipart/signed; protocol="application/pkcs7-signature"; '
        f'micalg={digest.value}; boundary="{BOUNDARY}"'
    )
    body = (
        f"--{BOUNDARY}\r\n".encode()
        + part
        + f"\r\n--{BOUNDARY}\r\n".encode()
        + b"Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(signature).replace(b"\n", b"\r\n")
        + f"--{BOUNDARY}--\r\n".encode()
    )
    return content_type, body


def as_entity(content_type: str, body: bytes) -> bytes:
    return f"Content-Type: {content_type}\r\n\r\n".encode() + body


def encrypted(
    inner: bytes,
    certificate: Certificate,
    cipher: Cipher = Cipher.AES256_CBC,
    transport: KeyTransport = KeyTransport.RSA_PKCS1V15,
) -> tuple[str, bytes]:
    smime = "authEnveloped-data" if cipher.is_aead else "enveloped-data"
    body = encrypt(Content.of(inner), certificate, cipher, transport).tobytes()
    return f"application/pkcs7-mime; smime-type={smime}; name=smime.p7m", body


def compressed(inner: bytes) -> tuple[str, bytes]:
    return (
        "application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z",
        compress(Content.of(inner)).tobytes(),
    )
