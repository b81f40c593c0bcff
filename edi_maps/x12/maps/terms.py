"""Payment terms: ITD segments ↔ the contract's one line of text.

Contract v1 holds terms as text ("2% 10 net 30"), because partners mix coded
terms, dates and free text. Reading keeps ITD12 when the sender wrote one, else
builds the text from the discount percent and days (or due dates); writing puts
the structured ITD03/05/07 only when reading them back gives the same text, and
ITD12 otherwise, so the round trip is exact either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from edi_maps.x12.maps.base import Row
from edi_maps.x12.maps.common import element, to_date

BASIC, INVOICE_DATE = "01", "3"  # ITD01 terms type, ITD02 basis date, written with a shape
# The text reading builds from ITD03/05/07 ([0-9]: \d would take any Unicode digit,
# which an N0 element cannot hold).
_SHAPE = re.compile(r"(?:([0-9]{1,3}(?:\.[0-9]{1,3})?)% ([0-9]{1,3}) ?)?(?:net ([0-9]{1,3}))?")


def terms_text(rows: Sequence[Row]) -> str | None:
    """The ITDs among ``rows`` as text, several joined with "; "."""
    texts = [text for row in rows if row[0] == "ITD" if (text := _one(row))]
    return "; ".join(texts) or None


def terms_row(text: str) -> Row:
    """One ITD for ``text``: structured when it reads back the same, else ITD12."""
    shape = _SHAPE.fullmatch(text)
    if shape is not None and any(shape.groups()):
        percent, days, net = (value or "" for value in shape.groups())
        row = ["ITD", BASIC, INVOICE_DATE, percent, "", days, "", net]
        if _one(row) == text:
            return row
    return ["ITD", *[""] * 11, text]


def _one(itd: Row) -> str | None:
    """ITD12 as written, else "2% 10 net 30" from ITD03/05/07 (or the due dates 04/06)."""
    if described := element(itd, 12):
        return described
    words: list[str] = []
    percent, days, due = element(itd, 3), element(itd, 5), to_date(element(itd, 4))
    if percent and (days or due):
        if "." in percent:
            percent = percent.rstrip("0").rstrip(".") or "0"
        words.append(f"{percent}% {days}" if days else f"{percent}% by {due}")
    net_days, net_due = element(itd, 7), to_date(element(itd, 6))
    if net_days or net_due:
        words.append(f"net {net_days}" if net_days else f"net by {net_due}")
    return " ".join(words) or None
