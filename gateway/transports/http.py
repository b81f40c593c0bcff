"""Raw EDI POSTed to a partner's HTTPS endpoint."""

from __future__ import annotations

import httpx

from gateway.domain.tracking import MessageRecord
from gateway.profiles.model import PartnerProfile
from gateway.transports.errors import TransportRefused, TransportUnavailable
from gateway.transports.secrets import secret

__all__ = ["HttpOutbound", "TransportRefused", "TransportUnavailable"]


class HttpOutbound:
    def __init__(self, client: httpx.Client | None = None, timeout: float = 30.0) -> None:
        self._client = client or httpx.Client(timeout=timeout)

    def send(self, profile: PartnerProfile, message: MessageRecord, payload: bytes) -> str:
        http = profile.transports.http
        if http is None:
            raise TransportRefused(f"partner {profile.id} has no HTTP transport")
        headers = {
            "Content-Type": "application/edi-x12"
            if profile.standard == "x12"
            else "application/edifact",
            "X-Request-ID": message.id,  # their side can drop a repeat of ours
        }
        if http.api_key:
            headers[http.api_key_header] = secret(http.api_key)
        try:
            answer = self._client.post(str(http.url), content=payload, headers=headers)
        except httpx.HTTPError as error:
            raise TransportUnavailable(f"{http.url}: {error}") from error
        if answer.status_code in (408, 425, 429) or answer.status_code >= 500:
            raise TransportUnavailable(f"{http.url} answered {answer.status_code}")
        if answer.status_code >= 400:
            raise TransportRefused(f"{http.url} answered {answer.status_code}: {answer.text[:200]}")
        return str(answer.headers.get("X-Request-ID", ""))

    def close(self) -> None:
        self._client.close()
