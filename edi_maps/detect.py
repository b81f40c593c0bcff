"""Which standard an input is written in, from its first bytes."""

from __future__ import annotations

from edi_maps.errors import NotEdiError
from gateway.canonical import Standard

_LEADING = b" \t\r\n\x00\xef\xbb\xbf"
_EBCDIC_LEADING = b"\x40\x25\x15\x0d"


def detect(head: bytes) -> Standard:
    """Sniff ``head`` (the first few hundred bytes are enough).

    Raises:
        NotEdiError: neither an ISA (ASCII or EBCDIC) nor a UNA/UNB comes first.
    """
    text = head.lstrip(_LEADING)
    if text.startswith(b"ISA") or head.lstrip(_LEADING + _EBCDIC_LEADING).startswith(
        b"\xc9\xe2\xc1"
    ):
        return Standard.X12
    if text.startswith((b"UNA", b"UNB")):
        return Standard.EDIFACT
    if not text:
        raise NotEdiError("not EDI: the input is empty")
    raise NotEdiError("not EDI: expected an X12 ISA or an EDIFACT UNA/UNB segment at the start")
