"""One partner's SFTP session on our server: what it may see and do, and when an upload
is complete enough to take in.

asyncssh's ``SFTPServer`` with ``chroot`` does the path confinement (``..``, absolute
paths); on top of it every path is resolved through symlinks and refused when it lands
outside the partner's home, links cannot be created, and writing is allowed only in
``inbound/``. Taking in happens on the close of a written file with a final name, or on
a rename from a temporary name to a final one; the reply to that close or rename waits
for the sink, so a success means the raw bytes are stored (SPEC invariant 1).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

import asyncssh
from asyncssh import (
    FXF_APPEND,
    FXF_CREAT,
    FXF_TRUNC,
    FXF_WRITE,
    SFTPAttrs,
    SFTPFailure,
    SFTPFileAlreadyExists,
    SFTPOpUnsupported,
    SFTPPermissionDenied,
)

from sftp.accounts import ARCHIVE, INBOUND, OUTBOUND, Account
from sftp.names import TEMPORARY_SUFFIXES, is_note, is_temporary, note_for
from sftp.sink import Sink
from sftp.takein import take_in

if TYPE_CHECKING:
    from sftp.server import ServerLimits

log = logging.getLogger(__name__)

_WRITING = FXF_WRITE | FXF_APPEND | FXF_CREAT | FXF_TRUNC


@dataclass(slots=True)
class Session:
    """What one SSH connection has done so far (limits count per connection)."""

    account: Account
    uploads: int = 0
    busy: int = 0  # take-ins running: the connection is not idle while the client waits
    last_activity: float = field(default_factory=time.monotonic)

    def touch(self) -> None:
        self.last_activity = time.monotonic()


@dataclass(slots=True)
class _Upload:
    """A file handle opened for writing in ``inbound/``."""

    file: BinaryIO
    path: Path
    append: bool
    refused: str | None = None  # why it was refused; later writes and the close say it again


class PartnerSftp(asyncssh.SFTPServer):
    """The SFTP server for one session, confined to the account's home."""

    def __init__(
        self,
        chan: asyncssh.SSHServerChannel[bytes],
        session: Session,
        sink: Sink,
        limits: ServerLimits,
        temporary_suffixes: tuple[str, ...] = TEMPORARY_SUFFIXES,
    ) -> None:
        super().__init__(chan, chroot=os.fsencode(session.account.home))
        self._session = session
        self._sink = sink
        self._limits = limits
        self._suffixes = temporary_suffixes
        self._root = os.path.realpath(session.account.home)

    # ---- confinement --------------------------------------------------------------

    def map_path(self, path: bytes) -> bytes:
        self._session.touch()
        local = super().map_path(path)
        real = os.path.realpath(local)
        if real != os.fsencode(self._root) and not real.startswith(os.fsencode(self._root + "/")):
            # A link somebody left in the tree must not become a way out of it.
            raise SFTPPermissionDenied("outside your directory")
        return local

    def _place(self, path: bytes) -> tuple[str, ...]:
        """The mapped path's parts below the home: () for the home, ("inbound", "a.edi")."""
        relative = os.path.relpath(os.fsdecode(self.map_path(path)), self._root)
        return () if relative == "." else tuple(Path(relative).parts)

    def _file_in(self, path: bytes, *folders: str, notes: bool = False) -> Path:
        """The local path of a file directly inside one of ``folders``, or a refusal;
        our ``.error`` notes only when ``notes`` (the partner may delete them, not write)."""
        place = self._place(path)
        if len(place) != 2 or place[0] not in folders or (is_note(place[1]) and not notes):
            where = " or ".join(f"/{folder}" for folder in folders)
            raise SFTPPermissionDenied(f"not allowed here: only files in {where}")
        return Path(self._root).joinpath(*place)

    # ---- opening, writing and closing ---------------------------------------------

    def open(self, path: bytes, pflags: int, attrs: SFTPAttrs) -> object:
        if not pflags & _WRITING:
            return super().open(path, pflags, attrs)
        local = self._file_in(path, INBOUND)
        if self._session.uploads >= self._limits.max_files_per_session:
            raise SFTPFailure(
                f"limit of {self._limits.max_files_per_session} files per session reached; "
                "reconnect to send more"
            )
        note_for(local).unlink(missing_ok=True)  # a new upload of a refused name
        file = cast(BinaryIO, super().open(path, pflags, attrs))
        self._session.uploads += 1
        return _Upload(file, local, append=bool(pflags & FXF_APPEND))

    def open56(self, path: bytes, desired_access: int, flags: int, attrs: SFTPAttrs) -> object:
        raise SFTPOpUnsupported("this server speaks SFTP version 3")

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        if not isinstance(file_obj, _Upload):
            raise SFTPPermissionDenied("file not opened for writing")
        self._session.touch()
        if file_obj.refused is not None:
            raise SFTPFailure(file_obj.refused)
        start = os.fstat(file_obj.file.fileno()).st_size if file_obj.append else offset
        limit = self._limits.max_file_size
        if start + len(data) > limit:
            self._refuse(file_obj, f"file larger than the {limit}-byte limit; nothing was stored")
            raise SFTPFailure(cast(str, file_obj.refused))
        return cast(int, super().write(file_obj.file, offset, data))

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        self._session.touch()
        return cast(bytes, super().read(_file(file_obj), offset, size))

    async def close(self, file_obj: object) -> None:
        if not isinstance(file_obj, _Upload):
            super().close(file_obj)
            return
        file_obj.file.close()
        if self.channel.is_closing():
            # Not the client's close: asyncssh closes what is left open when the session
            # ends. An upload cut off like this is incomplete and never taken in.
            if file_obj.refused is None and not self._temporary(file_obj.path.name):
                file_obj.path.unlink(missing_ok=True)
            return
        if file_obj.refused is not None:
            raise SFTPFailure(file_obj.refused)
        if not self._temporary(file_obj.path.name):
            await self._take_in(file_obj.path)

    def fstat(self, file_obj: object) -> os.stat_result:
        return cast(os.stat_result, super().fstat(_file(file_obj)))

    def fsetstat(self, file_obj: object, attrs: SFTPAttrs) -> None:
        if not isinstance(file_obj, _Upload):
            raise SFTPPermissionDenied("file not opened for writing")
        super().fsetstat(file_obj.file, attrs)

    def fsync(self, file_obj: object) -> None:
        super().fsync(_file(file_obj))

    def fstatvfs(self, file_obj: object) -> os.statvfs_result:
        return cast(os.statvfs_result, super().fstatvfs(_file(file_obj)))

    # ---- names ----------------------------------------------------------------------

    async def rename(self, oldpath: bytes, newpath: bytes) -> None:
        await self._rename(oldpath, newpath, replace=False)

    async def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        await self._rename(oldpath, newpath, replace=True)

    async def _rename(self, oldpath: bytes, newpath: bytes, *, replace: bool) -> None:
        source = self._file_in(oldpath, INBOUND)
        target = self._file_in(newpath, INBOUND)
        if replace:
            source.replace(target)
        elif target.exists():
            raise SFTPFileAlreadyExists(f"{target.name} already exists")
        else:
            source.rename(target)
        if self._temporary(source.name) and not self._temporary(target.name):
            note_for(target).unlink(missing_ok=True)
            await self._take_in(target)

    def remove(self, path: bytes) -> None:
        self._file_in(path, INBOUND, OUTBOUND, notes=True).unlink()

    def setstat(self, path: bytes, attrs: SFTPAttrs) -> None:
        self._file_in(path, INBOUND)
        super().setstat(path, attrs)

    def lsetstat(self, path: bytes, attrs: SFTPAttrs) -> None:
        self._file_in(path, INBOUND)
        super().lsetstat(path, attrs)

    def mkdir(self, path: bytes, attrs: SFTPAttrs) -> None:
        raise SFTPPermissionDenied(f"the folders are fixed: {INBOUND}, {OUTBOUND}, {ARCHIVE}")

    def rmdir(self, path: bytes) -> None:
        raise SFTPPermissionDenied(f"the folders are fixed: {INBOUND}, {OUTBOUND}, {ARCHIVE}")

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise SFTPPermissionDenied("links are not allowed")

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise SFTPPermissionDenied("links are not allowed")

    # ---- taking in --------------------------------------------------------------------

    def _temporary(self, name: str) -> bool:
        return is_temporary(name, self._suffixes)

    def _refuse(self, upload: _Upload, reason: str) -> None:
        """Nothing half-stored: the partial file goes away at once."""
        upload.refused = reason
        upload.file.close()
        upload.path.unlink(missing_ok=True)
        log.info("sftp: %s: %s refused: %s", self._session.account.username, upload.path, reason)

    async def _take_in(self, path: Path) -> None:
        self._session.busy += 1
        try:
            outcome = await asyncio.to_thread(take_in, self._session.account, path, self._sink)
        finally:
            self._session.busy -= 1
            self._session.touch()
        if outcome.error is not None:
            raise SFTPFailure(f"{path.name} was not accepted: {outcome.error.message}")


def _file(file_obj: object) -> object:
    return file_obj.file if isinstance(file_obj, _Upload) else file_obj
