"""Our documents for a partner, left in its ``outbound/`` folder on our own server.

An :class:`~gateway.ports.OutboundTransport`: the partner fetches the file over SFTP.
Each file is written under a temporary name (a leading dot and ``.part``, which
partners' clients skip) and renamed into place once complete and synced, so a partner
never fetches half a file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

from gateway.domain.tracking import MessageRecord
from gateway.profiles.model import PartnerProfile
from sftp.accounts import OUTBOUND, ensure_tree, home_directory
from sftp.errors import SftpConfigurationError, SftpTransferFailed
from sftp.names import outbound_filename
from sftp.sink import fsync_directory

FileNamer = Callable[[PartnerProfile, MessageRecord], str]


class SftpMailbox:
    """Writes into ``<root>/<account>/outbound/``, the account being the profile's
    ``transports.sftp.inbound.account`` (the tree our server confines it to)."""

    def __init__(self, root: Path, filename: FileNamer = outbound_filename) -> None:
        self._root = root
        self._filename = filename

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        """Leave ``payload`` for the partner; returns the file name.

        Raises:
            SftpConfigurationError: the partner has no account on our server.
            SftpTransferFailed: the file could not be written (disk full…); retryable.
        """
        sftp = profile.transports.sftp
        if sftp is None or sftp.inbound is None:
            raise SftpConfigurationError(f"partner {profile.id} has no account on our SFTP server")
        name = self._filename(profile, message)
        home = home_directory(self._root, sftp.inbound.account)
        try:
            ensure_tree(home)
            deliver(home / OUTBOUND, name, payload)
        except OSError as error:
            raise SftpTransferFailed(f"outbound/{name} for {profile.id}: {error}") from error
        return name


def deliver(folder: Path, name: str, payload: bytes) -> Path:
    """Write ``folder/name`` atomically and durably; an existing file is replaced."""
    final = folder / name
    temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.part"
    try:
        with temporary.open("xb") as target:
            target.write(payload)
            target.flush()
            os.fsync(target.fileno())
        temporary.replace(final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(folder)
    return final
