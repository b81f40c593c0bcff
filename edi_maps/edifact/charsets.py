"""Character sets of EDIFACT interchanges: UNB S001 0001 (syntax identifier) → codec.

The reader hands on values as their ISO-8859-1 reading (one character per byte),
so that separators, which are always single bytes, are found without decoding.
:func:`decode` turns such a value into the text the sender meant, and
:func:`repertoire_problems` finds the characters a syntax level does not allow
(CONTRL syntax error 21, "invalid character").

Syntax identifiers (code list 0001, ISO 9735): the "UNO" + level codes of the UN
(A-K: ISO 646 subsets and the ISO 8859 parts; X: ISO 2022 code extension; Y and
W: ISO 10646), KECA (Korean) and the IATA airline levels IATA/IATB, which use
the repertoires of levels A and B.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

# Syntax identifier → Python codec.
SYNTAX_CODECS: dict[str, str] = {
    "UNOA": "ascii",  # level A: an ISO 646 subset (upper case), checked by repertoire_problems
    "UNOB": "ascii",  # level B: level A and lower case
    "UNOC": "latin-1",  # ISO 8859-1, Latin alphabet No. 1
    "UNOD": "iso8859-2",  # Latin alphabet No. 2
    "UNOE": "iso8859-5",  # Latin/Cyrillic
    "UNOF": "iso8859-7",  # Latin/Greek
    "UNOG": "iso8859-3",  # Latin alphabet No. 3
    "UNOH": "iso8859-4",  # Latin alphabet No. 4
    "UNOI": "iso8859-6",  # Latin/Arabic
    "UNOJ": "iso8859-8",  # Latin/Hebrew
    "UNOK": "iso8859-9",  # Latin alphabet No. 5
    "UNOX": "iso2022_jp",  # ISO 2022 code extension; in practice ISO-2022-JP (Japanese)
    "UNOY": "utf-8",  # ISO 10646-1 octets without code extension
    "UNOW": "utf-8",  # ISO 10646-1 with the UTF-8 transformation format (syntax 4)
    "KECA": "cp949",  # Korean: KS C 5601 (Windows code page 949, a superset of EUC-KR)
    "IATA": "ascii",  # IATA level A (the repertoire of UNOA)
    "IATB": "ascii",  # IATA level B (the repertoire of UNOB)
}

# Level A (ISO 9735 §6.2): upper-case letters, digits, space and . , - ( ) / = plus the
# service characters ' + : ? and the characters "not for telex": ! " % & * ; < >.
_LEVEL_A = "A-Z0-9 .,\\-()/='+:?!\"%&*;<>"
_OUTSIDE = {
    "UNOA": re.compile(f"[^{_LEVEL_A}]"),
    "UNOB": re.compile(f"[^{_LEVEL_A}a-z]"),
    "IATA": re.compile(f"[^{_LEVEL_A}]"),
    "IATB": re.compile(f"[^{_LEVEL_A}a-z]"),
}
# C0 and C1 control characters: in no graphic repertoire (service characters of level B
# are separators, never values).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def codec(syntax_id: str) -> str | None:
    """The Python codec of a syntax identifier (UNB S001 0001); None when unknown."""
    return SYNTAX_CODECS.get(syntax_id)


def decode(value: str, syntax_id: str, *, sniff_utf8: bool = True) -> str:
    """The text of ``value`` (an ISO-8859-1 reading of the bytes, release characters
    removed) in the interchange's character set.

    Undecodable bytes become U+FFFD (``errors="replace"``): the text stays usable and
    the damage visible, and validation has already reported the bytes (syntax error 21,
    :func:`repertoire_problems`) before a map sees the value. An unknown syntax
    identifier leaves the ISO-8859-1 reading as it is (validation reports the
    identifier).

    Args:
        value: the value as the reader gives it.
        syntax_id: UNB S001 0001, e.g. "UNOC".
        sniff_utf8: a value in a declared single-byte set (UNOA…UNOK, IATA/IATB) that
            is well-formed UTF-8 with multi-byte sequences is read as UTF-8. Senders
            often label UTF-8 as UNOA or UNOC (two files of the sample corpus do),
            and real ISO 8859 text almost never forms valid UTF-8 sequences.
    """
    if value.isascii():
        return value
    name = SYNTAX_CODECS.get(syntax_id)
    if name is None:
        return value
    raw = value.encode("latin-1", "replace")  # only characters > 0xFF fail: none from the reader
    if sniff_utf8 and _single_byte(name):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.decode(name, "replace")


def repertoire_problems(value: str, syntax_id: str) -> list[str]:
    """What in ``value`` (as the reader gives it, release characters removed) the
    syntax identifier's repertoire does not allow, one line per distinct character;
    ``[]`` when it is clean or the identifier is unknown.

    UNOA/IATA allow level A (upper case, digits, space and ``.,-()/='+:?!"%&*;<>``),
    UNOB/IATB add lower case; the ISO 8859 levels allow every graphic character
    their part defines (no control characters, no undefined positions); UNOW/UNOY
    require well-formed UTF-8.
    """
    if value.isascii() and not _CONTROLS.search(value) and syntax_id not in _OUTSIDE:
        return []
    outside = _OUTSIDE.get(syntax_id)
    if outside is not None:
        return [_describe(char, syntax_id) for char in dict.fromkeys(outside.findall(value))]
    name = SYNTAX_CODECS.get(syntax_id)
    if name is None:
        return []
    raw = value.encode("latin-1", "replace")
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.end]
        return [f"bytes {bad.hex(' ')} are not {name} (syntax identifier {syntax_id})"]
    return [_describe(char, syntax_id) for char in dict.fromkeys(_CONTROLS.findall(text))]


def _describe(char: str, syntax_id: str) -> str:
    return f"character {char!r} (U+{ord(char):04X}) is not in the {syntax_id} repertoire"


@cache
def _single_byte(name: str) -> bool:
    """Whether the codec maps one byte to one character (the ISO 646/8859 levels)."""
    info = codecs.lookup(name)
    return info.name in {"ascii", "latin-1", "iso8859-1"} or info.name.startswith("iso8859")
