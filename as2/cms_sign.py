"""Detached CMS SignedData (RFC 5652 §5) for multipart/signed: sign and verify.

The signed content never enters the CMS structure: it is the MIME entity as
transferred, hashed chunk by chunk. Signatures are RSA PKCS#1 v1.5 (signature
algorithm rsaEncryption, as OpenSSL writes it), RSASSA-PSS with RFC 4055 parameters
(MGF1 with the same digest, salt length = digest length), or ECDSA.

The structure is small and fixed, so it is written and read with :mod:`as2.der`
directly: asn1crypto spent ten times the RSA operation building and walking it.

Verification uses the partner's configured certificates only, never the ones the
message carries: the signer identifier picks the certificate, and if it names none of
them every configured certificate is tried (a partner may re-issue a certificate for
the same key). A content digest that differs from the signed messageDigest attribute
is an integrity failure; a signature that verifies with none of the certificates is an
authentication failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from as2 import der
from as2.algorithms import Digest, SignatureScheme
from as2.content import Content
from as2.errors import (
    AUTHENTICATION_FAILED,
    AuthenticationFailed,
    ConfigurationError,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    UnsupportedAlgorithm,
    translated,
)
from as2.identities import Certificate, KeyPair, utcnow

SIGNED_DATA = "1.2.840.113549.1.7.2"
DATA = "1.2.840.113549.1.7.1"
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
SIGNING_TIME = "1.2.840.113549.1.9.5"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
RSASSA_PSS = "1.2.840.113549.1.1.10"
MGF1 = "1.2.840.113549.1.1.8"
RSA_WITH = {
    "1.2.840.113549.1.1.5": Digest.SHA1,
    "1.2.840.113549.1.1.14": Digest.SHA224,
    "1.2.840.113549.1.1.11": Digest.SHA256,
    "1.2.840.113549.1.1.12": Digest.SHA384,
    "1.2.840.113549.1.1.13": Digest.SHA512,
}
ECDSA_WITH = {
    "1.2.840.10045.4.1": Digest.SHA1,
    "1.2.840.10045.4.3.1": Digest.SHA224,
    "1.2.840.10045.4.3.2": Digest.SHA256,
    "1.2.840.10045.4.3.3": Digest.SHA384,
    "1.2.840.10045.4.3.4": Digest.SHA512,
}
NULL = b"\x05\x00"


def _algorithm(oid: str, parameters: bytes = b"") -> bytes:
    return der.wrap(der.SEQUENCE, der.encode_oid(oid) + parameters)


def _attribute(oid: str, value: bytes) -> bytes:
    return der.wrap(der.SEQUENCE, der.encode_oid(oid) + der.wrap(der.SET, value))


def _time(moment: dt.datetime) -> bytes:
    """UTCTime until 2049, GeneralizedTime after (RFC 5652 §11.3)."""
    moment = moment.astimezone(dt.UTC)
    if 1950 <= moment.year < 2050:
        return der.wrap(0x17, moment.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return der.wrap(0x18, moment.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


def sign_detached(
    content: Content,
    key: KeyPair,
    digest: Digest,
    scheme: SignatureScheme = SignatureScheme.RSA_PKCS1V15,
    *,
    content_digest: bytes | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """A DER ContentInfo(SignedData) over ``content`` (detached, with signed attributes).

    ``content_digest`` may be passed when the caller already hashed the content.
    """
    if content_digest is None:
        content_digest = content.digests([digest.hash_algorithm()])[0]
    attributes = der.set_of(
        [
            _attribute(CONTENT_TYPE, der.encode_oid(DATA)),
            _attribute(SIGNING_TIME, _time(now or utcnow())),
            _attribute(MESSAGE_DIGEST, der.wrap(der.OCTET_STRING, content_digest)),
        ]
    )
    with translated(ConfigurationError, "cannot sign"):
        signature, signature_algorithm = _sign(attributes, key, digest, scheme)
    certificate = key.certificate
    digest_algorithm = _algorithm(digest.oid)
    signer = der.wrap(
        der.SEQUENCE,
        der.encode_integer(1)
        + certificate.issuer_and_serial
        + digest_algorithm
        + b"\xa0"
        + attributes[1:]
        + signature_algorithm
        + der.wrap(der.OCTET_STRING, signature),
    )
    signed_data = der.wrap(
        der.SEQUENCE,
        der.encode_integer(1)
        + der.wrap(der.SET, digest_algorithm)
        + der.wrap(der.SEQUENCE, der.encode_oid(DATA))
        + der.wrap(0xA0, certificate.der)
        + der.wrap(der.SET, signer),
    )
    return der.wrap(der.SEQUENCE, der.encode_oid(SIGNED_DATA) + der.wrap(0xA0, signed_data))


def pss_parameters(digest: Digest) -> bytes:
    """RSASSA-PSS-params: the digest, MGF1 with the digest, salt = digest length."""
    hash_algorithm = _algorithm(digest.oid)
    return der.wrap(
        der.SEQUENCE,
        der.wrap(0xA0, hash_algorithm)
        + der.wrap(0xA1, _algorithm(MGF1, hash_algorithm))
        + der.wrap(0xA2, der.encode_integer(digest.size)),
    )


def _sign(
    data: bytes, key: KeyPair, digest: Digest, scheme: SignatureScheme
) -> tuple[bytes, bytes]:
    private = key.private_key
    if isinstance(private, ec.EllipticCurvePrivateKey):
        signature = private.sign(data, ec.ECDSA(digest.hash_algorithm()))
        oid = next(o for o, d in ECDSA_WITH.items() if d is digest)
        return signature, _algorithm(oid)
    if scheme is SignatureScheme.RSA_PSS:
        pss = padding.PSS(mgf=padding.MGF1(digest.hash_algorithm()), salt_length=digest.size)
        signature = private.sign(data, pss, digest.hash_algorithm())
        return signature, _algorithm(RSASSA_PSS, pss_parameters(digest))
    signature = private.sign(data, padding.PKCS1v15(), digest.hash_algorithm())
    return signature, _algorithm(RSA_ENCRYPTION, NULL)


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """A signature that verified: its digest, the partner certificate, and the content's
    digests computed along the way (``digests[d]`` for the signature digest and for
    each of the ``extra_digests`` asked for, e.g. the MIC's)."""

    digest: Digest
    certificate: Certificate
    signing_time: dt.datetime | None
    digests: dict[Digest, bytes]


@dataclass(frozen=True, slots=True)
class _SignerInfo:
    issuer: bytes | None
    serial: int | None
    key_identifier: bytes | None
    digest: Digest
    signed_attributes: bytes | None  # re-tagged as SET OF: what was signed
    message_digest: bytes | None
    content_type: str | None
    signing_time: dt.datetime | None
    signature_oid: str
    signature_parameters: der.Tlv | None
    signature: bytes
    reader: der.Reader


def _parse_time(reader: der.Reader, tlv: der.Tlv) -> dt.datetime | None:
    text = reader.content.read(tlv.value_start, tlv.value_end).decode("ascii", "replace")
    for tag, pattern in ((0x17, "%y%m%d%H%M%SZ"), (0x18, "%Y%m%d%H%M%SZ")):
        if tlv.tag == tag:
            try:
                return dt.datetime.strptime(text, pattern).replace(tzinfo=dt.UTC)
            except ValueError:
                return None
    return None


def _parse(signature_der: bytes) -> _SignerInfo:
    reader = der.Reader(Content.of(signature_der))
    outer = reader.children(der.expect(reader.tlv(0), der.SEQUENCE, "ContentInfo"))
    if len(outer) != 2 or outer[1].tag != 0xA0:
        raise AuthenticationFailed("the signature is not a CMS ContentInfo")
    if reader.oid(outer[0]) != SIGNED_DATA:
        raise AuthenticationFailed(
            f"the signature part holds {reader.oid(outer[0])}, not signed-data"
        )
    (signed_data,) = reader.children(outer[1])
    fields = reader.children(der.expect(signed_data, der.SEQUENCE, "SignedData"))
    signer_set = der.expect(fields[-1], der.SET, "SignerInfos")
    signers = reader.children(signer_set)
    if len(signers) != 1:
        raise AuthenticationFailed(f"expected one signer, found {len(signers)}")
    info = reader.children(der.expect(signers[0], der.SEQUENCE, "SignerInfo"))
    issuer = serial = key_identifier = None
    if info[1].tag == der.SEQUENCE:
        issuer_tlv, serial_tlv = reader.children(info[1])
        issuer = reader.element(issuer_tlv)
        serial = der.read_integer(reader, serial_tlv)
    elif info[1].tag == 0x80:
        key_identifier = reader.value(info[1])
    else:
        raise AuthenticationFailed("unknown signer identifier")
    digest = Digest.from_oid(reader.oid(reader.children(info[2])[0]))
    position = 3
    signed_attributes = message_digest = content_type = signing_time = None
    if info[position].tag == 0xA0:
        attributes = info[position]
        signed_attributes = b"\x31" + reader.element(attributes)[1:]
        for attribute in reader.children(attributes):
            oid_tlv, values = reader.children(der.expect(attribute, der.SEQUENCE, "Attribute"))
            oid = reader.oid(oid_tlv)
            value = reader.children(der.expect(values, der.SET, "AttributeValues"))[0]
            if oid == MESSAGE_DIGEST:
                message_digest = reader.value(der.expect(value, der.OCTET_STRING, "digest"))
            elif oid == CONTENT_TYPE:
                content_type = reader.oid(value)
            elif oid == SIGNING_TIME:
                signing_time = _parse_time(reader, value)
        position += 1
    algorithm = reader.children(der.expect(info[position], der.SEQUENCE, "signature algorithm"))
    signature = reader.value(der.expect(info[position + 1], der.OCTET_STRING, "signature"))
    return _SignerInfo(
        issuer=issuer,
        serial=serial,
        key_identifier=key_identifier,
        digest=digest,
        signed_attributes=signed_attributes,
        message_digest=message_digest,
        content_type=content_type,
        signing_time=signing_time,
        signature_oid=reader.oid(algorithm[0]),
        signature_parameters=algorithm[1] if len(algorithm) > 1 else None,
        signature=signature,
        reader=reader,
    )


def verify_detached(
    signature_der: bytes,
    content: Content,
    certificates: Sequence[Certificate],
    *,
    accepted_digests: Collection[Digest] | None = None,
    extra_digests: Collection[Digest] = (),
    now: dt.datetime | None = None,
) -> VerifiedSignature:
    """Verify a detached SignedData over ``content`` with one of ``certificates``.

    Raises:
        AuthenticationFailed: unreadable signature, or none of the certificates verifies.
        CertificateNotValid: the certificate that verifies is expired / not yet valid.
        IntegrityCheckFailed: the content is not what was signed.
        InsufficientMessageSecurity: the digest is not in ``accepted_digests``.
        UnsupportedAlgorithm: a digest or signature algorithm we do not know.
    """
    with translated(AuthenticationFailed, "cannot read the CMS signature"):
        signer = _parse(signature_der)
    digest = signer.digest
    if accepted_digests is not None and digest not in accepted_digests:
        raise InsufficientMessageSecurity(
            f"signature digest {digest.value} is not accepted from this partner"
        )
    wanted = [digest, *(d for d in dict.fromkeys(extra_digests) if d is not digest)]
    computed = dict(zip(wanted, content.digests([d.hash_algorithm() for d in wanted]), strict=True))
    if signer.signed_attributes is not None:
        if signer.message_digest is None:
            raise AuthenticationFailed("signed attributes without a message digest")
        if signer.content_type not in (None, DATA):
            raise AuthenticationFailed("signed content type is not id-data")
        if signer.message_digest != computed[digest]:
            raise IntegrityCheckFailed(
                "the content's digest differs from the signed one: the content was altered"
            )
        to_verify, prehashed = signer.signed_attributes, False
    else:
        to_verify, prehashed = computed[digest], True
    identifier = (signer.issuer, signer.serial, signer.key_identifier)
    ordered = sorted(certificates, key=lambda c: not c.matches(*identifier))
    for certificate in ordered:
        with translated(AuthenticationFailed, "cannot verify the signature"):
            verified = _verify(certificate, signer, to_verify, prehashed)
        if verified:
            certificate.check_valid(now)
            return VerifiedSignature(digest, certificate, signer.signing_time, computed)
    raise AuthenticationFailed(
        f"the signature does not verify with any of the {len(certificates)} certificate(s) "
        "configured for the partner"
    )


def _pss_from(reader: der.Reader, parameters: der.Tlv | None) -> tuple[Digest, Digest, int]:
    """(hash, MGF1 hash, salt length) of RSASSA-PSS-params, with RFC 4055 defaults."""
    hash_digest = mgf_digest = Digest.SHA1
    salt = 20
    if parameters is None or parameters.tag != der.SEQUENCE:
        return hash_digest, mgf_digest, salt
    for field in reader.children(parameters):
        (inner,) = reader.children(field)
        if field.tag == 0xA0:
            hash_digest = Digest.from_oid(reader.oid(reader.children(inner)[0]))
        elif field.tag == 0xA1:
            mgf = reader.children(inner)
            if reader.oid(mgf[0]) != MGF1:
                raise UnsupportedAlgorithm(
                    "RSASSA-PSS with a mask generation other than MGF1",
                    disposition_modifier=AUTHENTICATION_FAILED,
                )
            mgf_digest = Digest.from_oid(reader.oid(reader.children(mgf[1])[0]))
        elif field.tag == 0xA2:
            salt = der.read_integer(reader, inner)
    return hash_digest, mgf_digest, salt


def _verify(certificate: Certificate, signer: _SignerInfo, data: bytes, prehashed: bool) -> bool:
    public = certificate.x509.public_key()
    oid = signer.signature_oid
    chosen: hashes.HashAlgorithm
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            if oid not in ECDSA_WITH:
                return False
            chosen = ECDSA_WITH[oid].hash_algorithm()
            algorithm = ec.ECDSA(utils.Prehashed(chosen) if prehashed else chosen)
            public.verify(signer.signature, data, algorithm)
            return True
        if not isinstance(public, rsa.RSAPublicKey):
            return False
        pad: padding.AsymmetricPadding
        if oid == RSASSA_PSS:
            hash_digest, mgf_digest, salt = _pss_from(signer.reader, signer.signature_parameters)
            chosen = hash_digest.hash_algorithm()
            pad = padding.PSS(padding.MGF1(mgf_digest.hash_algorithm()), salt)
        elif oid == RSA_ENCRYPTION or oid in RSA_WITH:
            chosen = RSA_WITH.get(oid, signer.digest).hash_algorithm()
            pad = padding.PKCS1v15()
        elif oid in ECDSA_WITH:
            return False
        else:
            raise UnsupportedAlgorithm(
                f"unsupported signature algorithm {oid}",
                disposition_modifier=AUTHENTICATION_FAILED,
            )
        public.verify(signer.signature, data, pad, utils.Prehashed(chosen) if prehashed else chosen)
        return True
    except InvalidSignature:
        return False
