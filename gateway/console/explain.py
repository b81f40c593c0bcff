"""Acknowledgement and validation codes in plain language: what was wrong, what to fix.

The EDI engine names each finding with the standard's own code (X12 AK304/IK304
segment codes, AK403/IK403 element codes, AK502/IK502 set codes, TA1 note codes;
EDIFACT 0085 syntax error codes). A B2B analyst or a supplier needs the sentence
behind the code; these tables give it, and say what usually fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Explanation:
    what: str  # what was wrong, in words
    fix: str  # what to change


_X12_SEGMENT = {
    "1": Explanation("The segment's tag is not a known X12 segment.",
                     "Check the spelling of the tag, or remove the segment."),
    "2": Explanation("The segment is not expected at this point of the document.",
                     "Move it to where the implementation guide puts it, or remove it."),
    "3": Explanation("A segment the document must have is missing.",
                     "Add the missing segment before this point."),
    "4": Explanation("A loop repeats more often than the standard allows.",
                     "Split the document, or merge repeated loops."),
    "5": Explanation("The segment repeats more often than the standard allows.",
                     "Send it fewer times (combine values, or use a different loop)."),
    "6": Explanation("The segment does not belong to this transaction set.",
                     "Remove it, or send it in the document type that defines it."),
    "7": Explanation("The segment is out of order.",
                     "Send the segments in the order of the implementation guide."),
    "8": Explanation("One or more elements of the segment are wrong (listed below).",
                     "Correct each element listed for this segment."),
}  # fmt: skip

_X12_ELEMENT = {
    "1": Explanation("A mandatory element is empty.", "Fill in the element."),
    "2": Explanation("An element required by another element's presence is empty.",
                     "Fill it in, or drop the element that requires it."),
    "3": Explanation("The segment has more elements than the standard defines.",
                     "Remove the extra elements (look for a stray separator)."),
    "4": Explanation("The value is shorter than the element's minimum length.",
                     "Pad or complete the value (e.g. leading zeros, full date)."),
    "5": Explanation("The value is longer than the element's maximum length.",
                     "Shorten the value to the maximum length."),
    "6": Explanation("The value holds a character the element does not allow.",
                     "Remove the character (often a delimiter or a non-ASCII letter)."),
    "7": Explanation("The value is not one of the element's allowed codes.",
                     "Use a code from the element's code list in the implementation guide."),
    "8": Explanation("The value is not a valid date (CCYYMMDD or YYMMDD).",
                     "Send a real calendar date in the expected format."),
    "9": Explanation("The value is not a valid time (HHMM[SS]).",
                     "Send a 24-hour time in the expected format."),
    "10": Explanation("An element that must not be present with another one is present.",
                      "Remove one of the two elements."),
    "12": Explanation("Too many repetitions of the element.", "Send fewer repetitions."),
    "13": Explanation("Too many components in a composite element.",
                      "Remove the extra components."),
}  # fmt: skip

_X12_SET = {
    "1": Explanation("We do not support this transaction set from this partner.",
                     "Agree the document type in the partner profile, or stop sending it."),
    "2": Explanation("The transaction set has no SE trailer.", "End the set with an SE segment."),
    "3": Explanation("ST02 and SE02 carry different control numbers.",
                     "Make SE02 repeat ST02 exactly."),
    "4": Explanation("SE01 does not count the segments the set actually has.",
                     "Set SE01 to the number of segments from ST to SE, both included."),
    "5": Explanation("One or more segments of the set are in error (shown at each segment).",
                     "Correct the segments marked in this set."),
    "6": Explanation("The transaction set identifier (ST01) is missing or invalid.",
                     "Send a valid ST01 (e.g. 855, 856, 810)."),
    "7": Explanation("The set control number (ST02) is missing or invalid.",
                     "Send a 4 to 9 digit control number in ST02."),
    "23": Explanation("Two sets in the group carry the same control number.",
                      "Give each set of a group its own ST02."),
}  # fmt: skip

_X12_GROUP = {
    "1": Explanation("We do not support this functional group.", "Check GS01 against the profile."),
    "2": Explanation("The group's version (GS08) is not supported.",
                     "Send the version agreed in the partner profile."),
    "3": Explanation("The group has no GE trailer.", "End the group with a GE segment."),
    "4": Explanation("GS06 and GE02 carry different control numbers.",
                     "Make GE02 repeat GS06 exactly."),
    "5": Explanation("GE01 does not count the sets the group actually has.",
                     "Set GE01 to the number of ST…SE sets in the group."),
    "6": Explanation("The group control number violates the syntax.",
                     "Send 1 to 9 digits in GS06."),
}  # fmt: skip

_EDIFACT = {
    "2": Explanation("The syntax version or level is not supported.",
                     "Send the syntax agreed in the partner profile (UNB S001)."),
    "12": Explanation("The value is not valid for this data element.",
                      "Use a value from the element's code list or format."),
    "13": Explanation("A mandatory data element or segment is missing.",
                      "Add the missing element or segment."),
    "14": Explanation("The value is not allowed here.", "Check the message implementation guide."),
    "15": Explanation("The segment is not supported at this position.",
                      "Move or remove the segment."),
    "16": Explanation("Too many constituents (elements or components).",
                      "Remove the extra elements or components."),
    "21": Explanation("Invalid characters for the declared character set.",
                      "Use only characters the syntax identifier allows "
                      "(e.g. no lower case in UNOA)."),
    "26": Explanation("A duplicate interchange, group or message was detected.",
                      "Use a new control reference for each interchange."),
    "28": Explanation("Header and trailer references do not match.",
                      "Make UNZ/UNT repeat the UNB/UNH reference exactly."),
    "29": Explanation("A control count does not match what was sent.",
                      "Count the segments (UNT) or messages (UNZ) again."),
    "35": Explanation("A segment repeats too often.", "Send it fewer times."),
    "36": Explanation("A segment group repeats too often.", "Send it fewer times."),
    "37": Explanation("The value has the wrong representation (e.g. letters in a number).",
                      "Send the value in the element's format."),
    "39": Explanation("The value is too long.", "Shorten it to the element's maximum length."),
    "40": Explanation("The value is too short.", "Complete it to the element's minimum length."),
}  # fmt: skip


def explain(standard: str | None, level: str, code: str) -> Explanation | None:
    """The plain-language reading of ``code`` at ``level`` (segment, element, set,
    group) for ``standard`` (x12 or edifact); None when the code has no entry."""
    if (standard or "").lower() == "edifact":
        return _EDIFACT.get(code)
    table = {
        "segment": _X12_SEGMENT,
        "element": _X12_ELEMENT,
        "set": _X12_SET,
        "group": _X12_GROUP,
    }.get(level, {})
    return table.get(code)
