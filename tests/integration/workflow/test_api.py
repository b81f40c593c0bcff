"""The workflow API over the real store: WMS events, the exception queue, a PO's timeline
and the KPIs; who may call what."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from gateway.api import create_key
from gateway.domain.tracking import State
from gateway.profiles.model import PartnerProfile
from tests.fakes import FixedClock
from tests.integration.api.conftest import NORDFROST, client_for
from tests.integration.workflow.conftest import make_flow
from tests.integration.workflow.harness import (
    PO,
    Flow,
    ack,
    asn,
    invoice,
    purchase_order,
    receipt,
)


@dataclass
class Api:
    client: TestClient
    flow: Flow
    keys: dict[str, str]

    def call(self, caller: str, method: str, url: str, **kwargs: Any) -> Response:
        headers = {"X-API-Key": self.keys[caller]} | kwargs.pop("headers", {})
        response: Response = self.client.request(method, f"/api/v1{url}", headers=headers, **kwargs)
        return response


@pytest.fixture
def api(store_engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    flow = make_flow(store_engine, tmp_path, clock)
    with flow.gw.unit_of_work() as uow:
        uow.partners.save(PartnerProfile.model_validate(NORDFROST), clock.now())
        uow.commit()
    keys = {
        "admin": create_key(flow.gw, "root", "admin").secret,
        "operator": create_key(flow.gw, "ops", "operator").secret,
        "wms": create_key(flow.gw, "warehouse system", "wms").secret,
        "acme": create_key(flow.gw, "acme", "partner", "acme-supply").secret,
        "nordfrost": create_key(flow.gw, "nordfrost", "partner", "nordfrost").secret,
    }
    with client_for(flow.gw) as client:
        yield Api(client, flow, keys)


def _shortage(api: Api) -> dict[str, Any]:
    """PO, ASN, then a receipt 4 short through the API: one warehouse exception."""
    api.flow.order()
    api.flow.supplier(ack(), asn("ASN-1"))
    answer = api.call(
        "wms", "POST", "/wms/receipts", content=json.dumps(receipt("R-1", **{"1": 20, "2": 6}))
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_receipt_is_kept_matched_and_posted_and_the_same_event_again_answers_200(
    api: Api,
) -> None:
    body = _shortage(api)
    assert body["kind"] == "receipt" and body["business_number"] == "R-1"
    assert body["state"] == "delivered" and body["duplicate"] is False
    assert body["match"]["status"] == "exceptions" and "4 EA short" in body["match"]["summary"]
    again = api.call(
        "wms", "POST", "/wms/receipts", content=json.dumps(receipt("R-1", **{"1": 20, "2": 6}))
    )
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["transaction_id"] == body["transaction_id"]
    raw = api.call("admin", "GET", f"/messages/{body['message_id']}/raw")
    assert json.loads(raw.content)["body"]["receipt_id"] == "R-1"  # the raw JSON, kept
    assert len(api.flow.erp("receipt")) == 1


def test_an_inventory_adjustment_goes_to_the_erp(api: Api) -> None:
    document = {
        "meta": {"kind": "inventory_adjustment", "direction": "inbound", "document_id": "adj-1"},
        "body": {
            "adjustment_id": "ADJ-1",
            "location": "A-01-02",
            "item": {"buyer_item": "100-200"},
            "quantity_delta": "-2",
            "uom": "EA",
            "reason": "damaged in handling",
        },
    }
    answer = api.call(
        "admin",
        "POST",
        "/wms/inventory-adjustments",
        content=json.dumps(document),
        headers={"Idempotency-Key": "wms-adj-1"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["state"] == "delivered" and answer.json()["match"] is None
    (posted,) = api.flow.erp("inventory_adjustment")
    assert posted["body"]["quantity_delta"] == "-2"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "not JSON"),
        (json.dumps({"meta": {"kind": "receipt"}, "body": {"lines": []}}), "receipt_id"),
        (json.dumps(receipt("R-1") | {"meta": {"kind": "invoice"}}), "meta.kind"),
        (
            json.dumps(receipt("R-1") | {"meta": {"kind": "receipt", "partner_id": "nobody"}}),
            "no partner",
        ),
        # PostgreSQL text holds no NUL: refused here, not failed in the store (a 500).
        (
            json.dumps(receipt("R-1") | {"meta": {"kind": "receipt", "idempotency_key": "k\0"}}),
            "meta.idempotency_key: must not contain NUL",
        ),
        # Deeper than json.loads can go: refused, not a RecursionError (a 500).
        ('{"meta": {}, "body": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ],
)
def test_a_bad_wms_event_is_refused_but_kept(api: Api, content: str, problem: str) -> None:
    answer = api.call("wms", "POST", "/wms/receipts", content=content)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "wms.invalid"
    assert problem in answer.json()["error"]["message"]
    found = api.call("admin", "GET", "/messages", params={"state": "rejected"}).json()["items"]
    assert len(found) == 1 and found[0]["transport"] == "api"


@pytest.mark.parametrize("field", ["partner_id", "idempotency_key"])
def test_a_nul_in_an_outbound_document_is_422_not_500(api: Api, field: str) -> None:
    """PostgreSQL text holds no NUL: refused before the partner or the key is looked up."""
    document = purchase_order()
    document["meta"][field] += "\0"
    answer = api.call("admin", "POST", "/outbound", json=document)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == {
        "code": "outbound.invalid",
        "message": f"meta.{field}: must not contain NUL (0x00)",
    }
    assert api.call("admin", "POST", "/outbound", json=purchase_order()).status_code == 202


def test_the_same_outbound_event_again_answers_200_with_the_first_message(api: Api) -> None:
    first = api.call("admin", "POST", "/outbound", json=purchase_order())
    again = api.call("admin", "POST", "/outbound", json=purchase_order())
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/api/v1/outbound", {"200", "202", "401", "403", "422"}),
        ("/api/v1/wms/receipts", {"200", "201", "401", "403", "413", "422"}),
        ("/api/v1/wms/inventory-adjustments", {"200", "201", "401", "403", "413", "422"}),
    ],
)
def test_the_openapi_documents_a_repeat_and_each_refusal(
    api: Api, path: str, statuses: set[str]
) -> None:
    document = api.client.get("/openapi.json").json()
    assert statuses <= set(document["paths"][path]["post"]["responses"])


@pytest.mark.parametrize("caller", ["operator", "acme"])
def test_only_the_wms_and_admins_post_warehouse_events(api: Api, caller: str) -> None:
    answer = api.call(caller, "POST", "/wms/receipts", content=json.dumps(receipt("R-1")))
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "auth.forbidden"
    edi = api.call("wms", "POST", "/messages", content=b"ISA*")
    assert edi.status_code == 403  # and the WMS sends no partner EDI


def test_the_queue_filters_by_owner_state_partner_po_and_age(api: Api) -> None:
    _shortage(api)
    api.flow.supplier(ack("PO-NEVER"))
    every = api.call("operator", "GET", "/exceptions").json()
    assert every["total"] == 2
    assert {(e["owner"], e["kind"]) for e in every["items"]} == {
        ("warehouse", "receipt_shortage"),
        ("b2b", "unknown_po"),
    }
    (shortage,) = api.call("operator", "GET", "/exceptions", params={"owner": "warehouse"}).json()[
        "items"
    ]
    assert shortage["assignee"] == "dock@crossdock.example" and shortage["po_number"] == PO
    assert {link["kind"] for link in shortage["links"]} >= {"receipt", "ship_notice"}
    by_po = api.call("operator", "GET", "/exceptions", params={"po_number": "PO-NEVER"})
    assert [e["kind"] for e in by_po.json()["items"]] == ["unknown_po"]
    assert (
        api.call("operator", "GET", "/exceptions", params={"state": "resolved"}).json()["total"]
        == 0
    )
    assert (
        api.call("operator", "GET", "/exceptions", params={"partner_id": "nordfrost"}).json()[
            "total"
        ]
        == 0
    )
    api.flow.clock.advance(hours=3)
    assert (
        api.call("operator", "GET", "/exceptions", params={"min_age_hours": 2}).json()["total"] == 2
    )
    assert (
        api.call("operator", "GET", "/exceptions", params={"max_age_hours": 2}).json()["total"] == 0
    )
    assert api.call("operator", "GET", "/exceptions", params={"colour": "red"}).status_code == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_age_hours=17758738", "min_age_hours"),  # now - that many hours is before year 1
        ("max_age_hours=inf", "max_age_hours"),
        ("offset=9223372036854775808", "offset"),  # past the stores' signed 64-bit OFFSET
        ("po_number=PO%00", "po_number"),  # PostgreSQL text holds no NUL
    ],
)
def test_queue_filters_the_store_cannot_take_are_422_not_500(
    api: Api, query: str, field: str
) -> None:
    response = api.call("operator", "GET", f"/exceptions?{query}")
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["error"]["problems"]] == [field]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("POST", "/acknowledge", None),
        ("POST", "/assign", {"assignee": "ops"}),
        ("POST", "/resolve", {"action": "accept", "note": "x"}),
    ],
)
def test_a_nul_in_an_exception_id_is_422_not_500(
    api: Api, method: str, suffix: str, body: dict[str, str] | None
) -> None:
    response = api.call("operator", method, f"/exceptions/x%00{suffix}", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"][0]["field"] == "exception_id"


def test_a_nul_in_a_note_is_422(api: Api) -> None:
    _shortage(api)
    (found,) = api.call("operator", "GET", "/exceptions").json()["items"]
    url = f"/exceptions/{found['id']}"
    for move, body in (
        ("acknowledge", {"note": "on it\u0000"}),
        ("assign", {"assignee": "ops\u0000"}),
        ("resolve", {"action": "accept", "note": "\u0000"}),
    ):
        response = api.call("operator", "POST", f"{url}/{move}", json=body)
        assert response.status_code == 422, (move, response.text)
    assert api.call("operator", "GET", url).json()["state"] == "open"


def test_a_partner_sees_its_own_exceptions_only(api: Api) -> None:
    _shortage(api)
    (mine,) = api.call("acme", "GET", "/exceptions").json()["items"]
    assert api.call("acme", "GET", f"/exceptions/{mine['id']}").status_code == 200
    assert api.call("nordfrost", "GET", "/exceptions").json()["total"] == 0
    hidden = api.call("nordfrost", "GET", f"/exceptions/{mine['id']}")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "exceptions.not_found"
    for move in ("acknowledge", "resolve"):
        assert (
            api.call(
                "acme",
                "POST",
                f"/exceptions/{mine['id']}/{move}",
                json={"action": "accept", "note": "x"},
            ).status_code
            == 403
        )
    assert api.call("wms", "GET", "/exceptions").status_code == 403


def test_acknowledge_assign_and_resolve_with_who_and_when(api: Api) -> None:
    _shortage(api)
    (found,) = api.call("operator", "GET", "/exceptions").json()["items"]
    url = f"/exceptions/{found['id']}"
    seen = api.call("operator", "POST", f"{url}/acknowledge", json={"note": "on it"}).json()
    assert seen["state"] == "acknowledged" and seen["acknowledged_by"] == "ops"
    moved = api.call(
        "operator",
        "POST",
        f"{url}/assign",
        json={"assignee": "lee@dc.example", "owner": "procurement"},
    ).json()
    assert (moved["owner"], moved["assignee"]) == ("procurement", "lee@dc.example")
    done = api.call(
        "admin",
        "POST",
        f"{url}/resolve",
        json={"action": "accept", "note": "supplier confirmed the short pick"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "resolved" and done.json()["resolved_by"] == "root"
    assert done.json()["resolution"] == "accept"
    assert [h["action"] for h in done.json()["history"]] == [
        "opened",
        "acknowledged",
        "assigned",
        "resolved",
    ]
    assert done.json()["history"][2]["note"] == "warehouse → procurement; to lee@dc.example"
    again = api.call("admin", "POST", f"{url}/resolve", json={"action": "accept", "note": "x"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "exceptions.state_conflict"
    assert api.call("admin", "POST", f"{url}/resolve", json={"note": "x"}).status_code == 422
    missing = api.call("admin", "POST", "/exceptions/nope/acknowledge")
    assert missing.status_code == 404


def test_resolving_releases_the_held_invoice_and_delivers_it(api: Api) -> None:
    api.flow.order()
    api.flow.supplier(ack(), asn("ASN-1"))
    api.call("wms", "POST", "/wms/receipts", content=json.dumps(receipt("R-1")))
    api.flow.supplier(invoice("INV-1", **{"1": "13.10"}))
    (found,) = api.call("operator", "GET", "/exceptions", params={"owner": "finance"}).json()[
        "items"
    ]
    assert found["hold"] is True and api.flow.state("invoice", "INV-1") is State.HELD
    done = api.call(
        "operator",
        "POST",
        f"/exceptions/{found['id']}/resolve",
        json={"action": "accept", "note": "price rise agreed"},
    ).json()
    assert len(done["released"]) == 1 and done["held"] == []
    assert api.flow.state("invoice", "INV-1") is State.DELIVERED
    (billed,) = api.flow.erp("invoice")
    assert billed["approval"]["payment"] == "approved"


def test_the_po_timeline_and_who_may_see_it(api: Api) -> None:
    api.flow.order()
    api.flow.supplier(ack(**{"1": {"unit_price": Decimal("14")}}), asn("ASN-1"))
    body = api.call("acme", "GET", f"/pos/{PO}/timeline").json()
    events = [entry["event"] for entry in body["entries"]]
    assert events[0] == "purchase_order_issued"
    assert events.index("po_acknowledgement") < events.index("ship_notice")
    assert "exception_opened" in events and "held" in events
    assert [e["kind"] for e in body["exceptions"]] == ["ack_price"]
    states = {d["kind"]: d["state"] for d in body["documents"]}
    assert states == {
        "purchase_order": "queued",
        "po_acknowledgement": "held",
        "ship_notice": "delivered",
    }
    assert api.call("nordfrost", "GET", f"/pos/{PO}/timeline").status_code == 404
    missing = api.call("operator", "GET", "/pos/PO-NONE/timeline")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "orders.not_found"


def test_kpis_over_a_window(api: Api) -> None:
    start = api.flow.clock.now()
    _shortage(api)
    api.flow.clock.advance(minutes=1)  # the window ends now, exclusive
    answer = api.call("operator", "GET", "/kpis", params={"since": start.isoformat()})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["reconciliation_backlog"]["total"] == 1
    assert body["reconciliation_backlog"]["by_owner"]["warehouse"]["under_1h"] == 1
    assert body["sync_latency"]["count"] == 3  # the 855, 856 and receipt the ERP took
    assert set(body["sync_latency"]["by_kind"]) == {"po_acknowledgement", "ship_notice", "receipt"}
    assert body["event_failure_rate"]["failed"] == 0
    assert body["documents_per_partner_per_day"][0]["partner_id"] == "acme-supply"
    assert body["supplier_on_time_confirmation"][0]["on_time"] == 1
    theirs = api.call("nordfrost", "GET", "/kpis", params={"since": start.isoformat()}).json()
    assert theirs["partner_id"] == "nordfrost" and theirs["reconciliation_backlog"]["total"] == 0
    naive = api.call("operator", "GET", "/kpis", params={"since": "2026-11-28T00:00:00"})
    assert naive.status_code == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("until=0001-01-02T00:00:00Z", "until"),  # the default window would start before year 1
        ("since=0001-01-01T00:00:00%2B05:00", "since"),  # before year 1 in UTC
        ("until=9999-12-31T23:59:59-05:00", "until"),  # after 9999 in UTC
        ("partner_id=acme%00", "partner_id"),  # PostgreSQL text holds no NUL
    ],
)
def test_kpi_filters_the_store_cannot_take_are_422_not_500(
    api: Api, query: str, field: str
) -> None:
    response = api.call("operator", "GET", f"/kpis?{query}")
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["error"]["problems"]] == [field]


def test_a_nul_in_a_po_number_is_422_not_500(api: Api) -> None:
    response = api.call("operator", "GET", "/pos/PO%00/timeline")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"][0]["field"] == "po_number"
