"""A partner's key sees and submits only its own partner's documents (SPEC §1 invariant 7).

Another partner's things answer exactly like things that do not exist, so a key
cannot even learn that they are there.
"""

from __future__ import annotations

from tests.integration.api.conftest import ACME_FILE, Api


def test_a_partner_lists_only_its_own_messages_whatever_it_asks_for(api: Api) -> None:
    for query in ("", "?partner_id=nordfrost"):
        items = api.call("acme", "GET", f"/api/v1/messages{query}").json()["items"]
        assert items and {item["partner_id"] for item in items} == {"acme-supply"}
    everyone = api.call("operator", "GET", "/api/v1/messages").json()["items"]
    assert {item["partner_id"] for item in everyone} == {"acme-supply", "nordfrost"}


def test_another_partners_message_is_indistinguishable_from_a_missing_one(api: Api) -> None:
    theirs = api.messages["nordfrost"]
    missing = "00000000-0000-0000-0000-000000000000"
    for suffix in ("", "/raw"):
        hidden = api.call("acme", "GET", f"/api/v1/messages/{theirs}{suffix}")
        absent = api.call("acme", "GET", f"/api/v1/messages/{missing}{suffix}")
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json()["error"]["code"] == absent.json()["error"]["code"]
        assert theirs in hidden.json()["error"]["message"]  # only the id it gave
    assert api.call("nordfrost", "GET", f"/api/v1/messages/{theirs}/raw").status_code == 200


def test_a_partner_may_not_replay_even_its_own_messages(api: Api) -> None:
    for message_id in api.messages.values():
        response = api.call("acme", "POST", f"/api/v1/messages/{message_id}/replay")
        assert response.status_code == 403


def test_a_partner_sees_only_its_own_profile(api: Api) -> None:
    listed = api.call("acme", "GET", "/api/v1/partners").json()
    assert [partner["id"] for partner in listed] == ["acme-supply"]
    other = api.call("acme", "GET", "/api/v1/partners/nordfrost")
    absent = api.call("acme", "GET", "/api/v1/partners/no-such-partner")
    assert other.status_code == absent.status_code == 404
    assert other.json()["error"]["code"] == "partners.not_found"
    assert api.call("acme", "GET", "/api/v1/partners/nordfrost/gaps").status_code == 404


def test_a_file_naming_another_partner_is_rejected_and_stays_with_the_sender(
    api: Api,
) -> None:
    """nordfrost's key submits an interchange whose envelope says acme sent it."""
    response = api.submit("nordfrost", ACME_FILE.read_bytes())
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "rejected"
    assert body["error"]["code"] == "partners.mismatch"
    assert body["partner_id"] == "nordfrost"
    url = f"/api/v1/messages/{body['message_id']}"
    assert api.call("acme", "GET", url).status_code == 404
    assert api.call("nordfrost", "GET", url).json()["error_code"] == "partners.mismatch"
