"""Messages made by ``openssl cms`` (the partner) received by ``as2.receive`` (us), and
our MDNs checked by ``openssl cms -verify``."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import padding

from as2 import Cipher, Digest, Mic, build_mdn, der, receive
from as2.content import Content
from as2.errors import (
    AuthenticationFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    UnknownPartner,
)
from as2.identities import KeyPair
from as2.mime import parse_entity, split_multipart, split_signed
from tests.integration.as2.conftest import OpenSsl, zlib_compressed_data
from tests.unit.as2 import messages as m
from tests.unit.as2.pki import Pki

PAYLOAD = (
    b"ISA*00*          *00*          *ZZ*PARTNER        *ZZ*CROSSDOCK      "
    b"*261128*0601*U*00401*000000001*0*P*>~\n"
    b"GS*PO*PARTNER*CROSSDOCK*20261128*0601*1*X*004010~\nST*850*0001~\nBEG*00*SA*PO-1**20261128~\n"
)
SIGNED_RECEIPT = "signed-receipt-protocol=optional, pkcs7-signature"
OPENSSL_DIGESTS = {
    Digest.SHA1: "sha1",
    Digest.SHA224: "sha224",
    Digest.SHA256: "sha256",
    Digest.SHA384: "sha384",
    Digest.SHA512: "sha512",
}
OPENSSL_CIPHERS = {
    Cipher.TRIPLE_DES: "des3",
    Cipher.AES128_CBC: "aes-128-cbc",
    Cipher.AES192_CBC: "aes-192-cbc",
    Cipher.AES256_CBC: "aes-256-cbc",
    Cipher.AES128_GCM: "aes-128-gcm",
    Cipher.AES192_GCM: "aes-192-gcm",
    Cipher.AES256_GCM: "aes-256-gcm",
}


def signed_by_openssl(
    openssl: OpenSsl, part: bytes, digest: Digest, *, pss: bool = False, signer: str = "partner"
) -> tuple[str, bytes]:
    signature = openssl.sign(part, md=OPENSSL_DIGESTS[digest], pss=pss, signer=signer)
    content_type = (
        f'multipart/signed; protocol="application/pkcs7-signature"; micalg={digest.value}; '
        f'boundary="{m.BOUNDARY}"'
    )
    body = (
        f"--{m.BOUNDARY}\r\n".encode()
        + part
        + f"\r\n--{m.BOUNDARY}\r\n".encode()
        + b"Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(signature)
        + f"--{m.BOUNDARY}--\r\n".encode()
    )
    return content_type, body


def enveloped_type(cipher: Cipher) -> str:
    smime = "authEnveloped-data" if cipher.is_aead else "enveloped-data"
    return f"application/pkcs7-mime; smime-type={smime}; name=smime.p7m"


def _receive(pki: Pki, headers, body, **policy):
    return receive(
        headers,
        body,
        local=pki.local(),
        find_partner=lambda i: pki.policy(**policy) if i == "PARTNER" else None,
    )


@pytest.mark.parametrize("cipher", list(Cipher))
@pytest.mark.parametrize("digest", list(Digest))
def test_every_digest_and_cipher(
    pki: Pki, openssl: OpenSsl, digest: Digest, cipher: Cipher
) -> None:
    part = m.entity(PAYLOAD)
    signed_type, signed_body = signed_by_openssl(openssl, part, digest)
    envelope = openssl.encrypt(
        m.as_entity(signed_type, signed_body), OPENSSL_CIPHERS[cipher], [("ours", [])]
    )
    options = f"{SIGNED_RECEIPT}; signed-receipt-micalg=optional, {OPENSSL_DIGESTS[digest]}"
    result = _receive(pki, m.headers(enveloped_type(cipher), options=options), envelope)
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD
    assert (result.digest, result.cipher) == (digest, cipher)
    # the MIC is the digest of exactly what openssl signed
    assert result.mic == Mic(digest, hashlib.new(OPENSSL_DIGESTS[digest], part).digest())


@pytest.mark.parametrize("digest", list(Digest))
def test_our_signed_mdn_verifies_with_openssl(pki: Pki, openssl: OpenSsl, digest: Digest) -> None:
    part = m.entity(PAYLOAD)
    signed_type, signed_body = signed_by_openssl(openssl, part, Digest.SHA256)
    options = f"{SIGNED_RECEIPT}; signed-receipt-micalg=optional, {digest.value}, sha1"
    result = _receive(
        pki, m.headers(signed_type, options=options), signed_body, require_encryption=False
    )
    mdn = build_mdn(result)
    content_type = dict(mdn.headers)["Content-Type"]
    assert f"micalg={digest.value}" in content_type
    whole = f"Content-Type: {content_type}\r\n\r\n".encode() + mdn.body
    verified = openssl.verify_smime(whole, signer="ours")
    assert verified.returncode == 0, verified.stderr
    # openssl hands back the report it verified; its MIC is the digest of what it signed
    report = parse_entity(Content.of(verified.stdout))
    assert report.media_type == "multipart/report"
    notification = split_multipart(report)[1].body.tobytes()
    expected = base64.b64encode(hashlib.new(OPENSSL_DIGESTS[digest], part).digest()).decode()
    assert f"Received-Content-MIC: {expected}, {digest.value}\r\n".encode() in notification
    # and the detached signature verifies over the signed part as we framed it
    parts = split_signed(parse_entity(Content.of(whole)))
    assert (
        openssl.verify_detached(
            parts.signature, parts.signed.raw.tobytes(), signer="ours"
        ).returncode
        == 0
    )


def test_unsigned_mdn_carries_the_mic_too(pki: Pki, openssl: OpenSsl) -> None:
    inner = m.entity(PAYLOAD)
    envelope = openssl.encrypt(inner, "aes-256-cbc", [("ours", [])])
    result = _receive(
        pki,
        m.headers(enveloped_type(Cipher.AES256_CBC), options=None),
        envelope,
        require_signature=False,
    )
    mdn = build_mdn(result)
    assert not mdn.signed
    assert mdn.mic == Mic(Digest.SHA256, hashlib.sha256(inner).digest())
    assert str(mdn.mic).encode() in mdn.body


@pytest.mark.parametrize("order", ["compress-then-sign", "sign-then-compress"])
def test_compression_before_and_after_signing(pki: Pki, openssl: OpenSsl, order: str) -> None:
    part = m.entity(PAYLOAD * 30)
    compressed_type = "application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z"
    if order == "compress-then-sign":
        signed_part = m.as_entity(compressed_type, zlib_compressed_data(part))
        signed_type, signed_body = signed_by_openssl(openssl, signed_part, Digest.SHA256)
        inner = m.as_entity(signed_type, signed_body)
    else:
        signed_part = part
        signed_type, signed_body = signed_by_openssl(openssl, part, Digest.SHA256)
        inner = m.as_entity(
            compressed_type, zlib_compressed_data(m.as_entity(signed_type, signed_body))
        )
    envelope = openssl.encrypt(inner, "aes-128-cbc", [("ours", [])])
    result = _receive(pki, m.headers(enveloped_type(Cipher.AES128_CBC)), envelope)
    assert result.ok, result.error
    assert result.compressed and result.payload is not None
    assert result.payload.tobytes() == PAYLOAD * 30
    assert result.mic == Mic(Digest.SHA256, hashlib.sha256(signed_part).digest())


@pytest.mark.parametrize("oaep_md", ["sha1", "sha256", "sha512"])
def test_rsassa_pss_and_oaep(pki: Pki, openssl: OpenSsl, oaep_md: str) -> None:
    part = m.entity(PAYLOAD)
    signed_type, signed_body = signed_by_openssl(openssl, part, Digest.SHA384, pss=True)
    envelope = openssl.encrypt(
        m.as_entity(signed_type, signed_body),
        "aes-256-gcm",
        [("ours", ["rsa_padding_mode:oaep", f"rsa_oaep_md:{oaep_md}", f"rsa_mgf1_md:{oaep_md}"])],
    )
    result = _receive(pki, m.headers(enveloped_type(Cipher.AES256_GCM)), envelope)
    assert result.ok, result.error
    assert result.digest is Digest.SHA384 and result.payload is not None
    assert result.key_transport is not None and result.key_transport.value.startswith("rsa-oaep")


@pytest.mark.parametrize("stream", [False, True], ids=["der", "ber-streamed"])
def test_ours_among_several_recipients(pki: Pki, openssl: OpenSsl, stream: bool) -> None:
    inner = m.entity(PAYLOAD)
    envelope = openssl.encrypt(
        inner,
        "aes-256-cbc",
        [("stranger", []), ("partner_next", ["rsa_padding_mode:oaep"]), ("ours", [])],
        stream=stream,
    )
    reader = der.Reader(Content.of(envelope))
    _, tagged = reader.children(reader.tlv(0))
    (body,) = reader.children(tagged)
    recipients = reader.children(reader.children(body)[1])
    assert len(recipients) == 3
    serials = [
        der.read_integer(reader, reader.children(reader.children(r)[1])[1]) for r in recipients
    ]
    assert pki.ours.certificate.serial_number in serials[1:]  # ours is not the first
    result = _receive(
        pki, m.headers(enveloped_type(Cipher.AES256_CBC)), envelope, require_signature=False
    )
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD


def test_openssl_smime_output_is_verified_as_transferred(pki: Pki, openssl: OpenSsl) -> None:
    """OpenSSL's own multipart/signed (text mode: it canonicalises to CRLF and signs that)."""
    part = b"Content-Type: application/edi-x12\n\nISA*00~\nGS*PO~\n"
    done = openssl.run(
        "-sign",
        "-in",
        openssl.scratch(part),
        "-signer",
        openssl.path("partner.crt"),
        "-inkey",
        openssl.path("partner.key"),
        "-crlfeol",
    )
    entity = parse_entity(Content.of(done.stdout))  # its MIME headers become HTTP headers
    content_type = entity.headers.get("Content-Type")
    assert content_type is not None and content_type.startswith("multipart/signed")
    result = _receive(pki, m.headers(content_type), entity.body.tobytes(), require_encryption=False)
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == b"ISA*00~\r\nGS*PO~\r\n"
    # the MIC covers the canonical (CRLF) part as openssl transferred and signed it
    canonical = part.replace(b"\n", b"\r\n")
    assert result.mic == Mic(Digest.SHA256, hashlib.sha256(canonical).digest())


def test_signed_with_the_wrong_certificate(pki: Pki, openssl: OpenSsl) -> None:
    signed_type, signed_body = signed_by_openssl(
        openssl, m.entity(PAYLOAD), Digest.SHA256, signer="stranger"
    )
    result = _receive(pki, m.headers(signed_type), signed_body, require_encryption=False)
    assert isinstance(result.error, AuthenticationFailed)
    assert build_mdn(result).disposition.modifier == "authentication-failed"


def test_tampered_body(pki: Pki, openssl: OpenSsl) -> None:
    signed_type, signed_body = signed_by_openssl(openssl, m.entity(PAYLOAD), Digest.SHA256)
    tampered = signed_body.replace(b"PO-1", b"PO-2")
    result = _receive(pki, m.headers(signed_type), tampered, require_encryption=False)
    assert isinstance(result.error, IntegrityCheckFailed)
    assert build_mdn(result).disposition.modifier == "integrity-check-failed"


def test_unsigned_when_signing_is_required(pki: Pki, openssl: OpenSsl) -> None:
    envelope = openssl.encrypt(m.entity(PAYLOAD), "aes-128-cbc", [("ours", [])])
    result = _receive(pki, m.headers(enveloped_type(Cipher.AES128_CBC)), envelope)
    assert isinstance(result.error, InsufficientMessageSecurity)
    assert str(build_mdn(result).disposition).endswith(
        "processed/error: insufficient-message-security"
    )


def test_unknown_partner(pki: Pki, openssl: OpenSsl) -> None:
    signed_type, signed_body = signed_by_openssl(openssl, m.entity(PAYLOAD), Digest.SHA256)
    result = _receive(pki, m.headers(signed_type, sender="SOMEONE-ELSE"), signed_body)
    assert isinstance(result.error, UnknownPartner)


def test_pkcs1v15_wrong_key_is_judged_by_the_symmetric_result(pki: Pki, openssl: OpenSsl) -> None:
    """The recipient identifier names our certificate but our key is the wrong one: the RSA
    step returns garbage instead of failing (implicit rejection), the CBC / MIME check fails."""
    envelope = openssl.encrypt(m.entity(PAYLOAD), "aes-256-cbc", [("ours", [])])
    ciphertext = pki.ours.certificate.x509.public_key().encrypt(b"k" * 32, padding.PKCS1v15())  # type: ignore[union-attr]
    # With implicit rejection the wrong key gives garbage, no exception: that is the trap.
    # (When the ciphertext is numerically larger than the wrong key's modulus, which depends
    # on the session's random keys, the RSA step refuses outright instead.)
    if int.from_bytes(ciphertext, "big") < pki.stranger.private_key.public_key().public_numbers().n:  # type: ignore[union-attr]
        garbage = pki.stranger.private_key.decrypt(ciphertext, padding.PKCS1v15())  # type: ignore[union-attr]
        assert garbage != b"k" * 32
    impostor = object.__new__(KeyPair)
    object.__setattr__(impostor, "private_key", pki.stranger.private_key)
    object.__setattr__(impostor, "certificate", pki.ours.certificate)
    from as2 import LocalIdentity

    identity = object.__new__(LocalIdentity)
    object.__setattr__(identity, "as2_id", "CROSSDOCK")
    object.__setattr__(identity, "keys", (impostor,))
    result = receive(
        m.headers(enveloped_type(Cipher.AES256_CBC)),
        envelope,
        local=identity,
        find_partner=lambda _: pki.policy(require_signature=False),
    )
    assert isinstance(result.error, DecryptionFailed)
