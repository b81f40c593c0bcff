"""Hypothesis strategies for canonical values that more than one map test draws.

Every text is writable X12: letters, digits, inner spaces and (in terms) "%" and
".", so never one of the delimiters the writer refuses, and never blank at either
end (a reader would not give the blanks back).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from edi_maps.x12.maps.common import ID_NAMES
from gateway.canonical import Address, ItemIds, Party, Role

_FIRST = "[A-Za-z0-9]"
_INNER = "[A-Za-z0-9 ]"


def codes(pattern: str) -> st.SearchStrategy[str]:
    """Strings matching the regular expression ``pattern`` as a whole."""
    return st.from_regex(pattern, fullmatch=True)


def words(max_size: int, *, min_size: int = 1) -> st.SearchStrategy[str]:
    """Letters, digits and inner spaces, ``min_size`` to ``max_size`` characters:
    no delimiter, no blank at either end."""
    if not 1 <= min_size <= max_size:
        raise ValueError(f"words({max_size}, min_size={min_size})")
    if max_size == 1:
        return codes(_FIRST)
    rest = f"{_INNER}{{{max(min_size - 2, 0)},{max_size - 2}}}{_FIRST}"
    return codes(f"{_FIRST}({rest})" + ("" if min_size >= 2 else "?"))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def decimals(
    max_digits: int, max_places: int, *, signed: bool = False
) -> st.SearchStrategy[Decimal]:
    """Up to ``max_digits`` digits, 0 to ``max_places`` of them decimals (trailing zeros
    kept: 1.50 is drawn as well as 1.5)."""
    low = -(10 ** (max_digits - 1)) if signed else 0
    return st.builds(
        lambda n, places: Decimal(n).scaleb(-places),
        st.integers(low, 10 ** (max_digits - 1)),
        st.integers(0, max_places),
    )


dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))

addresses = st.builds(
    Address,
    lines=st.lists(words(55), max_size=4),
    city=maybe(words(30, min_size=2)),
    region=maybe(codes(r"[A-Z]{2}")),
    postal_code=maybe(codes(r"[0-9A-Za-z]{3,15}")),
    country=maybe(codes(r"[A-Z]{2,3}")),
).filter(lambda a: bool(a.lines or a.city or a.region or a.postal_code or a.country))

item_ids = st.builds(
    ItemIds,
    buyer_item=maybe(words(48)),
    vendor_item=maybe(words(48)),
    gtin=maybe(codes(r"[0-9]{8,14}") | words(48)),
    upc=maybe(codes(r"[0-9]{12}") | words(48)),
    description=maybe(words(80)),
)


@st.composite
def _parties(draw: st.DrawFn) -> Party:
    """What an N1 loop carries: one identifier at most (N103/N104), a name or an
    identifier (N1 R0203: write_party refuses a party with neither)."""
    name = draw(maybe(words(60)))
    identifier = draw(
        maybe(st.tuples(st.sampled_from(sorted(ID_NAMES.values())), words(35, min_size=2)))
    )
    if name is None and identifier is None:
        name = draw(words(60))
    return Party(
        role=draw(st.sampled_from(list(Role))),
        name=name,
        identifiers=dict([identifier]) if identifier else {},
        address=draw(maybe(addresses)),
    )


parties = _parties()

# Payment terms: free text (ITD12), or the "2% 10 net 30" / "net 30" shape that
# terms.py writes as ITD03/05/07.
terms = words(80) | st.builds(
    lambda percent, days, net: f"{percent}% {days} net {net}" if percent else f"net {net}",
    st.just("") | st.integers(0, 99).map(str) | st.sampled_from(["0.5", "1.5", "2.5", "12.125"]),
    st.integers(0, 999),
    st.integers(0, 999),
)
