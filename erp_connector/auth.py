"""How a connector proves who it is: an API key header, or OAuth2 client credentials.

Both are ``httpx.Auth`` flows, so every request (deliveries and fetches alike)
is signed the same way and the connector's code never touches a header.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator

import httpx

from erp_connector.errors import classify, map_httpx_errors
from gateway.domain.delivery import DeliveryUnavailable
from gateway.settings import SystemSettings


class ApiKeyAuth(httpx.Auth):
    """A static key in a header of the system's choosing (``X-API-Key`` by default)."""

    def __init__(self, header: str, key: str) -> None:
        self._header = header
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header] = self._key
        yield request


class OAuth2ClientCredentials(httpx.Auth):
    """A bearer token from the client-credentials grant (RFC 6749 §4.4), fetched once
    and shared by every thread until shortly before it expires.

    A 401 means the system no longer accepts the token (revoked, clock skew): the
    flow fetches a new one and sends the request once more; a second 401 is the
    system's answer and reaches ``classify`` as ``delivery.unauthorized``.

    Args:
        token_url: the token endpoint.
        client_id: our client id there.
        client_secret: its secret.
        client: the client that posts to the token endpoint (without this auth).
        clock: monotonic seconds; tests move it to expire tokens.
        leeway: seconds before ``expires_in`` runs out at which a token counts as
            expired, so a request never leaves with a token about to die in flight.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        client: httpx.Client,
        *,
        clock: Callable[[], float] = time.monotonic,
        leeway: float = 30.0,
    ) -> None:
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._client = client
        self._clock = clock
        self._leeway = leeway
        # One lock for the token: threads that find it stale wait for the one
        # fetching instead of all asking the endpoint at once.
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at: float | None = None
        self.fetches = 0  # how often the endpoint was asked (tests, metrics)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._valid_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self._valid_token(stale=token)}"
            yield request

    def _valid_token(self, stale: str | None = None) -> str:
        """The cached token, or a fresh one when it is missing, expiring, or ``stale``
        (the one a 401 refused; another thread may have replaced it already)."""
        with self._lock:
            expired = self._expires_at is not None and self._clock() >= self._expires_at
            if self._token is None or expired or self._token == stale:
                self._token, self._expires_at = self._fetch()
            return self._token

    def _fetch(self) -> tuple[str, float | None]:
        with map_httpx_errors("token endpoint"):
            # httpx.Auth() signs nothing: whatever auth the client has, the token request
            # must not go through this flow again.
            response = self._client.post(self._token_url, data=self._form, auth=httpx.Auth())
        self.fetches += 1
        classify(response, "token endpoint")
        try:
            answer = response.json()
            token = answer["access_token"]
            lifetime = answer.get("expires_in")
        except (ValueError, KeyError, TypeError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise DeliveryUnavailable(
                "token endpoint answered without an access_token", code="delivery.bad_answer"
            )
        if isinstance(lifetime, int | float) and not isinstance(lifetime, bool):
            return token, self._clock() + max(0.0, float(lifetime) - self._leeway)
        return token, None  # no lifetime given: good until a 401 says otherwise


def auth_from_settings(settings: SystemSettings, client: httpx.Client) -> httpx.Auth | None:
    """OAuth2 when a token URL is configured, else the API key, else nothing.

    Raises:
        ValueError: a token URL without a client id or secret.
    """
    if settings.oauth_token_url:
        if not settings.oauth_client_id or not settings.oauth_client_secret:
            raise ValueError("oauth_token_url needs oauth_client_id and oauth_client_secret")
        return OAuth2ClientCredentials(
            settings.oauth_token_url,
            settings.oauth_client_id,
            settings.oauth_client_secret,
            client,
        )
    if settings.api_key:
        return ApiKeyAuth(settings.api_key_header, settings.api_key)
    return None
