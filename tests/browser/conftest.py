"""The console in headless Chromium: Debian's ``chromium`` driven by Playwright.

Each test gets its own store (seeded through the services, ``tests/console/seed.py``)
served by uvicorn on a free port in a thread; screenshots go to ``artifacts/``
(git-ignored) so a failure can be looked at afterwards.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from gateway.api import create_app
from tests.console.conftest import console_gateway
from tests.console.seed import Seeded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"

if shutil.which(str(CHROMIUM)) is None:
    pytest.skip(
        f"{CHROMIUM} is missing (Debian's chromium package; scripts/_system.sh installs it)",
        allow_module_level=True,
    )
pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")


@dataclass
class Served:
    base: str
    seeded: Seeded
    gw: Any
    connector: Any

    def url(self, path: str) -> str:
        return self.base + path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    import uvicorn

    gw, connector, seeded = console_gateway(tmp_path / "data")
    port = _free_port()
    config = uvicorn.Config(create_app(gw), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", seeded, gw, connector)
    finally:
        server.should_exit = True
        thread.join(10)
        gw.engine.dispose()


# Module, not session: Playwright's sync API keeps an asyncio loop running on this thread
# while it is open, and later tests that start their own loop (the SFTP server's) would
# find it running.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}__end.png"), full_page=True)
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page: Page, served: Served, who: str) -> None:
    page.goto(served.url("/console"))
    page.get_by_label("API key").fill(served.seeded.keys[who])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(served.url("/console"))
