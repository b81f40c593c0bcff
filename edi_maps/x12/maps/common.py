"""Vocabulary and value conversions every X12 map shares.

Code translations are tables, each used in both directions: reading maps every
code the standard uses for a meaning; writing uses the first code listed for a
meaning, which reading maps back, so canonical → X12 → canonical is the identity
on what the contract can express.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from edi_maps.x12.maps.base import MappingError, Row
from gateway.canonical import Address, ItemIds, Party, Role
from gateway.canonical.builders import builder

# Faster equivalents of the constructors, for what every set builds (builders.py).
new_address = builder(Address)
new_item_ids = builder(ItemIds)
new_party = builder(Party)

# N101 entity identifier code (98) ↔ party role; the first code per role is written.
ROLE_CODES: dict[Role, tuple[str, ...]] = {
    Role.BUYER: ("BY", "SO"),
    Role.SELLER: ("SE", "II"),
    Role.SUPPLIER: ("SU", "VN"),
    Role.SHIP_TO: ("ST",),
    Role.BILL_TO: ("BT",),
    Role.SHIP_FROM: ("SF",),
    Role.REMIT_TO: ("RI", "RE"),
}
ROLE_OF_CODE = {code: role for role, codes in ROLE_CODES.items() for code in codes}

# N103 identification code qualifier (66) ↔ identifier name.
ID_NAMES: dict[str, str] = {
    "1": "duns",
    "9": "duns_plus_4",
    "UL": "gln",
    "92": "buyer_assigned",
    "91": "seller_assigned",
    "ZZ": "mutually_defined",
}
ID_CODES = {name: code for code, name in ID_NAMES.items()}
_OTHER_ID = "x12_"  # an identifier whose qualifier has no name: x12_<code>

# Product/service ID qualifier (235) ↔ ItemIds field; the first code per field is written.
ITEM_CODES: dict[str, tuple[str, ...]] = {
    "buyer_item": ("BP", "IN", "SK", "CB"),  # CB: buyer's catalog number
    "vendor_item": ("VP", "VN", "VA"),
    "gtin": ("UK", "EN", "UA"),
    "upc": ("UP",),
}
ITEM_FIELD_OF_CODE = {code: name for name, codes in ITEM_CODES.items() for code in codes}

# DTM04 time code → UTC offset (hours); X12 times without one are read as UTC.
TIME_ZONES: dict[str, int] = {
    "UT": 0, "GM": 0, "ET": -5, "ED": -4, "ES": -5, "CT": -6, "CD": -5, "CS": -6,
    "MT": -7, "MD": -6, "MS": -7, "PT": -8, "PD": -7, "PS": -8,
}  # fmt: skip


# -- reading values --------------------------------------------------------------


def element(row: Row | None, position: int) -> str | None:
    """Element ``position`` (1-based) of ``row``, None when absent or blank (or no row)."""
    if row is None or position >= len(row):
        return None
    value = row[position]
    if value.isascii():  # the hot path: called for nearly every element read
        return value.rstrip() or None
    return text(value) or None


def text(value: str) -> str:
    """A value as people meant it: UTF-8 read as ISO-8859-1 is repaired, trailing blanks go."""
    if not value.isascii():
        with suppress(UnicodeError):  # not UTF-8: the ISO-8859-1 reading stands
            value = value.encode("latin-1").decode("utf-8")
    return value.rstrip()


# Conversions remembered by their text. Quantities, prices and dates repeat from set
# to set, and a dict lookup costs a sixth of Decimal(text) (204 ns against 31 ns,
# measured on the bench machine); Decimal and date are immutable, so documents may
# share them. Cleared when full rather than evicted one by one: the bound is what
# matters, and a steady stream refills the common values at once.
_CACHE_SIZE = 4096
_DECIMALS: dict[str, Decimal] = {}
_DATES: dict[str, date] = {}


def decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    number = _DECIMALS.get(value)
    if number is not None:
        return number
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise MappingError(f"{value!r} is not a number") from None
    if not number.is_finite():  # "NaN", "Infinity": only unvalidated sets get here
        raise MappingError(f"{value!r} is not a number")
    if len(_DECIMALS) >= _CACHE_SIZE:
        _DECIMALS.clear()
    _DECIMALS[value] = number
    return number


def implied(value: str | None, places: int) -> Decimal | None:
    """An N2-type value (implied decimals): "30000" with 2 places is 300.00."""
    number = decimal(value)
    return None if number is None else number.scaleb(-places)


def to_date(value: str | None) -> date | None:
    """CCYYMMDD, or YYMMDD (pre-004010, read as 20YY)."""
    if value is None:
        return None
    day = _DATES.get(value)
    if day is not None:
        return day
    try:
        if len(value) == 8:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
        elif len(value) == 6:
            day = date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        pass
    if day is None:
        raise MappingError(f"{value!r} is not a date")
    if len(_DATES) >= _CACHE_SIZE:
        _DATES.clear()
    _DATES[value] = day
    return day


def to_timestamp(day: str | None, clock: str | None, zone: str | None = None) -> datetime | None:
    """A date, an optional HHMM[SS] time and an optional DTM04 time code, as an aware datetime."""
    moment = to_date(day)
    if moment is None:
        return None
    at = time(0, 0)
    if clock:
        try:
            at = time(int(clock[:2]), int(clock[2:4]), int(clock[4:6]) if len(clock) >= 6 else 0)
        except ValueError:  # "2561": only unvalidated (pre-004010) sets get here
            raise MappingError(f"{clock!r} is not a time") from None
    offset = TIME_ZONES.get(zone or "", 0)
    tz = UTC if offset == 0 else timezone(timedelta(hours=offset))
    return datetime.combine(moment, at, tz)


def party(
    n1: Row, n2: Sequence[Row] = (), n3: Sequence[Row] = (), n4: Row | None = None
) -> Party | None:
    """A party from an N1 loop; None for an entity code the contract has no role for."""
    code = element(n1, 1)
    role = ROLE_OF_CODE.get(code or "")
    if role is None:
        return None
    identifiers = {}
    qualifier, identifier = element(n1, 3), element(n1, 4)
    if qualifier and identifier:
        identifiers[ID_NAMES.get(qualifier, _OTHER_ID + qualifier)] = identifier
    name = element(n1, 2)
    if n2:  # the usual N1 has no N2: then the name is N102 alone
        names: list[str] = []
        for value in [name] + [element(row, p) for row in n2 for p in (1, 2)]:
            if value and value not in names:  # some senders repeat N102 in N201
                names.append(value)
        name = " ".join(names) or None
    lines = [v for row in n3 for v in (element(row, 1), element(row, 2)) if v]
    address = None
    if lines or n4 is not None:
        address = new_address(
            lines=lines,
            city=element(n4, 1) if n4 else None,
            region=element(n4, 2) if n4 else None,
            postal_code=element(n4, 3) if n4 else None,
            country=element(n4, 4) if n4 else None,
        )
    return new_party(role=role, name=name, identifiers=identifiers, address=address)


def item_ids(
    pairs: Iterable[tuple[str | None, str | None]], description: str | None = None
) -> ItemIds:
    """ItemIds from (qualifier, id) pairs: the first id of each kind wins."""
    found: dict[str, str] = {}
    for qualifier, identifier in pairs:
        field = ITEM_FIELD_OF_CODE.get(qualifier or "")
        if field and identifier and field not in found:
            found[field] = identifier
    return new_item_ids(description=description, **found)


def pairs(row: Row, first: int, last: int) -> list[tuple[str | None, str | None]]:
    """(qualifier, id) element pairs from position ``first`` to ``last`` (inclusive)."""
    end = min(last, len(row) - 1)  # most rows stop long before ``last``
    return [(element(row, p), element(row, p + 1)) for p in range(first, end, 2)]


# -- writing values --------------------------------------------------------------


def write_decimal(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def write_implied(value: Decimal | None, places: int) -> str:
    """An N2-type value: 300.00 with 2 places is "30000"; more decimals cannot be written."""
    if value is None:
        return ""
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise MappingError(f"{value} has more than {places} decimals")
    return format(scaled.to_integral_value(), "f")


def write_date(value: date | None, version: str) -> str:
    """CCYYMMDD from 004010 on, YYMMDD before."""
    if value is None:
        return ""
    return value.strftime("%Y%m%d" if version[:6] >= "004010" else "%y%m%d")


def write_item_pairs(item: ItemIds) -> list[str]:
    """Qualifier/id elements for every id ``item`` carries, in a fixed order."""
    out: list[str] = []
    for field, codes in ITEM_CODES.items():
        value = getattr(item, field)
        if value:
            out.extend((codes[0], value))
    return out


def write_party(value: Party, version: str) -> list[Row]:
    """The N1 loop rows for a party: N1 (the first identifier), N3, N4."""
    identifier = next(iter(value.identifiers.items()), None)
    if not value.name and identifier is None:
        raise MappingError(f"the {value.role} party needs a name or an identifier (N1 R0203)")
    qualifier = ""
    if identifier is not None:
        name, _ = identifier
        qualifier = ID_CODES.get(name) or name.removeprefix(_OTHER_ID)
    rows = [
        [
            "N1",
            ROLE_CODES[value.role][0],
            value.name or "",
            qualifier,
            identifier[1] if identifier else "",
        ]
    ]
    address = value.address
    if address is not None:
        lines = list(address.lines)
        for start in range(0, len(lines), 2):
            rows.append(["N3", *lines[start : start + 2]])
        if address.city or address.region or address.postal_code or address.country:
            rows.append(["N4", address.city or "", address.region or "", address.postal_code or "",
                         address.country or ""])  # fmt: skip
    return rows


# -- reading loops -----------------------------------------------------------------


def parties(loops: Iterable[Sequence[Row]]) -> list[Party]:
    """One party per N1 loop among ``loops`` whose entity code has a role in the contract."""
    found: list[Party] = []
    for loop in loops:
        n1 = loop[0]
        if n1[0] != "N1" or (len(n1) > 1 and n1[1].rstrip() not in ROLE_OF_CODE):
            continue  # not a party, or one whose role the contract lacks (party() says None)
        # one pass for N2s, N3s and the first N4, not three (every 850 has a few
        # N1 loops; tests/unit/edi_maps/x12/maps/test_purchase_order_850.py checks
        # the result against the three-pass reading)
        n2: list[Row] = []
        n3: list[Row] = []
        n4: Row | None = None
        for row in loop:
            tag = row[0]
            if tag == "N3":
                n3.append(row)
            elif tag == "N4":
                if n4 is None:
                    n4 = row
            elif tag == "N2":
                n2.append(row)
        member = party(n1, n2, n3, n4)
        if member is not None:
            found.append(member)
    return found


FREE_FORM = ("F", "X")  # PID01 item description types carrying free-form PID05 text


def description(rows: Sequence[Row]) -> str | None:
    """The free-form PID05 texts among ``rows`` joined by a space (long descriptions
    come split over several PIDs), else the first PID05 of any type."""
    texts: list[str] = []
    other: str | None = None
    for row in rows:
        if row[0] == "PID" and (value := element(row, 5)):
            if element(row, 1) in FREE_FORM:
                texts.append(value)
            elif other is None:
                other = value
    return " ".join(texts) if texts else other
