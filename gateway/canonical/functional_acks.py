"""functional_ack (X12 997 / 999, EDIFACT CONTRL): a standard-neutral view of
what a partner said about one of our functional groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class GroupAckStatus(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


class SetAckStatus(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, kw_only=True)
class AckedGroup:
    interchange_control_number: str | None = None
    group_control_number: str | None = None
    functional_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AckError:
    segment_id: str | None = None
    segment_position: int | None = None
    element_position: int | None = None
    code: str
    description: str | None = None
    bad_value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AckedSet:
    set_control_number: str
    transaction_set: str | None = None
    status: SetAckStatus = SetAckStatus.ACCEPTED
    errors: list[AckError] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionalAck:
    acknowledged: AckedGroup
    group_status: GroupAckStatus
    sets: list[AckedSet] = field(default_factory=list)
