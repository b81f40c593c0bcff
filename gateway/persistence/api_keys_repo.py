"""API keys, stored as sha256 of the key: the key itself is shown once, at creation.

sha256 (not a slow password hash) is right here: keys are 32 random bytes, so
there is nothing to brute-force, and every API call must look one up quickly.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from gateway.domain.access import ApiKey, Role
from gateway.persistence.tables import api_keys

_PREFIX = "cdk_"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewKey:
    record: ApiKey
    secret: str  # give it to the user now: it cannot be read back


class ApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def create(self, name: str, role: Role, partner_id: str | None, at: datetime) -> NewKey:
        if (role is Role.PARTNER) != (partner_id is not None):
            raise ValueError("a partner key names its partner; other roles name none")
        secret = _PREFIX + secrets.token_urlsafe(32)
        record = ApiKey(str(uuid.uuid4()), name, secret[:12], role, partner_id, at, None)
        self._db.execute(
            insert(api_keys).values(
                id=record.id,
                name=name,
                prefix=record.prefix,
                key_sha256=key_digest(secret),
                role=role.value,
                partner_id=partner_id,
                created_at=at,
            )
        )
        return NewKey(record, secret)

    def authenticate(self, secret: str) -> ApiKey | None:
        """The live key with this secret, or None (unknown or revoked)."""
        row = self._db.execute(
            select(api_keys).where(
                api_keys.c.key_sha256 == key_digest(secret), api_keys.c.revoked_at.is_(None)
            )
        ).first()
        return None if row is None else _record(row._mapping)

    def list_all(self) -> list[ApiKey]:
        rows = self._db.execute(select(api_keys).order_by(api_keys.c.created_at))
        return [_record(row._mapping) for row in rows]

    def revoke(self, key_id: str, at: datetime) -> bool:
        result = self._db.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return bool(result.rowcount)


def _record(values: RowMapping) -> ApiKey:
    return ApiKey(
        id=values["id"],
        name=values["name"],
        prefix=values["prefix"],
        role=Role(values["role"]),
        partner_id=values["partner_id"],
        created_at=values["created_at"],
        revoked_at=values["revoked_at"],
    )
