"""The sandbox ERP's item master, read page by page by the gateway's REST connector."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from erp_connector import RestConnector
from erp_connector.sandbox.catalogue import ITEMS
from erp_connector.sandbox.routes import items as items_route
from gateway.domain.delivery import DeliveryUnavailable
from gateway.settings import SystemSettings


def connector(client: httpx.Client, face: str = "erp") -> RestConnector:
    settings = SystemSettings(url=f"http://testserver/{face}", rate_per_second=1000.0)
    if isinstance(client, TestClient):  # the connector sets timeouts TestClient refuses
        app = client

        def forward(request: httpx.Request) -> httpx.Response:
            answer = app.request(request.method, str(request.url), content=request.content)
            return httpx.Response(
                answer.status_code, content=answer.content, headers=answer.headers
            )

        client = httpx.Client(transport=httpx.MockTransport(forward))
    return RestConnector(face, settings, client=client)


def test_the_erp_lists_its_item_master(client: TestClient) -> None:
    answer = client.get("/erp/items").json()
    assert answer["next_offset"] is None
    assert [i["item_key"] for i in answer["items"]] == [i["item_key"] for i in ITEMS]
    assert client.get("/erp/items", params={"offset": -1}).status_code == 422
    assert client.get("/wms/items").status_code == 404  # the WMS keeps no item master


def test_the_connector_reads_every_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(items_route, "PAGE", 3)  # four items: two pages
    found = connector(client).items()
    assert [item.key for item in found] == [i["item_key"] for i in ITEMS]
    bolt = found[0]
    assert (bolt.ids.buyer_item, bolt.ids.vendor_item, bolt.ids.gtin) == (
        "100-200",
        "AC-77",
        "00012345678905",
    )
    assert connector(client, "wms").items() == []


def test_an_unreadable_item_page_is_an_error_not_an_empty_master() -> None:
    pages = [
        {"items": [{"buyer_item": "no key"}], "next_offset": None},
        {"items": [], "next_offset": 0},  # a page that points back: would loop forever
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages.pop(0))

    client = httpx.Client(transport=httpx.MockTransport(answer))
    for _ in range(2):
        with pytest.raises(DeliveryUnavailable) as raised:
            connector(client).items()
        assert raised.value.code == "delivery.bad_answer"
