"""Small sinks for the SFTP tests (the gateway's real one is over Intake)."""

from __future__ import annotations

import threading
from typing import BinaryIO

from gateway.domain.errors import GatewayError


class MemorySink:
    """Keeps every accepted file in memory; idempotent by transport message id.

    ``refuse`` maps a file-name ending to the error to raise instead of accepting.
    """

    def __init__(self, refuse: dict[str, GatewayError] | None = None) -> None:
        self.files: dict[str, tuple[str, str, bytes]] = {}  # id → (partner, name, bytes)
        self.ids: dict[str, str] = {}  # transport message id → message id
        self.offers = 0
        self._refuse = refuse or {}
        self._lock = threading.Lock()

    def accept(
        self, partner_id: str, filename: str, source: BinaryIO, transport_message_id: str
    ) -> str:
        with self._lock:
            self.offers += 1
            for ending, error in self._refuse.items():
                if filename.endswith(ending):
                    raise error
            if transport_message_id in self.ids:
                return self.ids[transport_message_id]
            message_id = f"m{len(self.files) + 1}"
            self.files[message_id] = (partner_id, filename, source.read())
            self.ids[transport_message_id] = message_id
            return message_id

    def contents(self) -> dict[str, bytes]:
        """File name → bytes of every accepted file."""
        return {name: data for _, name, data in self.files.values()}
