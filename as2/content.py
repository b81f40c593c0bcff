"""Bytes that live in memory or in a temporary file, sliced and joined without copies.

AS2 messages run from a few KB to hundreds of MB. Each layer (decryption,
decompression, base64) produces a new body, and MIME parts are ranges of their
parent. :class:`Content` is an immutable sequence of byte ranges ("segments"), each
over a ``bytes``/``bytearray`` or a file: :meth:`Content.view` and
:meth:`Content.concat` never copy, :meth:`Content.chunks` streams, and
:class:`Spool` collects a layer's output in memory until ``threshold`` bytes and in a
temporary file beyond, so peak memory does not grow with the number of layers.

Temporary files are unlinked when the last ``Content`` over them is garbage collected,
or at once by :meth:`Content.release`.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import hashes

CHUNK: Final = 1 << 20
SPOOL_THRESHOLD: Final = 8 << 20


class _FileBacking:
    """An open file shared by the segments over it (``owned``: a temporary to unlink)."""

    __slots__ = ("__weakref__", "_finalizer", "fd", "path", "size")

    def __init__(self, fd: int, path: str, size: int, *, owned: bool) -> None:
        self.fd = fd
        self.path = path
        self.size = size
        self._finalizer = weakref.finalize(self, _close, fd, path if owned else None)

    def pread(self, start: int, end: int) -> bytes:
        parts: list[bytes] = []
        while start < end:
            data = os.pread(self.fd, end - start, start)
            if not data:
                raise OSError(f"{self.path}: unexpected end of file at {start}")
            parts.append(data)
            start += len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def release(self) -> None:
        self._finalizer()


def _close(fd: int, path: str | None) -> None:
    try:
        os.close(fd)
    finally:
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)  # noqa: PTH108 - a path string from mkstemp


_Buffer = bytes | bytearray
_Segment = tuple[_Buffer | _FileBacking, int, int]


class Content:
    """An immutable byte string assembled from ranges of buffers and files."""

    __slots__ = ("_segments", "_size")

    def __init__(self, segments: Iterable[_Segment] = ()) -> None:
        self._segments: tuple[_Segment, ...] = tuple(s for s in segments if s[2] > s[1])
        self._size = sum(end - start for _, start, end in self._segments)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def of(cls, data: bytes | bytearray | memoryview | Content) -> Content:
        """Wrap ``data`` (no copy for bytes/bytearray; a memoryview is copied once)."""
        if isinstance(data, Content):
            return data
        if isinstance(data, memoryview):
            data = data.tobytes()
        return cls(((data, 0, len(data)),))

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Content:
        """The bytes of an existing file, read on demand (the file is not deleted)."""
        fd = os.open(path, os.O_RDONLY)
        size = os.fstat(fd).st_size
        return cls(((_FileBacking(fd, os.fspath(path), size, owned=False), 0, size),))

    @classmethod
    def concat(cls, parts: Iterable[bytes | Content]) -> Content:
        segments: list[_Segment] = []
        for part in parts:
            if isinstance(part, Content):
                segments.extend(part._segments)
            elif part:
                segments.append((part, 0, len(part)))
        return cls(segments)

    # -- inspection ---------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    def __repr__(self) -> str:
        where = "memory" if self.in_memory else "file"
        return f"<Content {self._size} bytes in {where}>"

    @property
    def in_memory(self) -> bool:
        return not any(isinstance(buf, _FileBacking) for buf, _, _ in self._segments)

    @property
    def path(self) -> str | None:
        """The file holding all of this content from its first byte, if there is one."""
        if len(self._segments) == 1:
            buf, start, end = self._segments[0]
            if isinstance(buf, _FileBacking) and start == 0 and end == buf.size:
                return buf.path
        return None

    def release(self) -> None:
        """Close (and delete, if temporary) the files under this content now."""
        for buf, _, _ in self._segments:
            if isinstance(buf, _FileBacking):
                buf.release()

    # -- slicing and reading ------------------------------------------------------------

    def _bounds(self, start: int, end: int | None) -> tuple[int, int]:
        end = self._size if end is None else min(end, self._size)
        start = max(0, min(start, end))
        return start, end

    def _pieces(self, start: int, end: int) -> Iterator[_Segment]:
        """The segment ranges covering ``[start, end)`` of this content."""
        offset = 0
        for buf, s, e in self._segments:
            length = e - s
            if offset + length > start and offset < end:
                lo = s + max(0, start - offset)
                hi = s + min(length, end - offset)
                yield buf, lo, hi
            offset += length
            if offset >= end:
                break

    def view(self, start: int, end: int | None = None) -> Content:
        """The bytes ``[start, end)`` without copying."""
        start, end = self._bounds(start, end)
        if start == 0 and end == self._size:
            return self
        return Content(self._pieces(start, end))

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """A copy of the bytes ``[start, end)`` (meant for small ranges)."""
        start, end = self._bounds(start, end)
        if len(self._segments) == 1:
            buf, offset, _ = self._segments[0]
            if not isinstance(buf, _FileBacking):
                return bytes(buf[offset + start : offset + end])
        parts = [_read_segment(*piece) for piece in self._pieces(start, end)]
        if len(parts) == 1:
            return parts[0]
        return b"".join(parts)

    def tobytes(self) -> bytes:
        """All of it as one ``bytes`` (no copy when it already is one)."""
        if len(self._segments) == 1:
            buf, start, end = self._segments[0]
            if type(buf) is bytes and start == 0 and end == len(buf):
                return buf
        return self.read()

    def chunks(self, size: int = CHUNK) -> Iterator[bytes | memoryview]:
        """The content in order, at most ``size`` bytes at a time (memory: no copies)."""
        for buf, start, end in self._segments:
            if isinstance(buf, _FileBacking):
                for pos in range(start, end, size):
                    yield buf.pread(pos, min(pos + size, end))
            else:
                view = memoryview(buf)
                for pos in range(start, end, size):
                    yield view[pos : min(pos + size, end)]

    def startswith(self, prefix: bytes) -> bool:
        return self.read(0, len(prefix)) == prefix

    def find(self, needle: bytes, start: int = 0, end: int | None = None) -> int:
        """The first index of ``needle`` in ``[start, end)``, or -1."""
        start, end = self._bounds(start, end)
        if len(self._segments) == 1:
            buf, s, _ = self._segments[0]
            if not isinstance(buf, _FileBacking):
                index = buf.find(needle, s + start, s + end)
                return index - s if index >= 0 else -1
        overlap = max(len(needle) - 1, 0)
        pos = start
        while pos < end:
            window_end = min(pos + CHUNK + overlap, end)
            window = self.read(pos, window_end)
            index = window.find(needle)
            if index >= 0:
                return pos + index
            if window_end >= end:
                break
            pos += CHUNK
        return -1

    def digests(self, algorithms: Iterable[hashes.HashAlgorithm]) -> list[bytes]:
        """Each algorithm's digest of the content, in one pass."""
        contexts = [hashes.Hash(algorithm) for algorithm in algorithms]
        for chunk in self.chunks():
            for context in contexts:
                context.update(chunk)
        return [context.finalize() for context in contexts]

    def open(self) -> io.BufferedReader:
        """A binary stream over the content (for ``PayloadStore.put_stream``)."""
        return io.BufferedReader(_Reader(self), buffer_size=CHUNK)

    def write_to(self, stream: io.RawIOBase | io.BufferedIOBase) -> int:
        for chunk in self.chunks():
            stream.write(chunk)
        return self._size


def _read_segment(buf: _Buffer | _FileBacking, start: int, end: int) -> bytes:
    if isinstance(buf, _FileBacking):
        return buf.pread(start, end)
    return bytes(buf[start:end])


class _Reader(io.RawIOBase):
    def __init__(self, content: Content) -> None:
        self._content = content
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._content.read(self._pos, self._pos + len(buffer))
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


@dataclass(frozen=True, slots=True)
class SpoolOptions:
    """Where big intermediate results go: memory up to ``threshold`` bytes, then a
    temporary file in ``directory`` (the system default when None)."""

    threshold: int = SPOOL_THRESHOLD
    directory: str | None = None

    def spool(self) -> Spool:
        return Spool(self.threshold, self.directory)


class Spool:
    """A write-once buffer that moves to a temporary file past ``threshold`` bytes."""

    __slots__ = ("_buffer", "_directory", "_file", "_size", "_threshold")

    def __init__(self, threshold: int = SPOOL_THRESHOLD, directory: str | None = None) -> None:
        self._threshold = threshold
        self._directory = directory
        self._buffer = bytearray()
        self._file: _FileBacking | None = None
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if self._file is None and self._size + len(data) > self._threshold:
            fd, path = tempfile.mkstemp(prefix="as2-", dir=self._directory)
            self._file = _FileBacking(fd, path, 0, owned=True)
            self._write_file(self._buffer)
            self._buffer = bytearray()
        if self._file is None:
            self._buffer += data
        else:
            self._write_file(data)
        self._size += len(data)

    def _write_file(self, data: bytes | bytearray | memoryview) -> None:
        assert self._file is not None
        view = memoryview(data)
        while view:
            written = os.write(self._file.fd, view)
            view = view[written:]

    def finish(self) -> Content:
        if self._file is None:
            buffer, self._buffer = self._buffer, bytearray()
            return Content(((buffer, 0, len(buffer)),))
        backing, self._file = self._file, None
        backing.size = self._size
        return Content(((backing, 0, self._size),))

    def discard(self) -> None:
        if self._file is not None:
            self._file.release()
        self._buffer = bytearray()
