"""The SFTP transport's errors, and the one place paramiko's exceptions become ours.

Each leaf is a :class:`gateway.domain.errors.GatewayError` with a stable dotted code;
whether it is worth retrying follows from what failed, never from the message::

    GatewayError
    └── SftpError                          sftp.error
        ├── (PermanentError)               retrying gives the same result
        │   ├── SftpAuthFailed             sftp.auth_failed: key or password refused
        │   ├── SftpHostKeyMismatch        sftp.host_key_mismatch: not the pinned host key
        │   ├── SftpIncompatiblePeer       sftp.incompatible_peer: no common algorithms
        │   ├── SftpPermissionDenied       sftp.permission_denied: the server forbids it
        │   ├── SftpNotFound               sftp.not_found: no such file or directory
        │   └── SftpConfigurationError     sftp.configuration: our settings are unusable
        └── (RetryableError)               transient
            ├── SftpConnectionFailed       sftp.connection_failed: refused, reset, timed out
            └── SftpTransferFailed         sftp.transfer_failed: a read, write or rename failed

:func:`map_paramiko_errors` translates at the edge (STYLE.md habit 8), so no paramiko
or socket exception leaves this package.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

import paramiko
import paramiko.hostkeys
from paramiko import ssh_exception
from paramiko.pkey import UnknownKeyType

from gateway.domain.errors import GatewayError, PermanentError, RetryableError


class SftpError(GatewayError):
    """Root of the SFTP transport's errors."""

    code = "sftp.error"


class SftpAuthFailed(SftpError, PermanentError):
    """The server refused our key or password (or the key cannot be used)."""

    code = "sftp.auth_failed"


class SftpHostKeyMismatch(SftpError, PermanentError):
    """The server did not present the host key pinned in the partner's profile."""

    code = "sftp.host_key_mismatch"


class SftpIncompatiblePeer(SftpError, PermanentError):
    """Client and server share no key exchange, cipher or host key algorithm."""

    code = "sftp.incompatible_peer"


class SftpPermissionDenied(SftpError, PermanentError):
    code = "sftp.permission_denied"


class SftpNotFound(SftpError, PermanentError):
    code = "sftp.not_found"


class SftpConfigurationError(SftpError, PermanentError):
    """Our side's settings cannot work (unreadable key file, malformed host key…)."""

    code = "sftp.configuration"


class SftpConnectionFailed(SftpError, RetryableError):
    """The server could not be reached, or the connection broke before it was usable."""

    code = "sftp.connection_failed"


class SftpTransferFailed(SftpError, RetryableError):
    """A file operation failed on an established connection."""

    code = "sftp.transfer_failed"


class HostKeyRejected(ssh_exception.SSHException):
    """Raised by our RejectPolicy: the server offered a key type we have no pin for."""


@contextmanager
def map_paramiko_errors(where: str) -> Iterator[None]:
    """Re-raise paramiko's, socket and file errors as :class:`SftpError` leaves.

    Args:
        where: what was being done, for the message (``"sftp.partner.example:22"``).

    Raises:
        SftpError: one of the leaves above, ``from`` the original exception.
    """
    try:
        yield
    except GatewayError:  # ours already, or the sink's: never re-labelled
        raise
    except Exception as error:  # every exception is translated: none slips through
        raise translate(error, where) from error


def translate(error: BaseException, where: str) -> SftpError:
    """The :class:`SftpError` that stands for ``error``."""
    text = f"{where}: {error or type(error).__name__}"
    match error:
        case HostKeyRejected() | ssh_exception.BadHostKeyException():
            return SftpHostKeyMismatch(text)
        case ssh_exception.AuthenticationException():
            return SftpAuthFailed(text)
        case ssh_exception.IncompatiblePeer():
            return SftpIncompatiblePeer(text)
        case (
            ssh_exception.ConfigParseError()
            | ssh_exception.CouldNotCanonicalize()
            | UnknownKeyType()
            | paramiko.hostkeys.InvalidHostKey()
        ):
            return SftpConfigurationError(text)
        case (
            ssh_exception.NoValidConnectionsError()
            | ssh_exception.ProxyCommandFailure()
            | TimeoutError()
            | ConnectionError()
            | EOFError()
        ):
            return SftpConnectionFailed(text)
        case ssh_exception.SSHException() | paramiko.SFTPError():
            # Negotiation failures, channel errors, broken or out-of-order packets: the
            # connection, not the request, is at fault, so a new attempt may well work.
            return SftpConnectionFailed(text)
        case OSError(errno=errno.EACCES | errno.EPERM):
            return SftpPermissionDenied(text)
        case OSError(errno=errno.ENOENT):
            return SftpNotFound(text)
        case OSError():
            return SftpTransferFailed(text)
        case _:
            return SftpTransferFailed(f"{text} ({type(error).__name__})")
