"""The second half of the demo: the same files arriving at the gateway's store.

Partner profiles are imported from ``demo/partners/*.yaml`` (as a B2B team keeps
them in git), then each inbound file is received as a supplier would send it:
raw bytes kept first, partner found from the envelope, duplicates refused,
then validated, acknowledged and mapped. One file is sent twice, and one comes
from a sender nobody has set up, to show what operations sees then.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import Direction, MessageQuery, Transport
from gateway.profiles import load_profiles
from gateway.services.intake import Submission
from gateway.services.partners import import_profiles
from gateway.settings import Settings

DEMO = Path(__file__).parent
WIDTH = 78


def tour(data_dir: Path) -> None:
    """Run the tour on a fresh store in ``data_dir`` (emptied first)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    gw = gateway(Settings(data_dir=data_dir))
    print("=" * WIDTH)
    print(f"The gateway's message store (SQLite in {data_dir})")
    print("=" * WIDTH)
    changes = import_profiles(gw.unit_of_work, gw.clock, load_profiles(DEMO / "partners"))
    for partner_id, change in sorted(changes.items()):
        print(f"  partner profile {partner_id}: {change}")
    inbound = DEMO / "inbound"
    day1 = (inbound / "acme_supply_day1.x12").read_bytes()
    stranger = day1.replace(b"ACMESUPPLY     ", b"UNKNOWNCO      ", 1)
    arrivals = [(path.name, path.read_bytes()) for path in sorted(inbound.iterdir())] + [
        ("acme_supply_day1.x12 (sent again)", day1),
        ("unknownco.x12 (sender not set up)", stranger),
    ]
    for name, data in arrivals:
        message = gw.intake.receive(data, Submission(Transport.API, name))
        gw.intake.process(message.id)
    print()
    _show_messages(gw)
    print()
    _show_history(gw)


def _show_messages(gw: Gateway) -> None:
    print(f"  {'arrived as':38} {'partner':12} {'ICN':11} state")
    with gw.unit_of_work() as uow:
        inbound = uow.messages.find(MessageQuery(direction=Direction.INBOUND))
        for message in sorted(inbound, key=lambda m: m.received_at):
            print(
                f"  {message.transport_message_id or '-':38} {message.partner_id or '-':12} "
                f"{message.interchange_control_number or '-':11} {message.state}"
            )
            for item in uow.messages.transactions_of(message.id):
                number = f" {item.business_number}" if item.business_number else ""
                print(
                    f"      {item.transaction_set} #{item.set_control_number}: {item.state}{number}"
                )
            if message.error_message:
                print(f"      reason: {message.error_message}")
        outbound = uow.messages.find(MessageQuery(direction=Direction.OUTBOUND))
        kinds = sorted(m.document_type or "?" for m in outbound)
        print(f"  acknowledgements queued for the suppliers: {', '.join(kinds)}")


def _show_history(gw: Gateway) -> None:
    with gw.unit_of_work() as uow:
        (first,) = [
            message
            for message in uow.messages.find(MessageQuery(direction=Direction.INBOUND))
            if message.transport_message_id == "acme_supply_day1.x12"
        ]
        print(f"  History of {first.transport_message_id} (message {first.id}):")
        for step in uow.messages.history(first.id):
            if step.transaction_id is None:
                print(f"    {step.at:%H:%M:%S}  {step.from_state or '-':>12} → {step.to_state:12} "
                      f"{step.reason or ''}")  # fmt: skip
