"""API keys: admins issue, list and revoke them; the secret is shown once, at issue."""

from __future__ import annotations

from fastapi import APIRouter, Response

from gateway.api.deps import AdminDep, GatewayDep, UowDep
from gateway.api.errors import KeyNotFound, documented
from gateway.api.keys import create_key
from gateway.api.params import PathText
from gateway.api.schemas import KeyIn, KeyOut, NewKeyOut

router = APIRouter(prefix="/keys", tags=["keys"])


@router.post("", status_code=201, responses=documented(403))
def create_api_key(_: AdminDep, gw: GatewayDep, body: KeyIn) -> NewKeyOut:
    """Issue a key; a partner key names an existing partner and acts only for it."""
    new = create_key(gw, body.name, body.role, body.partner_id)
    return NewKeyOut(**KeyOut.of(new.record).model_dump(), key=new.secret)


@router.get("", responses=documented(403))
def list_api_keys(_: AdminDep, uow: UowDep) -> list[KeyOut]:
    """Every key ever issued, revoked ones included (their prefixes, never secrets)."""
    with uow:
        keys = uow.api_keys.list_all()
    return [KeyOut.of(key) for key in keys]


@router.delete(
    "/{key_id}", status_code=204, response_class=Response, responses=documented(403, 404)
)
def revoke_api_key(_: AdminDep, gw: GatewayDep, uow: UowDep, key_id: PathText) -> None:
    """Revoke a key at once; revoking it again is not an error (the goal is reached)."""
    with uow:
        revoked = uow.api_keys.revoke(key_id, gw.clock.now())
        if not revoked and all(key.id != key_id for key in uow.api_keys.list_all()):
            raise KeyNotFound(f"no key {key_id}")
        uow.commit()
