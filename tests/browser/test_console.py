"""The console as its users meet it, in headless Chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gateway.domain.tracking import State
from tests.browser.conftest import Served, login, shot
from tests.console.seed import ACME_PO, GLOBEX_PO

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_login_and_dashboard(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    page.goto(served.url("/console/acks"))
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.get_by_label("API key").fill("not a key")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Unknown or revoked API key")
    page.get_by_label("API key").fill(served.seeded.keys["operator"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(served.url("/console/acks"))  # where the visitor was going
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".tile.bad")).to_contain_text("1 rejected by an ack")
    shot(page, "dashboard")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_keyboard_skip_link_and_phone_width(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    login(page, served, "operator")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(served.url("/console/messages"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at phone width ({width}px)"
    shot(page, "messages_phone")


def test_search_by_po_number(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    login(page, served, "operator")
    page.get_by_role("link", name="Messages").click()
    page.get_by_label("PO, ASN or invoice number").fill(ACME_PO)
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ACME_PO)
    expect(rows.first).to_contain_text("acme-supply")
    shot(page, "search_po")
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(served.url(f"/console/messages/{served.seeded.messages['good']}"))


def test_rejected_document_shows_its_error_at_its_segment(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    login(page, served, "operator")
    page.goto(served.url(f"/console/messages/{served.seeded.messages['rejected']}"))
    bak = page.locator("#seg-4")
    expect(bak).to_have_class(re.compile("has-error"))
    expect(bak.locator(".el.bad")).to_have_text("20261131")
    expect(bak.locator(".findings")).to_contain_text("Element error 8 at BAK04: Invalid date")
    expect(page.locator("#seg-25 .findings")).to_contain_text("Mandatory segment missing: BIG")
    expect(page.locator("#seg-3")).not_to_have_class(re.compile("has-error"))
    bak.scroll_into_view_if_needed()
    shot(page, "rejected_document")


def test_replaying_a_dead_letter(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    dead = served.seeded.messages["dead"]
    login(page, served, "operator")
    page.get_by_role("link", name="Dead letters").click()
    row = page.locator("tbody tr", has_text="PO-GLOBEX-77")
    expect(row).to_contain_text("422 from the ERP")
    shot(page, "dead_letters_before")
    row.get_by_role("button", name=re.compile("^Replay")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Replayed message {dead}")
    expect(page.locator("tbody tr", has_text="PO-GLOBEX-77")).to_have_count(0)
    with served.gw.unit_of_work() as uow:
        assert {t.state for t in uow.messages.transactions_of(dead)} == {State.DELIVERED}
    shot(page, "dead_letters_after")


def test_editing_a_partner(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    login(page, served, "admin")
    page.get_by_role("link", name="Partners").click()
    page.get_by_role("link", name="Acme Supply Co.").click()
    editor = page.get_by_label(re.compile("Edit the profile"))
    original = editor.input_value()
    editor.fill(original.replace("expect_within_minutes: 120", "expect_within_minutes: often"))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("acks.expect_within_minutes")
    expect(page.locator("ol.yaml li.has-error")).to_contain_text("expect_within_minutes: often")
    shot(page, "partner_problem")
    editor = page.get_by_label(re.compile("Edit the profile"))
    editor.fill(original.replace("Acme Supply Co.", "Acme Supply Company"))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved (updated)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme Supply Company")
    shot(page, "partner_saved")


def test_a_supplier_does_not_see_another_suppliers_documents(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    login(page, served, "globex")
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_label("Partner")).to_have_count(0)  # no partner filter to change
    page.get_by_label("PO, ASN or invoice number").fill(ACME_PO)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.results tbody")).to_contain_text("No message matches")
    page.get_by_label("PO, ASN or invoice number").fill(GLOBEX_PO)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.results tbody tr")).to_have_count(1)
    response = page.goto(served.url(f"/console/messages/{served.seeded.messages['good']}"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("no message")
    shot(page, "supplier_404")
