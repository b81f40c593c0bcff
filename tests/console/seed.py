"""A store the console can show: three suppliers, a key per kind of user, good and
rejected inbound files, a dead-lettered delivery and an 850 that the partner's 997
rejected. Everything is made through the services, as production makes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gateway.api import create_key
from gateway.bootstrap import Gateway
from gateway.domain.delivery import DeliveryRejected
from gateway.domain.tracking import Transport
from gateway.profiles import load_profiles
from gateway.profiles.model import PartnerProfile
from gateway.services.intake import Submission
from gateway.services.partners import import_profiles
from tests.fakes import FakeConnector

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo"
GOOD = DEMO / "inbound" / "acme_supply_day1.x12"
WITH_ERRORS = DEMO / "inbound" / "acme_supply_day2_with_errors.x12"
NORDFROST = DEMO / "inbound" / "nordfrost_desadv_d96a.edi"
ACME_PO = "PO-20261128-01"  # in acme_supply_day1.x12 (855 and 856)
GLOBEX_PO = "PO-GLOBEX-77"


@dataclass
class Seeded:
    keys: dict[str, str]
    messages: dict[str, str] = field(default_factory=dict)  # name → message id


def globex_profile() -> PartnerProfile:
    acme = next(p for p in load_profiles(DEMO / "partners") if p.id == "acme-supply")
    data = acme.model_dump(mode="json", exclude_none=True)
    data.update(id="globex", name="Globex Parts")
    data["interchange"]["partner"]["id"] = "GLOBEX"
    data["group"]["partner"] = "GLOBEX"
    return PartnerProfile.model_validate(data)


def globex_file() -> bytes:
    """The good ACME file as Globex sends it, for its own order number."""
    text = GOOD.read_bytes().replace(b"ACMESUPPLY     ", b"GLOBEX         ")
    text = text.replace(b"*ACMESUPPLY*", b"*GLOBEX*").replace(b"000000101", b"000000301")
    return text.replace(ACME_PO.encode(), GLOBEX_PO.encode())


def rejecting_997(group: str, set_number: str) -> bytes:
    """ACME's 997 rejecting our 850 ``set_number`` of group ``group``: the unit of
    measure of PO1 (segment 4 of the set, element 3) is not a code ACME accepts."""
    segments = [
        "ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*CROSSDOCK      "
        "*261128*0931*U*00401*000000900*0*P*>",
        "GS*FA*ACMESUPPLY*CROSSDOCK*20261128*0931*900*X*004010",
        "ST*997*0001",
        f"AK1*PO*{group}",
        f"AK2*850*{set_number}",
        "AK3*PO1*4**8",
        "AK4*3*355*7*EA",
        "AK5*R*5",
        "AK9*R*1*1*0",
        "SE*8*0001",
        "GE*1*900",
        "IEA*1*000000900",
    ]  # fmt: skip
    return ("~\n".join(segments) + "~\n").encode()


def receive(gw: Gateway, data: bytes, name: str) -> str:
    record = gw.intake.receive(data, Submission(Transport.API, name))
    gw.pipeline.process_inbound(record.id)
    return record.id


def seed(gw: Gateway, connector: FakeConnector) -> Seeded:
    profiles = [*load_profiles(DEMO / "partners"), globex_profile()]
    import_profiles(gw.unit_of_work, gw.clock, profiles)
    keys = {
        "admin": create_key(gw, "root", "admin").secret,
        "operator": create_key(gw, "b2b team", "operator").secret,
        "acme": create_key(gw, "acme edi", "partner", "acme-supply").secret,
        "globex": create_key(gw, "globex edi", "partner", "globex").secret,
    }
    seeded = Seeded(keys)
    seeded.messages["good"] = receive(gw, GOOD.read_bytes(), "acme_day1.x12")
    seeded.messages["rejected"] = receive(gw, WITH_ERRORS.read_bytes(), "acme_day2.x12")
    seeded.messages["nordfrost"] = receive(gw, NORDFROST.read_bytes(), "nordfrost.edi")
    # The ERP refuses Globex's first document for good: its delivery is dead-lettered.
    connector.fail_next(1, DeliveryRejected("422 from the ERP: unknown item WID-100"))
    seeded.messages["dead"] = receive(gw, globex_file(), "globex_day1.x12")
    order = {
        "meta": {"kind": "purchase_order", "direction": "outbound", "partner_id": "acme-supply",
                 "document_id": "00000000-0000-4000-8000-000000000850"},
        "body": {"po_number": "PO-OUT-1", "order_date": "2026-11-28", "currency": "USD",
                 "lines": [{"line_number": "1", "item": {"buyer_item": "100-200"},
                            "quantity": "24", "uom": "EA", "unit_price": "12.50"}]},
    }  # fmt: skip
    message, _ = gw.outbound.accept(order)
    seeded.messages["outbound"] = message.id
    with gw.unit_of_work() as uow:
        (sent,) = uow.messages.transactions_of(message.id)
    ack = rejecting_997(sent.group_control_number or "", sent.set_control_number)
    seeded.messages["ack"] = receive(gw, ack, "acme_997.x12")
    return seeded
