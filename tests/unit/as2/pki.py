"""Throwaway AS2 test certificates, generated with ``cryptography`` when the run starts.

Nothing here is committed key material: every key is generated per test session.
RSA 2048 keys (generation dominates fixture time; smaller keys would not exercise
OpenSSL's defaults).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from as2 import Certificate, KeyPair, LocalIdentity, PartnerPolicy

NOW = dt.datetime.now(dt.UTC)


def make_key_pair(
    common_name: str,
    *,
    key: rsa.RSAPrivateKey | None = None,
    not_before: dt.datetime | None = None,
    days: int = 365,
    subject_key_identifier: bool = True,
) -> KeyPair:
    """A self-signed certificate (digitalSignature + keyEncipherment) and its key."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = not_before or NOW - dt.timedelta(days=1)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Crossdock AS2 tests"),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=False,
        )
    )
    if subject_key_identifier:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    return KeyPair(key, Certificate(builder.sign(key, hashes.SHA256())))


@dataclass(frozen=True)
class Pki:
    """The session's keys: ``ours`` (current), ``ours_old`` (rotation), ``partner`` (the
    peer), ``partner_next`` (the peer's next certificate), ``stranger`` (nobody's)."""

    ours: KeyPair
    ours_old: KeyPair
    partner: KeyPair
    partner_next: KeyPair
    stranger: KeyPair
    expired: KeyPair  # the partner's key, with an expired certificate

    def local(self, as2_id: str = "CROSSDOCK") -> LocalIdentity:
        return LocalIdentity(as2_id, (self.ours, self.ours_old))

    def partner_local(self, as2_id: str = "PARTNER") -> LocalIdentity:
        """The partner's own identity (when it is the receiver in a round trip)."""
        return LocalIdentity(as2_id, (self.partner,))

    def policy(self, as2_id: str = "PARTNER", **changes: object) -> PartnerPolicy:
        """How we see the partner (its certificate verifies and is encrypted to)."""
        fields: dict[str, object] = {"certificates": (self.partner.certificate,)}
        fields.update(changes)
        return PartnerPolicy(as2_id, **fields)  # type: ignore[arg-type]

    def our_policy(self, as2_id: str = "CROSSDOCK", **changes: object) -> PartnerPolicy:
        """How the partner sees us (for round trips where the partner receives)."""
        fields: dict[str, object] = {"certificates": (self.ours.certificate,)}
        fields.update(changes)
        return PartnerPolicy(as2_id, **fields)  # type: ignore[arg-type]


def make_pki() -> Pki:
    partner = make_key_pair("partner.example")
    return Pki(
        ours=make_key_pair("crossdock.example"),
        ours_old=make_key_pair("crossdock.example old"),
        partner=partner,
        partner_next=make_key_pair("partner.example next"),
        stranger=make_key_pair("stranger.example"),
        expired=make_key_pair(
            "partner.example expired",
            key=partner.private_key,  # type: ignore[arg-type]
            not_before=NOW - dt.timedelta(days=400),
            days=30,
        ),
    )


def write_pem(pair: KeyPair, directory: Path, name: str) -> tuple[Path, Path]:
    """``<name>.key`` (PKCS#8, unencrypted: test only) and ``<name>.crt``."""
    key_path = directory / f"{name}.key"
    cert_path = directory / f"{name}.crt"
    key_path.write_bytes(
        pair.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(pair.certificate.x509.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
