"""What validation found, per interchange, group and message, for X12 and EDIFACT.

Groups keep their messages in a :class:`SetLog`: a result object with its strings
costs about 400 bytes, while a clean one (accepted, no findings) needs only its
id, control number, reference, offset, segment count and versions, ~25 bytes of
a ``bytearray``; so a 1 GB interchange of 800,000 sets fits in a few tens of MB
until its trailer.

The shapes are those of the ``crossdock translate`` report (SPEC §7). Codes are
the standard's own, as strings: X12 TA1 note codes and AK9/AK5/AK3/AK4 codes, or
EDIFACT syntax error codes (UCI/UCF/UCM/UCS/UCD). Each standard's interchange
result lives with its engine (``edi_maps/x12/results.py``,
``edi_maps/edifact/results.py``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar, overload

from edi_maps.errors import MappingError


class Status(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


@dataclass(slots=True)
class ElementError:
    """One AK4 / IK4: a data element that breaks its definition."""

    code: str
    description: str
    element_position: int
    component_position: int | None = None
    repetition_position: int | None = None
    element_reference: str | None = None
    bad_value: str | None = None


@dataclass(slots=True)
class SegmentError:
    """One AK3 / IK3: ``code`` is the segment-level code; element errors go with code 8."""

    segment_id: str
    segment_position: int
    code: str
    description: str
    loop_id: str | None = None
    byte_offset: int | None = None
    elements: list[ElementError] = field(default_factory=list)


@dataclass(slots=True)
class EnvelopeError:
    """An interchange-level (TA1 note code) or file-level problem."""

    code: str
    description: str
    byte_offset: int | None = None


@dataclass(slots=True)
class SetResult:
    transaction_set: str
    control_number: str
    status: Status = Status.ACCEPTED
    codes: list[str] = field(default_factory=list)  # AK502… set syntax error codes
    errors: list[SegmentError] = field(default_factory=list)
    implementation_reference: str | None = None  # ST03; EDIFACT: UNH association code
    segment_count: int = 0
    byte_offset: int | None = None
    validated_against: str | None = None  # definition version, None = envelope only
    message_version: str | None = None  # EDIFACT UNH version:release:agency (D:96A:UN)


@dataclass(slots=True)
class GroupResult:
    functional_id: str
    control_number: str
    version: str
    sender_id: str
    receiver_id: str
    date: str
    time: str
    status: Status = Status.ACCEPTED
    codes: list[str] = field(default_factory=list)  # AK905… group syntax error codes
    sets_included: int | None = None  # GE01 as sent
    sets: SetLog = field(default_factory=lambda: SetLog())
    byte_offset: int | None = None

    @property
    def sets_received(self) -> int:
        return len(self.sets)

    @property
    def sets_accepted(self) -> int:
        """AK904: none when the group as a whole is rejected."""
        return 0 if self.status is Status.REJECTED else self.sets.accepted


class InterchangeLike(Protocol):
    @property
    def status(self) -> Status: ...
    @property
    def groups(self) -> Sequence[GroupResult]: ...


IC = TypeVar("IC", bound=InterchangeLike)


@dataclass(slots=True)
class FileResult(Generic[IC]):
    """Everything read from one input."""

    interchanges: list[IC] = field(default_factory=list)
    errors: list[EnvelopeError] = field(default_factory=list)  # bytes outside any interchange

    @property
    def anything_rejected(self) -> bool:
        """True when a byte range, an interchange, a group or a set was refused."""
        if self.errors:
            return True
        for interchange in self.interchanges:
            if interchange.status is Status.REJECTED:
                return True
            for group in interchange.groups:
                if group.status in (Status.REJECTED, Status.PARTIALLY_ACCEPTED):
                    return True
        return False


_FIELD, _RECORD = "\x1f", "\x1e"


class SetLog(Sequence[SetResult]):
    """The sets of one group, in the order received."""

    def __init__(self) -> None:
        self._log = bytearray()
        self._starts = array("Q")  # where each set's record starts in the log
        self._full: dict[int, SetResult] = {}
        self.statuses: dict[Status, int] = {}  # how many sets have each status

    @property
    def accepted(self) -> int:
        """Sets not rejected."""
        return len(self) - self.statuses.get(Status.REJECTED, 0)

    def append(self, result: SetResult) -> None:
        index = len(self._starts)
        self._starts.append(len(self._log))
        status = result.status
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status is Status.ACCEPTED and not result.codes and not result.errors:
            offset = result.byte_offset
            record = (
                f"{result.transaction_set}\x1f{result.control_number}\x1f"
                f"{result.implementation_reference or ''}\x1f{'' if offset is None else offset}\x1f"
                f"{result.segment_count}\x1f{result.validated_against or ''}\x1f"
                f"{result.message_version or ''}"
            )
            # a separator inside a field would garble the record: keep such a set whole
            if record.count(_FIELD) == 6 and _RECORD not in record:
                self._log += (record + _RECORD).encode("latin-1", "replace")
                return
        self._full[index] = result
        self._log += _RECORD.encode()

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> SetResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[SetResult]: ...
    def __getitem__(self, index: int | slice) -> SetResult | list[SetResult]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        full = self._full.get(index)
        if full is not None:
            return full
        start = self._starts[index]
        end = self._log.index(_RECORD.encode(), start)
        return _decode(self._log[start:end].decode("latin-1"))

    def __iter__(self) -> Iterator[SetResult]:
        for index in range(len(self)):
            yield self[index]


def _decode(record: str) -> SetResult:
    set_id, number, reference, offset, count, version, message_version = record.split(_FIELD)
    return SetResult(
        transaction_set=set_id,
        control_number=number,
        implementation_reference=reference or None,
        byte_offset=int(offset) if offset else None,
        segment_count=int(count),
        validated_against=version or None,
        message_version=message_version or None,
    )


def refuse_if_invalid(result: FileResult[Any], standard: str) -> None:
    """Raise MappingError when ``result`` (our validation of text we are about to send)
    found anything: a map wrote a value its table does not allow."""
    problems = [error.description for error in result.errors]
    for interchange in result.interchanges:
        problems.extend(error.description for error in interchange.errors)
        for group in interchange.groups:
            problems.extend(f"group {group.control_number}: code {c}" for c in group.codes)
            for one in group.sets:
                problems.extend(
                    f"{one.transaction_set} {one.control_number} {error.segment_id}: "
                    f"{error.elements[0].description if error.elements else error.description}"
                    for error in one.errors
                )
                if one.codes and not one.errors:
                    problems.append(f"{one.transaction_set} {one.control_number}: {one.codes}")
    if problems:
        shown = "; ".join(problems[:3]) + (
            f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        )
        raise MappingError(f"the {standard} written would be refused: {shown}")
