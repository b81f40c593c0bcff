"""``/readyz`` names what is unreachable (503); ``/healthz`` stays alive regardless."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from gateway.api import create_app
from gateway.bootstrap import gateway
from gateway.settings import Settings
from tests.integration.observability.conftest import Api, make_api

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_ready_when_the_database_and_payload_store_answer(api: Api) -> None:
    answer = api.client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "failed": [],
        "checks": {"database": "ok", "broker": "not used", "payloads": "ok"},
    }


def test_503_names_the_broker_when_redis_is_unreachable(tmp_path: Path) -> None:
    for api in make_api(tmp_path, broker_url=DEAD_REDIS):
        answer = api.client.get("/readyz")
        assert answer.status_code == 503
        body = answer.json()
        assert body["failed"] == ["broker"]
        assert body["checks"]["database"] == "ok"
        assert "ConnectionError" in body["checks"]["broker"]
        assert api.client.get("/healthz").status_code == 200  # alive all the same


def test_503_names_the_payload_store_when_it_cannot_be_written(tmp_path: Path) -> None:
    for api in make_api(tmp_path):
        payloads = api.gw.settings.effective_payload_dir
        shutil.rmtree(payloads)
        payloads.write_text("a file where the folder was")  # root ignores permissions
        answer = api.client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["failed"] == ["payloads"]


def test_503_names_the_database_when_it_is_down(tmp_path: Path) -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    gw = gateway(Settings(data_dir=tmp_path / "data"), engine=engine, migrate=False)
    with TestClient(create_app(gw)) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["failed"] == ["database"]
    engine.dispose()
