"""Taking in one complete file from a partner's ``inbound/``: raw bytes to the sink
first, then the file moves to ``archive/``, or a ``<name>.error`` note goes beside it.

Plain blocking code (the server runs it in a worker thread), so it is tested without
any SSH at all.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gateway.domain.errors import GatewayError, RetryableError
from sftp.accounts import Account
from sftp.names import move_without_replacing, note_for
from sftp.sink import Sink

log = logging.getLogger(__name__)


class IntakeFailed(RetryableError):
    """The sink failed in a way it did not describe (a bug, or a store that is down)."""

    code = "sftp.intake_failed"


@dataclass(frozen=True, slots=True)
class TakenIn:
    """What became of a file: accepted (``message_id``, ``archived_as``) or refused
    (``error``, with the note written beside the file)."""

    name: str
    message_id: str | None = None
    archived_as: Path | None = None
    error: GatewayError | None = None

    @property
    def accepted(self) -> bool:
        return self.message_id is not None


def transport_message_id(account: Account, name: str, sha256: str) -> str:
    """The file's id on our server: account, name and content, so the same upload offered
    twice (a retry after a lost answer) is recognised by the sink (STYLE.md habit 11:
    partner, file name and checksum)."""
    return f"sftp://{account.username}@crossdock/inbound/{name}#sha256={sha256}"


def take_in(account: Account, path: Path, sink: Sink) -> TakenIn:
    """Offer the file at ``path`` to ``sink``; archive it if accepted, note why if not.

    Never raises for the sink's refusal: the result says what happened. Raises only
    ``OSError`` when the file itself cannot be read.
    """
    name = path.name
    digest = _sha256(path)
    try:
        with path.open("rb") as source:
            message_id = sink.accept(
                account.partner_id, name, source, transport_message_id(account, name, digest)
            )
    except GatewayError as error:
        log.info("sftp: %s/%s refused: %s (%s)", account.username, name, error, error.code)
        return _refused(path, error)
    except Exception as error:
        log.exception("sftp: the sink failed on %s/%s", account.username, name)
        return _refused(path, IntakeFailed(f"could not be stored ({type(error).__name__})"))
    log.info("sftp: %s/%s taken in as message %s", account.username, name, message_id)
    try:
        archived: Path | None = move_without_replacing(path, account.archive)
    except OSError:
        # The bytes are stored and the sender may be told so; a file left in inbound/ is
        # only untidy (offering it again returns the same message id).
        log.exception("sftp: %s/%s stored but not archived", account.username, name)
        archived = None
    return TakenIn(name, message_id=message_id, archived_as=archived)


def write_note(path: Path, error: GatewayError) -> Path:
    """Write the plain-language ``<name>.error`` note beside ``path``."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if error.retryable:
        advice = "This is temporary: upload the file again later."
    else:
        advice = "Uploading the same file again will fail the same way; please correct it."
    text = (
        f"{path.name} was not accepted ({when}).\n"
        f"Reason: {error.message}\n"
        f"Code: {error.code}\n"
        f"{advice}\n"
    )
    note = note_for(path)
    note.write_text(text, encoding="utf-8")
    return note


def _refused(path: Path, error: GatewayError) -> TakenIn:
    try:
        write_note(path, error)
    except OSError:
        log.exception("sftp: could not write the note for %s", path)
    return TakenIn(path.name, error=error)


def _sha256(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
