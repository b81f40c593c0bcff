"""ISA / GS / GE / IEA rules: the envelope, judged with TA1 and AK9 codes.

The ISA is fixed-width by the standard (X12.5): a field of the wrong width is
an error here even though the reader could split it, because a receiver that
parses by position (many do) would read different values.
"""

from __future__ import annotations

from edi_maps.x12.codes import TA1_NOTES
from edi_maps.x12.element_checks import valid_date, valid_time
from edi_maps.x12.results import EnvelopeError, GroupResult, InterchangeResult, Status
from edi_maps.x12.segments import Isa

# (width, TA1 note code) for ISA01 … ISA15; ISA16 is checked as a delimiter.
_ISA_FIELDS = (
    (2, "010"),
    (10, "011"),
    (2, "012"),
    (10, "013"),
    (2, "005"),
    (15, "006"),
    (2, "007"),
    (15, "008"),
    (6, "014"),
    (4, "015"),
    (1, "016"),
    (5, "017"),
    (9, "018"),
    (1, "019"),
    (1, "020"),
)
_AUTHORIZATION_QUALIFIERS = frozenset({"00", "01", "02", "03", "04", "05", "06"})
_SECURITY_QUALIFIERS = frozenset({"00", "01"})
_OLDEST_CONTROL_VERSION, _NEWEST_CONTROL_VERSION = "00200", "00801"


# Delimiter faults after which no segment of the interchange can be trusted.
UNREADABLE_CODES = frozenset({"004", "026", "027"})


def _error(code: str, detail: str, offset: int | None = None) -> EnvelopeError:
    return EnvelopeError(code, f"{TA1_NOTES[code]}: {detail}", offset)


def interchange_from_isa(isa: Isa) -> InterchangeResult:
    """The interchange record an ISA opens, with every ISA rule it breaks."""
    e = isa.elements + [""] * max(0, 17 - len(isa.elements))
    result = InterchangeResult(
        control_number=e[13].strip(),
        sender_qualifier=e[5].strip(),
        sender_id=e[6].strip(),
        receiver_qualifier=e[7].strip(),
        receiver_id=e[8].strip(),
        version=e[12].strip(),
        date=e[9],
        time=e[10],
        ack_requested=e[14] == "1",
        usage=e[15],
        byte_offset=isa.offset,
        delimiters=isa.delimiters,
    )
    result.errors.extend(isa_errors(isa))
    return result


def isa_errors(isa: Isa) -> list[EnvelopeError]:
    """Every rule of X12.5 the ISA breaks (TA1 note codes)."""
    found: list[EnvelopeError] = []
    offset = isa.offset
    if len(isa.elements) != 17:
        found.append(_error("022", f"the ISA has {len(isa.elements) - 1} elements, not 16", offset))
        return found
    if isa.terminator_inside:
        found.append(_error("022", "the segment terminator occurs inside the ISA", offset))
    e = isa.elements
    for index, (width, code) in enumerate(_ISA_FIELDS, start=1):
        if len(e[index]) != width:
            found.append(
                _error(
                    code,
                    f"ISA{index:02d} {e[index]!r} is {len(e[index])} characters, not {width}",
                    offset,
                )
            )
    for code, label, value, allowed in (
        ("010", "ISA01", e[1], _AUTHORIZATION_QUALIFIERS),
        ("012", "ISA03", e[3], _SECURITY_QUALIFIERS),
    ):
        if len(value) == 2 and value not in allowed:
            found.append(_error(code, f"{label} {value!r} is not a defined qualifier", offset))
    for code, label, value in (("005", "ISA05", e[5]), ("007", "ISA07", e[7])):
        if len(value) == 2 and not (value.isascii() and value.isalnum() and value == value.upper()):
            found.append(_error(code, f"{label} {value!r} is not a qualifier", offset))
    for code, label, value in (("006", "ISA06", e[6]), ("008", "ISA08", e[8])):
        if len(value) == 15 and not value.strip():
            found.append(_error(code, f"{label} is blank", offset))
    if len(e[9]) == 6 and not valid_date(e[9]):
        found.append(_error("014", f"ISA09 {e[9]!r} is not a YYMMDD date", offset))
    if len(e[10]) == 4 and not valid_time(e[10]):
        found.append(_error("015", f"ISA10 {e[10]!r} is not an HHMM time", offset))
    found.extend(_version_errors(isa, offset))
    if len(e[13]) == 9 and not (e[13].isascii() and e[13].isdigit()):
        found.append(_error("018", f"ISA13 {e[13]!r} is not numeric", offset))
    if len(e[14]) == 1 and e[14] not in "01":
        found.append(_error("019", f"ISA14 {e[14]!r} is not 0 or 1", offset))
    if len(e[15]) == 1 and e[15] not in "PTI":
        found.append(_error("020", f"ISA15 {e[15]!r} is not P, T or I", offset))
    for code, detail in isa.delimiters.problems():
        found.append(_error(code, detail, offset))
    return found


def _version_errors(isa: Isa, offset: int) -> list[EnvelopeError]:
    e = isa.elements
    version, isa11 = e[12], e[11]
    if len(version) != 5 or not (version.isascii() and version.isdigit()):
        return []  # the width check already reported ISA12
    found = []
    if not supported_control_version(version):
        found.append(_error("003", f"control version {version}", offset))
    if version < "00402":
        if isa11 != "U":
            found.append(
                _error("016", f"ISA11 {isa11!r} must be 'U' before control version 00402", offset)
            )
    elif len(isa11) == 1 and (isa11.isalnum() or isa11 == " "):
        found.append(
            _error(
                "016",
                f"ISA11 {isa11!r} must be a repetition separator from control version 00402",
                offset,
            )
        )
    return found


def supported_control_version(version: str) -> bool:
    """ISA12 values we read and write: 00200 … 00801."""
    return (
        len(version) == 5
        and version.isascii()
        and version.isdigit()
        and _OLDEST_CONTROL_VERSION <= version <= _NEWEST_CONTROL_VERSION
    )


def group_from_gs(gs: list[str], offset: int) -> tuple[GroupResult, list[EnvelopeError]]:
    """The group a GS opens, and the GS rules it breaks (TA1 024: invalid GS)."""
    e = gs + [""] * max(0, 9 - len(gs))
    group = GroupResult(
        functional_id=e[1],
        control_number=e[6],
        version=e[8],
        sender_id=e[2],
        receiver_id=e[3],
        date=e[4],
        time=e[5],
        byte_offset=offset,
    )
    problems = []
    if len(gs) != 9:
        problems.append(f"GS has {len(gs) - 1} elements, not 8")
    else:
        checks = (
            (1, 2, 2, "functional identifier"),
            (2, 2, 15, "application sender code"),
            (3, 2, 15, "application receiver code"),
            (8, 1, 12, "version"),
        )
        for index, low, high, label in checks:
            if not low <= len(e[index]) <= high:
                problems.append(
                    f"GS{index:02d} {label} {e[index]!r} is not {low}–{high} characters"
                )
        # GS04 is CCYYMMDD from 004010 and YYMMDD before; senders of older versions
        # moved to CCYYMMDD with Y2K, so both widths are read, as long as the date is real.
        if len(e[4]) not in (6, 8) or not valid_date(e[4]):
            problems.append(f"GS04 {e[4]!r} is not a CCYYMMDD (or pre-004010 YYMMDD) date")
        if not (4 <= len(e[5]) <= 8 and valid_time(e[5])):
            problems.append(f"GS05 {e[5]!r} is not an HHMM[SS[dd]] time")
        if e[7] not in ("X", "T"):
            problems.append(f"GS07 {e[7]!r} is not X or T")
    errors = [_error("024", p, offset) for p in problems]
    if not control_number_valid(e[6]):
        group.codes.append("6")
    return group, errors


def control_number_valid(value: str) -> bool:
    """GS06 / GE02 syntax: N0, 1–9 digits."""
    return 1 <= len(value) <= 9 and value.isascii() and value.isdigit()


def same_number(a: str, b: str) -> bool:
    """Control numbers compare as numbers when both are numeric ("0001" == "1" for N0)."""
    if a.isascii() and a.isdigit() and b.isascii() and b.isdigit():
        return int(a) == int(b)
    return a == b


def ta1_problems(elements: list[str]) -> list[str]:
    """What is wrong with a received TA1 (X12.5: TA101 N0 9/9, TA102 DT 6/6,
    TA103 TM 4/4, TA104 A/E/R, TA105 a note code); trailing empty elements are tolerated."""
    used = list(elements)
    while len(used) > 1 and not used[-1]:
        used.pop()
    if len(used) != 6:
        return [f"TA1 has {len(used) - 1} elements, not 5"]
    problems = []
    number, date, time, code, note = used[1:]
    if not (len(number) == 9 and number.isascii() and number.isdigit()):
        problems.append(f"TA101 {number!r} is not a 9-digit control number")
    if not (len(date) == 6 and valid_date(date)):
        problems.append(f"TA102 {date!r} is not a YYMMDD date")
    if not (len(time) == 4 and valid_time(time)):
        problems.append(f"TA103 {time!r} is not an HHMM time")
    if code not in ("A", "E", "R"):
        problems.append(f"TA104 {code!r} is not A, E or R")
    if note not in TA1_NOTES:
        problems.append(f"TA105 {note!r} is not an interchange note code")
    return problems


def iea_errors(
    interchange: InterchangeResult, iea: list[str], offset: int | None
) -> list[EnvelopeError]:
    """IEA01 against the groups received (TA1 021), IEA02 against ISA13 (001, 018).

    Also records IEA01 as sent on ``interchange``.
    """
    count = iea[1] if len(iea) > 1 else ""
    number = iea[2] if len(iea) > 2 else ""
    interchange.groups_included = int(count) if count.isascii() and count.isdigit() else None
    found = []
    if interchange.groups_included != len(interchange.groups):
        found.append(_error("021", f"IEA01 {count!r}, {len(interchange.groups)} received", offset))
    if len(number) != 9 or not (number.isascii() and number.isdigit()):
        found.append(_error("018", f"IEA02 {number!r} is not 9 digits", offset))
    if not same_number(number, interchange.control_number):
        found.append(
            _error("001", f"ISA13 {interchange.control_number!r}, IEA02 {number!r}", offset)
        )
    return found


def group_status(group: GroupResult) -> Status:
    """AK901: rejected on a group-level fault, else from the statuses of its sets."""
    if group.codes:
        return Status.REJECTED
    statuses = {status for status, count in group.sets.statuses.items() if count}
    if Status.REJECTED in statuses:
        return Status.REJECTED if statuses == {Status.REJECTED} else Status.PARTIALLY_ACCEPTED
    if Status.ACCEPTED_WITH_ERRORS in statuses:
        return Status.ACCEPTED_WITH_ERRORS
    return Status.ACCEPTED
