"""API keys: issued once, stored only as a hash, revoked at once."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from gateway.api import create_key
from gateway.api.errors import InvalidKeyRequest
from gateway.persistence.tables import api_keys
from tests.integration.api.conftest import Api

KEYS = "/api/v1/keys"


def test_keys_are_stored_as_their_sha256_only(api: Api) -> None:
    response = api.call("admin", "POST", KEYS, json={"name": "ci", "role": "operator"})
    assert response.status_code == 201
    secret = response.json()["key"]
    with api.gw.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(api_keys))]
    stored = [str(value) for row in rows for value in row.values()]
    for key in [secret, *api.keys.values()]:
        assert not any(key in value for value in stored)
        assert hashlib.sha256(key.encode()).hexdigest() in stored


def test_a_new_key_works_and_is_listed_without_its_secret(api: Api) -> None:
    body = {"name": "globex edi", "role": "partner", "partner_id": "nordfrost"}
    new = api.call("admin", "POST", KEYS, json=body).json()
    assert new["key"].startswith(new["prefix"])
    headers = {"X-API-Key": new["key"]}
    assert api.client.get("/api/v1/partners/nordfrost", headers=headers).status_code == 200
    listed = api.call("admin", "GET", KEYS).json()
    mine = next(key for key in listed if key["id"] == new["id"])
    assert "key" not in mine
    assert {k: v for k, v in new.items() if k != "key"} == mine


def test_a_revoked_key_stops_working_and_revoking_again_is_harmless(api: Api) -> None:
    new = api.call("admin", "POST", KEYS, json={"name": "temp", "role": "operator"}).json()
    headers = {"Authorization": f"Bearer {new['key']}"}
    assert api.client.get("/api/v1/messages", headers=headers).status_code == 200
    for _ in range(2):
        assert api.call("admin", "DELETE", f"{KEYS}/{new['id']}").status_code == 204
    assert api.client.get("/api/v1/messages", headers=headers).status_code == 401
    revoked = next(key for key in api.call("admin", "GET", KEYS).json() if key["id"] == new["id"])
    assert revoked["revoked_at"] is not None
    assert api.call("admin", "DELETE", f"{KEYS}/no-such-key").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "role": "partner"}, "partner_id"),
        ({"name": "x", "role": "partner", "partner_id": "nobody"}, "partner_id"),
        ({"name": "x", "role": "operator", "partner_id": "nordfrost"}, "partner_id"),
        ({"name": " ", "role": "admin"}, "name"),
    ],
)
def test_a_key_request_that_does_not_fit_is_422(api: Api, body: dict[str, str], field: str) -> None:
    response = api.call("admin", "POST", KEYS, json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "keys.invalid"
    assert [problem["field"] for problem in error["problems"]] == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "ops\u0000", "role": "operator"}, "name"),
        ({"name": "acme", "role": "partner", "partner_id": "acme-supply\u0000"}, "partner_id"),
    ],
)
def test_a_nul_in_a_key_request_is_422_not_500(api: Api, body: dict[str, str], field: str) -> None:
    """PostgreSQL text holds no NUL: refused at the edge, not failed in the store."""
    response = api.call("admin", "POST", KEYS, json=body)
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["error"]["problems"]] == [field]


def test_revoking_a_key_id_with_a_nul_is_422_not_500(api: Api) -> None:
    response = api.call("admin", "DELETE", f"{KEYS}/abc%00")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"][0]["field"] == "key_id"


def test_an_unknown_role_is_422(api: Api) -> None:
    response = api.call("admin", "POST", KEYS, json={"name": "x", "role": "root"})
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "role"


def test_create_key_for_the_command_line_refuses_what_the_api_refuses(api: Api) -> None:
    with pytest.raises(InvalidKeyRequest) as refused:
        create_key(api.gw, "ops", "superuser")
    assert [problem.field for problem in refused.value.problems] == ["role"]
    first_admin = create_key(api.gw, "first admin", "admin")
    assert api.client.get(KEYS, headers={"X-API-Key": first_admin.secret}).status_code == 200
