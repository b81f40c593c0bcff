"""Starting the sandbox: the module's command line, ``run`` and the worker factory."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

import erp_connector.sandbox as sandbox_package
from erp_connector.sandbox import __main__ as cli
from erp_connector.sandbox import serve
from erp_connector.sandbox.app import create_sandbox_app


def test_the_command_line_passes_its_options_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cli, "run", lambda *args, **kwargs: calls.append((args, kwargs)))

    cli.main(
        [
            "--port", "8100", "--db", "sqlite:///data/sandbox.db",
            "--gateway-url", "http://127.0.0.1:8000", "--gateway-key", "secret", "--workers", "2",
        ]
    )  # fmt: skip

    assert calls == [
        (
            ("127.0.0.1", 8100, "sqlite:///data/sandbox.db", "http://127.0.0.1:8000", "secret"),
            {"system": "erp", "workers": 2},
        )
    ]


def test_the_gateway_key_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSDOCK_SANDBOX_GATEWAY_API_KEY", "from-env")

    assert cli.parser().parse_args([]).gateway_key == "from-env"


def test_one_worker_serves_the_app_object(monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append((app, kwargs)))

    serve.run("0.0.0.0", 8101, db_url, "http://gw", "key", system="wms")

    ((app, options),) = served
    assert options == {"host": "0.0.0.0", "port": 8101, "log_level": "info"}
    with TestClient(app) as client:
        assert client.get("/stats").json()["system"] == "wms"


def test_several_workers_build_the_app_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    supervised: list[Any] = []

    class FakeSupervisor:
        def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
            supervised.append((config, sockets))

        def run(self) -> None:
            pass

    monkeypatch.setattr(serve, "Multiprocess", FakeSupervisor)
    for name in ("DATABASE_URL", "GATEWAY_URL", "GATEWAY_API_KEY", "SYSTEM"):
        # set, then delete: monkeypatch then removes what ``run`` sets when the test ends
        monkeypatch.setenv(f"CROSSDOCK_SANDBOX_{name}", "")
        monkeypatch.delenv(f"CROSSDOCK_SANDBOX_{name}")

    serve.run("127.0.0.1", 0, db_url, None, None, system="wms", workers=3)

    ((config, (listening,)),) = supervised
    with listening:
        assert (config.app, config.factory, config.workers) == (
            "erp_connector.sandbox.serve:app_from_environment",
            True,
            3,
        )
        assert listening.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    with TestClient(serve.app_from_environment()) as client:
        assert client.get("/stats").json()["system"] == "wms"
        assert client.get("/healthz").status_code == 200


def test_an_unknown_default_system_is_refused(db_url: str) -> None:
    with pytest.raises(ValueError, match="erp, wms"):
        create_sandbox_app(db_url, system="crm")


def test_the_package_exports_the_app_factory_and_run() -> None:
    assert sandbox_package.__all__ == ["DEFAULT_DATABASE_URL", "create_sandbox_app", "run"]
    assert sandbox_package.run is serve.run
