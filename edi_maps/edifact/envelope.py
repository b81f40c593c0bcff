"""UNB / UNG / UNH and their trailers: the envelope, judged with ISO 9735 syntax
error codes (data element 0085).

Each check returns findings instead of raising: a CONTRL reports every problem
of an interchange, and a reader's job is not to judge. Which segment and data
element a finding concerns (0013 and S011 of the UCI/UCF/UCM) travels with it as
an :class:`EnvelopeFinding`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from edi_maps.edifact.charsets import repertoire_problems
from edi_maps.edifact.results import EdifactGroup, EdifactInterchange
from edi_maps.edifact.segments import Element
from edi_maps.edifact.service import ServiceChars

# 0085 syntax error codes used by the envelope checks, with their texts.
ERRORS = {
    "2": "Syntax version or level not supported",
    "12": "Invalid value",
    "13": "Missing",
    "16": "Too many constituents",
    "20": "Character invalid as service character",
    "21": "Invalid character(s)",
    "26": "Duplicate detected",
    "28": "References do not match",
    "29": "Control count does not match number of instances received",
    "30": "Functional groups and messages mixed",
    "31": "More than one message type in group",
    "32": "Lower level empty",
    "33": "Invalid occurrence outside message, package or group",
    "39": "Data element too long",
}
SYNTAX_VERSIONS = frozenset({1, 2, 3, 4})
# 0052 message version number codes (the UN/EDIFACT code list of the syntax).
MESSAGE_VERSIONS = frozenset({"1", "2", "4", "88", "89", "90", "D", "S"})
MAX_REFERENCE = 14  # 0020, 0048, 0062: an..14


@dataclass(frozen=True, slots=True)
class EnvelopeFinding:
    """One envelope problem: 0085 code, text, and where (0013 segment tag, S011
    data element position 0098 and component position 0104)."""

    code: str
    detail: str
    segment: str
    element: int | None = None
    component: int | None = None

    @property
    def description(self) -> str:
        return f"{ERRORS.get(self.code, 'Syntax error')}: {self.detail}"


def _at(elements: list[Element], element: int, component: int = 1) -> str:
    """The value at an element/component position ('' when absent)."""
    if element >= len(elements):
        return ""
    components = elements[element][0]
    return components[component - 1] if component <= len(components) else ""


def interchange_from_unb(
    elements: list[Element],
    chars: ServiceChars,
    *,
    una: bool,
    offset: int,
    known_syntax: frozenset[str],
) -> tuple[EdifactInterchange, list[EnvelopeFinding]]:
    """The interchange a UNB opens, with every rule of ISO 9735 it breaks.

    ``known_syntax`` holds the syntax identifiers (0001) we can decode.
    """
    syntax_id, version_text = _at(elements, 1, 1), _at(elements, 1, 2)
    version = _number(version_text) or 0
    interchange = EdifactInterchange(
        control_number=_at(elements, 5),
        syntax_identifier=syntax_id,
        syntax_version=version,
        sender_id=_at(elements, 2, 1),
        sender_qualifier=_at(elements, 2, 2),
        receiver_id=_at(elements, 3, 1),
        receiver_qualifier=_at(elements, 3, 2),
        date=_at(elements, 4, 1),
        time=_at(elements, 4, 2),
        ack_requested=_at(elements, 9) == "1",
        test=_at(elements, 11) == "1",
        application_reference=_at(elements, 7),
        byte_offset=offset,
        chars=chars,
        una=una,
    )
    found: list[EnvelopeFinding] = []
    if not syntax_id:
        found.append(EnvelopeFinding("13", "no syntax identifier (UNB S001 0001)", "UNB", 1, 1))
    elif syntax_id not in known_syntax:
        found.append(EnvelopeFinding("2", f"syntax identifier {syntax_id!r}", "UNB", 1, 1))
    if version not in SYNTAX_VERSIONS:
        found.append(EnvelopeFinding("2", f"syntax version {version_text!r}", "UNB", 1, 2))
    for position, name in ((2, "sender"), (3, "recipient")):
        identifier = _at(elements, position, 1)
        if not identifier.strip():
            found.append(EnvelopeFinding("13", f"no interchange {name}", "UNB", position, 1))
        elif len(identifier) > 35:
            found.append(EnvelopeFinding("39", f"{name} id longer than 35", "UNB", position, 1))
    if version in SYNTAX_VERSIONS:
        found.extend(_date_time(interchange.date, interchange.time, version))
    for position, component, value in ((2, 1, interchange.sender_id),
                                       (3, 1, interchange.receiver_id),
                                       (5, None, interchange.control_number)):  # fmt: skip
        problems = repertoire_problems(value, syntax_id)
        if problems:  # one finding per value: the first character, and how many more
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            found.append(EnvelopeFinding("21", problems[0] + more, "UNB", position, component))
    reference = interchange.control_number
    if not reference:
        found.append(EnvelopeFinding("13", "no interchange control reference", "UNB", 5))
    elif len(reference) > MAX_REFERENCE:
        found.append(EnvelopeFinding("39", f"control reference {reference!r}", "UNB", 5))
    for position, name in ((9, "acknowledgement request"), (11, "test indicator")):
        flag = _at(elements, position)
        if flag not in ("", "1"):
            found.append(EnvelopeFinding("12", f"{name} {flag!r} (only 1 is defined)", "UNB",
                                         position))  # fmt: skip
    if len(elements) > 12 + (version >= 4):
        found.append(EnvelopeFinding("16", f"{len(elements) - 1} data elements", "UNB"))
    if version < 4 and chars.repetition is not None:
        # UNA5 is reserved before syntax version 4: a character there is not a
        # separator, and values may hold it as data
        interchange.chars = replace(chars, repetition=None)
    return interchange, found


def _date_time(day: str, clock: str, version: int) -> list[EnvelopeFinding]:
    """S004: YYMMDD before syntax version 4, CCYYMMDD from it; HHMM."""
    found: list[EnvelopeFinding] = []
    digits = 8 if version >= 4 else 6
    if not (len(day) == digits and day.isascii() and day.isdigit() and _valid_day(day, digits)):
        found.append(EnvelopeFinding("12", f"date {day!r} (expected {digits} digits)", "UNB", 4, 1))
    if not (len(clock) == 4 and clock.isascii() and clock.isdigit()) or not (
        clock[:2] < "24" and clock[2:] < "60"
    ):
        found.append(EnvelopeFinding("12", f"time {clock!r} (expected HHMM)", "UNB", 4, 2))
    return found


def _valid_day(day: str, digits: int) -> bool:
    try:
        datetime.strptime(day, "%Y%m%d" if digits == 8 else "%y%m%d")
    except ValueError:
        return False
    return True


def unz_findings(interchange: EdifactInterchange, elements: list[Element]) -> list[EnvelopeFinding]:
    """UNZ 0036 counts the messages, or the groups when there are groups; 0020 must
    repeat the UNB's reference."""
    found: list[EnvelopeFinding] = []
    count_text, reference = _at(elements, 1), _at(elements, 2)
    explicit = [group for group in interchange.groups if group.explicit]
    expected = len(explicit) if explicit else sum(len(g.sets) for g in interchange.groups)
    interchange.count_included = _number(count_text)
    if interchange.count_included != expected:
        counted = "groups" if explicit else "messages"
        found.append(EnvelopeFinding(
            "29", f"UNZ counts {count_text!r}, the interchange has {expected} {counted}",
            "UNZ", 1))  # fmt: skip
    if reference != interchange.control_number:
        found.append(EnvelopeFinding(
            "28", f"UNZ reference {reference!r} is not the UNB's "
            f"{interchange.control_number!r}", "UNZ", 2))  # fmt: skip
    if expected == 0:
        found.append(EnvelopeFinding("32", "the interchange holds no message", "UNZ"))
    return found


def group_from_ung(elements: list[Element], offset: int) -> tuple[EdifactGroup, list[str]]:
    """The group a UNG opens (0038/S006/S007/S004/0048/S008) and its UCF codes."""
    version = _at(elements, 7, 1) + _at(elements, 7, 2)
    group = EdifactGroup(
        functional_id=_at(elements, 1),
        control_number=_at(elements, 5),
        version=version,
        sender_id=_at(elements, 2, 1),
        receiver_id=_at(elements, 3, 1),
        date=_at(elements, 4, 1),
        time=_at(elements, 4, 2),
        byte_offset=offset,
        explicit=True,
    )
    codes: list[str] = []
    if not group.functional_id or not group.control_number:
        codes.append("13")
    elif len(group.control_number) > MAX_REFERENCE:
        codes.append("39")
    return group, codes


def une_codes(group: EdifactGroup, elements: list[Element]) -> list[str]:
    """UNE 0060 counts the group's messages; 0048 repeats the UNG's reference."""
    codes: list[str] = []
    count_text, reference = _at(elements, 1), _at(elements, 2)
    group.sets_included = _number(count_text)
    if group.sets_included != len(group.sets):
        codes.append("29")
    if reference != group.control_number:
        codes.append("28")
    return codes


def unh_codes(elements: list[Element]) -> list[tuple[str, str, int | None, int | None]]:
    """(0085 code, detail, element, component) for a UNH's reference and S009."""
    found: list[tuple[str, str, int | None, int | None]] = []
    reference = _at(elements, 1)
    if not reference:
        found.append(("13", "no message reference number (0062)", 1, None))
    elif len(reference) > MAX_REFERENCE:
        found.append(("39", f"message reference {reference!r}", 1, None))
    names = ("message type (0065)", "version (0052)", "release (0054)", "agency (0051)")
    for component, name in enumerate(names, start=1):
        if not _at(elements, 2, component):
            found.append(("13", f"no {name}", 2, component))
    version, agency = _at(elements, 2, 2), _at(elements, 2, 4)
    if version and agency == "UN" and version not in MESSAGE_VERSIONS:  # others: their own codes
        found.append(("12", f"message version number {version!r} is not in code list 0052",
                      2, 2))  # fmt: skip
    return found


def unt_codes(
    reference: str, segment_count: int, elements: list[Element]
) -> list[tuple[str, str, int | None, int | None]]:
    """UNT 0074 counts the message's segments, UNH and UNT included; 0062 repeats
    the UNH's reference."""
    found: list[tuple[str, str, int | None, int | None]] = []
    count_text, trailer_reference = _at(elements, 1), _at(elements, 2)
    if _number(count_text) != segment_count:
        found.append(("29", f"UNT counts {count_text!r}, the message has {segment_count} "
                      "segments", 1, None))  # fmt: skip
    if trailer_reference != reference:
        found.append(("28", f"UNT reference {trailer_reference!r} is not the UNH's "
                      f"{reference!r}", 2, None))  # fmt: skip
    return found


def _number(text: str) -> int | None:
    """A count or version written in digits 0-9 (ISO 9735 type n), else None. Not
    ``str.isdigit`` alone: it accepts "¹" (UNOC 0xB9), which ``int`` refuses."""
    return int(text) if text.isascii() and text.isdigit() else None
