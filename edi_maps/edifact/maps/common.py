"""Vocabulary and value conversions every EDIFACT map shares.

Code translations are tables used in both directions, as for X12
(``edi_maps/x12/maps/common.py``): reading maps every code a sender may use for a
meaning; writing uses the first code listed, which reading maps back, so
canonical → EDIFACT → canonical is the identity on what the contract can hold.
Identifier and role names are the same as the X12 maps give, so a partner moving
from X12 to EDIFACT produces the same canonical documents.

Positions are 1-based as in the directories: ``value(row, 2, 1)`` is the first
component of the second data element (``NAD+BY+5412345000013::9``: element 2 is
the party identification, component 3 its code list agency).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from edi_maps.edifact.segments import Row
from edi_maps.errors import MappingError
from gateway.canonical import Address, ItemIds, Party, Role
from gateway.canonical.builders import builder

# Faster equivalents of the constructors, for what every message builds (builders.py).
new_address = builder(Address)
new_item_ids = builder(ItemIds)
new_party = builder(Party)

# NAD 3035 party function code qualifier ↔ role; the first code per role is written.
ROLE_CODES: dict[Role, tuple[str, ...]] = {
    Role.BUYER: ("BY", "OB"),  # buyer, ordered by
    Role.SELLER: ("SE",),
    Role.SUPPLIER: ("SU",),
    Role.SHIP_TO: ("DP", "ST", "CN"),  # delivery party, ship to, consignee
    Role.BILL_TO: ("IV", "BT"),  # invoicee
    Role.SHIP_FROM: ("SF", "CZ"),  # ship from, consignor
    Role.REMIT_TO: ("PE", "RE"),  # payee, party to receive remittance
}
ROLE_OF_CODE = {code: role for role, codes in ROLE_CODES.items() for code in codes}

# NAD C082 3055 code list responsible agency ↔ identifier name (as X12's N103 names).
ID_NAMES: dict[str, str] = {
    "9": "gln",  # GS1 (EAN)
    "16": "duns",
    "92": "buyer_assigned",
    "91": "seller_assigned",
}
ID_AGENCIES = {name: code for code, name in ID_NAMES.items()}
MUTUALLY_DEFINED = "mutually_defined"  # no agency given: as X12's ZZ
_OTHER_ID = "edifact_"  # an agency with no name: edifact_<code>

# C212 7143 item type identification code ↔ ItemIds field; first code written.
ITEM_CODES: dict[str, tuple[str, ...]] = {
    "buyer_item": ("IN", "BP"),  # buyer's item number, buyer's part number
    "vendor_item": ("SA", "VN", "MF"),  # supplier's article, vendor item, manufacturer's
    "gtin": ("SRV", "EN"),  # GS1 GTIN (EANCOM), EAN
    "upc": ("UP",),
}
ITEM_FIELD_OF_CODE = {code: name for name, codes in ITEM_CODES.items() for code in codes}

# DTM C507 2379 date/time/period format code → how many characters it has.
DATE_FORMAT = "102"  # CCYYMMDD
DATETIME_FORMAT = "203"  # CCYYMMDDHHMM
DATETIME_SECONDS_FORMAT = "204"  # CCYYMMDDHHMMSS
_DATE_FORMATS = {"102": 8, "101": 6, "203": 12, "204": 14, "718": 17}


# -- reading values --------------------------------------------------------------


def value(row: Row | None, element: int, component: int = 1) -> str | None:
    """Component ``component`` of data element ``element`` (both 1-based), None when
    absent or blank."""
    if row is None or element >= len(row):
        return None
    components = row[element]
    if component > len(components):
        return None
    found = components[component - 1].rstrip()
    return found or None


def first(rows: Sequence[Row], tag: str, *qualifiers: str, element: int = 1) -> Row | None:
    """The first ``tag`` row (whose first component of ``element`` is one of
    ``qualifiers``, if given)."""
    for row in rows:
        if row[0][0] == tag and (not qualifiers or value(row, element) in qualifiers):
            return row
    return None


def groups(rows: Sequence[Row], trigger: str, stops: frozenset[str]) -> list[list[Row]]:
    """Each segment group ``trigger`` starts, up to the next one; a tag in ``stops``
    ends them all."""
    found: list[list[Row]] = []
    for row in rows:
        tag = row[0][0]
        if tag in stops:
            break
        if tag == trigger:
            found.append([row])
        elif found:
            found[-1].append(row)
    return found


def until(rows: Sequence[Row], stops: frozenset[str]) -> list[Row]:
    """The rows before the first one whose tag is in ``stops``."""
    kept: list[Row] = []
    for row in rows:
        if row[0][0] in stops:
            break
        kept.append(row)
    return kept


def decimal(text: str | None, mark: str = ".") -> Decimal | None:
    """A numeric value; the decimal mark of the UNA (or a full stop) is accepted."""
    if text is None:
        return None
    if mark != ".":
        text = text.replace(mark, ".")
    number = _DECIMALS.get(text)
    if number is not None:
        return number
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise MappingError(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise MappingError(f"{text!r} is not a number")
    if len(_DECIMALS) >= _CACHE_SIZE:
        _DECIMALS.clear()
    _DECIMALS[text] = number
    return number


# Decimals remembered by their text: quantities and prices repeat from message to
# message, and a lookup costs a sixth of Decimal(text) (see edi_maps/x12/maps/common.py,
# where it was measured); Decimal is immutable, so documents may share them.
_CACHE_SIZE = 4096
_DECIMALS: dict[str, Decimal] = {}


def dtm(row: Row | None) -> date | datetime | None:
    """The date (or UTC timestamp, for formats with a time) of a DTM segment."""
    if row is None:
        return None
    return to_moment(value(row, 1, 2), value(row, 1, 3) or DATE_FORMAT)


def to_moment(text: str | None, format_code: str) -> date | datetime | None:
    """A DTM value in format ``format_code`` (102, 101, 203, 204; 718 gives the
    period's start)."""
    if text is None:
        return None
    size = _DATE_FORMATS.get(format_code)
    if (
        size is None
        or len(text) != size
        or not text.replace("-", "").isascii()
        or not text.replace("-", "").isdigit()
    ):
        raise MappingError(f"{text!r} is not a date in format {format_code}")
    try:
        if format_code == "101":
            return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if format_code in ("102", "718"):
            return day
        clock = time(int(text[8:10]), int(text[10:12]), int(text[12:14] or 0))
    except ValueError:
        raise MappingError(f"{text!r} is not a date in format {format_code}") from None
    return datetime.combine(day, clock, UTC)


def to_date(moment: date | datetime | None) -> date | None:
    """The calendar day of a DTM value (a timestamp's date)."""
    if isinstance(moment, datetime):
        return moment.date()
    return moment


def to_timestamp(moment: date | datetime | None) -> datetime | None:
    """A DTM value as an aware timestamp (a bare date is midnight UTC)."""
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0, 0), UTC)


def party(nad: Row) -> Party | None:
    """A party from a NAD; None for a function code the contract has no role for."""
    role = ROLE_OF_CODE.get(value(nad, 1) or "")
    if role is None:
        return None
    identifiers: dict[str, str] = {}
    identifier = value(nad, 2, 1)
    if identifier:
        agency = value(nad, 2, 3)
        name = ID_NAMES.get(agency or "", _OTHER_ID + agency if agency else MUTUALLY_DEFINED)
        identifiers[name] = identifier
    names = [v for c in range(1, 6) if (v := value(nad, 4, c))]  # C080 party name
    if not names:  # C058 name and address, unstructured
        names = [v for c in range(1, 6) if (v := value(nad, 3, c))]
    lines = [v for c in range(1, 5) if (v := value(nad, 5, c))]  # C059 street
    city, region = value(nad, 6), value(nad, 7)
    postal_code, country = value(nad, 8), value(nad, 9)
    address = None
    if lines or city or region or postal_code or country:
        address = new_address(
            lines=lines, city=city, region=region, postal_code=postal_code, country=country
        )
    return new_party(
        role=role, name=" ".join(names) or None, identifiers=identifiers, address=address
    )


def item_ids(
    pairs: Iterable[tuple[str | None, str | None]], description: str | None = None
) -> ItemIds:
    """ItemIds from (item number, type code) pairs (C212): the first of each kind wins."""
    found: dict[str, str] = {}
    for number, code in pairs:
        field = ITEM_FIELD_OF_CODE.get(code or "")
        if field and number and field not in found:
            found[field] = number
    return new_item_ids(description=description, **found)


def item_pairs(rows: Sequence[Row]) -> list[tuple[str | None, str | None]]:
    """(number, type) of the LIN's C212 and every PIA's C212s among ``rows``."""
    found: list[tuple[str | None, str | None]] = []
    for row in rows:
        tag = row[0][0]
        if tag == "LIN":
            found.append((value(row, 3, 1), value(row, 3, 2)))
        elif tag == "PIA":  # C212s 2-6; absent ones would give (None, None), which
            # item_ids passes over: most PIAs carry one, so only those present are read
            found.extend((value(row, e, 1), value(row, e, 2)) for e in range(2, min(7, len(row))))
    return found


def description(rows: Sequence[Row]) -> str | None:
    """The free-form IMD descriptions among ``rows``: the two 7008 parts of one C273
    run on; several IMDs are joined by a space."""
    texts: list[str] = []
    for row in rows:
        if row[0][0] == "IMD" and row[3:]:
            parts = row[3][3:5]  # C273 7008, 7008 (untrimmed: part 1 may end in a space)
            if text := "".join(parts).rstrip():
                texts.append(text)
    return " ".join(texts) or None


# -- writing values --------------------------------------------------------------


def write_decimal(number: Decimal | None) -> str:
    """A numeric value with a full stop (the default decimal mark; ``format`` never
    writes an exponent)."""
    return "" if number is None else format(number, "f")


def write_dtm(qualifier: str, moment: date | datetime) -> Row:
    """DTM for a date (102) or a timestamp, in UTC (203, or 204 with seconds)."""
    if isinstance(moment, datetime):
        utc = moment.astimezone(UTC)
        if utc.second:
            return [["DTM"], [qualifier, utc.strftime("%Y%m%d%H%M%S"), DATETIME_SECONDS_FORMAT]]
        return [["DTM"], [qualifier, utc.strftime("%Y%m%d%H%M"), DATETIME_FORMAT]]
    return [["DTM"], [qualifier, moment.strftime("%Y%m%d"), DATE_FORMAT]]


def write_nad(member: Party) -> Row:
    """NAD with the party's first identifier, name (C080), street (C059), city,
    region, postal code and country."""
    row: Row = [["NAD"], [ROLE_CODES[member.role][0]]]
    identifier = next(iter(member.identifiers.items()), None)
    if identifier is not None:
        name, number = identifier
        agency = ID_AGENCIES.get(name) or (
            name.removeprefix(_OTHER_ID) if name.startswith(_OTHER_ID) else ""
        )
        row.append([number, "", agency] if agency else [number])
    else:
        row.append([""])
    row.append([""])  # C058
    row.append([member.name] if member.name else [""])
    address = member.address
    if address is not None:
        row.append(list(address.lines[:4]) or [""])
        row.extend([[address.city or ""], [address.region or ""], [address.postal_code or ""],
                    [address.country or ""]])  # fmt: skip
    return trim(row)


def write_item_pairs(item: ItemIds) -> list[tuple[str, str]]:
    """(number, type) for every id ``item`` carries, in a fixed order."""
    found: list[tuple[str, str]] = []
    for field, codes in ITEM_CODES.items():
        number = getattr(item, field)
        if number:
            found.append((number, codes[0]))
    return found


DESCRIPTION_PART = 35  # 7008 is an..35; C273 holds two


def write_imd(text: str) -> list[Row]:
    """IMD+F++:::part1:part2 rows for ``text``: 70 characters per IMD; a longer text
    is cut at spaces (reading joins IMDs with one), else it cannot be written."""
    chunks: list[str] = []
    rest = text
    while len(rest) > 2 * DESCRIPTION_PART:
        cut = rest.rfind(" ", 1, 2 * DESCRIPTION_PART + 1)
        if cut <= 0 or rest[cut - 1] == " " or rest[cut + 1 : cut + 2] == " ":
            raise MappingError(f"a description of {len(text)} characters cannot be cut at spaces")
        chunks.append(rest[:cut])
        rest = rest[cut + 1 :]
    chunks.append(rest)
    rows: list[Row] = []
    for chunk in chunks:
        parts = [chunk[:DESCRIPTION_PART], chunk[DESCRIPTION_PART:]]
        rows.append(trim([["IMD"], ["F"], [""], ["", "", "", *parts]]))
    return rows


def trim(row: Row) -> Row:
    """``row`` without trailing empty components and elements (ISO 9735: a segment
    ends with its last value, no trailing separators)."""
    out: Row = []
    for components in row:
        kept = list(components)
        while len(kept) > 1 and kept[-1] == "":
            kept.pop()
        out.append(kept)
    while len(out) > 1 and out[-1] == [""]:
        out.pop()
    return out


# -- payment terms (PAT groups, FTX AAB) ↔ the contract's one line of text ------------

PAYMENT_TERMS_TEXT = "AAB"  # FTX 4451: terms of payments
BASIC_TERMS, DISCOUNT_TERMS = "1", "22"  # PAT 4279
AFTER_INVOICE_DAYS = ("5", "3", "D")  # C112: date of invoice, after reference, days
DISCOUNT_PERCENT = "12"  # PCD 5245
FREE_TEXT_PART = 70  # FTX C108: five 4440 an..70


def payment_terms(pats: Sequence[Sequence[Row]], rows: Sequence[Row], mark: str) -> str | None:
    """The terms of the PAT groups ``pats`` (each PAT with its DTM/PCD/MOA) and of the
    FTX AAB among ``rows``: PAT texts joined by a space ("2% 10 net 30"), the FTX
    texts after them, joined by "; ".

    A PAT's text is its C110 description when given, else "2% 10" (discount terms,
    22, with a PCD 12 percent) or "net 30" (other terms) from a C112 period in days.
    """
    structured = " ".join(text for group in pats if (text := _pat_text(group, mark)))
    texts = [structured] + [
        "".join(row[4]).rstrip()  # C108's parts run on: a writer cuts text anywhere
        for row in rows
        if row[0][0] == "FTX" and value(row, 1) == PAYMENT_TERMS_TEXT and len(row) > 4
    ]
    return "; ".join(text for text in texts if text) or None


def _pat_text(group: Sequence[Row], mark: str) -> str | None:
    pat = group[0]
    if text := "".join(pat[2][3:5]).rstrip() if len(pat) > 2 else "":
        return text
    period, count = value(pat, 3, 3), value(pat, 3, 4)
    if period != AFTER_INVOICE_DAYS[2] or count is None:
        return None
    if value(pat, 1) != DISCOUNT_TERMS:
        return f"net {count}"
    percent = decimal(value(first(group, "PCD", DISCOUNT_PERCENT), 1, 2), mark)
    return None if percent is None else f"{format(percent.normalize(), 'f')}% {count}"


def write_payment_terms(text: str | None) -> tuple[list[Row], list[Row]]:
    """(FTX rows, PAT rows) for ``text``: PAT 22 + PCD 12 and PAT 1 when reading them
    back gives the same text ("2% 10 net 30", "2% 10", "net 30"), else one FTX AAB
    with the text in 70-character parts (at most five)."""
    if not text:
        return [], []
    words = text.split(" ")
    net = words[-1] if len(words) >= 2 and words[-2] == "net" else None
    head = words[:-2] if net is not None else words
    percent, days = (head[0][:-1], head[1]) if len(head) == 2 and head[0][-1:] == "%" else ("", "")
    numbers = [n for n in (percent.replace(".", "", 1), days, net) if n]
    if (head == [] or days) and numbers and all(n.isascii() and n.isdigit() for n in numbers):
        rows: list[Row] = []
        if days:
            rows += [[["PAT"], [DISCOUNT_TERMS], [""], [*AFTER_INVOICE_DAYS, days]],
                     [["PCD"], [DISCOUNT_PERCENT, percent]]]  # fmt: skip
        if net is not None:
            rows.append([["PAT"], [BASIC_TERMS], [""], [*AFTER_INVOICE_DAYS, net]])
        if payment_terms(groups(rows, "PAT", frozenset()), [], ".") == text:
            return [], rows
    if len(text) > 5 * FREE_TEXT_PART:
        raise MappingError(f"payment terms of {len(text)} characters do not fit FTX C108")
    parts = [text[i : i + FREE_TEXT_PART] for i in range(0, len(text), FREE_TEXT_PART)]
    return [[["FTX"], [PAYMENT_TERMS_TEXT], [""], [""], parts]], []
