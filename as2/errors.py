"""The AS2 error family: every error this package raises on purpose.

Each error has a stable dotted ``code`` and carries the MDN disposition modifier it
implies (RFC 4130 §7.4.3), so an MDN falls out of the exception::

    GatewayError(code, message, retryable)
    └── As2Error                              as2.error
        │   A received message we refuse (PermanentError); MDN modifier on the right:
        ├── MalformedMessage                  as2.malformed          unexpected-processing-error
        ├── UnknownPartner                    as2.unknown-partner    authentication-failed
        ├── UnknownRecipient                  as2.unknown-recipient  authentication-failed
        ├── AuthenticationFailed              as2.authentication-failed
        │   │                                                        authentication-failed
        │   └── CertificateNotValid           as2.certificate-not-valid
        │                                                            authentication-failed
        ├── IntegrityCheckFailed              as2.integrity-check-failed
        │                                                            integrity-check-failed
        ├── DecryptionFailed                  as2.decryption-failed  decryption-failed
        ├── DecompressionFailed               as2.decompression-failed
        │                                                            decompression-failed
        ├── InsufficientMessageSecurity       as2.insufficient-message-security
        │                                                            insufficient-message-security
        ├── UnsupportedAlgorithm              as2.unsupported-algorithm
        │                                     (decryption-failed for a cipher or key transport,
        │                                      authentication-failed for a digest or signature)
        │   Our own side is misconfigured (PermanentError):
        ├── ConfigurationError                as2.configuration
        │   What a partner's MDN says about a message we sent (PermanentError):
        ├── MdnError                          as2.mdn
        │   ├── MdnMalformed                  as2.mdn.malformed
        │   ├── MdnAuthenticationFailed       as2.mdn.authentication-failed
        │   ├── MdnUnsigned                   as2.mdn.unsigned
        │   ├── MdnMissing                    as2.mdn.missing
        │   ├── MdnWrongMessage               as2.mdn.wrong-message
        │   ├── MicMismatch                   as2.mdn.mic-mismatch
        │   └── NegativeDisposition           as2.mdn.negative-disposition
        │   HTTP:
        ├── HttpRejected (PermanentError)     as2.http.rejected (4xx, TLS verification, bad URL)
        └── TransportError (RetryableError)   as2.transport (connection, 5xx, 408, 429)
            └── TransportTimeout              as2.transport.timeout

Third-party exceptions (``cryptography``, ``asn1crypto``'s ``ValueError``/``TypeError``,
``zlib.error``, ``binascii.Error``) are translated at the edge by :func:`translated`,
which every CMS and MIME entry point uses; ``httpx`` errors are translated in
``as2.sender``.
"""

from __future__ import annotations

import binascii
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography import exceptions as crypto_exceptions

from gateway.domain.errors import GatewayError, PermanentError, RetryableError

UNEXPECTED = "unexpected-processing-error"
AUTHENTICATION_FAILED = "authentication-failed"
DECRYPTION_FAILED = "decryption-failed"
DECOMPRESSION_FAILED = "decompression-failed"
INTEGRITY_CHECK_FAILED = "integrity-check-failed"
INSUFFICIENT_SECURITY = "insufficient-message-security"


class As2Error(GatewayError):
    """Root of the AS2 family; ``disposition_modifier`` is what an MDN says about it."""

    code = "as2.error"
    disposition_modifier: str = UNEXPECTED

    def __init__(
        self, message: str, *, code: str | None = None, disposition_modifier: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        if disposition_modifier is not None:
            self.disposition_modifier = disposition_modifier


# -- a received message we refuse -------------------------------------------------------


class MalformedMessage(As2Error, PermanentError):
    """The request or one of its MIME / CMS layers cannot be read."""

    code = "as2.malformed"


class UnknownPartner(As2Error, PermanentError):
    """AS2-From names no partner we know (or the lookup found none)."""

    code = "as2.unknown-partner"
    disposition_modifier = AUTHENTICATION_FAILED


class UnknownRecipient(As2Error, PermanentError):
    """AS2-To names none of our identities."""

    code = "as2.unknown-recipient"
    disposition_modifier = AUTHENTICATION_FAILED


class AuthenticationFailed(As2Error, PermanentError):
    """The signature does not verify with any of the partner's certificates."""

    code = "as2.authentication-failed"
    disposition_modifier = AUTHENTICATION_FAILED


class CertificateNotValid(AuthenticationFailed):
    """The certificate that verified is expired or not yet valid."""

    code = "as2.certificate-not-valid"


class IntegrityCheckFailed(As2Error, PermanentError):
    """The content's digest differs from the one that was signed (content altered)."""

    code = "as2.integrity-check-failed"
    disposition_modifier = INTEGRITY_CHECK_FAILED


class DecryptionFailed(As2Error, PermanentError):
    """None of our keys decrypts the message."""

    code = "as2.decryption-failed"
    disposition_modifier = DECRYPTION_FAILED


class DecompressionFailed(As2Error, PermanentError):
    """The RFC 3274 compressed data does not inflate (or exceeds the size limit)."""

    code = "as2.decompression-failed"
    disposition_modifier = DECOMPRESSION_FAILED


class InsufficientMessageSecurity(As2Error, PermanentError):
    """The partner's policy requires a signature / encryption / algorithm it did not use."""

    code = "as2.insufficient-message-security"
    disposition_modifier = INSUFFICIENT_SECURITY


class UnsupportedAlgorithm(As2Error, PermanentError):
    """An algorithm we do not implement; the modifier depends on where it was met
    (a cipher: decryption-failed, a signature or digest: authentication-failed)."""

    code = "as2.unsupported-algorithm"


# -- our own configuration -----------------------------------------------------------------


class ConfigurationError(As2Error, PermanentError):
    """A key, certificate or policy of ours is unusable (mismatched pair, no valid cert)."""

    code = "as2.configuration"


# -- MDNs for messages we sent ------------------------------------------------------------


class MdnError(As2Error, PermanentError):
    """The MDN for a message we sent means the message failed; ``receipt`` is the parsed
    MDN when there is one (store it with the message)."""

    code = "as2.mdn"

    def __init__(self, message: str, *, receipt: object | None = None) -> None:
        super().__init__(message)
        self.receipt = receipt
        #: (headers, body) of the MDN as received, set by ``as2.sender.send``.
        self.raw_mdn: tuple[tuple[tuple[str, str], ...], bytes] | None = None


class MdnMalformed(MdnError):
    code = "as2.mdn.malformed"


class MdnAuthenticationFailed(MdnError):
    code = "as2.mdn.authentication-failed"


class MdnUnsigned(MdnError):
    """We asked for a signed MDN (the partner policy requires one) and got an unsigned one."""

    code = "as2.mdn.unsigned"


class MdnMissing(MdnError):
    """A synchronous MDN was requested and the response carried none."""

    code = "as2.mdn.missing"


class MdnWrongMessage(MdnError):
    """The MDN's Original-Message-ID is not the message it was matched to."""

    code = "as2.mdn.wrong-message"


class MicMismatch(MdnError):
    """The partner's Received-Content-MIC differs from the one we computed (or is absent)."""

    code = "as2.mdn.mic-mismatch"


class NegativeDisposition(MdnError):
    """The partner reports processed/error or failed; the modifier is in ``receipt``."""

    code = "as2.mdn.negative-disposition"


# -- HTTP -----------------------------------------------------------------------------------


class HttpRejected(As2Error, PermanentError):
    """The partner's server refused the request (4xx) or cannot be talked to as configured
    (bad URL, TLS verification failure): retrying the same request will not help."""

    code = "as2.http.rejected"

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class TransportError(As2Error, RetryableError):
    """Connection refused or reset, 5xx, 429: retry later with the same Message-ID."""

    code = "as2.transport"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry_after = retry_after


class TransportTimeout(TransportError):
    code = "as2.transport.timeout"


# -- translating third-party exceptions -------------------------------------------------------

#: What third-party libraries raise on bad input: asn1crypto raises ValueError/TypeError
#: (and the odd KeyError/IndexError/OverflowError) on malformed DER; zlib and binascii
#: raise their own errors; cryptography raises its exceptions module's classes and
#: ValueError (bad padding, wrong key sizes).
THIRD_PARTY_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    UnicodeError,
    zlib.error,
    binascii.Error,
    crypto_exceptions.InvalidSignature,
    crypto_exceptions.InvalidTag,
    crypto_exceptions.InvalidKey,
    crypto_exceptions.UnsupportedAlgorithm,
    crypto_exceptions.AlreadyFinalized,
    crypto_exceptions.AlreadyUpdated,
    crypto_exceptions.NotYetFinalized,
    crypto_exceptions.InternalError,
)


@contextmanager
def translated(error: type[As2Error], what: str) -> Iterator[None]:
    """Raise ``error("<what>: <cause>")`` from any third-party exception in the block.

    Our own As2Errors pass through unchanged; ``what`` says which step failed.
    """
    try:
        yield
    except As2Error:
        raise
    except crypto_exceptions.UnsupportedAlgorithm as exc:
        raise UnsupportedAlgorithm(
            f"{what}: {exc}", disposition_modifier=error.disposition_modifier
        ) from exc
    except THIRD_PARTY_ERRORS as exc:
        detail = str(exc) or type(exc).__name__
        raise error(f"{what}: {detail}") from exc
