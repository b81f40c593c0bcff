"""Where received files go: the one thing the SFTP transport needs from the gateway.

The gateway implements :class:`Sink` over ``Intake.receive``; :class:`DirectorySink`
is a stand-alone implementation for tests, benchmarks and trying the server out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol


class Sink(Protocol):
    """Takes in the raw bytes of one received file (SPEC invariant 1: raw first)."""

    def accept(
        self, partner_id: str, filename: str, source: BinaryIO, transport_message_id: str
    ) -> str:
        """Store ``source`` durably and return the gateway's message id for it.

        Must be idempotent by ``transport_message_id``: a file offered again (a
        re-download after a crash, the same upload repeated) returns the id it got the
        first time and stores nothing new. The transport tells the sender, and removes
        or archives the file, only after this returned.

        Args:
            partner_id: the partner the file came from (authenticated by the transport).
            filename: the file's name, without directories.
            source: the file's bytes, read once from the start.
            transport_message_id: a stable id of this file on this transport.

        Raises:
            GatewayError: to refuse it (``PayloadTooLarge``, a suspended partner…);
                a ``RetryableError`` says the same file may be offered again later.
        """
        ...


class DirectorySink:
    """Keeps each file under ``root/<message id>.bin``, with an index by transport id.

    Durable (fsync of data and directory before ``accept`` returns) and idempotent across
    processes: the index entry is written, atomically, only after the bytes are safe, so a
    process killed in between leaves an orphan file but never a lost or doubled message.
    Two concurrent offers of the same new id may both store (the gateway's sink closes
    that race with a unique constraint); the index still names one of them.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._index = root / "index"
        self._index.mkdir(parents=True, exist_ok=True)

    def accept(
        self, partner_id: str, filename: str, source: BinaryIO, transport_message_id: str
    ) -> str:
        entry = self._entry(transport_message_id)
        if entry.exists():
            return str(json.loads(entry.read_text())["message_id"])
        message_id = str(uuid.uuid4())
        data = self._root / f"{message_id}.bin"
        with data.open("xb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
            target.flush()
            os.fsync(target.fileno())
        fsync_directory(self._root)
        record = {
            "message_id": message_id,
            "partner_id": partner_id,
            "filename": filename,
            "transport_message_id": transport_message_id,
        }
        _write_atomically(entry, json.dumps(record).encode())
        return message_id

    def messages(self) -> list[dict[str, str]]:
        """Every accepted file's record (message_id, partner_id, filename, transport id)."""
        return [json.loads(path.read_text()) for path in sorted(self._index.glob("*.json"))]

    def read(self, message_id: str) -> bytes:
        return (self._root / f"{message_id}.bin").read_bytes()

    def _entry(self, transport_message_id: str) -> Path:
        key = hashlib.sha256(transport_message_id.encode()).hexdigest()
        return self._index / f"{key}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with temporary.open("wb") as target:
        target.write(data)
        target.flush()
        os.fsync(target.fileno())
    temporary.replace(path)
    fsync_directory(path.parent)


def fsync_directory(folder: Path) -> None:
    """Make a rename or a new name in ``folder`` survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
