"""CMS EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083/5084): streamed.

Ciphers: 3DES and AES-CBC in EnvelopedData, AES-GCM in AuthEnvelopedData. Key
transport: RSA PKCS#1 v1.5 or RSAES-OAEP (RFC 3560/8017, any SHA-2/SHA-1 hash).

Decryption finds our RecipientInfo by issuer and serial number or subject key
identifier among however many there are, in whatever order (OpenSSL DER-sorts them).
Since OpenSSL 3.2 a PKCS#1 v1.5 decryption with the wrong key does not fail: it
returns a pseudo-random key (implicit rejection). So a key-transport result is only a
candidate; success is judged by the symmetric decryption: the key length, the CBC
padding or the GCM tag, and the decrypted bytes starting like a MIME entity (checked
on the first block, so a wrong candidate costs little even on a large message).

The encrypted content is read chunk by chunk (see :mod:`as2.der`) and decrypted into
a :class:`~as2.content.Spool`; outbound, the DER structure is written around a
ciphertext streamed the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher as CipherAlgorithm
from cryptography.hazmat.primitives.ciphers import CipherContext, algorithms, modes

from as2 import der
from as2.algorithms import Cipher, Digest, KeyTransport
from as2.content import Content, SpoolOptions
from as2.errors import (
    DECRYPTION_FAILED,
    ConfigurationError,
    DecryptionFailed,
    InsufficientMessageSecurity,
    MalformedMessage,
    UnsupportedAlgorithm,
    translated,
)
from as2.identities import Certificate, KeyPair

ENVELOPED_DATA = "1.2.840.113549.1.7.3"
AUTH_ENVELOPED_DATA = "1.2.840.113549.1.9.16.1.23"
DATA = "1.2.840.113549.1.7.1"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
RSAES_OAEP = "1.2.840.113549.1.1.7"
MGF1 = "1.2.840.113549.1.1.8"
NULL = b"\x05\x00"
GCM_TAG_LENGTH = 16
GCM_NONCE_LENGTH = 12

# A MIME entity begins with a header line ("Name:") or a blank line (no headers).
_MIME_START = re.compile(rb"(\r?\n|[!-9;-~]{1,76}:)")


@dataclass(frozen=True, slots=True)
class Decrypted:
    content: Content
    cipher: Cipher
    key_transport: KeyTransport
    key: KeyPair


@dataclass(frozen=True, slots=True)
class _Recipient:
    """A KeyTransRecipientInfo: who it is for, how the key was wrapped, the wrapped key."""

    issuer: bytes | None
    serial: int | None
    key_identifier: bytes | None
    algorithm: str
    parameters: der.Tlv | None
    encrypted_key: bytes


@dataclass(frozen=True, slots=True)
class _Envelope:
    authenticated: bool
    recipients: list[_Recipient]
    cipher: Cipher
    iv: bytes
    tag: bytes | None
    aad: bytes | None
    encrypted: der.Tlv
    reader: der.Reader


def _recipients(reader: der.Reader, recipient_set: der.Tlv) -> list[_Recipient]:
    """The KeyTransRecipientInfos (other kinds: key agreement, KEK, password, are skipped)."""
    found: list[_Recipient] = []
    for info in reader.children(recipient_set):
        if info.tag != der.SEQUENCE:
            continue  # [1] kari, [2] kekri, [3] pwri, [4] ori
        fields = reader.children(info)
        if len(fields) != 4:
            raise MalformedMessage("KeyTransRecipientInfo must have four fields")
        issuer = serial = key_identifier = None
        if fields[1].tag == der.SEQUENCE:
            issuer_tlv, serial_tlv = reader.children(fields[1])
            issuer = reader.element(issuer_tlv)
            serial = der.read_integer(reader, serial_tlv)
        elif fields[1].tag == 0x80:
            key_identifier = reader.value(fields[1])
        else:
            raise MalformedMessage("unknown recipient identifier")
        algorithm = reader.children(der.expect(fields[2], der.SEQUENCE, "key algorithm"))
        found.append(
            _Recipient(
                issuer=issuer,
                serial=serial,
                key_identifier=key_identifier,
                algorithm=reader.oid(algorithm[0]),
                parameters=algorithm[1] if len(algorithm) > 1 else None,
                encrypted_key=reader.value(der.expect(fields[3], der.OCTET_STRING, "key")),
            )
        )
    return found


def _parse(envelope: Content) -> _Envelope:
    reader = der.Reader(envelope)
    outer = der.expect(reader.tlv(0), der.SEQUENCE, "ContentInfo")
    kids = reader.children(outer)
    if len(kids) != 2 or kids[1].tag != 0xA0:
        raise MalformedMessage("ContentInfo without content")
    content_type = reader.oid(kids[0])
    if content_type not in (ENVELOPED_DATA, AUTH_ENVELOPED_DATA):
        raise MalformedMessage(f"expected enveloped data, found content type {content_type}")
    authenticated = content_type == AUTH_ENVELOPED_DATA
    inner = reader.children(kids[1])
    if len(inner) != 1:
        raise MalformedMessage("ContentInfo [0] must hold one element")
    fields = reader.children(der.expect(inner[0], der.SEQUENCE, "EnvelopedData"))
    position = 1  # after the version
    if position < len(fields) and fields[position].tag == 0xA0:
        position += 1  # originatorInfo
    if position + 1 >= len(fields):
        raise MalformedMessage("EnvelopedData cut short")
    recipient_set = der.expect(fields[position], der.SET, "RecipientInfos")
    info = der.expect(fields[position + 1], der.SEQUENCE, "EncryptedContentInfo")
    rest = fields[position + 2 :]
    recipients = _recipients(reader, recipient_set)
    if not recipients:
        raise DecryptionFailed("no key-transport (RSA) RecipientInfo in the message")
    info_fields = reader.children(info)
    if len(info_fields) < 3 or info_fields[2].tag not in (0x80, 0xA0):
        raise MalformedMessage("EncryptedContentInfo without encrypted content")
    algorithm = reader.children(der.expect(info_fields[1], der.SEQUENCE, "algorithm"))
    cipher = Cipher.from_oid(reader.oid(algorithm[0]))
    if cipher.is_aead != authenticated:
        raise MalformedMessage(f"{cipher.value} in the wrong envelope type")
    tag: bytes | None = None
    aad: bytes | None = None
    if len(algorithm) < 2:
        raise MalformedMessage("content-encryption algorithm without parameters")
    if authenticated:
        gcm = reader.children(der.expect(algorithm[1], der.SEQUENCE, "GCMParameters"))
        iv = reader.value(der.expect(gcm[0], der.OCTET_STRING, "GCM nonce"))
        icv_length = 12
        if len(gcm) > 1:
            icv_length = int.from_bytes(reader.value(der.expect(gcm[1], der.INTEGER, "icvlen")))
        for element in rest:
            if element.tag == 0xA1:
                aad = b"\x31" + reader.element(element)[1:]
            elif element.tag == der.OCTET_STRING:
                tag = reader.value(element)
        if tag is None or len(tag) != icv_length or not 12 <= icv_length <= 16:
            raise MalformedMessage("AuthEnvelopedData without a valid MAC")
    else:
        iv = reader.value(der.expect(algorithm[1], der.OCTET_STRING, "IV"))
        if len(iv) != cipher.block_size:
            raise MalformedMessage(f"{cipher.value} IV of {len(iv)} bytes")
    return _Envelope(authenticated, recipients, cipher, iv, tag, aad, info_fields[2], reader)


def decrypt(
    envelope: Content,
    keys: Sequence[KeyPair],
    *,
    accepted_ciphers: Collection[Cipher] | None = None,
    spool: SpoolOptions | None = None,
) -> Decrypted:
    """Decrypt an EnvelopedData / AuthEnvelopedData with one of our ``keys``.

    Raises:
        DecryptionFailed: no RecipientInfo / key of ours opens it.
        InsufficientMessageSecurity: the cipher is not in ``accepted_ciphers``.
        UnsupportedAlgorithm, MalformedMessage.
    """
    with translated(MalformedMessage, "cannot read the enveloped data"):
        parsed = _parse(envelope)
    if accepted_ciphers is not None and parsed.cipher not in accepted_ciphers:
        raise InsufficientMessageSecurity(
            f"cipher {parsed.cipher.value} is not accepted from this partner"
        )
    reasons: list[str] = []
    for recipient, pair in _candidates(parsed.recipients, keys):
        try:
            transport, key = _unwrap_key(recipient, pair, parsed.reader)
            if len(key) != parsed.cipher.key_size:
                raise DecryptionFailed("the decrypted key has the wrong length")
            content = _decrypt_content(parsed, key, spool or SpoolOptions())
        except DecryptionFailed as exc:
            reasons.append(f"{pair.certificate.subject}: {exc}")
            continue
        return Decrypted(content, parsed.cipher, transport, pair)
    if not reasons:
        raise DecryptionFailed("no RecipientInfo names one of our certificates")
    raise DecryptionFailed("none of our keys decrypts the message (" + "; ".join(reasons) + ")")


def _candidates(
    recipients: list[_Recipient], keys: Sequence[KeyPair]
) -> Iterator[tuple[_Recipient, KeyPair]]:
    """(recipient, key) pairs to try: those whose identifier names our certificate; if
    none does, every pair (a certificate re-issued for the same key)."""
    matched = [
        (recipient, pair)
        for recipient in recipients
        for pair in keys
        if pair.certificate.matches(recipient.issuer, recipient.serial, recipient.key_identifier)
    ]
    if matched:
        yield from matched
        return
    for recipient in recipients:
        for pair in keys:
            yield recipient, pair


def _oaep(reader: der.Reader, parameters: der.Tlv | None) -> tuple[padding.OAEP, Digest]:
    """RSAES-OAEP-params (RFC 4055 §4.1), defaults SHA-1 / MGF1-SHA-1 / empty label."""
    hash_digest = mgf_digest = Digest.SHA1
    if parameters is not None and parameters.tag == der.SEQUENCE:
        for field in reader.children(parameters):
            (inner,) = reader.children(field)
            if field.tag == 0xA0:
                hash_digest = Digest.from_oid(reader.oid(reader.children(inner)[0]))
            elif field.tag == 0xA1:
                mgf = reader.children(inner)
                if reader.oid(mgf[0]) != MGF1:
                    raise UnsupportedAlgorithm(
                        "RSAES-OAEP without MGF1", disposition_modifier=DECRYPTION_FAILED
                    )
                mgf_digest = Digest.from_oid(reader.oid(reader.children(mgf[1])[0]))
            elif field.tag == 0xA2:
                source = reader.children(inner)
                if len(source) > 1 and reader.value(source[1]):
                    raise UnsupportedAlgorithm(
                        "RSAES-OAEP with a label", disposition_modifier=DECRYPTION_FAILED
                    )
    oaep = padding.OAEP(
        mgf=padding.MGF1(mgf_digest.hash_algorithm()),
        algorithm=hash_digest.hash_algorithm(),
        label=None,
    )
    return oaep, hash_digest


def _unwrap_key(
    recipient: _Recipient, pair: KeyPair, reader: der.Reader
) -> tuple[KeyTransport, bytes]:
    private = pair.private_key
    if not isinstance(private, rsa.RSAPrivateKey):
        raise DecryptionFailed("our key is not an RSA key")
    with translated(DecryptionFailed, "key transport"):
        if recipient.algorithm == RSA_ENCRYPTION:
            key = private.decrypt(recipient.encrypted_key, padding.PKCS1v15())
            return KeyTransport.RSA_PKCS1V15, key
        if recipient.algorithm == RSAES_OAEP:
            oaep, digest = _oaep(reader, recipient.parameters)
            transport = (
                KeyTransport.RSA_OAEP_SHA1
                if digest is Digest.SHA1
                else KeyTransport.RSA_OAEP_SHA256
            )
            return transport, private.decrypt(recipient.encrypted_key, oaep)
    raise UnsupportedAlgorithm(
        f"unsupported key transport {recipient.algorithm}", disposition_modifier=DECRYPTION_FAILED
    )


def _cipher_algorithm(cipher: Cipher, key: bytes) -> algorithms.AES | TripleDES:
    return TripleDES(key) if cipher is Cipher.TRIPLE_DES else algorithms.AES(key)


def _decrypt_content(parsed: _Envelope, key: bytes, spool: SpoolOptions) -> Content:
    out = spool.spool()
    checked = False
    head = b""
    with translated(DecryptionFailed, "content decryption"):
        decryptor: CipherContext
        if parsed.authenticated:
            assert parsed.tag is not None
            gcm = modes.GCM(parsed.iv, parsed.tag, min_tag_length=len(parsed.tag))
            aead = CipherAlgorithm(algorithms.AES(key), gcm).decryptor()
            if parsed.aad is not None:
                aead.authenticate_additional_data(parsed.aad)
            decryptor, unpadder = aead, None
        else:
            cbc = modes.CBC(parsed.iv)
            decryptor = CipherAlgorithm(_cipher_algorithm(parsed.cipher, key), cbc).decryptor()
            unpadder = sym_padding.PKCS7(parsed.cipher.block_size * 8).unpadder()
        try:
            for chunk in parsed.reader.octet_chunks(parsed.encrypted):
                for piece in chunk.chunks():
                    data = decryptor.update(piece)
                    if unpadder is not None:
                        data = unpadder.update(data)
                    if not checked:
                        head += data[:80]
                        if len(head) >= 80:
                            _check_plausible(head)
                            checked = True
                    out.write(data)
            data = decryptor.finalize()
            if unpadder is not None:
                data = unpadder.update(data) + unpadder.finalize()
            out.write(data)
            if not checked:
                _check_plausible(head + data)
        except BaseException:
            out.discard()
            raise
    return out.finish()


def _check_plausible(head: bytes) -> None:
    if not _MIME_START.match(head):
        raise DecryptionFailed("the decrypted content is not a MIME entity (wrong key)")


# -- encryption --------------------------------------------------------------------------------


def _wrap_key(certificate: Certificate, transport: KeyTransport, key: bytes) -> bytes:
    """A DER KeyTransRecipientInfo (version 0, issuer and serial number)."""
    public = certificate.x509.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise ConfigurationError("can only encrypt to RSA certificates")
    if transport is KeyTransport.RSA_PKCS1V15:
        encrypted = public.encrypt(key, padding.PKCS1v15())
        algorithm = der.encode_oid(RSA_ENCRYPTION) + NULL
    else:
        digest = Digest.SHA256 if transport is KeyTransport.RSA_OAEP_SHA256 else Digest.SHA1
        oaep = padding.OAEP(
            mgf=padding.MGF1(digest.hash_algorithm()), algorithm=digest.hash_algorithm(), label=None
        )
        encrypted = public.encrypt(key, oaep)
        parameters = b""  # SHA-1 and MGF1-SHA-1 are the defaults, encoded as absent
        if digest is not Digest.SHA1:
            hash_algorithm = der.wrap(der.SEQUENCE, der.encode_oid(digest.oid))
            mgf = der.wrap(der.SEQUENCE, der.encode_oid(MGF1) + hash_algorithm)
            parameters = der.wrap(0xA0, hash_algorithm) + der.wrap(0xA1, mgf)
        algorithm = der.encode_oid(RSAES_OAEP) + der.wrap(der.SEQUENCE, parameters)
    return der.wrap(
        der.SEQUENCE,
        der.encode_integer(0)
        + certificate.issuer_and_serial
        + der.wrap(der.SEQUENCE, algorithm)
        + der.wrap(der.OCTET_STRING, encrypted),
    )


def encrypt(
    content: Content,
    certificate: Certificate,
    cipher: Cipher = Cipher.AES256_CBC,
    transport: KeyTransport = KeyTransport.RSA_PKCS1V15,
    *,
    spool: SpoolOptions | None = None,
) -> Content:
    """A DER ContentInfo (Auth)EnvelopedData of ``content`` for ``certificate``'s key."""
    key = os.urandom(cipher.key_size)
    recipients = der.wrap(der.SET, _wrap_key(certificate, transport, key))
    if cipher.is_aead:
        iv = os.urandom(GCM_NONCE_LENGTH)
        params = der.wrap(
            der.SEQUENCE,
            der.wrap(der.OCTET_STRING, iv) + der.wrap(der.INTEGER, bytes((GCM_TAG_LENGTH,))),
        )
        encrypted_length = content.size
        aead = CipherAlgorithm(algorithms.AES(key), modes.GCM(iv)).encryptor()
        context: CipherContext = aead
        padder = None
    else:
        iv = os.urandom(cipher.block_size)
        params = der.wrap(der.OCTET_STRING, iv)
        encrypted_length = (content.size // cipher.block_size + 1) * cipher.block_size
        aead = None
        context = CipherAlgorithm(_cipher_algorithm(cipher, key), modes.CBC(iv)).encryptor()
        padder = sym_padding.PKCS7(cipher.block_size * 8).padder()
    algorithm = der.wrap(der.SEQUENCE, der.encode_oid(cipher.oid) + params)
    info_head = der.encode_oid(DATA) + algorithm + der.header(0x80, encrypted_length)
    info_length = len(info_head) + encrypted_length
    body_head = der.wrap(der.INTEGER, b"\x00") + recipients + der.header(der.SEQUENCE, info_length)
    mac_length = 2 + GCM_TAG_LENGTH if cipher.is_aead else 0
    body_length = len(body_head) + info_length + mac_length
    explicit = der.header(der.SEQUENCE, body_length)
    oid = der.encode_oid(AUTH_ENVELOPED_DATA if cipher.is_aead else ENVELOPED_DATA)
    tagged_length = len(explicit) + body_length
    outer_length = len(oid) + len(der.header(0xA0, tagged_length)) + tagged_length
    out = (spool or SpoolOptions()).spool()
    out.write(
        der.header(der.SEQUENCE, outer_length)
        + oid
        + der.header(0xA0, tagged_length)
        + explicit
        + body_head
        + info_head
    )
    for chunk in content.chunks():
        out.write(context.update(padder.update(chunk) if padder is not None else chunk))
    tail = padder.finalize() if padder is not None else b""
    out.write(context.update(tail) + context.finalize())
    if aead is not None:
        out.write(der.wrap(der.OCTET_STRING, aead.tag))
    result = out.finish()
    assert result.size == len(der.header(der.SEQUENCE, outer_length)) + outer_length
    return result
