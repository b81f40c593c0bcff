"""Every paramiko exception, and the socket and file errors paramiko raises, comes out
of the adapter as an SftpError with the right retry class (STYLE.md habit 8)."""

from __future__ import annotations

import errno
import importlib
import inspect
import pkgutil

import paramiko
import paramiko.auth_strategy
import paramiko.hostkeys
import pytest
from paramiko import ssh_exception
from paramiko.pkey import UnknownKeyType

from gateway.domain.errors import GatewayError, PermanentError, RetryableError
from gateway.domain.payloads import PayloadTooLarge
from sftp.errors import (
    HostKeyRejected,
    SftpAuthFailed,
    SftpConfigurationError,
    SftpConnectionFailed,
    SftpError,
    SftpHostKeyMismatch,
    SftpIncompatiblePeer,
    SftpNotFound,
    SftpPermissionDenied,
    SftpTransferFailed,
    map_paramiko_errors,
)


def _instance(kind: type[BaseException]) -> BaseException:
    """An instance of each paramiko exception, whatever its constructor wants."""
    if kind is ssh_exception.BadAuthenticationType:
        return kind("no", ["publickey"])
    if kind is ssh_exception.PartialAuthentication:
        return kind(["publickey"])
    if kind is ssh_exception.ChannelException:
        return kind(2, "refused")
    if kind is ssh_exception.BadHostKeyException:
        key = paramiko.RSAKey.generate(1024)
        return kind("host", key, key)
    if kind is ssh_exception.ProxyCommandFailure:
        return kind("proxy", "broken")
    if kind is UnknownKeyType:
        return kind(key_type="ssh-foo", key_bytes=b"")
    if kind is paramiko.hostkeys.InvalidHostKey:
        return kind("bad line", ValueError("bad"))
    if kind is paramiko.auth_strategy.AuthFailure:
        return paramiko.auth_strategy.AuthFailure(
            result=paramiko.auth_strategy.AuthResult(None)  # type: ignore[arg-type]
        )
    if kind is ssh_exception.NoValidConnectionsError:
        return kind({("127.0.0.1", 22): ConnectionRefusedError(errno.ECONNREFUSED, "refused")})
    return kind("failed")


def _paramiko_exceptions() -> list[type[BaseException]]:
    """Every exception class defined anywhere in paramiko (modules that need optional
    dependencies (GSS-API) or Windows are skipped: we never load them)."""
    found: set[type[BaseException]] = set()
    for module_info in pkgutil.iter_modules(paramiko.__path__, "paramiko."):
        try:
            module = importlib.import_module(module_info.name)
        except (ImportError, AttributeError):  # _winapi fails on import outside Windows
            continue
        found.update(
            kind
            for _, kind in inspect.getmembers(module, inspect.isclass)
            if issubclass(kind, BaseException) and kind.__module__ == module.__name__
        )
    return sorted(found, key=lambda kind: kind.__name__)


PARAMIKO_EXCEPTIONS = _paramiko_exceptions()


@pytest.mark.parametrize("kind", PARAMIKO_EXCEPTIONS, ids=lambda kind: kind.__name__)
def test_every_paramiko_exception_is_mapped(kind: type[BaseException]) -> None:
    with pytest.raises(SftpError) as caught, map_paramiko_errors("partner:22"):
        raise _instance(kind)
    assert isinstance(caught.value.__cause__, kind)
    assert caught.value.code.startswith("sftp.")
    assert str(caught.value).startswith("partner:22: ")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ssh_exception.AuthenticationException("denied"), SftpAuthFailed),
        (ssh_exception.BadAuthenticationType("no", ["password"]), SftpAuthFailed),
        (ssh_exception.PasswordRequiredException("key is encrypted"), SftpAuthFailed),
        (HostKeyRejected("unknown key"), SftpHostKeyMismatch),
        (ssh_exception.IncompatiblePeer("no common kex"), SftpIncompatiblePeer),
        (ssh_exception.SSHException("Error reading SSH protocol banner"), SftpConnectionFailed),
        (ssh_exception.ChannelException(2, "refused"), SftpConnectionFailed),
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), SftpConnectionFailed),
        (TimeoutError("timed out"), SftpConnectionFailed),
        (EOFError(), SftpConnectionFailed),
        (paramiko.SFTPError("Garbage packet received"), SftpConnectionFailed),
        (PermissionError(errno.EACCES, "Permission denied"), SftpPermissionDenied),
        (FileNotFoundError(errno.ENOENT, "No such file"), SftpNotFound),
        (OSError("Failure"), SftpTransferFailed),
        (ssh_exception.ConfigParseError("bad"), SftpConfigurationError),
        (UnknownKeyType(key_type="ssh-foo", key_bytes=b""), SftpConfigurationError),
        (ValueError("anything else"), SftpTransferFailed),
    ],
    ids=lambda value: type(value).__name__,
)
def test_mapping_and_retry_class(error: BaseException, expected: type[SftpError]) -> None:
    with pytest.raises(expected) as caught, map_paramiko_errors("partner:22"):
        raise error
    retryable = issubclass(expected, (SftpConnectionFailed, SftpTransferFailed))
    assert caught.value.retryable is retryable
    assert isinstance(caught.value, RetryableError if retryable else PermanentError)


def test_gateway_errors_pass_through_unchanged() -> None:
    refusal = PayloadTooLarge("too big")
    with pytest.raises(PayloadTooLarge) as caught, map_paramiko_errors("partner:22"):
        raise refusal
    assert caught.value is refusal


def test_codes_are_stable_and_distinct() -> None:
    leaves: list[type[GatewayError]] = [
        SftpAuthFailed,
        SftpHostKeyMismatch,
        SftpIncompatiblePeer,
        SftpPermissionDenied,
        SftpNotFound,
        SftpConfigurationError,
        SftpConnectionFailed,
        SftpTransferFailed,
    ]
    codes = [leaf.code for leaf in leaves]
    assert len(set(codes)) == len(codes)
    assert SftpAuthFailed.code == "sftp.auth_failed"
    assert SftpHostKeyMismatch.code == "sftp.host_key_mismatch"
    assert SftpConnectionFailed.code == "sftp.connection_failed"
