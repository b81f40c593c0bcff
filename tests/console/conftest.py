"""The console over a real SQLite store seeded through the services (``seed.py``),
and a browser-less client that logs in and posts forms with their CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from gateway.api import create_app
from gateway.bootstrap import Gateway, gateway
from gateway.settings import Settings
from tests.console.seed import Seeded, seed
from tests.fakes import FakeConnector, FixedClock

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from httpx import Response

_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Console:
    gw: Gateway
    connector: FakeConnector
    seeded: Seeded
    client: TestClient

    def login(self, who: str) -> Response:
        """Log in as ``who`` (a key of ``seed``) through the login form."""
        form = self.client.get("/console/login")
        response: Response = self.client.post(
            "/console/login",
            data={"api_key": self.seeded.keys[who], "csrf_token": token(form.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return response

    def post(self, url: str, page: str, data: dict[str, str] | None = None) -> Response:
        """Post a form of the page at ``page`` with that page's CSRF token."""
        source = self.client.get(page)
        fields = {"csrf_token": token(source.text), **(data or {})}
        response: Response = self.client.post(url, data=fields, follow_redirects=False)
        return response

    def message(self, name: str) -> str:
        return self.seeded.messages[name]


def token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def console_gateway(data_dir: Path) -> tuple[Gateway, FakeConnector, Seeded]:
    connector = FakeConnector()
    gw = gateway(Settings(data_dir=data_dir), clock=FixedClock(), connectors={"erp": connector})
    return gw, connector, seed(gw, connector)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    from fastapi.testclient import TestClient

    gw, connector, seeded = console_gateway(tmp_path / "data")
    with TestClient(create_app(gw)) as client:
        yield Console(gw, connector, seeded, client)
    gw.engine.dispose()


def text_of(response: Any) -> str:
    return str(response.text)
