"""Who may do what through the API (SPEC §1 invariant 7: partner isolation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything
    OPERATOR = "operator"  # read everything, replay
    WMS = "wms"  # the warehouse system: posts receipts and inventory adjustments
    PARTNER = "partner"  # submit and read its own documents only


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    prefix: str
    role: Role
    partner_id: str | None
    created_at: datetime
    revoked_at: datetime | None

    def may_read_partner(self, partner_id: str | None) -> bool:
        return self.role is not Role.PARTNER or partner_id == self.partner_id

    @property
    def may_manage(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def may_replay(self) -> bool:
        return self.role in (Role.ADMIN, Role.OPERATOR)
