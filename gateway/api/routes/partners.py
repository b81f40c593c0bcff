"""Partner trading profiles (SPEC §4): the B2B team edits them, partners read their own.

Bodies are whole profiles, validated by ``PartnerProfile`` itself rather than by
FastAPI, so that a refused profile lists every problem at the dotted field it
concerns, exactly as a refused YAML file does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import ValidationError

from gateway.api.deps import AdminDep, GatewayDep, ReaderDep, UowDep, visible_to
from gateway.api.errors import PartnerNotFound, documented
from gateway.api.params import PathText
from gateway.api.schemas import (
    CertificateOut,
    CertificatesOut,
    GapOut,
    GapsOut,
    PartnerOut,
    PartnerSaved,
)
from gateway.bootstrap import Gateway
from gateway.domain.access import ApiKey, Role
from gateway.domain.control_numbers import Level
from gateway.ports import Change, StoredPartner, UnitOfWork
from gateway.profiles.errors import Problem, ProfileError
from gateway.profiles.model import PartnerProfile
from gateway.services.gaps import control_number_gaps
from gateway.services.partners import import_profiles

router = APIRouter(prefix="/partners", tags=["partners"])

ProfileBody = Annotated[
    dict[str, Any],
    Body(
        description="A whole partner profile, as in the profile YAML files",
        openapi_examples={
            "x12": {
                "summary": "An X12 004010 supplier",
                "value": {
                    "id": "acme-supply",
                    "name": "Acme Supply",
                    "standard": "x12",
                    "version": "004010",
                    "interchange": {
                        "partner": {"qualifier": "ZZ", "id": "ACMESUPPLY"},
                        "ours": {"qualifier": "ZZ", "id": "CROSSDOCK"},
                    },
                    "group": {"partner": "ACMESUPPLY", "ours": "CROSSDOCK"},
                },
            }
        },
    ),
]


@router.post("", status_code=201, responses=documented(403, 409))
def create_partner(_: AdminDep, gw: GatewayDep, uow: UowDep, body: ProfileBody) -> PartnerOut:
    """Add a partner; 409 when the id is taken (PUT replaces an existing profile)."""
    profile = _profile(body)
    _save(profile, gw, create_only=True)
    with uow:
        return PartnerOut.of(_stored(uow, profile.id))


@router.get("")
def list_partners(
    caller: ReaderDep, uow: UowDep, include_inactive: bool = True
) -> list[PartnerOut]:
    """Every partner for the B2B team; a partner's key gets only its own profile."""
    with uow:
        if caller.role is Role.PARTNER:
            own = uow.partners.get(caller.partner_id or "")
            found = [] if own is None or not (own.active or include_inactive) else [own]
        else:
            found = uow.partners.list_all(include_inactive=include_inactive)
    return [PartnerOut.of(stored) for stored in found]


@router.get("/{partner_id}", responses=documented(404))
def get_partner(caller: ReaderDep, uow: UowDep, partner_id: PathText) -> PartnerOut:
    with uow:
        return PartnerOut.of(_visible_partner(uow, caller, partner_id))


@router.put("/{partner_id}", responses=documented(403))
def replace_partner(
    _: AdminDep, gw: GatewayDep, uow: UowDep, partner_id: PathText, body: ProfileBody
) -> PartnerSaved:
    """Replace a profile whole (or create it); saving the same profile again reports
    ``unchanged``, so a B2B team can re-apply its YAML files without noise."""
    profile = _profile(body)
    if profile.id != partner_id:
        message = f"is {profile.id!r} but the path names {partner_id!r}; ids cannot change"
        raise ProfileError([Problem(None, None, "id", message)])
    change = _save(profile, gw)
    with uow:
        stored = _stored(uow, profile.id)
    return PartnerSaved(**PartnerOut.of(stored).model_dump(), change=change)


@router.post("/{partner_id}/deactivate", responses=documented(403, 404))
def deactivate_partner(
    _: AdminDep, gw: GatewayDep, uow: UowDep, partner_id: PathText
) -> PartnerOut:
    """Stop routing the partner's interchanges to it; its history stays. PUT reactivates."""
    with uow:
        if uow.partners.get(partner_id) is None:
            raise PartnerNotFound(f"no partner {partner_id}")
        uow.partners.deactivate(partner_id, gw.clock.now())
        stored = _stored(uow, partner_id)
        uow.commit()
    return PartnerOut.of(stored)


@router.get("/{partner_id}/gaps", responses=documented(404))
def get_partner_gaps(
    caller: ReaderDep, gw: GatewayDep, uow: UowDep, partner_id: PathText
) -> GapsOut:
    """Interchange control numbers missing so far, each range inclusive: inbound, ones
    the partner skipped (interchanges that never arrived); outbound, ones we allocated
    but never sent (SPEC §1 invariant 6)."""
    last = gw.numbers.last(partner_id, Level.INTERCHANGE)
    with uow:
        _visible_partner(uow, caller, partner_id)
        gaps = control_number_gaps(uow, partner_id, last)
    return GapsOut(
        partner_id=partner_id,
        inbound=[GapOut(first_missing=low, last_missing=high) for low, high in gaps.inbound],
        outbound=[GapOut(first_missing=low, last_missing=high) for low, high in gaps.outbound],
    )


@router.get("/{partner_id}/certificates", responses=documented(404))
def get_partner_certificates(
    caller: ReaderDep, gw: GatewayDep, uow: UowDep, partner_id: PathText
) -> CertificatesOut:
    """The partner's AS2 certificates with their validity: operations see an expiry coming
    (a warning from 30 days before) and a rotation's two certificates side by side."""
    from gateway.transports.as2 import certificate_reports  # parses certificates

    with uow:
        profile = _visible_partner(uow, caller, partner_id).profile
    found = [
        CertificateOut(
            role=report.role,
            subject=report.status.subject,
            serial_number=f"{report.status.serial_number:x}",
            not_before=report.status.not_before,
            not_after=report.status.not_after,
            state=report.status.state.value,
            days_left=report.status.days_left,
            warning=report.status.warning,
        )
        if report.status is not None
        else CertificateOut(role=report.role, state="unreadable", warning=report.error)
        for report in certificate_reports(profile, gw.clock.now())
    ]
    return CertificatesOut(partner_id=partner_id, certificates=found)


def _profile(body: dict[str, Any]) -> PartnerProfile:
    try:
        return PartnerProfile.model_validate(body)
    except ValidationError as error:
        raise ProfileError.from_validation_error(error) from error


def _save(profile: PartnerProfile, gw: Gateway, *, create_only: bool = False) -> Change:
    """Save through the same service as ``crossdock partners import``, so both refuse a
    profile whose envelope ids another partner already uses."""
    try:
        changes = import_profiles(gw.unit_of_work, gw.clock, [profile], create_only=create_only)
        return changes[profile.id]
    except ProfileError as error:
        # The service names fields ``<id>.interchange`` (it saves many profiles at
        # once); this body holds one profile, whose field is ``interchange``.
        prefix = f"{profile.id}."
        raise ProfileError(
            [replace(p, field=p.field.removeprefix(prefix)) for p in error.problems]
        ) from error


def _stored(uow: UnitOfWork, partner_id: str) -> StoredPartner:
    stored = uow.partners.get(partner_id)
    assert stored is not None  # just saved, and partners are never deleted
    return stored


def _visible_partner(uow: UnitOfWork, caller: ApiKey, partner_id: str) -> StoredPartner:
    stored = uow.partners.get(partner_id) if visible_to(caller, partner_id) else None
    if stored is None:
        raise PartnerNotFound(f"no partner {partner_id}")
    return stored
