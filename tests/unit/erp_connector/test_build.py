"""build_connector: the format picks the connector, the settings pick the auth."""

from __future__ import annotations

import pytest

from erp_connector import IdocConnector, RestConnector, build_connector

from .conftest import TOKEN_URL, FakeSystem, settings
from .samples import invoice


def test_json_by_default_with_the_api_key() -> None:
    fake = FakeSystem(api_key="k")
    connector = build_connector("erp", settings(api_key="k"), transport=fake.transport())
    assert isinstance(connector, RestConnector) and connector.system == "erp"
    assert connector.deliver(invoice(), "key-1").external_id == "INVOICE-1"
    assert fake.headers[0]["User-Agent"].startswith("crossdock-connector/")
    connector.close()


def test_idoc_format_with_oauth() -> None:
    fake = FakeSystem(oauth=True)
    conf = settings(
        format="idoc",
        oauth_token_url=TOKEN_URL,
        oauth_client_id="id",
        oauth_client_secret="secret",
    )
    connector = build_connector("erp", conf, transport=fake.transport())
    assert isinstance(connector, IdocConnector)
    assert connector.deliver(invoice(), "key-1").external_id == "IDOC-1"
    assert fake.requests[0].url.path == "/api/idoc"
    assert len(fake.token_requests) == 1
    connector.close()


def test_incomplete_oauth_settings_fail_at_wiring() -> None:
    with pytest.raises(ValueError, match="oauth_client_id"):
        build_connector("erp", settings(oauth_token_url=TOKEN_URL))


def test_without_a_transport_the_network_is_used() -> None:
    connector = build_connector("wms", settings())  # builds, sends nothing
    assert isinstance(connector, RestConnector) and connector.system == "wms"
    connector.close()
