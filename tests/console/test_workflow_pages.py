"""The exception queue and the PO timeline pages (over issue 9's services)."""

from __future__ import annotations

import re

from gateway.domain.workflow.exceptions import ExceptionQuery, ExceptionState
from tests.console.conftest import Console
from tests.console.seed import ACME_PO, GLOBEX_PO


def _exception_of(console: Console, partner_id: str) -> str:
    with console.gw.unit_of_work() as uow:
        found = uow.exceptions.find(ExceptionQuery(partner_id=partner_id))
    assert found, f"the seed raised no exception for {partner_id}"
    return found[0].id


def test_the_queue_lists_unresolved_exceptions_by_owner(console: Console) -> None:
    console.login("operator")
    page = console.client.get("/console/exceptions", params={"owner": "b2b"}).text
    assert "which the gateway never sent" in page
    assert GLOBEX_PO in page and ACME_PO in page
    finance = console.client.get("/console/exceptions", params={"owner": "finance"}).text
    assert "No exception matches" in finance
    bad = console.client.get("/console/exceptions", params={"owner": "nobody"})
    assert bad.status_code == 422


def test_a_partner_sees_its_own_exceptions_only(console: Console) -> None:
    console.login("globex")
    page = console.client.get("/console/exceptions").text
    assert GLOBEX_PO in page and ACME_PO not in page
    other = _exception_of(console, "acme-supply")
    assert console.client.get(f"/console/exceptions/{other}").status_code == 404
    own = _exception_of(console, "globex")
    assert "Work it" not in console.client.get(f"/console/exceptions/{own}").text
    response = console.post(
        f"/console/exceptions/{own}/assign", f"/console/exceptions/{own}", {"assignee": "me"}
    )
    assert response.status_code == 403


def test_assign_then_resolve_through_the_forms(console: Console) -> None:
    console.login("operator")
    exception_id = _exception_of(console, "acme-supply")
    page = f"/console/exceptions/{exception_id}"
    assigned = console.post(f"{page}/assign", page, {"assignee": "Dana", "owner": "procurement"})
    assert assigned.status_code == 303
    resolved = console.post(f"{page}/resolve", page, {"resolution": "accept", "note": "known PO"})
    assert resolved.status_code == 303
    with console.gw.unit_of_work() as uow:
        record = uow.exceptions.get(exception_id)
    assert record is not None
    assert (record.assignee, record.owner, record.state) == (
        "Dana", "procurement", ExceptionState.RESOLVED,
    )  # fmt: skip
    shown = console.client.get(page).text
    assert re.search(r"assigned.*Dana", shown, re.S) and "Work it" not in shown
    again = console.post(f"{page}/resolve", page, {"resolution": "accept", "note": "twice"})
    assert again.status_code == 409


def test_resolving_needs_the_csrf_token(console: Console) -> None:
    console.login("operator")
    exception_id = _exception_of(console, "acme-supply")
    response = console.client.post(
        f"/console/exceptions/{exception_id}/resolve",
        data={"resolution": "accept", "note": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    with console.gw.unit_of_work() as uow:
        record = uow.exceptions.get(exception_id)
    assert record is not None and record.state is ExceptionState.OPEN


def test_the_po_timeline_shows_the_order_and_its_rejection(console: Console) -> None:
    console.login("operator")
    page = console.client.get("/console/timeline", params={"po": "PO-OUT-1"}).text
    assert "PO PO-OUT-1 from the ERP, written as 850" in page
    assert "rejected by 997" in page
    console.client.cookies.clear()
    console.login("globex")
    hidden = console.client.get("/console/timeline", params={"po": "PO-OUT-1"}).text
    assert "No documents for this PO" in hidden


def test_dashboard_counts_open_exceptions_by_owner(console: Console) -> None:
    console.login("operator")
    page = console.client.get("/console").text
    b2b = re.search(r'owner=b2b"><span class="num">(\d+)</span>', page)
    assert b2b is not None and int(b2b.group(1)) == 8  # the seed's unknown POs
    console.client.cookies.clear()
    console.login("globex")
    own = re.search(
        r'owner=b2b"><span class="num">(\d+)</span>', console.client.get("/console").text
    )
    assert own is not None and int(own.group(1)) == 3
