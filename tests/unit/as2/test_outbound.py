from __future__ import annotations

import itertools

import pytest

from as2 import (
    Cipher,
    Compression,
    Digest,
    KeyTransport,
    MdnMode,
    SignatureScheme,
    build_mdn,
    build_message,
    check_mdn,
    read_mdn,
    receive,
)
from as2.errors import ConfigurationError
from tests.unit.as2.pki import Pki

PAYLOAD = b"ISA*00*~\nGS*IN*1~\nST*810*0001~\n" * 20

# every option appears at least once without running the full product
MATRIX = [
    (
        True,
        True,
        Compression.NONE,
        Cipher.AES256_CBC,
        Digest.SHA256,
        SignatureScheme.RSA_PKCS1V15,
        KeyTransport.RSA_PKCS1V15,
    ),
    (
        True,
        True,
        Compression.BEFORE_SIGNING,
        Cipher.AES128_GCM,
        Digest.SHA512,
        SignatureScheme.RSA_PSS,
        KeyTransport.RSA_OAEP_SHA256,
    ),
    (
        True,
        True,
        Compression.AFTER_SIGNING,
        Cipher.TRIPLE_DES,
        Digest.SHA1,
        SignatureScheme.RSA_PKCS1V15,
        KeyTransport.RSA_OAEP_SHA1,
    ),
    (
        True,
        False,
        Compression.AFTER_SIGNING,
        Cipher.AES192_CBC,
        Digest.SHA224,
        SignatureScheme.RSA_PSS,
        KeyTransport.RSA_PKCS1V15,
    ),
    (
        False,
        True,
        Compression.BEFORE_SIGNING,
        Cipher.AES256_GCM,
        Digest.SHA384,
        SignatureScheme.RSA_PKCS1V15,
        KeyTransport.RSA_PKCS1V15,
    ),
    (
        False,
        True,
        Compression.NONE,
        Cipher.AES192_GCM,
        Digest.SHA256,
        SignatureScheme.RSA_PKCS1V15,
        KeyTransport.RSA_PKCS1V15,
    ),
    (
        False,
        False,
        Compression.NONE,
        Cipher.AES128_CBC,
        Digest.SHA256,
        SignatureScheme.RSA_PKCS1V15,
        KeyTransport.RSA_PKCS1V15,
    ),
    (
        False,
        False,
        Compression.AFTER_SIGNING,
        Cipher.AES128_CBC,
        Digest.SHA256,
        SignatureScheme.RSA_PKCS1V15,
        KeyTransport.RSA_PKCS1V15,
    ),
]


@pytest.mark.parametrize("signed_mdn", [True, False])
@pytest.mark.parametrize(
    ("sign", "encrypt", "compression", "cipher", "digest", "scheme", "transport"), MATRIX
)
def test_round_trip_through_our_builder_and_receiver(
    pki: Pki, sign, encrypt, compression, cipher, digest, scheme, transport, signed_mdn
) -> None:
    policy = pki.policy(
        sign=sign,
        encrypt=encrypt,
        compression=compression,
        cipher=cipher,
        digest=digest,
        signature_scheme=scheme,
        key_transport=transport,
        signed_mdn=signed_mdn,
        mdn_digest=Digest.SHA384 if signed_mdn else None,
    )
    message = build_message(PAYLOAD, local=pki.local(), partner=policy, filename="inv 1.edi")
    # the partner receives it, with its own policy for us
    their_view = pki.our_policy(require_signature=sign, require_encryption=encrypt)
    result = receive(
        message.headers,
        message.body.tobytes(),
        local=pki.partner_local(),
        find_partner=lambda as2_id: their_view if as2_id == "CROSSDOCK" else None,
    )
    assert result.ok, result.error
    assert result.payload is not None and result.payload.tobytes() == PAYLOAD
    assert result.payload.filename == "inv 1.edi"
    assert (result.signed, result.encrypted) == (sign, encrypt)
    assert result.compressed is (compression is not Compression.NONE)
    if sign:
        assert result.digest is digest
    if encrypt:
        assert result.cipher is cipher and result.key_transport is transport
    assert result.mic is not None and message.mic is not None
    assert result.mic.matches(message.mic)
    mdn = build_mdn(result)
    assert mdn.signed is signed_mdn
    receipt = read_mdn(mdn.headers, mdn.body, partner=policy)
    check_mdn(
        receipt,
        message_id=message.message_id,
        expected_mic=message.mic,
        require_signed=signed_mdn,
    )


def test_headers_are_single_line_and_say_what_the_receiver_needs(pki: Pki) -> None:
    policy = pki.policy(mdn_mode=MdnMode.ASYNC, async_mdn_url="https://crossdock.example/as2")
    message = build_message(b"x", local=pki.local(), partner=policy, message_id="fixed-1@crossdock")
    fields = dict(message.headers)
    assert fields["Message-ID"] == "<fixed-1@crossdock>"
    assert fields["AS2-From"] == "CROSSDOCK" and fields["AS2-To"] == "PARTNER"
    assert fields["Content-Type"].startswith("application/pkcs7-mime; smime-type=enveloped-data")
    assert fields["Disposition-Notification-Options"] == (
        "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256"
    )
    assert fields["Receipt-Delivery-Option"] == "https://crossdock.example/as2"
    assert all("\r" not in v and "\n" not in v for _, v in message.headers)
    again = build_message(b"x", local=pki.local(), partner=policy, message_id="fixed-1@crossdock")
    assert dict(again.headers)["Message-ID"] == fields["Message-ID"]  # a retry keeps its id
    assert again.body.tobytes() != message.body.tobytes()  # fresh key and IV


def test_no_mdn_requested(pki: Pki) -> None:
    message = build_message(b"x", local=pki.local(), partner=pki.policy(mdn_mode=MdnMode.NONE))
    names = {name for name, _ in message.headers}
    assert "Disposition-Notification-To" not in names and message.mic is None


def test_as2_ids_with_spaces_are_quoted(pki: Pki) -> None:
    policy = pki.policy(as2_id="Partner Inc")
    message = build_message(b"x", local=pki.local(), partner=policy)
    assert dict(message.headers)["AS2-To"] == '"Partner Inc"'


def test_configuration_errors(pki: Pki) -> None:
    with pytest.raises(ConfigurationError):
        build_message(b"x", local=pki.local(), partner=pki.policy(), message_id="a\r\nb")
    with pytest.raises(ConfigurationError):
        build_message(b"x", local=pki.local(), partner=pki.policy(), content_type="a/b\r\nX: y")
    expired_only = pki.policy(certificates=(pki.expired.certificate,))
    with pytest.raises(ConfigurationError, match="no valid certificate"):
        build_message(b"x", local=pki.local(), partner=expired_only)
    with pytest.raises(ConfigurationError):
        pki.policy(mdn_mode=MdnMode.ASYNC)  # without a URL
    with pytest.raises(ConfigurationError):
        pki.policy(certificates=())


def test_every_matrix_option_is_covered() -> None:
    columns = list(zip(*MATRIX, strict=True))
    assert set(columns[2]) == set(Compression)
    assert set(columns[3]) == set(Cipher)
    assert set(columns[4]) == set(Digest)
    assert set(columns[5]) == set(SignatureScheme)
    assert set(columns[6]) == set(KeyTransport)
    assert set(itertools.product([True, False], repeat=2)) <= {(r[0], r[1]) for r in MATRIX}
