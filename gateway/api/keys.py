"""Issuing API keys: one rule set for ``POST /keys`` and the command line.

The first admin key cannot come from the API (nobody holds a key yet), so the CLI
calls :func:`create_key` directly; the route calls it too, so both refuse the same
requests with the same problems.
"""

from __future__ import annotations

from gateway.api.errors import FieldProblem, InvalidKeyRequest, summary
from gateway.bootstrap import Gateway
from gateway.domain.access import Role
from gateway.ports import NewKeyLike, UnitOfWork

MAX_NAME_LENGTH = 120  # the api_keys.name column


def create_key(
    gw: Gateway, name: str, role: Role | str, partner_id: str | None = None
) -> NewKeyLike:
    """Issue a key and return it with its secret, which is stored only as a hash.

    Args:
        gw: The wired gateway.
        name: Who or what will use the key (shown in key lists).
        role: ``admin``, ``operator`` or ``partner``.
        partner_id: The partner a ``partner`` key acts for; must exist. None otherwise.

    Returns:
        The key record and its secret; print the secret now, it cannot be read back.

    Raises:
        InvalidKeyRequest: an unknown role, an empty name, or a partner id that is
            missing, unexpected or unknown (every problem at once).
    """
    with gw.unit_of_work() as uow:
        checked_role = check_key_request(uow, name, role, partner_id)
        new = uow.api_keys.create(name.strip(), checked_role, partner_id, gw.clock.now())
        uow.commit()
    return new


def check_key_request(uow: UnitOfWork, name: str, role: Role | str, partner_id: str | None) -> Role:
    """The role, once name, role and partner fit together (inside an open ``uow``)."""
    problems = []
    if not name.strip():
        problems.append(FieldProblem("name", "must not be empty"))
    elif len(name.strip()) > MAX_NAME_LENGTH:
        problems.append(FieldProblem("name", f"at most {MAX_NAME_LENGTH} characters"))
    checked = _role(role)
    if checked is None:
        roles = ", ".join(Role)
        problems.append(FieldProblem("role", f"unknown role {role!r}; expected one of {roles}"))
    elif checked is Role.PARTNER and partner_id is None:
        problems.append(FieldProblem("partner_id", "a partner key names its partner"))
    elif checked is not Role.PARTNER and partner_id is not None:
        problems.append(FieldProblem("partner_id", f"an {checked} key acts for no partner"))
    elif partner_id is not None and uow.partners.get(partner_id) is None:
        problems.append(FieldProblem("partner_id", f"no partner {partner_id!r}"))
    if problems or checked is None:
        raise InvalidKeyRequest(summary(problems), problems)
    return checked


def _role(role: Role | str) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        return None
