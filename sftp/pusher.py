"""Pushing our documents to a partner's SFTP server: upload under a temporary name,
confirm the size, then rename into place, so the partner never picks up half a file
(STYLE.md: atomic SFTP upload)."""

from __future__ import annotations

import io
import posixpath
from collections.abc import Callable
from typing import BinaryIO

import paramiko

from gateway.domain.tracking import MessageRecord
from gateway.profiles.model import PartnerProfile
from sftp.client import connect, rename_into_place
from sftp.errors import map_paramiko_errors
from sftp.mailbox import FileNamer
from sftp.names import outbound_filename
from sftp.remote import RemoteServer


def upload(
    sftp: paramiko.SFTPClient, remote: RemoteServer, name: str, payload: bytes | BinaryIO
) -> str:
    """Upload ``payload`` as ``remote.push_dir/name`` on an open session; returns the path.

    Raises:
        SftpError: the upload or the rename failed; the final name was not touched
            (a temporary file may be left behind, and is replaced by the next attempt).
    """
    final = posixpath.join(remote.push_dir, name)
    temporary = posixpath.join(
        remote.push_dir, f"{remote.temporary_prefix}{name}{remote.temporary_suffix}"
    )
    source = io.BytesIO(payload) if isinstance(payload, bytes) else payload
    with map_paramiko_errors(f"{remote.address}:{final}"):
        # confirm=True: stat the uploaded file and compare sizes before the rename.
        sftp.putfo(source, temporary, confirm=True)
        rename_into_place(sftp, temporary, final)
    return final


def push(remote: RemoteServer, name: str, payload: bytes | BinaryIO) -> str:
    """Connect, :func:`upload`, disconnect; returns the remote path."""
    with connect(remote) as sftp:
        return upload(sftp, remote, name, payload)


class SftpPusher:
    """An :class:`~gateway.ports.OutboundTransport` to the partner's own SFTP server."""

    def __init__(
        self,
        remote_for: Callable[[PartnerProfile], RemoteServer],
        filename: FileNamer = outbound_filename,
    ) -> None:
        """Args:
        remote_for: the partner's server with its secrets resolved (the gateway reads
            the profile's ``transports.sftp.remote`` and its credentials reference).
        filename: the remote file name for a message.
        """
        self._remote_for = remote_for
        self._filename = filename

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        """Returns the remote path. Raises SftpError (retryable or not, as it says)."""
        return push(self._remote_for(profile), self._filename(profile, message), payload)
