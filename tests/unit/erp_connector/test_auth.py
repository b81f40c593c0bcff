"""API key and OAuth2 client credentials, as the system sees them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import httpx
import pytest

from erp_connector import ApiKeyAuth, OAuth2ClientCredentials, RestConnector, auth_from_settings
from gateway.domain.delivery import DeliveryRejected, DeliveryUnavailable

from .conftest import TOKEN_URL, FakeClock, FakeSystem, settings
from .samples import invoice, purchase_order


def oauth_settings() -> dict[str, str]:
    return {
        "oauth_token_url": TOKEN_URL,
        "oauth_client_id": "crossdock",
        "oauth_client_secret": "s3cret",
    }


def test_api_key_goes_in_the_configured_header(make_connector) -> None:
    fake = FakeSystem(api_key="k-1")
    connector = make_connector(fake, api_key="k-1")
    receipt = connector.deliver(purchase_order(), "key-1")
    assert receipt.external_id == "PURCHASE_ORDER-1"
    assert fake.requests[0].headers["X-API-Key"] == "k-1"

    other = FakeSystem()
    make_connector(other, api_key="k-2", api_key_header="X-Token").deliver(invoice(), "key-2")
    assert other.requests[0].headers["X-Token"] == "k-2"
    assert "X-API-Key" not in other.requests[0].headers


def test_a_wrong_api_key_is_a_rejection_not_a_retry(make_connector) -> None:
    connector = make_connector(FakeSystem(api_key="right"), api_key="wrong")
    with pytest.raises(DeliveryRejected) as raised:
        connector.deliver(purchase_order(), "key-1")
    assert raised.value.code == "delivery.unauthorized"
    assert "bad api key" in raised.value.message


def test_oauth_token_is_fetched_once_for_many_calls(make_connector) -> None:
    fake = FakeSystem(oauth=True)
    connector = make_connector(fake, **oauth_settings())
    for number in range(5):
        connector.deliver(purchase_order(), f"key-{number}")
    connector.fetch("purchase_order", "PURCHASE_ORDER-1")
    assert len(fake.token_requests) == 1
    form = parse_qs(fake.token_requests[0].content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["crossdock"],
        "client_secret": ["s3cret"],
    }
    assert "Authorization" not in fake.token_requests[0].headers
    assert {h["Authorization"] for h in fake.headers} == {"Bearer token-1"}


def test_a_401_refreshes_the_token_and_retries_once(make_connector) -> None:
    fake = FakeSystem(oauth=True)
    connector = make_connector(fake, **oauth_settings())
    connector.deliver(purchase_order(), "key-1")
    fake.valid_tokens.clear()  # the system forgot every token: the next call gets a 401
    receipt = connector.deliver(invoice(), "key-2")
    assert receipt.external_id == "INVOICE-2"
    assert len(fake.token_requests) == 2
    assert [h["Authorization"] for h in fake.headers] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]
    assert fake.requests[-1].content == fake.requests[-2].content  # the same body again


def test_a_second_401_is_the_systems_answer(make_connector) -> None:
    fake = FakeSystem(oauth=True)
    denied = httpx.Response(401, json={"error": "client disabled"})
    fake.answers += [denied, denied]
    connector = make_connector(fake, **oauth_settings())
    with pytest.raises(DeliveryRejected) as raised:
        connector.deliver(purchase_order(), "key-1")
    assert raised.value.code == "delivery.unauthorized"
    assert "client disabled" in raised.value.message
    assert len(fake.requests) == 2 and len(fake.token_requests) == 2


def test_the_token_is_renewed_shortly_before_it_expires(clock: FakeClock) -> None:
    fake = FakeSystem(oauth=True)
    client = httpx.Client(transport=fake.transport())
    auth = OAuth2ClientCredentials(TOKEN_URL, "crossdock", "s3cret", client, clock=clock)
    with RestConnector("erp", settings(), client=client, auth=auth) as connector:
        connector.deliver(purchase_order(), "key-1")
        clock.advance(3600 - 31)  # expires_in 3600, renewed 30 s before the end
        connector.deliver(purchase_order(), "key-2")
        assert auth.fetches == 1
        clock.advance(1)
        connector.deliver(purchase_order(), "key-3")
        assert auth.fetches == 2
    assert [h["Authorization"] for h in fake.headers] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


def test_a_token_without_a_lifetime_lasts_until_a_401() -> None:
    fake = FakeSystem(oauth=True)
    fake.token_answers.append(httpx.Response(200, json={"access_token": "forever"}))
    fake.valid_tokens.add("forever")
    client = httpx.Client(transport=fake.transport())
    clock = FakeClock()
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client, clock=clock)
    with RestConnector("erp", settings(), client=client, auth=auth) as connector:
        connector.deliver(purchase_order(), "key-1")
        clock.advance(10**6)
        connector.deliver(purchase_order(), "key-2")
    assert auth.fetches == 1


def test_concurrent_callers_share_one_token_fetch(make_connector) -> None:
    fake = FakeSystem(oauth=True)
    connector = make_connector(fake, **oauth_settings())
    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(
            pool.map(lambda n: connector.deliver(purchase_order(), f"key-{n}"), range(40))
        )
    assert len({r.external_id for r in receipts}) == 40
    assert len(fake.token_requests) == 1


@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        (httpx.Response(503), DeliveryUnavailable, "delivery.server_error"),
        (
            httpx.Response(401, json={"error": "invalid_client"}),
            DeliveryRejected,
            "delivery.unauthorized",
        ),
        (httpx.Response(200, text="<html>"), DeliveryUnavailable, "delivery.bad_answer"),
        (
            httpx.Response(200, json={"token_type": "Bearer"}),
            DeliveryUnavailable,
            "delivery.bad_answer",
        ),
        (httpx.Response(200, json=["x"]), DeliveryUnavailable, "delivery.bad_answer"),
    ],
)
def test_token_endpoint_failures(
    make_connector, answer: httpx.Response, error: type[Exception], code: str
) -> None:
    fake = FakeSystem(oauth=True)
    fake.token_answers.append(answer)
    connector = make_connector(fake, **oauth_settings())
    with pytest.raises(error) as raised:
        connector.deliver(purchase_order(), "key-1")
    assert raised.value.code == code  # type: ignore[attr-defined]
    assert "token endpoint" in str(raised.value)
    assert fake.requests == []


def test_token_endpoint_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    auth = OAuth2ClientCredentials(TOKEN_URL, "id", "secret", client)
    connector = RestConnector("erp", settings(), client=client, auth=auth)
    with pytest.raises(DeliveryUnavailable) as raised:
        connector.deliver(purchase_order(), "key-1")
    assert raised.value.code == "delivery.connect_failed"
    connector.close()


def test_auth_from_settings() -> None:
    client = httpx.Client()
    both = settings(api_key="k", **oauth_settings())
    assert isinstance(auth_from_settings(both, client), OAuth2ClientCredentials)
    assert isinstance(auth_from_settings(settings(api_key="k"), client), ApiKeyAuth)
    assert auth_from_settings(settings(), client) is None
    with pytest.raises(ValueError, match="oauth_client_secret"):
        auth_from_settings(settings(oauth_token_url=TOKEN_URL, oauth_client_id="x"), client)
    client.close()
