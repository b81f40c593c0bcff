"""Partners: the list, a profile with its AS2 certificates, editing the profile YAML
(problems shown at their line) and test-sending a sample purchase order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.console.deps import AdminDep, FormDep, GatewayDep, Refused, Viewer, ViewerDep
from gateway.console.web import PREFIX, page
from gateway.domain.errors import GatewayError
from gateway.ports import StoredPartner
from gateway.profiles import dump_profile
from gateway.profiles.errors import Problem, ProfileError
from gateway.profiles.model import PartnerProfile
from gateway.profiles.yaml_io import load_profiles_text
from gateway.services.partners import import_profiles

router = APIRouter()

SAMPLE_SETS = {"850", "ORDERS"}  # what a test-send writes: a purchase order


@dataclass(frozen=True, slots=True)
class CertificateView:
    role: str
    subject: str | None = None
    not_after: str | None = None
    days_left: int | None = None
    state: str | None = None
    warning: str | None = None
    error: str | None = None


@router.get("/partners", response_class=HTMLResponse)
def partner_list(request: Request, viewer: ViewerDep, gw: GatewayDep) -> Response:
    with gw.unit_of_work() as uow:
        found = [p for p in uow.partners.list_all() if viewer.may_see(p.profile.id)]
    return page(request, "partners.html", viewer, partners=found)


@router.get("/partners/{partner_id}", response_class=HTMLResponse)
def partner_page(request: Request, partner_id: str, viewer: ViewerDep, gw: GatewayDep) -> Response:
    stored = _visible(gw, viewer, partner_id)
    return _partner_page(request, viewer, gw, stored, dump_profile(stored.profile))


@router.post("/partners/{partner_id}", response_class=HTMLResponse)
def save_partner(
    request: Request, partner_id: str, viewer: AdminDep, gw: GatewayDep, form: FormDep
) -> Response:
    """Replace the profile with the posted YAML, through the same service as
    ``crossdock partners import``; every problem is shown at its line."""
    stored = _visible(gw, viewer, partner_id)
    text = form.get("profile", "")
    problems: list[Problem] = []
    try:
        profiles = load_profiles_text(text)
        if len(profiles) != 1:
            raise ProfileError([Problem(None, None, "", "give exactly one profile")])
        if profiles[0].id != partner_id:
            raise ProfileError(
                [Problem(None, _line_of(text, "id"), "id", f"ids cannot change: {partner_id!r}")]
            )
        change = import_profiles(gw.unit_of_work, gw.clock, profiles)[partner_id]
    except ProfileError as error:
        problems = list(error.problems)
    if problems:
        return _partner_page(request, viewer, gw, stored, text, problems, status_code=422)
    return RedirectResponse(f"{PREFIX}/partners/{partner_id}?saved={change}", status_code=303)


@router.post("/partners/{partner_id}/test-send")
def test_send(partner_id: str, viewer: AdminDep, gw: GatewayDep, form: FormDep) -> Response:
    """A sample purchase order, marked as test data (ISA15 T / UNB 0035 1), queued and
    sent like any ERP event; the redirect opens its message page."""
    stored = _visible(gw, viewer, partner_id)
    if not _can_test_send(stored.profile):
        raise Refused(409, f"{partner_id} receives no purchase orders from us")
    try:
        message, _ = gw.outbound.accept(_sample_order(gw, partner_id), test=True)
        gw.pipeline.dispatcher.send(message.id)
    except GatewayError as error:
        raise Refused(422, f"the sample could not be sent: {error.message}") from error
    return RedirectResponse(f"{PREFIX}/messages/{message.id}?test_sent=1", status_code=303)


def _partner_page(
    request: Request,
    viewer: Viewer,
    gw: GatewayDep,
    stored: StoredPartner,
    text: str,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> Response:
    problems = problems or []
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        if problem.line is not None:
            by_line.setdefault(problem.line, []).append(problem)
    return page(
        request,
        "partner.html",
        viewer,
        status_code=status_code,
        partner=stored,
        profile_text=text,
        lines=text.splitlines(),
        problems=problems,
        by_line=by_line,
        certificates=_certificates(stored.profile, gw),
        can_test_send=_can_test_send(stored.profile),
        saved=request.query_params.get("saved"),
    )


def _visible(gw: GatewayDep, viewer: Viewer, partner_id: str) -> StoredPartner:
    with gw.unit_of_work() as uow:
        stored = uow.partners.get(partner_id) if viewer.may_see(partner_id) else None
    if stored is None:
        raise Refused(404, f"no partner {partner_id}")
    return stored


def _certificates(profile: PartnerProfile, gw: GatewayDep) -> list[CertificateView]:
    """The partner's AS2 certificates and their expiry, as the API's certificates route
    reports them (the same function: a warning from 30 days before)."""
    from gateway.transports.as2 import certificate_reports  # parses certificates

    return [
        CertificateView(
            role=report.role,
            subject=report.status.subject,
            not_after=report.status.not_after.strftime("%Y-%m-%d"),
            days_left=report.status.days_left,
            state=report.status.state.value,
            warning=report.status.warning,
        )
        if report.status is not None
        else CertificateView(report.role, error=report.error)
        for report in certificate_reports(profile, gw.clock.now())
    ]


def _can_test_send(profile: PartnerProfile) -> bool:
    return any(
        rule.direction == "outbound" and rule.transaction_set in SAMPLE_SETS
        for rule in profile.documents
    )


def _sample_order(gw: GatewayDep, partner_id: str) -> dict[str, object]:
    now = gw.clock.now()
    return {
        "meta": {
            "document_id": str(uuid.uuid4()),
            "kind": "purchase_order",
            "direction": "outbound",
            "partner_id": partner_id,
        },
        "body": {
            "po_number": f"TEST-{now:%Y%m%d%H%M%S}",
            "order_date": now.date().isoformat(),
            "currency": "USD",
            "lines": [
                {
                    "line_number": "1",
                    "item": {"buyer_item": "TEST-ITEM"},
                    "quantity": "1",
                    "uom": "EA",
                    "unit_price": "1.00",
                }
            ],
        },
    }


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return None
