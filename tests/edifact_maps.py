"""Shared by the EDIFACT map tests: value strategies sized for EDIFACT elements, and
everything validation finds in a message written by a map."""

from __future__ import annotations

from hypothesis import strategies as st

from edi_maps.edifact.maps.common import ID_NAMES, MUTUALLY_DEFINED
from edi_maps.edifact.segments import Row
from edi_maps.edifact.validation import validate_edifact
from gateway.canonical import Address, ItemIds, Party, Role
from tests.edifact_rows import to_text
from tests.strategies import codes, maybe, words


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Values as EDIFACT carries them: besides letters, digits and inner spaces, the
    service characters a writer must release (an..``max_size``)."""
    return words(max_size) | codes(rf"[A-Z0-9][A-Za-z0-9 +:'?*.]{{0,{max_size - 2}}}[A-Z0-9?]")


# Parties within NAD's limits: names, ids, streets and cities an..35, region an..9,
# postal code an..9, country an..3; identifier names those an agency stands for.
PARTIES = st.builds(
    Party,
    role=st.sampled_from(list(Role)),
    name=maybe(texts(35)),
    identifiers=st.dictionaries(
        st.sampled_from([*sorted(ID_NAMES.values()), MUTUALLY_DEFINED]), texts(35), max_size=1
    ),
    address=maybe(
        st.builds(
            Address,
            lines=st.lists(texts(35), max_size=4),
            city=maybe(texts(35)),
            region=maybe(codes(r"[A-Z]{2,3}")),
            postal_code=maybe(codes(r"[0-9A-Z]{3,9}")),
            country=maybe(codes(r"[A-Z]{2,3}")),
        ).filter(lambda a: bool(a.lines or a.city or a.region or a.postal_code or a.country))
    ),
)
ITEM_IDS = st.builds(
    ItemIds,
    buyer_item=maybe(texts(35)),
    vendor_item=maybe(texts(35)),
    gtin=maybe(codes(r"[0-9]{8,14}")),
    upc=maybe(codes(r"[0-9]{12}")),
    description=maybe(texts(70)),
)


def findings(identifier: str, rows: list[Row], syntax: str = "UNOC:3") -> list[str]:
    """Everything EDIFACT validation finds in a message of ``rows`` (between UNH and
    UNT) with UNH S009 ``identifier``, in a minimal interchange."""
    body = to_text(rows)
    date = "20261128" if syntax.endswith("4") else "261128"
    text = (
        f"UNB+{syntax}+SENDER:14+RECEIVER:14+{date}:1200+1'\nUNH+1+{identifier}'\n{body}"
        f"UNT+{len(rows) + 2}+1'\nUNZ+1+1'\n"
    )
    result = validate_edifact(text.encode("latin-1"))
    found = [error.description for error in result.errors]
    for interchange in result.interchanges:
        found += [f"UCI {error.code} {error.description}" for error in interchange.errors]
        for group in interchange.groups:
            found += [f"UCF {code}" for code in group.codes]
            for message in group.sets:
                found += [f"UCM {code}" for code in message.codes]
                found += [
                    f"{e.segment_id}@{e.segment_position} {e.code} {e.description} "
                    f"{[(x.element_position, x.component_position, x.code) for x in e.elements]}"
                    for e in message.errors
                ]
    return found
