"""Partner profiles through the API: created, replaced, refused with every problem named."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import ACME, Api, x12_from, x12_profile

PARTNERS = "/api/v1/partners"


def _problems(body: dict[str, Any]) -> dict[str, str]:
    return {problem["field"]: problem["message"] for problem in body["error"]["problems"]}


def test_a_profile_is_created_and_read_back(api: Api) -> None:
    created = api.call("admin", "POST", PARTNERS, json=x12_profile("globex", "GLOBEX"))
    assert created.status_code == 201
    body = created.json()
    assert (body["id"], body["status"], body["standard"], body["active"]) == (
        "globex",
        "active",
        "x12",
        True,
    )
    assert body["profile"]["interchange"]["partner"] == {"qualifier": "ZZ", "id": "GLOBEX"}
    assert api.call("operator", "GET", f"{PARTNERS}/globex").json() == body


def test_an_invalid_profile_is_422_naming_each_field(api: Api) -> None:
    profile = x12_profile("globex", "GLOBEX")
    profile["interchange"]["partner"]["qualifier"] = "Z"
    del profile["name"]
    response = api.call("admin", "POST", PARTNERS, json=profile | {"colour": "red"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "partners.invalid"
    problems = _problems(response.json())
    assert set(problems) == {"name", "interchange.partner.qualifier", "colour"}
    assert "two-character qualifier" in problems["interchange.partner.qualifier"]
    assert "interchange.partner.qualifier" in error["message"]


def test_a_body_that_is_not_an_object_is_422(api: Api) -> None:
    response = api.call("admin", "POST", PARTNERS, json=["acme-supply"])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "request.invalid"


def test_a_body_fastapi_cannot_decode_is_our_422_not_its_400(api: Api) -> None:
    headers = {"Content-Type": "application/json"}
    for body in (b'{"id": "\xff"}', b"[" * 100_000):
        response = api.call("admin", "POST", PARTNERS, content=body, headers=headers)
        assert response.status_code == 422
        error = response.json()["error"]
        assert (
            error["code"] == "request.invalid" and "not JSON this API can read" in error["message"]
        )
    unknown = api.call("admin", "GET", "/api/v1/no-such-route")
    assert unknown.status_code == 404  # Starlette's own answers outside the body stay


def test_a_taken_id_is_409(api: Api) -> None:
    response = api.call("admin", "POST", PARTNERS, json=ACME)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "partners.exists"


def test_envelope_ids_of_another_partner_are_refused_like_a_yaml_import(api: Api) -> None:
    impostor = x12_profile("impostor", "ACMESUPPLY")
    for method, url in (("POST", PARTNERS), ("PUT", f"{PARTNERS}/impostor")):
        response = api.call("admin", method, url, json=impostor)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "partners.invalid"
        problems = _problems(response.json())
        assert list(problems) == ["interchange"]
        assert "acme-supply" in problems["interchange"]
    assert api.call("admin", "GET", f"{PARTNERS}/impostor").status_code == 404


def test_put_replaces_and_reports_the_change(api: Api) -> None:
    renamed = ACME | {"name": "Acme Supply Co"}
    first = api.call("admin", "PUT", f"{PARTNERS}/acme-supply", json=renamed)
    second = api.call("admin", "PUT", f"{PARTNERS}/acme-supply", json=renamed)
    assert (first.status_code, first.json()["change"]) == (200, "updated")
    assert (second.status_code, second.json()["change"]) == (200, "unchanged")
    assert second.json()["name"] == "Acme Supply Co"


def test_put_may_create_but_not_rename(api: Api) -> None:
    created = api.call("admin", "PUT", f"{PARTNERS}/globex", json=x12_profile("globex", "GLOBEX"))
    assert created.json()["change"] == "created"
    moved = api.call("admin", "PUT", f"{PARTNERS}/other", json=x12_profile("globex", "GLOBEX"))
    assert moved.status_code == 422
    assert set(_problems(moved.json())) == {"id"}


def test_deactivation_keeps_the_partner_and_put_reactivates_it(api: Api) -> None:
    response = api.call("admin", "POST", f"{PARTNERS}/acme-supply/deactivate")
    assert (response.status_code, response.json()["active"]) == (200, False)
    listed = api.call("operator", "GET", PARTNERS, params={"include_inactive": "false"}).json()
    assert [partner["id"] for partner in listed] == ["nordfrost"]
    again = api.call("admin", "POST", PARTNERS, json=ACME)
    assert again.status_code == 409 and "deactivated" in again.json()["error"]["message"]
    restored = api.call("admin", "PUT", f"{PARTNERS}/acme-supply", json=ACME).json()
    assert (restored["change"], restored["active"]) == ("updated", True)
    missing = api.call("admin", "POST", f"{PARTNERS}/nobody/deactivate")
    assert missing.status_code == 404


def test_gaps_list_the_control_numbers_never_received(api: Api) -> None:
    api.submit("acme", x12_from(control_number=105))
    gaps = api.call("acme", "GET", f"{PARTNERS}/acme-supply/gaps").json()
    assert gaps == {
        "partner_id": "acme-supply",
        "inbound": [{"first_missing": 102, "last_missing": 104}],
        "outbound": [],
    }


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("PUT", ""), ("POST", "/deactivate"), ("GET", "/gaps"), ("GET", "/certificates")],
)
def test_a_nul_in_a_partner_id_is_422_not_500(api: Api, method: str, suffix: str) -> None:
    """PostgreSQL text holds no NUL: refused at the edge, not failed in the store."""
    body = ACME if method == "PUT" else None
    response = api.call("admin", method, f"{PARTNERS}/acme%00{suffix}", json=body)
    assert response.status_code == 422, response.text
    assert {"field": "partner_id", "message": "must not contain NUL (0x00)"} in response.json()[
        "error"
    ]["problems"]
