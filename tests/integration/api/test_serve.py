"""``crossdock serve`` over a real socket: a partner submits with a key the CLI issued."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _crossdock(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", *args],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**os.environ, "CROSSDOCK_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    _crossdock(env, "partners", "import", str(ROOT / "demo" / "partners"))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli.main", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("crossdock serve did not come up")
        yield base, env
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


def test_a_partner_submits_over_http_and_reads_only_its_own(
    server: tuple[str, dict[str, str]],
) -> None:
    base, env = server
    acme_key = _crossdock(env, "keys", "create", "--name", "acme", "--role", "partner",
                          "--partner", "acme-supply").splitlines()[1]  # fmt: skip
    nord_key = _crossdock(env, "keys", "create", "--name", "nord", "--role", "partner",
                          "--partner", "nordfrost").splitlines()[1]  # fmt: skip
    data = (ROOT / "demo" / "inbound" / "acme_supply_day1.x12").read_bytes()
    answer = httpx.post(
        f"{base}/api/v1/messages",
        content=data,
        headers={"Authorization": f"Bearer {acme_key}", "X-Request-ID": "acme-0001"},
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["state"] == "mapped" and body["partner_id"] == "acme-supply"
    raw = httpx.get(f"{base}/api/v1/messages/{body['message_id']}/raw",
                    headers={"X-API-Key": acme_key})  # fmt: skip
    assert raw.content == data
    hidden = httpx.get(f"{base}/api/v1/messages/{body['message_id']}",
                       headers={"X-API-Key": nord_key})  # fmt: skip
    assert hidden.status_code == 404
    assert httpx.get(f"{base}/api/v1/messages").status_code == 401
    assert httpx.get(f"{base}/docs").status_code == 200
