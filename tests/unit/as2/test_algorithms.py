from __future__ import annotations

import pytest

from as2 import Cipher, Digest, KeyTransport, SignatureScheme
from as2.errors import UnsupportedAlgorithm


@pytest.mark.parametrize(
    ("spelling", "digest"),
    [
        ("sha-256", Digest.SHA256),
        ("sha256", Digest.SHA256),
        ("SHA-256", Digest.SHA256),
        ("SHA256", Digest.SHA256),
        (" sha_256 ", Digest.SHA256),
        ("sha1", Digest.SHA1),
        ("SHA1", Digest.SHA1),
        ("sha-1", Digest.SHA1),
        ("sha-224", Digest.SHA224),
        ("sha384", Digest.SHA384),
        ('"sha-512"', Digest.SHA512),
        ("sha2-256", Digest.SHA256),
    ],
)
def test_digests_are_read_leniently(spelling: str, digest: Digest) -> None:
    assert Digest.lookup(spelling) is digest


def test_digests_are_written_with_rfc_names() -> None:
    assert [d.value for d in Digest] == ["sha-1", "sha-224", "sha-256", "sha-384", "sha-512"]


@pytest.mark.parametrize("name", ["md5", "sha3-256", "", "rot13"])
def test_unknown_digest(name: str) -> None:
    assert Digest.lookup(name) is None
    with pytest.raises(UnsupportedAlgorithm) as caught:
        Digest.parse(name)
    assert caught.value.disposition_modifier == "authentication-failed"


@pytest.mark.parametrize(
    ("spelling", "cipher"),
    [
        ("aes128_cbc", Cipher.AES128_CBC),  # the partner-profile spelling
        ("aes256-cbc", Cipher.AES256_CBC),
        ("AES256", Cipher.AES256_CBC),
        ("tripledes_cbc", Cipher.TRIPLE_DES),
        ("3des", Cipher.TRIPLE_DES),
        ("des-ede3-cbc", Cipher.TRIPLE_DES),
        ("aes128_gcm", Cipher.AES128_GCM),
        ("aes-256-gcm", Cipher.AES256_GCM),
    ],
)
def test_ciphers_are_read_leniently(spelling: str, cipher: Cipher) -> None:
    assert Cipher.parse(spelling) is cipher


def test_cipher_properties() -> None:
    assert Cipher.TRIPLE_DES.key_size == 24 and Cipher.TRIPLE_DES.block_size == 8
    assert Cipher.AES192_CBC.key_size == 24 and Cipher.AES192_CBC.block_size == 16
    assert Cipher.AES256_GCM.is_aead and not Cipher.AES256_CBC.is_aead
    assert Cipher.from_oid("2.16.840.1.101.3.4.1.42") is Cipher.AES256_CBC
    with pytest.raises(UnsupportedAlgorithm) as caught:
        Cipher.from_oid("1.2.840.113549.3.2")  # RC2
    assert caught.value.disposition_modifier == "decryption-failed"


def test_transport_and_scheme_names() -> None:
    assert KeyTransport.parse("rsa-oaep") is KeyTransport.RSA_OAEP_SHA1
    assert KeyTransport.parse("OAEP-SHA256") is KeyTransport.RSA_OAEP_SHA256
    assert KeyTransport.parse("pkcs1v15") is KeyTransport.RSA_PKCS1V15
    assert SignatureScheme.parse("RSASSA-PSS") is SignatureScheme.RSA_PSS
    with pytest.raises(UnsupportedAlgorithm):
        KeyTransport.parse("ecdh")
