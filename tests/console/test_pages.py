"""The console's pages without a browser: who may open what, what each page shows,
and that no form is accepted without its CSRF token."""

from __future__ import annotations

import re

import pytest

from gateway.console.session import COOKIE
from gateway.domain.tracking import State
from tests.console.conftest import Console, token
from tests.console.seed import ACME_PO, GLOBEX_PO

PAGES = ["/console", "/console/messages", "/console/acks", "/console/partners",
         "/console/dead-letters"]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_a_visitor_to_the_login(console: Console, url: str) -> None:
    response = console.client.get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


def test_login_sets_a_strict_http_only_session_cookie(console: Console) -> None:
    response = console.login("operator")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert console.seeded.keys["operator"] not in cookie  # the key itself is never stored
    assert console.client.get("/console").status_code == 200


def test_a_wrong_key_is_refused(console: Console) -> None:
    form = console.client.get("/console/login")
    response = console.client.post(
        "/console/login", data={"api_key": "nope", "csrf_token": token(form.text)}
    )
    assert response.status_code == 401
    assert "Unknown or revoked API key" in response.text


def test_login_without_its_csrf_token_is_refused(console: Console) -> None:
    console.client.get("/console/login")
    response = console.client.post(
        "/console/login", data={"api_key": console.seeded.keys["admin"]}, follow_redirects=False
    )
    assert response.status_code == 403
    assert console.client.get("/console", follow_redirects=False).status_code == 303


def test_a_forged_cookie_is_no_session(console: Console) -> None:
    console.login("admin")
    value = console.client.cookies[COOKIE]
    console.client.cookies.set(COOKIE, value[:-2] + ("00" if value[-2:] != "00" else "11"))
    assert console.client.get("/console", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(console: Console) -> None:
    console.login("admin")
    response = console.post("/console/logout", "/console")
    assert response.status_code == 303
    assert console.client.get("/console", follow_redirects=False).status_code == 303


def test_a_revoked_key_is_logged_out_at_its_next_click(console: Console) -> None:
    console.login("operator")
    with console.gw.unit_of_work() as uow:
        key = next(k for k in uow.api_keys.list_all() if k.name == "b2b team")
        uow.api_keys.revoke(key.id, console.gw.clock.now())
        uow.commit()
    assert console.client.get("/console", follow_redirects=False).status_code == 303


def test_the_next_page_stays_inside_the_console(console: Console) -> None:
    form = console.client.get("/console/login?next=https://evil.example/")
    assert 'name="next" value="/console"' in form.text
    response = console.client.post(
        "/console/login",
        data={"api_key": console.seeded.keys["admin"], "csrf_token": token(form.text),
              "next": "//evil.example/"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.headers["location"] == "/console"


def test_dashboard_counts_todays_documents_and_acks(console: Console) -> None:
    console.login("operator")
    page = console.client.get("/console").text
    assert re.search(r'<span class="num">1</span> rejected by an ack', page)
    assert "po_acknowledgement" in page and "ship_notice" in page
    assert "dead letter" in page  # the open alert of the dead-lettered delivery
    # the sets the fake ERP took today, from receipt at the gateway to the ERP
    synced = re.search(r"(\d+) documents received and taken by the ERP", page)
    assert synced is not None and int(synced.group(1)) >= 1


def test_search_by_po_number_finds_its_messages(console: Console) -> None:
    console.login("operator")
    page = console.client.get("/console/messages", params={"number": ACME_PO}).text
    assert console.message("good") in page
    assert console.message("nordfrost") not in page
    assert console.message("dead") not in page


def test_search_filters_by_kind_state_and_dates(console: Console) -> None:
    console.login("operator")
    found = console.client.get("/console/messages", params={"kind": "functional_ack"}).text
    assert console.message("ack") in found and console.message("good") not in found
    later = console.client.get("/console/messages", params={"from": "2026-11-29"}).text
    assert "No message matches" in later
    bad = console.client.get("/console/messages", params={"from": "yesterday"}).text
    assert "must be a date as YYYY-MM-DD" in bad


def test_the_message_page_shows_each_error_at_its_segment_and_element(console: Console) -> None:
    console.login("operator")
    page = console.client.get(f"/console/messages/{console.message('rejected')}").text
    bak = re.search(r'<li id="seg-4" class="has-error".*?</li>\s*</ul>', page, re.S)
    assert bak is not None, "the BAK segment is not marked"
    assert '<span class="el bad" title="BAK04">20261131</span>' in bak.group(0)
    assert "Element error 8 at BAK04" in bak.group(0)
    assert "Send a real calendar date" in bak.group(0)
    assert 'id="seg-3" class=""' in page  # the ST before it is clean


def test_a_partner_sees_its_own_documents_only(console: Console) -> None:
    console.login("globex")
    assert console.client.get(f"/console/messages/{console.message('dead')}").status_code == 200
    for name in ("good", "rejected", "nordfrost", "outbound"):
        url = f"/console/messages/{console.message(name)}"
        assert console.client.get(url).status_code == 404
        assert console.client.get(url + "/raw").status_code == 404
    found = console.client.get("/console/messages", params={"number": ACME_PO}).text
    assert "No message matches" in found
    own = console.client.get("/console/messages", params={"number": GLOBEX_PO}).text
    assert console.message("dead") in own
    assert console.client.get("/console/partners/acme-supply").status_code == 404
    listed = console.client.get("/console/partners").text
    assert "globex" in listed and "acme-supply" not in listed
    assert "acme-supply" not in console.client.get("/console/acks").text


def test_a_partner_may_not_replay_or_edit(console: Console) -> None:
    console.login("globex")
    page = f"/console/messages/{console.message('dead')}"
    assert console.post(f"{page}/replay", page).status_code == 403
    partner = "/console/partners/globex"
    assert console.post(partner, partner, {"profile": "id: globex"}).status_code == 403


def test_the_raw_download_is_the_stored_bytes(console: Console) -> None:
    console.login("operator")
    response = console.client.get(f"/console/messages/{console.message('nordfrost')}/raw")
    assert response.status_code == 200
    assert response.content.startswith(b"UNA") or response.content.startswith(b"UNB")


def test_acks_monitor_explains_the_rejection_in_plain_language(console: Console) -> None:
    console.login("operator")
    page = console.client.get("/console/acks").text
    assert "Segment PO1 (segment 4 of the set), element 3" in page
    assert "not one of the element" in page and "What to fix:" in page
    assert "As we sent it: <code>PO1*1*24*EA*12.50**BP*100-200</code>" in page


def test_replaying_a_dead_letter_delivers_it(console: Console) -> None:
    console.login("operator")
    dead = console.message("dead")
    assert dead in console.client.get("/console/dead-letters").text
    response = console.post(
        f"/console/messages/{dead}/replay", "/console/dead-letters",
        {"back": "/console/dead-letters"},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/dead-letters?replayed={dead}"
    with console.gw.unit_of_work() as uow:
        states = {t.state for t in uow.messages.transactions_of(dead)}
    assert states == {State.DELIVERED}


def test_replay_without_csrf_token_changes_nothing(console: Console) -> None:
    console.login("admin")
    dead = console.message("dead")
    response = console.client.post(f"/console/messages/{dead}/replay", data={},
                                   follow_redirects=False)  # fmt: skip
    assert response.status_code == 403
    with console.gw.unit_of_work() as uow:
        states = {t.state for t in uow.messages.transactions_of(dead)}
    assert State.DEAD_LETTERED in states


def test_a_form_from_another_origin_is_refused(console: Console) -> None:
    console.login("admin")
    page = console.client.get("/console/partners/acme-supply")
    response = console.client.post(
        "/console/partners/acme-supply/test-send",
        data={"csrf_token": token(page.text)},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_an_operator_may_not_edit_a_partner(console: Console) -> None:
    console.login("operator")
    page = "/console/partners/acme-supply"
    assert "<textarea" not in console.client.get(page).text
    assert console.post(page, page, {"profile": "id: acme-supply"}).status_code == 403


def test_editing_a_profile_saves_it(console: Console) -> None:
    console.login("admin")
    page = "/console/partners/acme-supply"
    text = console.client.get(page).text
    yaml = re.search(r"<textarea[^>]*>(.*?)</textarea>", text, re.S)
    assert yaml is not None
    import html

    edited = html.unescape(yaml.group(1)).replace("Acme Supply Co.", "Acme Supply Company")
    response = console.post(page, page, {"profile": edited})
    assert response.status_code == 303
    with console.gw.unit_of_work() as uow:
        stored = uow.partners.get("acme-supply")
    assert stored is not None and stored.profile.name == "Acme Supply Company"


def test_profile_problems_are_shown_at_their_line(console: Console) -> None:
    console.login("admin")
    page = "/console/partners/acme-supply"
    broken = (
        "id: acme-supply\nname: Acme\nstandard: x12\nversion: '004010'\n"
        "acks:\n  functional: '998'\n"
    )
    response = console.post(page, page, {"profile": broken})
    assert response.status_code == 422
    assert '<li id="yaml-6" class="has-error">' in response.text
    assert 'href="#yaml-6">line 6</a>' in response.text
    with console.gw.unit_of_work() as uow:
        stored = uow.partners.get("acme-supply")
    assert stored is not None and stored.profile.name == "Acme Supply Co."


def test_test_send_queues_a_sample_marked_as_test(console: Console) -> None:
    console.login("admin")
    page = "/console/partners/acme-supply"
    response = console.post(f"{page}/test-send", page)
    assert response.status_code == 303
    message_id = response.headers["location"].split("/")[-1].split("?")[0]
    with console.gw.unit_of_work() as uow:
        message = uow.messages.get(message_id)
    assert message is not None and message.test_indicator is True
    raw = console.gw.payloads.get(message.raw_sha256)
    assert raw.split(b"*")[15] == b"T"  # ISA15


def test_dashboard_reports_the_ack_latency_of_accepted_sets(console: Console) -> None:
    from tests.console.seed import receive, rejecting_997

    order = {
        "meta": {"kind": "purchase_order", "direction": "outbound", "partner_id": "acme-supply",
                 "document_id": "00000000-0000-4000-8000-000000000851"},
        "body": {"po_number": "PO-OUT-2", "order_date": "2026-11-28", "currency": "USD",
                 "lines": [{"line_number": "1", "item": {"buyer_item": "100-200"},
                            "quantity": "2", "uom": "EA", "unit_price": "1.00"}]},
    }  # fmt: skip
    message, _ = console.gw.outbound.accept(order)
    with console.gw.unit_of_work() as uow:
        (sent,) = uow.messages.transactions_of(message.id)
    rejecting = rejecting_997(sent.group_control_number or "", sent.set_control_number)
    accepting = (
        rejecting.replace(b"AK3*PO1*4**8~\nAK4*3*355*7*EA~\n", b"")
        .replace(b"AK5*R*5", b"AK5*A")
        .replace(b"AK9*R*1*1*0", b"AK9*A*1*1*1")
        .replace(b"SE*8*0001", b"SE*6*0001")
        .replace(b"000000900", b"000000901")
    )
    receive(console.gw, accepting, "acme_997_accepting.x12")
    with console.gw.unit_of_work() as uow:
        assert uow.messages.transaction(sent.id).state.value == "acknowledged"  # type: ignore[union-attr]
    console.login("operator")
    page = console.client.get("/console").text
    assert "1 of our sets acknowledged" in page
    assert re.search(
        r"under 1 min</th><td><span class=\"bar\" style=\"width: 100%\"></span> 1", page
    )


def test_a_systems_key_is_no_console_login(console: Console) -> None:
    from gateway.api import create_key

    secret = create_key(console.gw, "warehouse", "wms").secret
    form = console.client.get("/console/login")
    response = console.client.post(
        "/console/login", data={"api_key": secret, "csrf_token": token(form.text)}
    )
    assert response.status_code == 401
    assert console.client.get("/console", follow_redirects=False).status_code == 303
