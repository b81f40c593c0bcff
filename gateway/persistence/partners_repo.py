"""Partner profiles in the database: the whole validated profile as JSON, plus the
envelope ids that route inbound interchanges to it as indexed columns."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import Connection, Executable, RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway.domain.tracking import EnvelopeParty
from gateway.persistence.tables import partners
from gateway.ports import Change, StoredPartner
from gateway.profiles.errors import PartnerExists
from gateway.profiles.model import PartnerProfile


def profile_digest(profile: PartnerProfile) -> str:
    text = json.dumps(profile.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class PartnerRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def save(self, profile: PartnerProfile, at: datetime, *, create_only: bool = False) -> Change:
        """Create or replace a profile; saving the same profile again changes nothing.

        Raises:
            PartnerExists: ``create_only`` and the id exists, or another partner holds
                the envelope ids (also when a concurrent save got there first).
        """
        digest = profile_digest(profile)
        current = self._db.execute(
            select(partners.c.profile_sha256, partners.c.active).where(partners.c.id == profile.id)
        ).first()
        if current is not None and create_only:
            hint = "" if current.active else " (deactivated)"
            raise PartnerExists(f"partner {profile.id} exists{hint}; replace its profile instead")
        if current is not None and current.profile_sha256 == digest and current.active:
            return "unchanged"
        values = _columns(profile) | {"profile_sha256": digest, "updated_at": at}
        if current is None:
            values |= {"id": profile.id, "created_at": at, "active": True}
            statement: Executable = insert(partners).values(values)
        else:
            values["active"] = True
            statement = update(partners).where(partners.c.id == profile.id).values(values)
        try:
            with self._db.begin_nested():
                self._db.execute(statement)
        except IntegrityError as error:
            raise PartnerExists(
                f"partner {profile.id} or its envelope ids were saved by someone else meanwhile"
            ) from error
        return "created" if current is None else "updated"

    def get(self, partner_id: str) -> StoredPartner | None:
        row = self._db.execute(select(partners).where(partners.c.id == partner_id)).first()
        return None if row is None else _stored(row._mapping)

    def list_all(self, *, include_inactive: bool = True) -> list[StoredPartner]:
        query = select(partners).order_by(partners.c.id)
        if not include_inactive:
            query = query.where(partners.c.active.is_(True))
        return [_stored(row._mapping) for row in self._db.execute(query)]

    def deactivate(self, partner_id: str, at: datetime) -> bool:
        result = self._db.execute(
            update(partners)
            .where(partners.c.id == partner_id, partners.c.active.is_(True))
            .values(active=False, updated_at=at)
        )
        return bool(result.rowcount)

    def by_envelope(
        self, standard: str, sender: EnvelopeParty, receiver: EnvelopeParty
    ) -> StoredPartner | None:
        """The active partner whose profile names this sender → receiver pair."""
        row = self._db.execute(
            select(partners).where(
                partners.c.standard == standard,
                partners.c.sender_qualifier == sender.qualifier,
                partners.c.sender_id == sender.id,
                partners.c.receiver_qualifier == receiver.qualifier,
                partners.c.receiver_id == receiver.id,
                partners.c.active.is_(True),
            )
        ).first()
        return None if row is None else _stored(row._mapping)

    def by_sender(self, standard: str, sender: EnvelopeParty) -> list[StoredPartner]:
        """Profiles naming this sender (to explain a refusal when the receiver differs)."""
        rows = self._db.execute(
            select(partners).where(
                partners.c.standard == standard,
                partners.c.sender_qualifier == sender.qualifier,
                partners.c.sender_id == sender.id,
            )
        )
        return [_stored(row._mapping) for row in rows]


def _columns(profile: PartnerProfile) -> dict[str, object]:
    ids = profile.interchange
    return {
        "name": profile.name,
        "status": profile.status,
        "standard": profile.standard,
        "sender_qualifier": ids.partner.qualifier or "",
        "sender_id": ids.partner.id,
        "receiver_qualifier": ids.ours.qualifier or "",
        "receiver_id": ids.ours.id,
        "profile": profile.model_dump(mode="json"),
    }


def _stored(row: RowMapping) -> StoredPartner:
    return StoredPartner(
        profile=PartnerProfile.model_validate(row["profile"]),
        active=bool(row["active"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
