from __future__ import annotations

import inspect
import re

import pytest
from cryptography import exceptions as crypto_exceptions

from as2 import errors
from as2.errors import (
    As2Error,
    DecryptionFailed,
    MalformedMessage,
    UnsupportedAlgorithm,
    translated,
)
from gateway.domain.errors import GatewayError, PermanentError, RetryableError

RFC4130_MODIFIERS = {
    "authentication-failed",
    "decompression-failed",
    "decryption-failed",
    "insufficient-message-security",
    "integrity-check-failed",
    "unexpected-processing-error",
}


def _error_classes() -> list[type[As2Error]]:
    return [
        value
        for value in vars(errors).values()
        if inspect.isclass(value) and issubclass(value, As2Error)
    ]


def test_every_error_is_a_gateway_error_with_a_stable_code_and_a_side() -> None:
    codes = set()
    for cls in _error_classes():
        assert issubclass(cls, GatewayError)
        assert re.fullmatch(r"as2(\.[a-z0-9-]+)+|as2\.error", cls.code), cls
        assert cls.code not in codes, f"duplicate code {cls.code}"
        codes.add(cls.code)
        assert cls.disposition_modifier in RFC4130_MODIFIERS
        if cls is not As2Error:
            assert issubclass(cls, PermanentError) != issubclass(cls, RetryableError), cls
    assert errors.TransportError.retryable and errors.TransportTimeout.retryable
    assert not errors.DecryptionFailed.retryable


@pytest.mark.parametrize(
    ("cls", "modifier"),
    [
        (errors.MalformedMessage, "unexpected-processing-error"),
        (errors.UnknownPartner, "authentication-failed"),
        (errors.AuthenticationFailed, "authentication-failed"),
        (errors.CertificateNotValid, "authentication-failed"),
        (errors.IntegrityCheckFailed, "integrity-check-failed"),
        (errors.DecryptionFailed, "decryption-failed"),
        (errors.DecompressionFailed, "decompression-failed"),
        (errors.InsufficientMessageSecurity, "insufficient-message-security"),
    ],
)
def test_each_error_carries_its_disposition(cls: type[As2Error], modifier: str) -> None:
    assert cls("x").disposition_modifier == modifier


def _third_party_instances() -> list[BaseException]:
    instances: list[BaseException] = []
    for cls in errors.THIRD_PARTY_ERRORS:
        instances.append(cls.__new__(cls))
    for name in dir(crypto_exceptions):
        value = getattr(crypto_exceptions, name)
        if inspect.isclass(value) and issubclass(value, Exception):
            instances.append(value.__new__(value))
    return instances


@pytest.mark.parametrize("exception", _third_party_instances(), ids=lambda e: type(e).__name__)
def test_every_third_party_exception_is_translated(exception: BaseException) -> None:
    with pytest.raises(As2Error) as caught, translated(DecryptionFailed, "decrypting"):
        raise exception
    assert caught.value.__cause__ is exception
    assert caught.value.disposition_modifier == "decryption-failed"
    if isinstance(exception, crypto_exceptions.UnsupportedAlgorithm):
        assert isinstance(caught.value, UnsupportedAlgorithm)
    else:
        assert isinstance(caught.value, DecryptionFailed)


def test_our_errors_pass_through_unchanged() -> None:
    original = MalformedMessage("bad")
    with pytest.raises(MalformedMessage) as caught, translated(DecryptionFailed, "decrypting"):
        raise original
    assert caught.value is original
