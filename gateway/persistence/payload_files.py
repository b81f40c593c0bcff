"""Raw payloads on the filesystem, content-addressed by sha256 (SPEC §1 invariant 1).

``put`` returns only once the bytes and the directory entry that names them are
on disk (fsync of the file, rename, fsync of the directory), so a caller may
tell the sender "received" right after. The same content is stored once; a
payload that is already there is not rewritten.

A write that fails keeps nothing (the temporary file is removed) and raises our own
error, never ``OSError`` (STYLE.md habit 8): ``PayloadStoreFull`` when the disk or a
quota is full (ENOSPC, EDQUOT: the API answers 507), ``PayloadStoreUnavailable`` for any
other failure to write (503).
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from gateway.domain.payloads import (
    PayloadMissing,
    PayloadStoreFull,
    PayloadStoreUnavailable,
    PayloadTooLarge,
    StoredPayload,
)

_CHUNK = 1 << 20


class FilesystemPayloadStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._incoming = root / "incoming"
        self._incoming.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes) -> StoredPayload:
        """Store ``data`` (once: content already there is not written again).

        Raises:
            PayloadStoreFull, PayloadStoreUnavailable: nothing was kept.
        """
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            with _writing(), self._temporary() as (handle, temporary):
                handle.write(data)
                self._commit(handle, temporary, path)
        return StoredPayload(digest, len(data))

    def put_stream(self, source: BinaryIO, *, max_bytes: int | None = None) -> StoredPayload:
        """Store a stream without holding it in memory; refuse it past ``max_bytes``
        (nothing is kept then: the sender gets an error, not a receipt).

        Raises:
            PayloadTooLarge: past ``max_bytes``.
            PayloadStoreFull, PayloadStoreUnavailable: nothing was kept (a ``source``
                that fails to read is reported as the latter too).
        """
        sha256, size = hashlib.sha256(), 0
        with _writing(), self._temporary() as (handle, temporary):
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise PayloadTooLarge(f"payload larger than {max_bytes} bytes")
                sha256.update(chunk)
                handle.write(chunk)
            digest = sha256.hexdigest()
            path = self._path(digest)
            if not path.exists():
                self._commit(handle, temporary, path)
        return StoredPayload(digest, size)

    def get(self, sha256: str) -> bytes:
        with self.open(sha256) as handle:
            return handle.read()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise PayloadMissing(f"no payload {sha256}") from exc

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise PayloadMissing(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _temporary(self) -> _Temporary:
        return _Temporary(self._incoming)

    def _commit(self, handle: BinaryIO, temporary: Path, path: Path) -> None:
        handle.flush()
        os.fsync(handle.fileno())
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.replace(path)  # atomic: readers see the whole payload or none
        _fsync_directory(path.parent)


class _Temporary:
    """A temporary file in the store's own filesystem (so the rename is atomic),
    removed if it was not committed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> tuple[BinaryIO, Path]:
        descriptor, name = tempfile.mkstemp(dir=self.directory, prefix="part-")
        self.path = Path(name)
        self.handle: BinaryIO = os.fdopen(descriptor, "wb")
        return self.handle, self.path

    def __exit__(self, *_: object) -> None:
        try:
            self.handle.close()  # may flush, and fail as the write did (ENOSPC)
        finally:
            self.path.unlink(missing_ok=True)


@contextmanager
def _writing() -> Iterator[None]:
    """``OSError`` from writing a payload → our errors (nothing was kept)."""
    try:
        yield
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise PayloadStoreFull(
                "no space left to store the payload; send it again later"
            ) from error
        raise PayloadStoreUnavailable(
            f"the payload store could not write ({errno.errorcode.get(error.errno or 0, 'error')})"
        ) from error


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
