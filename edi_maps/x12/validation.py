"""Validate an X12 input as it streams: envelopes, counts, control numbers and
every transaction set against its definition.

Sets are validated segment by segment as batches arrive, so memory holds a
chunk of input plus the (compact) results. ``on_set`` is called with each
finished set and its segments, so a caller can map it to a canonical document;
only then are a set's segments kept, one set at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import compress, count, islice, repeat
from typing import BinaryIO, Literal

from edi_maps.x12.codes import TA1_NOTES
from edi_maps.x12.definitions_index import find_definition
from edi_maps.x12.envelope import (
    UNREADABLE_CODES,
    control_number_valid,
    group_from_gs,
    group_status,
    iea_errors,
    interchange_from_isa,
    same_number,
    ta1_problems,
)
from edi_maps.x12.reader import X12Reader
from edi_maps.x12.results import (
    EnvelopeError,
    FileResult,
    GroupResult,
    InterchangeResult,
    ReceivedTa1,
    SetResult,
    Status,
    X12FileResult,
)
from edi_maps.x12.segments import Garbage, Isa, SegmentBatch
from edi_maps.x12.set_log import SeenNumbers
from edi_maps.x12.set_validation import SetRun, SetValidator

_CONTROL = ("SE", "ST", "GE", "GS", "IEA", "ISA", "TA1")  # SE first: the most frequent
_MAX_ENVELOPE_ERRORS = 20


@dataclass(frozen=True, slots=True)
class ValidationOptions:
    """Per-caller choices (a partner profile supplies them later).

    Attributes:
        unsupported_sets: a set with no bundled definition for its version is
            either checked at envelope level only, or rejected (AK5 code 1).
        max_set_segments: a set longer than this is refused (AK5 5) and its
            segments are not kept for ``on_set``: no real document is that long,
            and a lost SE must not make a handler hold a whole file.
    """

    unsupported_sets: Literal["envelope_only", "reject"] = "envelope_only"
    max_set_segments: int = 1_000_000


# Called with each finished set and its segments (as text: split them on the
# interchange's element separator).
SetHandler = Callable[[InterchangeResult, GroupResult, SetResult, list[str]], None]


def validate_x12(
    source: bytes | BinaryIO,
    options: ValidationOptions | None = None,
    on_set: SetHandler | None = None,
) -> X12FileResult:
    """Validate a whole input; see :func:`iter_results` for the streaming form."""
    result: X12FileResult = FileResult()
    for item in iter_results(source, options, on_set):
        if isinstance(item, InterchangeResult):
            result.interchanges.append(item)
        else:
            result.errors.append(item)
    return result


def iter_results(
    source: bytes | BinaryIO,
    options: ValidationOptions | None = None,
    on_set: SetHandler | None = None,
) -> Iterator[InterchangeResult | EnvelopeError]:
    """Each interchange's result as soon as its IEA (or the input's end) is read,
    and an error for every stretch of bytes outside any interchange.

    Raises:
        NotEdiError: the input does not start with an ISA.
    """
    walker = _Walker(options or ValidationOptions(), on_set)
    for item in X12Reader(source).items():
        if isinstance(item, Isa):
            yield from walker.close_interchange(missing=True)
            walker.open_interchange(item)
        elif isinstance(item, SegmentBatch):
            yield from walker.feed(item)
        elif isinstance(item, Garbage):
            yield from walker.close_interchange(missing=True)
            text = item.text.strip()
            yield EnvelopeError("022", f"data outside any interchange: {text[:40]!r}", item.offset)
    yield from walker.close_interchange(missing=True)


class _OpenSet:
    """The set being read: its result so far, its validation run, and (for the
    ``on_set`` handler only) its segments."""

    __slots__ = ("count", "overflow", "result", "run", "segments")

    def __init__(self, result: SetResult, run: SetRun | None, collect: bool) -> None:
        self.result = result
        self.run = run
        self.segments: list[str] | None = [] if collect else None
        self.count = 0  # segments read, ST and SE included
        self.overflow = False  # more segments than max_set_segments: not kept

    def keep(self, segments: list[str]) -> None:
        if self.segments is None or self.overflow:
            return
        self.segments.extend(segments)


class _Walker:
    def __init__(self, options: ValidationOptions, on_set: SetHandler | None) -> None:
        self.options = options
        self.on_set = on_set
        self.interchange: InterchangeResult | None = None
        self.group: GroupResult | None = None
        self.open_set: _OpenSet | None = None
        self.seen_set_numbers = SeenNumbers()
        self.validators: dict[tuple[str, str], SetValidator | None] = {}
        self._last_validator: tuple[str, str, SetValidator | None] | None = None
        self.suppressed = 0
        self.unreadable = False
        self.control_prefixes: tuple[str, ...] | None = None

    # interchange ---------------------------------------------------------
    def open_interchange(self, isa: Isa) -> None:
        self.interchange = interchange_from_isa(isa)
        self.suppressed = 0
        # With a broken delimiter nothing after the ISA can be read reliably:
        # the ISA's own findings are the answer, the body is skipped.
        self.unreadable = any(e.code in UNREADABLE_CODES for e in self.interchange.errors)

    def close_interchange(
        self, *, missing: bool, iea: list[str] | None = None, offset: int | None = None
    ) -> Iterator[InterchangeResult]:
        interchange = self.interchange
        if interchange is None:
            return
        self.close_group(missing=True, ge=None, offset=offset)
        if self.unreadable:
            pass
        elif missing or iea is None:
            interchange.errors.append(EnvelopeError("023", f"{TA1_NOTES['023']}: no IEA", offset))
        else:
            interchange.errors.extend(iea_errors(interchange, iea, offset))
        if self.suppressed:
            interchange.errors.append(
                EnvelopeError(
                    "024",
                    f"{TA1_NOTES['024']}: {self.suppressed} more findings like the above",
                    None,
                )
            )
        if interchange.errors:
            interchange.status = Status.REJECTED
        self.interchange = None
        yield interchange

    def _envelope_error(self, code: str, detail: str, offset: int | None) -> None:
        """Record an interchange-level finding; past a few, only count them."""
        interchange = self.interchange
        if interchange is None:
            return
        if len(interchange.errors) >= _MAX_ENVELOPE_ERRORS:
            self.suppressed += 1
            return
        interchange.errors.append(EnvelopeError(code, f"{TA1_NOTES[code]}: {detail}", offset))

    # group ---------------------------------------------------------------
    def open_group(self, gs: list[str], offset: int) -> None:
        assert self.interchange is not None
        group, errors = group_from_gs(gs, offset)
        self.interchange.errors.extend(errors)
        self.interchange.groups.append(group)
        self.group = group
        self.seen_set_numbers = SeenNumbers()

    def close_group(self, *, missing: bool, ge: list[str] | None, offset: int | None) -> None:
        group = self.group
        if group is None:
            return
        self.close_set(se=None)
        if missing or ge is None:
            group.codes.append("3")
        else:
            count = ge[1] if len(ge) > 1 else ""
            number = ge[2] if len(ge) > 2 else ""
            group.sets_included = int(count) if count.isascii() and count.isdigit() else None
            if group.sets_included != len(group.sets):
                group.codes.append("5")
            if not (control_number_valid(number) and same_number(number, group.control_number)):
                group.codes.append("4")
        group.codes = sorted(set(group.codes), key=int)
        group.status = group_status(group)
        self.group = None

    # transaction set -----------------------------------------------------
    def start_set(self, st: list[str], batch: SegmentBatch, index: int) -> None:
        """Open a set; outside a group it is read only to be dropped (TA1 024 says why)."""
        result = SetResult(
            transaction_set=st[1] if len(st) > 1 else "",
            control_number=st[2] if len(st) > 2 else "",
            implementation_reference=st[3] if len(st) > 3 and st[3] else None,
            byte_offset=batch.locate_set_header(index),
        )
        run = None
        group, interchange = self.group, self.interchange
        if group is not None and interchange is not None:
            validator = self._validator(result.transaction_set, group.version)
            if validator is not None:
                result.validated_against = validator.definition.version
                run = validator.begin(interchange.delimiters)
        current = self.open_set = _OpenSet(result, run, self.on_set is not None)
        self._take(current, batch, index)

    def _validator(self, set_id: str, version: str) -> SetValidator | None:
        last = self._last_validator
        if last is not None and last[0] == set_id and last[1] == version:
            return last[2]  # the usual case: the same kind of set as the previous one
        key = (set_id, version)
        if key not in self.validators:
            found = find_definition(*key)
            self.validators[key] = SetValidator(*found) if found else None
        validator = self.validators[key]
        self._last_validator = (set_id, version, validator)
        return validator

    def _take(self, current: _OpenSet, batch: SegmentBatch, index: int) -> None:
        """Read one envelope segment of the set (its ST or SE)."""
        current.count += 1
        if current.run is not None:
            current.run.one(batch, index)
        if current.segments is not None:
            current.keep(batch.segments[index : index + 1])

    def close_set(self, *, se: list[str] | None) -> None:
        current, group, interchange = self.open_set, self.group, self.interchange
        self.open_set = None
        if current is None or group is None or interchange is None:
            return  # nothing open, or a set outside any group (reported as TA1 024)
        result = current.result
        result.segment_count = current.count
        codes = self._envelope_codes(result, se)
        if current.run is not None:
            if current.run.validator.definition.functional_id != group.functional_id:
                codes.append("6")
            errors = current.run.end()
            if errors:
                result.errors = errors
                codes.append("5")
        elif self.options.unsupported_sets == "reject":
            codes.append("1")
        if current.overflow:
            codes.append("5")
        if codes:
            result.codes = sorted(set(codes), key=int)
            result.status = Status.REJECTED
        if self.on_set is not None and current.segments is not None and not current.overflow:
            self.on_set(interchange, group, result, current.segments)
        group.sets.append(result)

    def _envelope_codes(self, result: SetResult, se: list[str] | None) -> list[str]:
        """AK5 codes from ST/SE: trailer, count, control numbers, set id."""
        codes: list[str] = []
        if se is None:
            codes.append("2")
        else:
            declared = se[1] if len(se) > 1 else ""
            if (
                not (declared.isascii() and declared.isdigit())
                or int(declared) != result.segment_count
            ):
                codes.append("4")
            if (se[2] if len(se) > 2 else "") != result.control_number:
                codes.append("3")
        set_id, number = result.transaction_set, result.control_number
        if not (len(set_id) == 3 and set_id.isascii() and set_id.isdigit()):
            codes.append("6")
        if not 4 <= len(number) <= 9 or not number.strip():
            codes.append("7")
        elif not self.seen_set_numbers.add(number):
            codes.append("23")
        return codes

    # segments ------------------------------------------------------------
    def feed(self, batch: SegmentBatch) -> Iterator[InterchangeResult | EnvelopeError]:
        if self.unreadable:
            return
        segments = batch.segments
        separator = batch.delimiters.element
        control = self.control_prefixes
        if control is None or control[0][-1] != separator:
            control = self.control_prefixes = tuple(tag + separator for tag in _CONTROL)
        index, total = 0, len(segments)
        while index < total:
            if self.open_set is not None:
                index = self._collect(batch, index, control)
                if index >= total:
                    break
            yield from self._control(segments[index].split(separator), batch, index)
            index += 1

    def _collect(self, batch: SegmentBatch, start: int, control: tuple[str, ...]) -> int:
        """Read set body segments up to the next envelope segment (the hot loop)."""
        current = self.open_set
        assert current is not None
        segments = batch.segments
        if current.run is not None:
            end = current.run.run(segments, start, batch)
        else:
            # Not validated: find the next envelope segment without a Python-level
            # loop (map/compress/next iterate in C).
            flags = map(str.startswith, islice(segments, start, None), repeat(control))
            end = next(compress(count(start), flags), len(segments))
        current.count += end - start
        if current.count > self.options.max_set_segments:
            current.overflow, current.segments = True, None
        elif current.segments is not None:
            current.keep(segments[start:end])
        return end

    def _control(
        self, elements: list[str], batch: SegmentBatch, index: int
    ) -> Iterator[InterchangeResult | EnvelopeError]:
        tag = elements[0]
        if tag == "SE" and self.open_set is not None:  # the commonest: no offset needed
            self._take(self.open_set, batch, index)
            self.close_set(se=elements)
            return
        if tag == "ST" and self.interchange is not None:  # the next commonest: neither
            self.close_set(se=None)
            if self.group is None:
                self._envelope_error("024", "ST outside a functional group", batch.offset(index))
            self.start_set(elements, batch, index)
            return
        offset = batch.offset(index)
        if self.interchange is None:  # after an IEA, before the next ISA
            yield EnvelopeError("022", f"segment {tag!r} outside any interchange", offset)
            return
        if tag == "GS":
            self.close_group(missing=True, ge=None, offset=offset)
            self.open_group(elements, offset)
        elif tag == "GE":
            if self.group is None:
                self._envelope_error("024", "GE without GS", offset)
            self.close_group(missing=False, ge=elements, offset=offset)
        elif tag == "IEA":
            yield from self.close_interchange(missing=False, iea=elements, offset=offset)
        elif tag == "TA1":
            self._received_ta1(elements, offset)
        else:
            where = "after SE" if self.group is not None else "outside a functional group"
            self._envelope_error("024", f"segment {tag!r} {where}", offset)

    def _received_ta1(self, elements: list[str], offset: int) -> None:
        interchange = self.interchange
        assert interchange is not None
        if interchange.groups:
            self._envelope_error("024", "TA1 after a functional group", offset)
            return
        e = elements + [""] * 6
        interchange.ta1s.append(ReceivedTa1(e[1], e[2], e[3], e[4], e[5]))
        for problem in ta1_problems(elements):
            self._envelope_error("024", problem, offset)
