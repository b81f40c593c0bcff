"""Messages built by ``as2.build_message`` (us) opened by ``openssl cms`` (the partner)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from as2 import Cipher, Compression, Digest, KeyTransport, SignatureScheme, build_message
from tests.integration.as2.conftest import OpenSsl, zlib_decompress_data
from tests.unit.as2.pki import Pki

PAYLOAD = b"ISA*00*~\nGS*IN*CROSSDOCK*PARTNER~\nST*810*0001~\nBIG*20261128*INV-1~\n"  # bare LFs


def split_entity(entity: bytes) -> tuple[dict[str, str], bytes]:
    """A test-side MIME split (header block / body), independent of ``as2.mime``."""
    head, _, body = entity.partition(b"\r\n\r\n")
    fields = {}
    for line in head.decode().split("\r\n"):
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return fields, body


def split_signed(content_type: str, body: bytes) -> tuple[bytes, bytes]:
    """(the signed part exactly, the DER signature) of a multipart/signed body."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    assert boundary is not None
    delimiter = b"--" + boundary.group(1).encode()
    pieces = body.split(b"\r\n" + delimiter)
    first = pieces[0]
    assert first.startswith(delimiter + b"\r\n")
    signed = first[len(delimiter) + 2 :]
    _, signature_part = split_entity(pieces[1].lstrip(b"\r\n"))
    return signed, base64.b64decode(signature_part)


def http_entity(message) -> tuple[str, bytes]:
    return dict(message.headers)["Content-Type"], message.body.tobytes()


@pytest.mark.parametrize("transport", list(KeyTransport))
@pytest.mark.parametrize("cipher", list(Cipher))
def test_openssl_decrypts_and_verifies(
    pki: Pki, openssl: OpenSsl, cipher: Cipher, transport: KeyTransport
) -> None:
    policy = pki.policy(cipher=cipher, key_transport=transport, digest=Digest.SHA256)
    message = build_message(PAYLOAD, local=pki.local(), partner=policy, filename="inv.edi")
    content_type, body = http_entity(message)
    assert content_type.startswith("application/pkcs7-mime")
    inner = openssl.decrypt(body)
    fields, signed_body = split_entity(inner)
    assert fields["content-type"].startswith("multipart/signed")
    part, signature = split_signed(fields["content-type"], signed_body)
    verified = openssl.verify_detached(signature, part, signer="ours")
    assert verified.returncode == 0, verified.stderr
    part_fields, payload = split_entity(part)
    assert payload == PAYLOAD and part_fields["content-type"] == "application/edi-x12"
    assert message.mic is not None and message.mic.value == hashlib.sha256(part).digest()


@pytest.mark.parametrize("scheme", list(SignatureScheme))
@pytest.mark.parametrize("digest", list(Digest))
def test_openssl_verifies_every_signature(
    pki: Pki, openssl: OpenSsl, digest: Digest, scheme: SignatureScheme
) -> None:
    policy = pki.policy(encrypt=False, digest=digest, signature_scheme=scheme)
    message = build_message(PAYLOAD.replace(b"\n", b"\r\n"), local=pki.local(), partner=policy)
    content_type, body = http_entity(message)
    assert f"micalg={digest.value}" in content_type
    whole = f"Content-Type: {content_type}\r\n\r\n".encode() + body
    verified = openssl.verify_smime(whole, signer="ours")  # OpenSSL's own S/MIME reader
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.endswith(PAYLOAD.replace(b"\n", b"\r\n"))


@pytest.mark.parametrize("compression", [Compression.BEFORE_SIGNING, Compression.AFTER_SIGNING])
def test_compressed_messages(pki: Pki, openssl: OpenSsl, compression: Compression) -> None:
    policy = pki.policy(compression=compression, cipher=Cipher.AES128_GCM)
    message = build_message(PAYLOAD * 40, local=pki.local(), partner=policy)
    inner = openssl.decrypt(message.body.tobytes())
    fields, inner_body = split_entity(inner)
    if compression is Compression.AFTER_SIGNING:
        assert "compressed-data" in fields["content-type"]
        fields, inner_body = split_entity(zlib_decompress_data(inner_body))
    part, signature = split_signed(fields["content-type"], inner_body)
    assert openssl.verify_detached(signature, part, signer="ours").returncode == 0
    assert message.mic is not None and message.mic.value == hashlib.sha256(part).digest()
    part_fields, part_body = split_entity(part)
    if compression is Compression.BEFORE_SIGNING:
        assert "compressed-data" in part_fields["content-type"]
        part_fields, part_body = split_entity(zlib_decompress_data(part_body))
    assert part_body == PAYLOAD * 40


def test_encrypted_only_mic_covers_the_entity(pki: Pki, openssl: OpenSsl) -> None:
    policy = pki.policy(sign=False, signed_mdn=False)
    message = build_message(PAYLOAD, local=pki.local(), partner=policy)
    inner = openssl.decrypt(message.body.tobytes())
    _, payload = split_entity(inner)
    assert payload == PAYLOAD
    assert message.mic is not None and message.mic.value == hashlib.sha256(inner).digest()
