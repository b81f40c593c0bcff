"""A system of record on ``httpx.MockTransport`` that keeps the sandbox's HTTP
contract, a fake clock, and connectors wired to them (no network anywhere)."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from erp_connector import CircuitBreaker, HttpConnector, RateLimiter, RestConnector
from gateway.settings import SystemSettings

URL = "https://erp.example/api"
TOKEN_URL = "https://auth.example/token"


class FakeClock:
    """Monotonic seconds that move only when told (or when a fake sleep waits)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeSystem:
    """The contract: POST /documents/{kind} and /idoc with an Idempotency-Key (201 the
    first time, 200 duplicate after), GET /documents/{kind}/{id}, an OAuth token
    endpoint, and ``answers``: canned responses or exceptions served first."""

    def __init__(self, *, api_key: str | None = None, oauth: bool = False) -> None:
        self.api_key = api_key
        self.oauth = oauth
        self.requests: list[httpx.Request] = []
        # copies: an auth flow re-sends the same Request object with a new header
        self.headers: list[httpx.Headers] = []
        self.token_requests: list[httpx.Request] = []
        self.answers: list[Answer] = []
        self.token_answers: list[httpx.Response] = []
        self.records: dict[str, tuple[str, str, Any]] = {}  # key → (kind, id, body)
        self.valid_tokens: set[str] = set()
        self._ids = itertools.count(1)
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if str(request.url) == TOKEN_URL:
                return self._token(request)
            self.requests.append(request)
            self.headers.append(httpx.Headers(request.headers))
            denied = self._denied(request)
            if denied is not None:
                return denied
            if self.answers:
                answer = self.answers.pop(0)
                if isinstance(answer, Exception):
                    raise answer
                return answer if isinstance(answer, httpx.Response) else answer(request)
            return self._serve(request)

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests.append(request)
        if self.token_answers:
            return self.token_answers.pop(0)
        token = f"token-{next(self._tokens)}"
        self.valid_tokens.add(token)
        return httpx.Response(
            200, json={"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        )

    def _denied(self, request: httpx.Request) -> httpx.Response | None:
        if self.api_key is not None and request.headers.get("X-API-Key") != self.api_key:
            return httpx.Response(401, json={"error": "bad api key"})
        if self.oauth:
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme != "Bearer" or token not in self.valid_tokens:
                return httpx.Response(401, json={"error": "token expired"})
        return None

    def _serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api")
        parts = path.strip("/").split("/")
        if request.method == "POST":
            key = request.headers["Idempotency-Key"]
            if key in self.records:
                return httpx.Response(200, json={"id": self.records[key][1], "duplicate": True})
            kind = parts[1] if parts[0] == "documents" else "idoc"
            body = json.loads(request.content) if parts[0] == "documents" else request.content
            external = f"{kind.upper()}-{next(self._ids)}"
            self.records[key] = (kind, external, body)
            return httpx.Response(201, json={"id": external, "duplicate": False})
        for kind, external, body in self.records.values():
            if parts == ["documents", kind, external]:
                return httpx.Response(200, json={"id": external, "kind": kind, "body": body})
        return httpx.Response(404, json={"error": "not found"})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def system() -> FakeSystem:
    return FakeSystem()


def settings(**values: Any) -> SystemSettings:
    return SystemSettings(url=URL, rate_per_second=1000.0, timeout_seconds=5.0, **values)


@pytest.fixture
def make_connector(
    clock: FakeClock,
) -> Iterator[Callable[..., HttpConnector]]:
    """A connector on a FakeSystem, its limiter and breaker on the fake clock."""
    made: list[HttpConnector] = []

    def make(
        fake: FakeSystem,
        *,
        kind: type[HttpConnector] = RestConnector,
        system: str = "erp",
        **values: Any,
    ) -> HttpConnector:
        connector = kind(
            system,
            settings(**values),
            client=httpx.Client(transport=fake.transport()),
            limiter=RateLimiter(1000.0, clock=clock, sleep=clock.sleep),
            breaker=CircuitBreaker(3, 30.0, clock=clock, name=system),
        )
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()
