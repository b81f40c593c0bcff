from __future__ import annotations

import base64
import hashlib

import pytest

from as2 import Cipher, Content, Digest, PartnerPolicy, read_request, receive
from as2.errors import (
    AuthenticationFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MalformedMessage,
    UnknownPartner,
    UnknownRecipient,
)
from tests.unit.as2 import messages as m
from tests.unit.as2.pki import Pki

PAYLOAD = b"ISA*00*          *00*          *ZZ*PARTNER~\nGS*PO*1~\nST*850*0001~\n"  # bare LFs


def _receive(pki: Pki, headers: list[tuple[str, str]], body: bytes, policy: PartnerPolicy):
    return receive(
        headers,
        body,
        local=[pki.local()],
        find_partner=lambda as2_id: policy if as2_id == policy.as2_id else None,
    )


def test_signed_and_encrypted(pki: Pki) -> None:
    part = m.entity(PAYLOAD)
    signed_type, signed_body = m.signed(part, pki.partner, Digest.SHA384)
    content_type, body = m.encrypted(m.as_entity(signed_type, signed_body), pki.ours.certificate)
    result = _receive(pki, m.headers(content_type), body, pki.policy())
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD
    assert result.payload.filename == "order.edi"
    assert result.payload.media_type == "application/edi-x12"
    assert (result.signed, result.encrypted, result.compressed) == (True, True, False)
    assert result.digest is Digest.SHA384
    assert result.cipher is Cipher.AES256_CBC
    # MIC: sha-256 (first requested micalg) over the signed part exactly as sent
    assert result.mic is not None and result.mic.digest is Digest.SHA256
    assert result.mic.value == hashlib.sha256(part).digest()


def test_base64_part_is_hashed_as_transferred(pki: Pki) -> None:
    part = m.entity(PAYLOAD, cte="base64")
    content_type, body = m.signed(part, pki.partner)
    policy = pki.policy(require_encryption=False)
    result = _receive(pki, m.headers(content_type), body, policy)
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD
    assert result.mic is not None and result.mic.value == hashlib.sha256(part).digest()


def test_first_supported_micalg_in_the_senders_order(pki: Pki) -> None:
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner, Digest.SHA256)
    options = (
        "signed-receipt-protocol=required, pkcs7-signature; "
        "signed-receipt-micalg=required, md5, SHA1, sha-512"
    )
    result = _receive(
        pki, m.headers(content_type, options=options), body, pki.policy(require_encryption=False)
    )
    assert result.mic is not None and result.mic.digest is Digest.SHA1
    assert result.request.mdn is not None
    assert result.request.mdn.micalgs == ("md5", "SHA1", "sha-512")
    assert result.request.mdn.signed_required


def test_encrypted_unsigned_mic_covers_the_decrypted_entity(pki: Pki) -> None:
    inner = m.entity(PAYLOAD)
    content_type, body = m.encrypted(inner, pki.ours.certificate, Cipher.AES128_GCM)
    result = _receive(pki, m.headers(content_type), body, pki.policy(require_signature=False))
    assert result.ok, result.error
    assert result.mic is not None and result.mic.value == hashlib.sha256(inner).digest()


def test_plain_mic_covers_the_body_without_headers(pki: Pki) -> None:
    policy = pki.policy(require_signature=False, require_encryption=False)
    result = _receive(pki, m.headers("application/edi-x12"), PAYLOAD, policy)
    assert result.ok and result.payload is not None
    assert result.payload.tobytes() == PAYLOAD
    assert result.mic is not None and result.mic.value == hashlib.sha256(PAYLOAD).digest()


@pytest.mark.parametrize("order", ["compress-then-sign", "sign-then-compress"])
def test_compression_before_and_after_signing(pki: Pki, order: str) -> None:
    part = m.entity(PAYLOAD * 50)
    if order == "compress-then-sign":
        compressed_type, compressed_body = m.compressed(part)
        signed_part = m.as_entity(compressed_type, compressed_body)
        signed_type, signed_body = m.signed(signed_part, pki.partner)
        inner = m.as_entity(signed_type, signed_body)
    else:
        signed_part = part
        signed_type, signed_body = m.signed(part, pki.partner)
        compressed_type, compressed_body = m.compressed(m.as_entity(signed_type, signed_body))
        inner = m.as_entity(compressed_type, compressed_body)
    content_type, body = m.encrypted(inner, pki.ours.certificate)
    result = _receive(pki, m.headers(content_type), body, pki.policy())
    assert result.ok, result.error
    assert result.compressed and result.signed and result.encrypted
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD * 50
    assert result.mic is not None and result.mic.value == hashlib.sha256(signed_part).digest()


def test_content_transfer_encoding_as_an_http_header(pki: Pki) -> None:
    content_type, body = m.encrypted(m.entity(PAYLOAD), pki.ours.certificate)
    headers = m.headers(content_type, extra=[("Content-Transfer-Encoding", "base64")])
    encoded = base64.encodebytes(body)
    result = _receive(pki, headers, encoded, pki.policy(require_signature=False))
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD


def test_folded_and_byte_headers(pki: Pki) -> None:
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner)
    folded = content_type.replace("; micalg", ";\r\n\tmicalg")
    headers = [(k.encode(), v.encode()) for k, v in m.headers(folded)]
    result = receive(
        headers,
        body,
        local=pki.local(),
        find_partner=lambda _: pki.policy(require_encryption=False),
    )
    assert result.ok, result.error


def test_unsigned_when_signing_is_required(pki: Pki) -> None:
    content_type, body = m.encrypted(m.entity(PAYLOAD), pki.ours.certificate)
    result = _receive(pki, m.headers(content_type), body, pki.policy())
    assert isinstance(result.error, InsufficientMessageSecurity)
    assert result.error.disposition_modifier == "insufficient-message-security"
    assert result.payload is None


def test_unencrypted_when_encryption_is_required(pki: Pki) -> None:
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner)
    result = _receive(pki, m.headers(content_type), body, pki.policy())
    assert isinstance(result.error, InsufficientMessageSecurity)


def test_cipher_the_partner_may_not_use(pki: Pki) -> None:
    content_type, body = m.encrypted(m.entity(PAYLOAD), pki.ours.certificate, Cipher.TRIPLE_DES)
    policy = pki.policy(require_signature=False, accepted_ciphers=frozenset({Cipher.AES256_CBC}))
    result = _receive(pki, m.headers(content_type), body, policy)
    assert isinstance(result.error, InsufficientMessageSecurity)


def test_wrong_partner_certificate(pki: Pki) -> None:
    content_type, body = m.signed(m.entity(PAYLOAD), pki.stranger)
    result = _receive(pki, m.headers(content_type), body, pki.policy(require_encryption=False))
    assert isinstance(result.error, AuthenticationFailed)
    assert result.error.disposition_modifier == "authentication-failed"


def test_tampered_body(pki: Pki) -> None:
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner)
    tampered = body.replace(b"ST*850", b"ST*855")
    result = _receive(pki, m.headers(content_type), tampered, pki.policy(require_encryption=False))
    assert isinstance(result.error, IntegrityCheckFailed)


def test_encrypted_for_someone_else(pki: Pki) -> None:
    content_type, body = m.encrypted(m.entity(PAYLOAD), pki.stranger.certificate)
    result = _receive(pki, m.headers(content_type), body, pki.policy(require_signature=False))
    assert isinstance(result.error, DecryptionFailed)


def test_rotation_old_key_still_decrypts(pki: Pki) -> None:
    content_type, body = m.encrypted(m.entity(PAYLOAD), pki.ours_old.certificate)
    result = _receive(pki, m.headers(content_type), body, pki.policy(require_signature=False))
    assert result.ok, result.error


def test_unknown_partner_and_recipient(pki: Pki) -> None:
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner)
    unknown = _receive(pki, m.headers(content_type, sender="NOBODY"), body, pki.policy())
    assert isinstance(unknown.error, UnknownPartner) and unknown.partner is None
    not_us = _receive(pki, m.headers(content_type, receiver="SOMEONE"), body, pki.policy())
    assert isinstance(not_us.error, UnknownRecipient)


def test_missing_headers_are_malformed(pki: Pki) -> None:
    fields = [f for f in m.headers("application/edi-x12") if f[0] != "Message-ID"]
    result = _receive(pki, fields, PAYLOAD, pki.policy())
    assert isinstance(result.error, MalformedMessage)


def test_read_request_cleans_what_it_echoes() -> None:
    info = read_request(
        {
            "Message-ID": "<abc@x>\r\nBcc: evil",
            "AS2-From": '"Partner Inc"',
            "AS2-To": "CROSSDOCK",
            "Disposition-Notification-To": "x",
            "Receipt-Delivery-Option": "https://partner.example/mdn, mailto:x@y",
        }
    )
    assert "\n" not in info.message_id and "\r" not in info.message_id
    assert info.as2_from == "Partner Inc"
    assert info.mdn is not None and info.mdn.async_url == "https://partner.example/mdn"
    assert info.mdn.digest is None and not info.mdn.signed


def test_certificate_expiry_is_surfaced(pki: Pki) -> None:
    policy = pki.policy(
        certificates=(pki.partner.certificate, pki.expired.certificate),
        require_encryption=False,
    )
    content_type, body = m.signed(m.entity(PAYLOAD), pki.partner)
    result = _receive(pki, m.headers(content_type), body, policy)
    assert result.ok
    assert any("expired" in w for w in result.warnings)
    assert [s.state.value for s in policy.certificate_statuses()] == ["valid", "expired"]


def test_large_message_is_spooled_to_disk(pki: Pki, tmp_path) -> None:
    from as2 import SpoolOptions

    payload = bytes(range(256)) * 8192  # 2 MB
    part = m.entity(payload)
    signed_type, signed_body = m.signed(part, pki.partner)
    content_type, body = m.encrypted(m.as_entity(signed_type, signed_body), pki.ours.certificate)
    result = receive(
        m.headers(content_type),
        Content.of(body),
        local=pki.local(),
        find_partner=lambda _: pki.policy(),
        spool=SpoolOptions(threshold=1 << 20, directory=str(tmp_path)),
    )
    assert result.ok, result.error
    assert result.payload is not None and not result.payload.content.in_memory
    assert result.payload.content.open().read() == payload
    assert len(list(tmp_path.iterdir())) == 1
    result.close()
    assert list(tmp_path.iterdir()) == []
