"""Polling a partner's SFTP server: download each waiting file, hand it to the sink, and
only then archive or delete it on the remote.

Crash safety comes from that order plus the sink's idempotency: a file is removed from
the partner's folder only after the sink returned, and its transport message id (host,
path, size, mtime and content hash) is the same when a rerun downloads it again, so a
poller killed at any point loses no file and the rerun stores none twice. No claim
rename (``.processing``) is needed for that; two pollers of one partner at once stay
correct too (the second archive finds the file gone), but waste a download, so the
scheduler should run one at a time per partner.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import posixpath
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import paramiko

from gateway.domain.errors import GatewayError, RetryableError
from gateway.domain.payloads import PayloadTooLarge
from sftp.client import PREFETCH_REQUESTS, connect, rename_unique
from sftp.errors import map_paramiko_errors
from sftp.names import is_note, is_temporary
from sftp.remote import RemoteServer
from sftp.sink import Sink

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fetched:
    name: str
    message_id: str
    transport_message_id: str
    size: int


@dataclass(frozen=True, slots=True)
class Refused:
    """The gateway refused the file (permanently); it stays, or went to ``error_dir``."""

    name: str
    error: GatewayError


@dataclass(slots=True)
class PollResult:
    fetched: list[Fetched] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # changing while read, or too new


def poll(
    remote: RemoteServer,
    partner_id: str,
    sink: Sink,
    *,
    spool_dir: Path | None = None,
    max_file_size: int | None = None,
    max_files: int | None = None,
) -> PollResult:
    """Fetch every complete file waiting in ``remote.poll_dir``, oldest first.

    Args:
        remote: the partner's server.
        partner_id: passed to the sink with each file.
        sink: stores each file's raw bytes; must be idempotent by transport message id.
        spool_dir: where downloads are spooled (an unnamed temporary file each).
        max_file_size: files larger than this are refused without being downloaded.
        max_files: stop after this many files (the next poll takes the rest).

    Raises:
        SftpError: the connection or a transfer failed (files already handed over stay
            handed over; a rerun picks up the rest).
        RetryableError: the sink could not store a file now; the poll stops there.
    """
    result = PollResult()
    with connect(remote) as sftp:
        with map_paramiko_errors(remote.address):
            folder = sftp.normalize(remote.poll_dir)
            waiting = _waiting(sftp.listdir_attr(folder), remote)
        for entry in waiting[:max_files] if max_files is not None else waiting:
            name = entry.filename
            if max_file_size is not None and (entry.st_size or 0) > max_file_size:
                error = PayloadTooLarge(f"{name} is larger than {max_file_size} bytes")
                _refuse(sftp, remote, folder, name, error, result)
                continue
            _fetch(sftp, remote, partner_id, sink, folder, entry, spool_dir, result)
    return result


def _waiting(
    entries: list[paramiko.SFTPAttributes], remote: RemoteServer
) -> list[paramiko.SFTPAttributes]:
    recent = time.time() - remote.settle_seconds
    files = [
        entry
        for entry in entries
        if stat.S_ISREG(entry.st_mode or 0)
        and not is_temporary(entry.filename)
        and not is_note(entry.filename)
        and (remote.settle_seconds <= 0 or (entry.st_mtime or 0) <= recent)
    ]
    return sorted(files, key=lambda entry: (entry.st_mtime or 0, entry.filename))


def _fetch(
    sftp: paramiko.SFTPClient,
    remote: RemoteServer,
    partner_id: str,
    sink: Sink,
    folder: str,
    entry: paramiko.SFTPAttributes,
    spool_dir: Path | None,
    result: PollResult,
) -> None:
    name = entry.filename
    path = posixpath.join(folder, name)
    with tempfile.TemporaryFile(dir=spool_dir) as spool:
        with map_paramiko_errors(f"{remote.address}:{path}"):
            size = sftp.getfo(path, spool, max_concurrent_prefetch_requests=PREFETCH_REQUESTS)
            now = sftp.stat(path)
        if (size, now.st_size, now.st_mtime) != (entry.st_size, entry.st_size, entry.st_mtime):
            log.info("sftp: %s:%s changed while downloading; next poll", remote.address, path)
            result.skipped.append(name)
            return
        spool.seek(0)
        digest = hashlib.file_digest(spool, "sha256").hexdigest()
        spool.seek(0)
        transport_id = transport_message_id(remote, path, size, entry.st_mtime or 0, digest)
        try:
            message_id = sink.accept(partner_id, name, spool, transport_id)
        except RetryableError:
            raise
        except GatewayError as error:
            _refuse(sftp, remote, folder, name, error, result)
            return
    _settle(sftp, remote, path)
    log.info("sftp: %s:%s fetched as message %s", remote.address, path, message_id)
    result.fetched.append(Fetched(name, message_id, transport_id, size))


def transport_message_id(
    remote: RemoteServer, path: str, size: int, mtime: int, sha256: str
) -> str:
    """The same for the same file downloaded again (a rerun after a crash), different for
    a new file under the same name (other mtime, size or content)."""
    return f"sftp://{remote.address}{path}#size={size};mtime={mtime};sha256={sha256}"


def _settle(sftp: paramiko.SFTPClient, remote: RemoteServer, path: str) -> None:
    """Archive or delete the remote file; already gone counts as done."""
    with map_paramiko_errors(f"{remote.address}:{path}"):
        try:
            if remote.after_download == "delete":
                sftp.remove(path)
            else:
                rename_unique(sftp, path, remote.archive_dir)
        except FileNotFoundError:
            log.info("sftp: %s:%s was already archived or deleted", remote.address, path)


def _refuse(
    sftp: paramiko.SFTPClient,
    remote: RemoteServer,
    folder: str,
    name: str,
    error: GatewayError,
    result: PollResult,
) -> None:
    log.warning("sftp: %s:%s/%s refused: %s", remote.address, folder, name, error)
    result.refused.append(Refused(name, error))
    if remote.error_dir is not None:
        where = f"{remote.address}:{folder}/{name}"
        with map_paramiko_errors(where), contextlib.suppress(FileNotFoundError):
            rename_unique(sftp, posixpath.join(folder, name), remote.error_dir)
