"""The partner directory on both databases: idempotent saves, refusals, envelope routing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from gateway.domain.tracking import EnvelopeParty
from gateway.persistence.unit_of_work import SqlUnitOfWork
from gateway.profiles.errors import PartnerExists
from tests.fakes import FixedClock
from tests.partner_profiles import acme, nordfrost


def test_saving_the_same_profile_twice_changes_nothing(
    store_engine: Engine, clock: FixedClock
) -> None:
    with SqlUnitOfWork(store_engine) as uow:
        assert uow.partners.save(acme(), clock.now()) == "created"
        assert uow.partners.save(acme(), clock.now()) == "unchanged"
        assert uow.partners.save(acme(name="Acme Supply Inc."), clock.now()) == "updated"
        uow.commit()
        stored = uow.partners.get("acme-supply")
        assert stored is not None and stored.profile.name == "Acme Supply Inc."


def test_create_only_refuses_an_existing_id_and_deactivated_ones_say_so(
    store_engine: Engine, clock: FixedClock
) -> None:
    with SqlUnitOfWork(store_engine) as uow:
        uow.partners.save(acme(), clock.now())
        assert uow.partners.deactivate("acme-supply", clock.now())
        with pytest.raises(PartnerExists, match="exists \\(deactivated\\)"):
            uow.partners.save(acme(), clock.now(), create_only=True)
        assert uow.partners.save(acme(), clock.now()) == "updated"  # reactivates
        stored = uow.partners.get("acme-supply")
        assert stored is not None and stored.active


def test_two_partners_cannot_hold_the_same_envelope_ids(
    store_engine: Engine, clock: FixedClock
) -> None:
    with SqlUnitOfWork(store_engine) as uow:
        uow.partners.save(acme(), clock.now())
        with pytest.raises(PartnerExists, match="envelope ids"):
            uow.partners.save(acme(id="acme-twin"), clock.now())
        assert [p.profile.id for p in uow.partners.list_all()] == ["acme-supply"]


def test_inbound_routing_needs_sender_and_receiver_and_an_active_partner(
    store_engine: Engine, clock: FixedClock
) -> None:
    with SqlUnitOfWork(store_engine) as uow:
        uow.partners.save(acme(), clock.now())
        uow.partners.save(nordfrost(), clock.now())
        sender, ours = EnvelopeParty("ZZ", "ACMESUPPLY"), EnvelopeParty("ZZ", "CROSSDOCK")
        found = uow.partners.by_envelope("x12", sender, ours)
        assert found is not None and found.profile.id == "acme-supply"
        assert uow.partners.by_envelope("x12", sender, EnvelopeParty("ZZ", "OTHER")) is None
        assert uow.partners.by_envelope("edifact", sender, ours) is None
        edifact = uow.partners.by_envelope(
            "edifact", EnvelopeParty("14", "4012345000009"), EnvelopeParty("14", "5412345000013")
        )
        assert edifact is not None and edifact.profile.id == "nordfrost"
        uow.partners.deactivate("acme-supply", clock.now())
        assert uow.partners.by_envelope("x12", sender, ours) is None
