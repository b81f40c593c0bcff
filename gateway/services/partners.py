"""Partner profiles in and out of the store, as a B2B team keeps them in git."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gateway.ports import Change, Clock, UnitOfWork
from gateway.profiles.errors import Problem, ProfileError
from gateway.profiles.model import PartnerProfile


def import_profiles(
    unit_of_work: Callable[[], UnitOfWork],
    clock: Clock,
    profiles: Sequence[PartnerProfile],
    *,
    create_only: bool = False,
) -> dict[str, Change]:
    """Save every profile in one transaction: all of them or, on any error, none.

    Importing the same profiles again reports each one ``unchanged``.

    Raises:
        ProfileError: two profiles (or a profile and a stored one) claim the same
            envelope ids; nothing was saved.
        PartnerExists: ``create_only`` and a profile's id is taken (or a concurrent
            save took it or its envelope ids first); nothing was saved.
    """
    changes: dict[str, Change] = {}
    with unit_of_work() as uow:
        now = clock.now()
        problems = _envelope_conflicts(uow, profiles)
        if problems:
            raise ProfileError(problems)
        for profile in profiles:
            changes[profile.id] = uow.partners.save(profile, now, create_only=create_only)
        uow.commit()
    return changes


def export_profiles(
    unit_of_work: Callable[[], UnitOfWork], *, include_inactive: bool = False
) -> list[PartnerProfile]:
    with unit_of_work() as uow:
        return [p.profile for p in uow.partners.list_all(include_inactive=include_inactive)]


def _envelope_conflicts(uow: UnitOfWork, profiles: Sequence[PartnerProfile]) -> list[Problem]:
    """Inbound routing needs one partner per sender → receiver pair."""
    claimed: dict[tuple[str, str, str, str, str], str] = {
        _route(stored.profile): stored.profile.id for stored in uow.partners.list_all()
    }
    incoming = {profile.id for profile in profiles}
    for route, owner in list(claimed.items()):
        if owner in incoming:
            del claimed[route]  # being replaced by this import
    problems = []
    for profile in profiles:
        route = _route(profile)
        owner = claimed.setdefault(route, profile.id)
        if owner != profile.id:
            problems.append(
                Problem(
                    None,
                    None,
                    f"{profile.id}.interchange",
                    f"partner {owner} already uses the envelope ids {route[1]}:{route[2]} → "
                    f"{route[3]}:{route[4]}",
                )
            )
    return problems


def _route(profile: PartnerProfile) -> tuple[str, str, str, str, str]:
    ids = profile.interchange
    return (
        profile.standard,
        ids.partner.qualifier or "",
        ids.partner.id,
        ids.ours.qualifier or "",
        ids.ours.id,
    )
