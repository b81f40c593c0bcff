"""Names of the algorithms AS2 uses, and their lenient parsing.

We emit the RFC 5751 / RFC 4130 names (``sha-256``) and accept the spellings partners
send (``sha256``, ``SHA-256``, ``sha1``, ``SHA1``) and the ones partner profiles use
(``aes128_cbc``, ``tripledes_cbc``). Each enum maps to its asn1crypto name (the CMS
object identifier) and to the ``cryptography`` primitive.
"""

from __future__ import annotations

import re
from enum import StrEnum

from cryptography.hazmat.primitives import hashes

from as2.errors import AUTHENTICATION_FAILED, DECRYPTION_FAILED, UnsupportedAlgorithm


def _key(name: str) -> str:
    """Lower case without separators: ``SHA-256`` / ``sha_256`` / ``sha256`` → ``sha256``."""
    return re.sub(r"[\s_\-]", "", name.strip().strip('"').lower())


class Digest(StrEnum):
    """Message digests for signatures and MICs (RFC 5751 §3.4.3.2 names)."""

    SHA1 = "sha-1"
    SHA224 = "sha-224"
    SHA256 = "sha-256"
    SHA384 = "sha-384"
    SHA512 = "sha-512"

    @property
    def asn1_name(self) -> str:
        """asn1crypto's name for the digest's OID (``sha256``)."""
        return self.value.replace("-", "")

    @property
    def oid(self) -> str:
        return _DIGEST_OID[self]

    @classmethod
    def from_oid(cls, oid: str) -> Digest:
        for digest, known in _DIGEST_OID.items():
            if known == oid:
                return digest
        raise UnsupportedAlgorithm(
            f"unsupported digest {oid}", disposition_modifier=AUTHENTICATION_FAILED
        )

    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return _HASHES[self]()

    @property
    def size(self) -> int:
        return _SIZES[self]

    @classmethod
    def lookup(cls, name: str) -> Digest | None:
        """The digest a partner meant by ``name`` (any common spelling), None if unknown."""
        return _DIGEST_ALIASES.get(_key(name))

    @classmethod
    def parse(cls, name: str) -> Digest:
        """Like :meth:`lookup` but raises UnsupportedAlgorithm."""
        digest = cls.lookup(name)
        if digest is None:
            raise UnsupportedAlgorithm(
                f"unsupported digest {name!r}", disposition_modifier=AUTHENTICATION_FAILED
            )
        return digest


_HASHES: dict[Digest, type[hashes.HashAlgorithm]] = {
    Digest.SHA1: hashes.SHA1,
    Digest.SHA224: hashes.SHA224,
    Digest.SHA256: hashes.SHA256,
    Digest.SHA384: hashes.SHA384,
    Digest.SHA512: hashes.SHA512,
}
_DIGEST_OID: dict[Digest, str] = {
    Digest.SHA1: "1.3.14.3.2.26",
    Digest.SHA224: "2.16.840.1.101.3.4.2.4",
    Digest.SHA256: "2.16.840.1.101.3.4.2.1",
    Digest.SHA384: "2.16.840.1.101.3.4.2.2",
    Digest.SHA512: "2.16.840.1.101.3.4.2.3",
}
_SIZES: dict[Digest, int] = {d: _HASHES[d]().digest_size for d in Digest}
_DIGEST_ALIASES: dict[str, Digest] = {
    **{_key(d.value): d for d in Digest},
    "sha2224": Digest.SHA224,
    "sha2256": Digest.SHA256,
    "sha2384": Digest.SHA384,
    "sha2512": Digest.SHA512,
}


class Cipher(StrEnum):
    """Content-encryption algorithms (CMS EnvelopedData; GCM uses AuthEnvelopedData)."""

    TRIPLE_DES = "des-ede3-cbc"
    AES128_CBC = "aes128-cbc"
    AES192_CBC = "aes192-cbc"
    AES256_CBC = "aes256-cbc"
    AES128_GCM = "aes128-gcm"
    AES192_GCM = "aes192-gcm"
    AES256_GCM = "aes256-gcm"

    @property
    def asn1_name(self) -> str:
        return _CIPHER_ASN1[self]

    @property
    def oid(self) -> str:
        return _CIPHER_OID[self]

    @property
    def key_size(self) -> int:
        """Key length in bytes."""
        return 24 if self is Cipher.TRIPLE_DES else int(self.value[3:6]) // 8

    @property
    def block_size(self) -> int:
        """Block length in bytes (the IV length for CBC)."""
        return 8 if self is Cipher.TRIPLE_DES else 16

    @property
    def is_aead(self) -> bool:
        """True for AES-GCM, which CMS carries in AuthEnvelopedData (RFC 5083/5084)."""
        return self.value.endswith("-gcm")

    @classmethod
    def from_oid(cls, oid: str) -> Cipher:
        for cipher, known in _CIPHER_OID.items():
            if known == oid:
                return cipher
        raise UnsupportedAlgorithm(
            f"unsupported content-encryption algorithm {oid}",
            disposition_modifier=DECRYPTION_FAILED,
        )

    @classmethod
    def lookup(cls, name: str) -> Cipher | None:
        return _CIPHER_ALIASES.get(_key(name))

    @classmethod
    def parse(cls, name: str) -> Cipher:
        cipher = cls.lookup(name)
        if cipher is None:
            raise UnsupportedAlgorithm(
                f"unsupported cipher {name!r}", disposition_modifier=DECRYPTION_FAILED
            )
        return cipher


_CIPHER_ASN1: dict[Cipher, str] = {
    Cipher.TRIPLE_DES: "tripledes_3key",
    Cipher.AES128_CBC: "aes128_cbc",
    Cipher.AES192_CBC: "aes192_cbc",
    Cipher.AES256_CBC: "aes256_cbc",
    Cipher.AES128_GCM: "aes128_gcm",
    Cipher.AES192_GCM: "aes192_gcm",
    Cipher.AES256_GCM: "aes256_gcm",
}
_CIPHER_OID: dict[Cipher, str] = {
    Cipher.TRIPLE_DES: "1.2.840.113549.3.7",
    Cipher.AES128_CBC: "2.16.840.1.101.3.4.1.2",
    Cipher.AES192_CBC: "2.16.840.1.101.3.4.1.22",
    Cipher.AES256_CBC: "2.16.840.1.101.3.4.1.42",
    Cipher.AES128_GCM: "2.16.840.1.101.3.4.1.6",
    Cipher.AES192_GCM: "2.16.840.1.101.3.4.1.26",
    Cipher.AES256_GCM: "2.16.840.1.101.3.4.1.46",
}
_CIPHER_ALIASES: dict[str, Cipher] = {
    **{_key(c.value): c for c in Cipher},
    **{_key(a): c for c, a in _CIPHER_ASN1.items()},
    "3des": Cipher.TRIPLE_DES,
    "tripledes": Cipher.TRIPLE_DES,
    "tripledescbc": Cipher.TRIPLE_DES,
    "desede3": Cipher.TRIPLE_DES,
    "aes128": Cipher.AES128_CBC,
    "aes192": Cipher.AES192_CBC,
    "aes256": Cipher.AES256_CBC,
}


class KeyTransport(StrEnum):
    """How the content-encryption key travels to the recipient (RSA key transport)."""

    RSA_PKCS1V15 = "rsa-pkcs1v15"
    RSA_OAEP_SHA1 = "rsa-oaep"  # RFC 3560 defaults: SHA-1 and MGF1-SHA-1
    RSA_OAEP_SHA256 = "rsa-oaep-sha256"

    @classmethod
    def parse(cls, name: str) -> KeyTransport:
        key = _key(name)
        for transport in cls:
            if _key(transport.value) == key:
                return transport
        if key in {"rsaoaepsha1", "oaep", "oaepsha1"}:
            return cls.RSA_OAEP_SHA1
        if key in {"oaepsha256"}:
            return cls.RSA_OAEP_SHA256
        if key in {"rsa", "pkcs1v15", "rsaes", "rsaespkcs1v15"}:
            return cls.RSA_PKCS1V15
        raise UnsupportedAlgorithm(
            f"unsupported key transport {name!r}", disposition_modifier=DECRYPTION_FAILED
        )


class SignatureScheme(StrEnum):
    """RSA signature padding: PKCS#1 v1.5 or RSASSA-PSS (RFC 4056 parameters)."""

    RSA_PKCS1V15 = "rsa-pkcs1v15"
    RSA_PSS = "rsa-pss"

    @classmethod
    def parse(cls, name: str) -> SignatureScheme:
        key = _key(name)
        if key in {"rsapss", "pss", "rsassapss"}:
            return cls.RSA_PSS
        if key in {"rsapkcs1v15", "pkcs1v15", "rsa", "rsassapkcs1v15"}:
            return cls.RSA_PKCS1V15
        raise UnsupportedAlgorithm(
            f"unsupported signature scheme {name!r}", disposition_modifier=AUTHENTICATION_FAILED
        )
