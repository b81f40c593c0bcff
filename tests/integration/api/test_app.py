"""The application shell: OpenAPI, docs, health, and wiring itself from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.settings import get_settings
from tests.integration.api.conftest import Api, client_for

# Generated clients name their methods after these: renaming one is a breaking change.
OPERATION_IDS = {
    "health-healthz",
    "health-readyz",
    "health-get_metrics",
    "as2-receive_as2",
    "partners-get_partner_certificates",
    "partners-create_partner",
    "partners-list_partners",
    "partners-get_partner",
    "partners-replace_partner",
    "partners-deactivate_partner",
    "partners-get_partner_gaps",
    "messages-submit_message",
    "messages-list_messages",
    "messages-get_message",
    "messages-get_message_raw",
    "messages-replay_message",
    "keys-create_api_key",
    "keys-list_api_keys",
    "keys-revoke_api_key",
    "flow-submit_inbound",
    "flow-submit_outbound",
    "exceptions-list_exceptions",
    "exceptions-get_exception",
    "exceptions-acknowledge_exception",
    "exceptions-assign_exception",
    "exceptions-resolve_exception",
    "wms-post_receipt",
    "wms-post_inventory_adjustment",
    "monitoring-po_timeline",
    "monitoring-kpis",
}


def test_every_operation_has_its_stable_id(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Crossdock"
    ids = [
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    ]
    assert sorted(ids) == sorted(OPERATION_IDS)
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schema["components"]["securitySchemes"])


def test_error_statuses_are_documented_with_the_error_body(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    submit = schema["paths"]["/api/v1/messages"]["post"]["responses"]
    assert {"202", "401", "403", "413", "422"} <= set(submit)
    body = submit["413"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ErrorBody"}
    assert "requestBody" in schema["paths"]["/api/v1/messages"]["post"]


def test_docs_are_served(api: Api) -> None:
    response = api.client.get("/docs")
    assert response.status_code == 200
    assert "/openapi.json" in response.text


def test_health_needs_no_key(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok", "version": "0.1.0"}


@pytest.fixture
def settings_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CROSSDOCK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CROSSDOCK_PAYLOAD_DIR", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_without_a_gateway_the_app_wires_one_when_it_starts(settings_from_env: Path) -> None:
    client = client_for(None)
    assert not settings_from_env.exists()  # nothing is built by creating the app
    with client:
        response = client.get("/api/v1/messages", headers={"X-API-Key": "cdk_unknown"})
        assert response.status_code == 401  # the key was looked up in the new store
    assert (settings_from_env / "crossdock.db").exists()
