from __future__ import annotations

import datetime as dt
import hashlib
import os
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric import padding

from as2 import Cipher, Content, Digest, KeyTransport, SignatureScheme, der
from as2.cms_compress import compress, decompress
from as2.cms_encrypt import _wrap_key, decrypt, encrypt
from as2.cms_sign import sign_detached, verify_detached
from as2.errors import (
    AuthenticationFailed,
    CertificateNotValid,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
)
from tests.unit.as2.pki import Pki, make_key_pair

ENTITY = Content.of(b"Content-Type: application/edi-x12\r\n\r\nISA*00*~\nIEA*1*1~\n")


@pytest.mark.parametrize("scheme", list(SignatureScheme))
@pytest.mark.parametrize("digest", list(Digest))
def test_sign_verify(pki: Pki, digest: Digest, scheme: SignatureScheme) -> None:
    signature = sign_detached(ENTITY, pki.partner, digest, scheme)
    verified = verify_detached(
        signature, ENTITY, [pki.partner.certificate], extra_digests=[Digest.SHA1]
    )
    assert verified.digest is digest
    assert verified.certificate == pki.partner.certificate
    assert verified.signing_time is not None
    assert verified.digests[Digest.SHA1] == hashlib.sha1(ENTITY.tobytes()).digest()


def test_pss_parameters_name_the_digest_and_its_length(pki: Pki) -> None:
    signature = sign_detached(ENTITY, pki.partner, Digest.SHA384, SignatureScheme.RSA_PSS)
    assert der.encode_oid("1.2.840.113549.1.1.10") in signature
    hash_algorithm = der.wrap(der.SEQUENCE, der.encode_oid(Digest.SHA384.oid))
    mgf1 = der.wrap(der.SEQUENCE, der.encode_oid("1.2.840.113549.1.1.8") + hash_algorithm)
    expected = der.wrap(
        der.SEQUENCE,
        der.wrap(0xA0, hash_algorithm)
        + der.wrap(0xA1, mgf1)
        + der.wrap(0xA2, der.encode_integer(48)),  # salt length = SHA-384 size
    )
    assert expected in signature


def test_tampered_content_is_an_integrity_failure(pki: Pki) -> None:
    signature = sign_detached(ENTITY, pki.partner, Digest.SHA256)
    tampered = Content.of(ENTITY.tobytes().replace(b"IEA*1", b"IEA*2"))
    with pytest.raises(IntegrityCheckFailed) as caught:
        verify_detached(signature, tampered, [pki.partner.certificate])
    assert caught.value.disposition_modifier == "integrity-check-failed"


def test_wrong_certificate_is_an_authentication_failure(pki: Pki) -> None:
    signature = sign_detached(ENTITY, pki.stranger, Digest.SHA256)
    with pytest.raises(AuthenticationFailed) as caught:
        verify_detached(signature, ENTITY, [pki.partner.certificate])
    assert caught.value.disposition_modifier == "authentication-failed"


def test_rotation_either_certificate_verifies(pki: Pki) -> None:
    signature = sign_detached(ENTITY, pki.partner_next, Digest.SHA256)
    verified = verify_detached(
        signature, ENTITY, [pki.partner.certificate, pki.partner_next.certificate]
    )
    assert verified.certificate == pki.partner_next.certificate


def test_reissued_certificate_for_the_same_key_still_verifies(pki: Pki) -> None:
    """The signer identifier names the expired certificate; the configured one has the
    same key, so it is tried and verifies."""
    signature = sign_detached(ENTITY, pki.expired, Digest.SHA256)
    verified = verify_detached(signature, ENTITY, [pki.partner.certificate])
    assert verified.certificate == pki.partner.certificate


def test_expired_certificate(pki: Pki) -> None:
    signature = sign_detached(ENTITY, pki.expired, Digest.SHA256)
    with pytest.raises(CertificateNotValid, match="expired"):
        verify_detached(signature, ENTITY, [pki.expired.certificate])


def test_digest_not_accepted(pki: Pki) -> None:
    signature = sign_detached(ENTITY, pki.partner, Digest.SHA1)
    with pytest.raises(InsufficientMessageSecurity):
        verify_detached(
            signature, ENTITY, [pki.partner.certificate], accepted_digests={Digest.SHA256}
        )


def test_garbage_signature(pki: Pki) -> None:
    with pytest.raises(AuthenticationFailed):
        verify_detached(b"\x30\x03\x02\x01\x01", ENTITY, [pki.partner.certificate])


@pytest.mark.parametrize("transport", list(KeyTransport))
@pytest.mark.parametrize("cipher", list(Cipher))
def test_encrypt_decrypt(pki: Pki, cipher: Cipher, transport: KeyTransport) -> None:
    envelope = encrypt(ENTITY, pki.ours.certificate, cipher, transport)
    decrypted = decrypt(envelope, [pki.ours_old, pki.ours])
    assert decrypted.content.tobytes() == ENTITY.tobytes()
    assert decrypted.cipher is cipher
    assert decrypted.key_transport is transport
    assert decrypted.key is pki.ours


def _with_recipients(envelope: Content, extra: list[bytes]) -> Content:
    """The envelope with more KeyTransRecipientInfos put before ours (re-encoded DER)."""
    reader = der.Reader(envelope)
    _, tagged = reader.children(reader.tlv(0))
    (body,) = reader.children(tagged)
    fields = reader.children(body)
    ours = reader.children(fields[1])
    recipients = der.wrap(der.SET, b"".join(extra) + b"".join(reader.element(r) for r in ours))
    rest = b"".join(reader.element(f) for f in fields[2:])
    inner = der.wrap(der.SEQUENCE, reader.element(fields[0]) + recipients + rest)
    oid = reader.element(reader.children(reader.tlv(0))[0])
    return Content.of(der.wrap(der.SEQUENCE, oid + der.wrap(0xA0, inner)))


def test_ours_is_found_among_several_recipients(pki: Pki) -> None:
    envelope = encrypt(ENTITY, pki.ours.certificate, Cipher.AES128_CBC)
    others = [
        _wrap_key(pki.stranger.certificate, KeyTransport.RSA_PKCS1V15, os.urandom(16)),
        _wrap_key(pki.partner.certificate, KeyTransport.RSA_OAEP_SHA1, os.urandom(16)),
    ]
    decrypted = decrypt(_with_recipients(envelope, others), [pki.ours])
    assert decrypted.content.tobytes() == ENTITY.tobytes()


def test_wrong_key_with_pkcs1v15_is_judged_by_the_symmetric_result(pki: Pki) -> None:
    """OpenSSL >= 3.2 (bundled with cryptography) does not fail a PKCS#1 v1.5 decryption
    with the wrong key: it returns a pseudo-random "key" (implicit rejection)."""
    envelope = encrypt(ENTITY, pki.ours.certificate, Cipher.AES256_CBC)
    reader = der.Reader(envelope)
    wrapped = pki.ours.certificate.x509.public_key().encrypt(os.urandom(32), padding.PKCS1v15())
    # (Only when the ciphertext fits the wrong key's modulus, which depends on the session's
    # random keys; otherwise the RSA step refuses outright.)
    if int.from_bytes(wrapped, "big") < pki.stranger.private_key.public_key().public_numbers().n:  # type: ignore[union-attr]
        not_raising = pki.stranger.private_key.decrypt(wrapped, padding.PKCS1v15())  # type: ignore[union-attr]
        assert isinstance(not_raising, bytes)  # garbage, not an exception
    assert reader.tlv(0).end == envelope.size
    # our key pair with the stranger's private key: the identifier matches, the key does not
    impostor = type(pki.ours).__new__(type(pki.ours))
    object.__setattr__(impostor, "private_key", pki.stranger.private_key)
    object.__setattr__(impostor, "certificate", pki.ours.certificate)
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(envelope, [impostor])
    assert caught.value.disposition_modifier == "decryption-failed"


def test_no_recipient_of_ours(pki: Pki) -> None:
    envelope = encrypt(ENTITY, pki.stranger.certificate, Cipher.AES128_GCM)
    with pytest.raises(DecryptionFailed):
        decrypt(envelope, [pki.ours, pki.ours_old])


def test_recipient_named_by_subject_key_identifier(pki: Pki) -> None:
    envelope = encrypt(ENTITY, pki.ours.certificate, Cipher.AES128_CBC)
    reader = der.Reader(envelope)
    _, tagged = reader.children(reader.tlv(0))
    (body,) = reader.children(tagged)
    fields = reader.children(body)
    (ktri,) = reader.children(fields[1])
    parts = reader.children(ktri)
    ski = pki.ours.certificate.subject_key_identifier
    assert ski is not None
    rewritten = der.wrap(
        der.SEQUENCE,
        der.encode_integer(2)
        + der.wrap(0x80, ski)
        + reader.element(parts[2])
        + reader.element(parts[3]),
    )
    inner = der.wrap(
        der.SEQUENCE,
        der.encode_integer(2)
        + der.wrap(der.SET, rewritten)
        + b"".join(reader.element(f) for f in fields[2:]),
    )
    oid = reader.element(reader.children(reader.tlv(0))[0])
    envelope = Content.of(der.wrap(der.SEQUENCE, oid + der.wrap(0xA0, inner)))
    assert decrypt(envelope, [pki.ours_old, pki.ours]).key is pki.ours


def test_gcm_tag_is_checked(pki: Pki) -> None:
    data = bytearray(encrypt(ENTITY, pki.ours.certificate, Cipher.AES256_GCM).tobytes())
    data[-1] ^= 1  # the MAC is the last element
    with pytest.raises(DecryptionFailed):
        decrypt(Content.of(bytes(data)), [pki.ours])


def test_cipher_not_accepted(pki: Pki) -> None:
    envelope = encrypt(ENTITY, pki.ours.certificate, Cipher.TRIPLE_DES)
    with pytest.raises(InsufficientMessageSecurity):
        decrypt(envelope, [pki.ours], accepted_ciphers={Cipher.AES256_CBC})


def test_compress_round_trip_is_rfc3274_zlib() -> None:
    data = Content.of(b"Content-Type: text/plain\r\n\r\n" + b"EDI " * 10000)
    compressed = compress(data)
    assert compressed.size < data.size // 20
    reader = der.Reader(compressed)
    assert reader.oid(reader.children(reader.tlv(0))[0]) == "1.2.840.113549.1.9.16.1.9"
    assert der.encode_oid("1.2.840.113549.1.9.16.3.8") in compressed.tobytes()
    assert decompress(compressed).tobytes() == data.tobytes()
    start = compressed.tobytes().index(b"\x78")  # the zlib stream (RFC 1950 header)
    assert zlib.decompress(compressed.tobytes()[start:]) == data.tobytes()


def test_decompression_bomb_and_garbage() -> None:
    bomb = compress(Content.of(b"\x00" * (4 << 20)))
    with pytest.raises(DecompressionFailed, match="exceeds"):
        decompress(bomb, max_size=1 << 20)
    data = bytearray(compress(Content.of(b"Content-Type: a/b\r\n\r\n" + os.urandom(500))).tobytes())
    data[-10] ^= 0xFF
    with pytest.raises(DecompressionFailed):
        decompress(Content.of(bytes(data)))


def test_a_not_yet_valid_certificate_is_refused(pki: Pki) -> None:
    future = make_key_pair(
        "future",
        key=pki.partner.private_key,
        not_before=dt.datetime.now(dt.UTC) + dt.timedelta(days=3),  # type: ignore[arg-type]
    )
    signature = sign_detached(ENTITY, pki.partner, Digest.SHA256)
    with pytest.raises(CertificateNotValid, match="not-yet-valid"):
        verify_detached(signature, ENTITY, [future.certificate])
