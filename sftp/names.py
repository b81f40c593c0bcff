"""File-name conventions shared by our server, the mailbox and the client.

A *temporary* name marks a file still being written: it is never taken in, and a
rename from it to a final name is what completes an atomic upload. The patterns are
the common ones: a leading dot, or ``.tmp`` / ``.part`` / ``.filepart`` (WinSCP) /
``.partial`` at the end.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from gateway.domain.tracking import MessageRecord
from gateway.profiles.model import PartnerProfile

TEMPORARY_SUFFIXES: tuple[str, ...] = (".tmp", ".part", ".filepart", ".partial")
NOTE_SUFFIX = ".error"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def is_temporary(name: str, suffixes: Sequence[str] = TEMPORARY_SUFFIXES) -> bool:
    """Whether ``name`` is a name files have while they are being written."""
    lowered = name.lower()
    return name.startswith(".") or any(lowered.endswith(suffix) for suffix in suffixes)


def is_note(name: str) -> bool:
    """Whether ``name`` is one of our ``<file>.error`` notes (never a partner's file)."""
    return name.endswith(NOTE_SUFFIX)


def note_for(path: Path) -> Path:
    """The ``.error`` note that goes beside ``path`` when it was refused."""
    return path.with_name(path.name + NOTE_SUFFIX)


def numbered(name: str, number: int) -> str:
    """``order.edi`` → ``order-2.edi``: the name to try when ``name`` is taken."""
    stem, dot, suffix = name.rpartition(".")
    if not stem:  # no dot, or a leading dot only
        return f"{name}-{number}"
    return f"{stem}-{number}{dot}{suffix}"


def move_without_replacing(source: Path, folder: Path) -> Path:
    """Move ``source`` into ``folder`` under its own name, or a numbered one when that
    is taken; never replaces an existing file. Returns the new path.

    A hard link fails when the target exists, so taking the name and moving the file
    are one step (``os.rename`` would silently replace a file of the same name).
    """
    for number in range(1, 10_000):
        target = folder / (source.name if number == 1 else numbered(source.name, number))
        try:
            os.link(source, target)
        except FileExistsError:
            continue
        source.unlink()
        return target
    raise FileExistsError(f"no free name for {source.name} in {folder}")


def outbound_filename(profile: PartnerProfile, message: MessageRecord) -> str:
    """``<document type>_<interchange control number>_<message id>.<x12|edi>``: unique per
    message, and the same when a message is sent again (a retry replaces, not adds)."""
    kind = message.document_type or "edi"
    control = message.interchange_control_number or "0"
    extension = "x12" if profile.standard == "x12" else "edi"
    stem = _SAFE.sub("-", f"{kind}_{control}_{message.id}")
    return f"{stem}.{extension}"
