"""Connecting to a partner's SFTP server with paramiko: the pinned host key only.

paramiko's ``SSHClient`` rejects unknown host keys by default (``RejectPolicy``); we
keep that, add exactly one trusted key (the profile's) and never load the system's
known_hosts, so a server is trusted because the partner's profile says so and for no
other reason (STYLE.md: SFTP host keys).
"""

from __future__ import annotations

import base64
import binascii
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import NoReturn

import paramiko
from paramiko.pkey import UnknownKeyType

from sftp.errors import (
    HostKeyRejected,
    SftpConfigurationError,
    SftpTransferFailed,
    map_paramiko_errors,
)
from sftp.names import numbered
from sftp.remote import RemoteServer

# Read requests in flight while downloading (32 KB each): a bound on what a slow local
# disk can make paramiko buffer (it has none by default), high enough not to throttle:
# measured on loopback against sshd, 64 gives 7 MB/s, 256 about 50, 1024 about 80.
PREFETCH_REQUESTS = 1024


class _RejectUnknown(paramiko.RejectPolicy):
    """paramiko's RejectPolicy, raising an exception we can tell from other SSH errors."""

    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> NoReturn:
        raise HostKeyRejected(
            f"{hostname} presented a {key.get_name()} host key that is not the pinned one"
        )


def pinned_key(line: str) -> paramiko.PKey:
    """The public key in an OpenSSH public key line or known_hosts line.

    Raises:
        SftpConfigurationError: the line holds no key paramiko can use.
    """
    parts = line.split()
    if len(parts) >= 3 and not _is_key_type(parts[0]):
        parts = parts[1:]  # a known_hosts line: hosts first
    try:
        key_type, data = parts[0], base64.b64decode(parts[1], validate=True)
        return paramiko.PKey.from_type_string(key_type, data)
    except (IndexError, binascii.Error, paramiko.SSHException, UnknownKeyType) as error:
        raise SftpConfigurationError(f"unusable pinned host key {line[:40]!r}: {error}") from error


def _is_key_type(word: str) -> bool:
    return word.startswith(("ssh-", "ecdsa-", "sk-", "rsa-"))


def _private_key(remote: RemoteServer) -> paramiko.PKey | None:
    if remote.private_key_path is None:
        return None
    try:
        return paramiko.PKey.from_path(remote.private_key_path, remote.private_key_passphrase)
    except (OSError, paramiko.SSHException, UnknownKeyType, ValueError) as error:
        raise SftpConfigurationError(
            f"cannot use the private key {remote.private_key_path}: {error}"
        ) from error


@contextmanager
def connect(remote: RemoteServer) -> Iterator[paramiko.SFTPClient]:
    """An SFTP session on ``remote``, closed on leaving.

    Raises:
        SftpError: connection, host key or authentication failures, translated.
    """
    key = pinned_key(remote.host_key)
    private_key = _private_key(remote)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(_RejectUnknown())
    entry = remote.host if remote.port == 22 else f"[{remote.host}]:{remote.port}"
    client.get_host_keys().add(entry, key.get_name(), key)
    try:
        with map_paramiko_errors(remote.address):
            client.connect(
                remote.host,
                port=remote.port,
                username=remote.username,
                pkey=private_key,
                password=remote.password,
                look_for_keys=False,  # only the credentials the caller gave
                allow_agent=False,
                timeout=remote.timeout,
                banner_timeout=remote.timeout,
                auth_timeout=remote.timeout,
                channel_timeout=remote.timeout,
            )
            sftp = client.open_sftp()
            sftp.get_channel().settimeout(remote.timeout)  # type: ignore[union-attr]
        try:
            yield sftp
        finally:
            sftp.close()
    finally:
        client.close()


def rename_into_place(sftp: paramiko.SFTPClient, source: str, target: str) -> None:
    """Give ``source`` the name ``target`` in one step, replacing an older ``target``.

    Uses ``posix-rename@openssh.com`` (atomic replace). A server without it answers with
    a generic failure and still has ``source``; it gets the plain SFTP rename, after
    removing an existing ``target`` (briefly absent then, but never half-written).
    """
    try:
        sftp.posix_rename(source, target)
        return
    except OSError as error:
        # errno set: a real refusal (permission, no such file). Source gone: the rename
        # happened and the server objected afterwards (our own server refusing the file).
        if error.errno is not None or not _exists(sftp, source):
            raise
    with suppress(FileNotFoundError):
        sftp.remove(target)
    sftp.rename(source, target)


def rename_unique(sftp: paramiko.SFTPClient, source: str, folder: str) -> str:
    """Move ``source`` into ``folder`` without replacing anything; a taken name gets a
    number (``order.edi`` → ``order-2.edi``). Returns the new path."""
    name = posixpath.basename(source)
    for number in range(1, 1000):
        target = posixpath.join(folder, name if number == 1 else numbered(name, number))
        try:
            sftp.rename(source, target)  # the plain SFTP rename never replaces
            return target
        except OSError:
            if not _exists(sftp, target):
                raise
    raise SftpTransferFailed(f"no free name for {name} in {folder}")


def _exists(sftp: paramiko.SFTPClient, path: str) -> bool:
    try:
        sftp.stat(path)
    except FileNotFoundError:
        return False
    return True
