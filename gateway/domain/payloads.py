"""Raw payloads as the gateway keeps them: addressed by the sha256 of their bytes."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain.errors import PermanentError, Unavailable


@dataclass(frozen=True, slots=True)
class StoredPayload:
    sha256: str
    size: int


class PayloadTooLarge(PermanentError):
    """Bigger than the configured upload limit: refused before anything is kept."""

    code = "payload.too_large"


class PayloadMissing(PermanentError):
    """The store has no payload under that hash (a bug or a lost disk, never normal)."""

    code = "payload.missing"


class PayloadStoreFull(Unavailable):
    """No space left (ENOSPC, or a quota) for the payload: nothing was kept. The sender
    should send again later (HTTP 507 Insufficient Storage)."""

    code = "payload.storage_full"


class PayloadStoreUnavailable(Unavailable):
    """The payload store failed to write for another reason (an I/O error, a read-only
    or unmounted filesystem, permissions): nothing was kept."""

    code = "payload.store_unavailable"
