"""Who we are and who the partner is: key pairs, certificates, and a partner's policy.

- :class:`Certificate`: an X.509 certificate with what CMS matching needs computed once
  (issuer and serial, subject key identifier) and its validity (:meth:`Certificate.status`).
- :class:`KeyPair`: one of our private keys with its certificate.
- :class:`LocalIdentity`: one of our AS2 ids with its key pairs; several during a key
  rotation (the first valid one signs, every one is tried for decryption).
- :class:`PartnerPolicy`: a partner's AS2 id, certificates (one, or two during a
  rotation: any of them may verify) and the security both directions must have.

The gateway builds these from its partner profiles and its secrets; nothing here
reads files or settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from as2 import der
from as2.algorithms import Cipher, Digest, KeyTransport, SignatureScheme
from as2.errors import THIRD_PARTY_ERRORS, CertificateNotValid, ConfigurationError, translated
from as2.headers import clean

DEFAULT_EXPIRY_WARNING = dt.timedelta(days=30)

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CertificateState(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but expires within the warning period
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """A certificate's validity at one moment, for the API and for warnings."""

    subject: str
    serial_number: int
    not_before: dt.datetime
    not_after: dt.datetime
    state: CertificateState
    days_left: int

    @property
    def usable(self) -> bool:
        return self.state in (CertificateState.VALID, CertificateState.EXPIRING)

    @property
    def warning(self) -> str | None:
        if self.state is CertificateState.VALID:
            return None
        name = f"certificate {self.subject} (serial {self.serial_number:x})"
        if self.state is CertificateState.EXPIRING:
            return f"{name} expires in {self.days_left} days ({self.not_after:%Y-%m-%d})"
        return (
            f"{name} is {self.state.value} "
            f"(valid {self.not_before:%Y-%m-%d} to {self.not_after:%Y-%m-%d})"
        )


class Certificate:
    """An X.509 certificate, parsed once for cryptography and for CMS matching."""

    def __init__(self, certificate: x509.Certificate) -> None:
        self.x509 = certificate
        self.der = certificate.public_bytes(serialization.Encoding.DER)

    @classmethod
    def load(cls, data: bytes | str) -> Certificate:
        """One certificate from PEM or DER."""
        raw = data.encode("ascii") if isinstance(data, str) else data
        with translated(ConfigurationError, "cannot load certificate"):
            if b"-----BEGIN" in raw:
                return cls(x509.load_pem_x509_certificate(raw))
            return cls(x509.load_der_x509_certificate(raw))

    @cached_property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)

    @cached_property
    def issuer_der(self) -> bytes:
        return bytes(self.asn1.issuer.dump())

    @cached_property
    def issuer_and_serial(self) -> bytes:
        """The DER IssuerAndSerialNumber that names this certificate in CMS."""
        return der.wrap(der.SEQUENCE, self.issuer_der + der.encode_integer(self.serial_number))

    @property
    def serial_number(self) -> int:
        return self.x509.serial_number

    @cached_property
    def subject_key_identifier(self) -> bytes | None:
        try:
            ext = self.x509.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except x509.ExtensionNotFound:
            return None
        return ext.value.digest

    @cached_property
    def not_before(self) -> dt.datetime:
        return self.x509.not_valid_before_utc

    @cached_property
    def not_after(self) -> dt.datetime:
        return self.x509.not_valid_after_utc

    @cached_property
    def subject(self) -> str:
        return self.x509.subject.rfc4514_string()

    def matches(self, issuer_der: bytes | None, serial: int | None, ski: bytes | None) -> bool:
        """Whether a CMS identifier (issuer + serial, or subject key id) names this cert."""
        if ski is not None:
            return self.subject_key_identifier == ski
        if issuer_der is None or serial != self.serial_number:
            return False
        if issuer_der == self.issuer_der:
            return True
        try:  # the same name in another string type (RFC 5280 §7.1 comparison)
            return bool(asn1_x509.Name.load(issuer_der) == self.asn1.issuer)
        except THIRD_PARTY_ERRORS:
            return False  # an unreadable name names nothing

    def status(
        self, now: dt.datetime | None = None, warn_before: dt.timedelta = DEFAULT_EXPIRY_WARNING
    ) -> CertificateStatus:
        now = now or utcnow()
        if now < self.not_before:
            state = CertificateState.NOT_YET_VALID
        elif now > self.not_after:
            state = CertificateState.EXPIRED
        elif self.not_after - now <= warn_before:
            state = CertificateState.EXPIRING
        else:
            state = CertificateState.VALID
        return CertificateStatus(
            subject=self.subject,
            serial_number=self.serial_number,
            not_before=self.not_before,
            not_after=self.not_after,
            state=state,
            days_left=max((self.not_after - now).days, 0),
        )

    def check_valid(self, now: dt.datetime | None = None) -> None:
        status = self.status(now)
        if not status.usable:
            raise CertificateNotValid(status.warning or "certificate not valid")

    def __repr__(self) -> str:
        return f"<Certificate {self.subject} serial={self.serial_number:x}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.der == self.der

    def __hash__(self) -> int:
        return hash(self.der)


@dataclass(frozen=True, eq=False)
class KeyPair:
    """One of our private keys and the certificate that goes with it."""

    private_key: PrivateKey
    certificate: Certificate

    def __post_init__(self) -> None:
        if not isinstance(self.private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ConfigurationError("AS2 keys must be RSA (or EC for signing only)")
        mine = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        theirs = self.certificate.x509.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if mine != theirs:
            raise ConfigurationError(
                f"the private key does not belong to certificate {self.certificate.subject}"
            )

    @classmethod
    def load(
        cls, private_key: bytes | str, certificate: bytes | str, password: bytes | None = None
    ) -> KeyPair:
        """A key (PEM or DER, PKCS#8 or traditional) and its certificate (PEM or DER)."""
        raw = private_key.encode("ascii") if isinstance(private_key, str) else private_key
        with translated(ConfigurationError, "cannot load private key"):
            if b"-----BEGIN" in raw:
                key = serialization.load_pem_private_key(raw, password)
            else:
                key = serialization.load_der_private_key(raw, password)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ConfigurationError(f"unsupported private key type {type(key).__name__}")
        return cls(key, Certificate.load(certificate))

    @classmethod
    def from_pkcs12(cls, data: bytes, password: bytes | None = None) -> KeyPair:
        with translated(ConfigurationError, "cannot load PKCS#12"):
            key, cert, _ = pkcs12.load_key_and_certificates(data, password)
        if cert is None or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ConfigurationError("PKCS#12 without an RSA/EC key and its certificate")
        return cls(key, Certificate(cert))


def _check_as2_id(value: str, what: str) -> str:
    """RFC 4130 §6.2: 1 to 128 printable ASCII characters."""
    if not 1 <= len(value) <= 128 or any(not 0x20 <= ord(c) <= 0x7E for c in value):
        raise ConfigurationError(f"{what} {value!r} is not 1-128 printable ASCII characters")
    return value


@dataclass(frozen=True, eq=False)
class LocalIdentity:
    """One of our AS2 ids and its key pairs (first = current; all decrypt)."""

    as2_id: str
    keys: tuple[KeyPair, ...]

    def __post_init__(self) -> None:
        _check_as2_id(self.as2_id, "our AS2 id")
        object.__setattr__(self, "keys", tuple(self.keys))
        if not self.keys:
            raise ConfigurationError(f"identity {self.as2_id!r} has no key pair")

    def signing_key(self, now: dt.datetime | None = None) -> KeyPair:
        """The first key pair whose certificate is valid now."""
        for pair in self.keys:
            if pair.certificate.status(now).usable:
                return pair
        raise ConfigurationError(f"identity {self.as2_id!r} has no valid certificate to sign")

    def certificate_statuses(
        self, now: dt.datetime | None = None, warn_before: dt.timedelta = DEFAULT_EXPIRY_WARNING
    ) -> list[CertificateStatus]:
        return [pair.certificate.status(now, warn_before) for pair in self.keys]


class Compression(StrEnum):
    """Outbound RFC 5402 compression: none, or before or after signing."""

    NONE = "none"
    BEFORE_SIGNING = "before-signing"
    AFTER_SIGNING = "after-signing"


class MdnMode(StrEnum):
    NONE = "none"
    SYNC = "sync"
    ASYNC = "async"


ALL_DIGESTS: frozenset[Digest] = frozenset(Digest)
ALL_CIPHERS: frozenset[Cipher] = frozenset(Cipher)


@dataclass(frozen=True, eq=False)
class PartnerPolicy:
    """A trading partner's AS2 settings, in both directions.

    Inbound (what we accept from them):
        ``require_signature`` / ``require_encryption``: refuse a message without one
        (MDN ``insufficient-message-security``); ``accepted_digests`` /
        ``accepted_ciphers``: the algorithms we accept from them (others are refused the
        same way).

    Outbound (what we send them): ``sign`` with ``digest`` and ``signature_scheme``;
    ``encrypt`` with ``cipher`` and ``key_transport`` to the first valid certificate;
    ``compression``; ``mdn_mode`` with ``signed_mdn`` (and ``mdn_digest``, default
    ``digest``) and ``async_mdn_url`` (where the partner posts an asynchronous MDN).

    ``certificates``: theirs; one, or two while they rotate (any may verify; the first
    valid one encrypts). ``expiry_warning``: how long before expiry
    :meth:`certificate_warnings` starts to warn.
    """

    as2_id: str
    certificates: tuple[Certificate, ...]
    url: str | None = None
    require_signature: bool = True
    require_encryption: bool = True
    accepted_digests: frozenset[Digest] = ALL_DIGESTS
    accepted_ciphers: frozenset[Cipher] = ALL_CIPHERS
    sign: bool = True
    digest: Digest = Digest.SHA256
    signature_scheme: SignatureScheme = SignatureScheme.RSA_PKCS1V15
    encrypt: bool = True
    cipher: Cipher = Cipher.AES256_CBC
    key_transport: KeyTransport = KeyTransport.RSA_PKCS1V15
    compression: Compression = Compression.NONE
    mdn_mode: MdnMode = MdnMode.SYNC
    signed_mdn: bool = True
    mdn_digest: Digest | None = None
    async_mdn_url: str | None = None
    content_type: str = "application/edi-x12"
    subject: str = "AS2 message"
    expiry_warning: dt.timedelta = field(default=DEFAULT_EXPIRY_WARNING)

    def __post_init__(self) -> None:
        _check_as2_id(self.as2_id, "partner AS2 id")
        object.__setattr__(self, "certificates", tuple(self.certificates))
        if not self.certificates:
            raise ConfigurationError(f"partner {self.as2_id!r} has no certificate")
        if self.mdn_mode is MdnMode.ASYNC and not self.async_mdn_url:
            raise ConfigurationError("an asynchronous MDN needs async_mdn_url")
        if clean(self.content_type) != self.content_type or clean(self.subject) != self.subject:
            raise ConfigurationError("content_type and subject must be single-line text")

    @property
    def receipt_digest(self) -> Digest:
        """The MIC / MDN-signature digest we ask the partner for."""
        return self.mdn_digest or self.digest

    def encryption_certificate(self, now: dt.datetime | None = None) -> Certificate:
        for certificate in self.certificates:
            if certificate.status(now).usable:
                return certificate
        raise ConfigurationError(f"partner {self.as2_id!r} has no valid certificate to encrypt to")

    def certificate_statuses(self, now: dt.datetime | None = None) -> list[CertificateStatus]:
        return [c.status(now, self.expiry_warning) for c in self.certificates]

    def certificate_warnings(self, now: dt.datetime | None = None) -> list[str]:
        """One line per certificate that is expiring, expired or not yet valid."""
        return [s.warning for s in self.certificate_statuses(now) if s.warning]
