"""Raw payloads as the gateway keeps them: addressed by the sha256 of their bytes."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain.errors import PermanentError


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
