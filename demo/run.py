"""The demo: a supplier's EDI read, validated, acknowledged and mapped, shown plainly.

Run by ``./scripts/demo``. Each file in ``demo/inbound/`` (or the paths given)
goes through the same ``edi_maps.translate`` the command line and the
gateway use; the output is what the operations team would want to see: what
arrived, what was accepted, what was wrong and where, the canonical documents
the accepted sets became, and the exact TA1/997/999 that goes back to the
supplier.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from demo import live
from demo.store_tour import tour
from edi_maps.edifact.results import EdifactGroup, EdifactInterchange
from edi_maps.translate import Translation, translate
from edi_maps.x12.results import InterchangeResult, SetResult
from gateway.bootstrap import edi_services
from gateway.canonical import (
    Body,
    FunctionalAck,
    Invoice,
    PoAcknowledgement,
    PurchaseOrder,
    ShipNotice,
)

INBOUND = Path(__file__).parent / "inbound"
WIDTH = 78


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(
        p for p in INBOUND.iterdir() if p.suffix in (".x12", ".edi")
    )
    services = edi_services()
    for path in paths:
        with path.open("rb") as source:
            translation = translate(source, numbers=services.numbers, clock=services.clock)
        _show(path, translation)
    if not argv:
        base = Path(os.environ.get("CROSSDOCK_DEMO_DIR", "data/demo"))
        tour(base / "store")
        live.run(base / "live")
    return 0


def _show(path: Path, translation: Translation) -> None:
    print("=" * WIDTH)
    print(f"{path.name}  ({path.stat().st_size} bytes, {translation.standard.value.upper()})")
    print("=" * WIDTH)
    for error in translation.result.errors:
        print(f"  ! bytes outside any interchange at {error.byte_offset}: {error.description}")
    for interchange in translation.result.interchanges:
        _show_interchange(interchange)
    print()
    print("  Canonical documents for the ERP and WMS (contract v1):")
    for document in translation.documents:
        print(f"    {document.meta.transaction_set} #{document.meta.set_control_number} → "
              f"{document.meta.kind.value}: {_summary(document.body)}")  # fmt: skip
    for failure in translation.mapping_failures:
        print(f"    {failure.transaction_set} #{failure.set_control_number} → not mapped: "
              f"{failure.message}")  # fmt: skip
    if not translation.documents and not translation.mapping_failures:
        print("      (none)")
    print()
    print("  Acknowledgements sent back to the supplier:")
    for ack in translation.acknowledgements:
        print(f"  --- {ack.type} (interchange {ack.interchange_control_number:09d})")
        for line in ack.edi.splitlines():
            print(f"      {line}")
    if not translation.acknowledgements:
        print("      (none)")
    print()


def _show_interchange(interchange: InterchangeResult | EdifactInterchange) -> None:
    edifact = isinstance(interchange, EdifactInterchange)
    usage = {"P": "production", "T": "test"}.get(interchange.usage, interchange.usage)
    print(
        f"  Interchange {interchange.control_number} from "
        f"{interchange.sender_qualifier}:{interchange.sender_id} to "
        f"{interchange.receiver_qualifier}:{interchange.receiver_id} ({usage}) "
        f"— {interchange.status.value.upper()}"
    )
    for error in interchange.errors:
        print(f"    ! {'UCI' if edifact else 'TA1'} {error.code}: {error.description}")
    if interchange.status.value == "rejected" and interchange.groups:
        print("    (the whole interchange is refused: its groups are listed, not processed)")
    for group in interchange.groups:
        name = f"Group {group.functional_id} #{group.control_number} ({group.version})"
        if isinstance(group, EdifactGroup) and not group.explicit:
            name = "Messages"
        print(
            f"    {name} — {group.status.value}: {group.sets_accepted} of "
            f"{group.sets_received} accepted"
            + (f"; group codes {', '.join(group.codes)}" if group.codes else "")
        )
        for result in group.sets:
            _show_set(result)


def _summary(body: Body) -> str:
    """One line an operator can check against the supplier's paperwork."""
    match body:
        case PurchaseOrder():
            return f"PO {body.po_number}, {len(body.lines)} lines"
        case PoAcknowledgement():
            statuses = Counter(line.status.value for line in body.lines)
            counted = ", ".join(f"{n} {status}" for status, n in statuses.items())
            return f"PO {body.po_number} {body.ack_type.value}" + (
                f" ({counted})" if counted else ", no lines"
            )
        case ShipNotice():
            items = sum(len(o.items) + sum(len(p.items) for p in o.packs) for o in body.orders)
            packs = sum(len(o.packs) for o in body.orders)
            carrier = f" by {body.carrier.scac}" if body.carrier and body.carrier.scac else ""
            shipped = body.shipped_at.date().isoformat() if body.shipped_at else "?"
            return (
                f"ASN {body.asn_number} shipped {shipped}{carrier}: "
                f"{_count(packs, 'pack')}, {_count(items, 'item')}"
            )
        case Invoice():
            total = f"{body.total_amount} {body.currency or ''}".rstrip()
            return f"invoice {body.invoice_number} for PO {body.po_number}: total {total}"
        case FunctionalAck():
            return f"group {body.acknowledged.group_control_number} {body.group_status.value}"
    return type(body).__name__


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _show_set(result: SetResult) -> None:
    codes = f" (AK5 {', '.join(result.codes)})" if result.codes else ""
    print(f"      {result.transaction_set} #{result.control_number} — {result.status.value}{codes}")
    for error in result.errors:
        where = f"segment {error.segment_position} {error.segment_id}"
        if not error.elements:
            print(f"        - {where}: {error.description}")
        for element in error.elements:
            value = f" ({element.bad_value!r})" if element.bad_value else ""
            print(f"        - {where}{element.element_position:02d}: {element.description}{value}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
