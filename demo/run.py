"""The demo: a supplier's EDI read, validated and acknowledged, results shown plainly.

Run by ``./scripts/demo``. Each file in ``demo/inbound/`` (or the paths given)
goes through the same ``edi_maps.translate`` the command line and the
gateway use; the output is what the operations team would want to see: what
arrived, what was accepted, what was wrong and where, and the exact TA1/997/999
that goes back to the supplier.
"""

from __future__ import annotations

import sys
from pathlib import Path

from edi_maps.translate import Translation, translate
from edi_maps.x12.results import InterchangeResult, SetResult
from gateway.bootstrap import edi_services

INBOUND = Path(__file__).parent / "inbound"
WIDTH = 78


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(INBOUND.glob("*.x12"))
    services = edi_services()
    for path in paths:
        with path.open("rb") as source:
            translation = translate(source, numbers=services.numbers, clock=services.clock)
        _show(path, translation)
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
    print("  Acknowledgements sent back to the supplier:")
    for ack in translation.acknowledgements:
        print(f"  --- {ack.type} (interchange {ack.interchange_control_number:09d})")
        for line in ack.edi.splitlines():
            print(f"      {line}")
    if not translation.acknowledgements:
        print("      (none)")
    print()


def _show_interchange(interchange: InterchangeResult) -> None:
    usage = {"P": "production", "T": "test"}.get(interchange.usage, interchange.usage)
    print(
        f"  Interchange {interchange.control_number} from "
        f"{interchange.sender_qualifier}:{interchange.sender_id} to "
        f"{interchange.receiver_qualifier}:{interchange.receiver_id} ({usage}) "
        f"— {interchange.status.value.upper()}"
    )
    for error in interchange.errors:
        print(f"    ! TA1 {error.code}: {error.description}")
    if interchange.status.value == "rejected" and interchange.groups:
        print("    (the whole interchange is refused: its groups are listed, not processed)")
    for group in interchange.groups:
        print(
            f"    Group {group.functional_id} #{group.control_number} ({group.version}) "
            f"— {group.status.value}: {group.sets_accepted} of {group.sets_received} sets accepted"
            + (f"; group codes {', '.join(group.codes)}" if group.codes else "")
        )
        for result in group.sets:
            _show_set(result)


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
