"""Contract v1: the checked-in schema matches the models; JSON follows the rules of SPEC §3."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.canonical import (
    Address,
    CanonicalDocument,
    ContractError,
    Direction,
    ItemIds,
    Kind,
    Meta,
    OrderLine,
    OrderTotals,
    Party,
    PurchaseOrder,
    Role,
    canonical_schema,
    document_from_dict,
    document_id,
    document_to_dict,
    idempotency_key,
    schema_text,
)
from gateway.canonical.codec import _decimal

ROOT = Path(__file__).resolve().parents[4]
SCHEMA_FILE = ROOT / "docs" / "contracts" / "canonical-v1.schema.json"


def test_checked_in_schema_matches_the_models() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "the models changed: regenerate with "
        "`crossdock schema > docs/contracts/canonical-v1.schema.json` "
        "(and make contract v2 if the change breaks v1)"
    )


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(canonical_schema())


def sample_document() -> CanonicalDocument:
    key = idempotency_key(
        partner="ZZ:ACME",
        interchange_control_number="000000101",
        group_control_number="101",
        set_control_number="0001",
        content_sha256="ab" * 32,
    )
    ship_to = Party(
        role=Role.SHIP_TO,
        name="DC East",
        identifiers={"gln": "0614141000012"},
        address=Address(lines=["1 Main St"], city="Springfield"),
    )
    line = OrderLine(
        line_number="1",
        item=ItemIds(vendor_item="W-1"),
        quantity=Decimal("10"),
        uom="EA",
        unit_price=Decimal("9.50"),
    )
    return CanonicalDocument(
        meta=Meta(
            document_id=document_id(key),
            kind=Kind.PURCHASE_ORDER,
            direction=Direction.INBOUND,
            partner_id="ZZ:ACME",
            received_at=datetime(2026, 11, 28, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
            idempotency_key=key,
        ),
        body=PurchaseOrder(
            po_number="PO-1",
            order_date=date(2026, 11, 20),
            parties=[ship_to],
            lines=[line],
            totals=OrderTotals(line_count=1, amount_total=Decimal("95.00")),
        ),
    )


def test_json_follows_the_contract_rules() -> None:
    data = document_to_dict(sample_document())
    jsonschema.validate(data, canonical_schema())
    line = data["body"]["lines"][0]
    assert line["quantity"] == "10" and line["unit_price"] == "9.50"  # decimals as strings, exact
    assert data["body"]["order_date"] == "2026-11-20"
    assert data["meta"]["received_at"] == "2026-11-28T09:30:00-05:00"
    assert data["meta"]["contract_version"] == "1"
    assert "currency" not in data["body"] and "references" not in data["body"]  # absent: omitted
    assert all(value != "" for value in _leaves(data))


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_json_reads_back_to_the_same_document() -> None:
    document = sample_document()
    assert document_from_dict(json.loads(json.dumps(document_to_dict(document)))) == document


CONTRACT_ERRORS = [
    (("body", "lines", 0, "quantity"), 10, "decimals are strings", "body.lines[0].quantity"),
    (("body", "lines", 0, "quantity"), "ten", "is not a decimal", "body.lines[0].quantity"),
    (("body", "order_date"), "20/11/2026", "expected a date", "body.order_date"),
    (("meta", "received_at"), "2026-11-28T09:30:00", "with offset", "meta.received_at"),
    (("body", "purpose"), "urgent", "is not one of", "body.purpose"),
    (("body", "po_number"), "", "non-empty string", "body.po_number"),
    (("body", "surprise"), "x", "unknown fields", "body"),
]


@pytest.mark.parametrize(("path", "value", "message", "reported"), CONTRACT_ERRORS)
def test_contract_errors_name_the_path(
    path: tuple[object, ...], value: object, message: str, reported: str
) -> None:
    data = document_to_dict(sample_document())
    target: object = data
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    with pytest.raises(ContractError, match=message) as caught:
        document_from_dict(data)
    assert caught.value.path == reported


def test_idempotency_key_is_stable_and_distinct() -> None:
    base = {
        "partner": "ZZ:ACME",
        "interchange_control_number": "000000101",
        "group_control_number": "101",
        "set_control_number": "0001",
        "content_sha256": "ab" * 32,
    }
    assert idempotency_key(**base) == idempotency_key(**base)
    for name in base:
        assert idempotency_key(**{**base, name: base[name] + "0"}) != idempotency_key(**base)
    assert document_id(idempotency_key(**base)) == document_id(idempotency_key(**base))


@given(st.text())
def test_document_id_is_the_uuid5_of_the_key(key: str) -> None:
    """document_id spells uuid5 out for speed; it must stay the same UUID."""
    assert document_id(key) == str(uuid.uuid5(uuid.NAMESPACE_URL, f"crossdock:document:{key}"))


@given(
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.builds(
        lambda sign, digits, exponent: Decimal((sign, tuple(map(int, digits)), exponent)),
        st.integers(0, 1),
        st.text("0123456789", min_size=1, max_size=40),
        st.integers(-40, 40),
    )
)
def test_decimals_are_written_as_format_f_writes_them(value: Decimal) -> None:
    """The encoder takes str() when it has no exponent; it must equal format(value, "f")."""
    assert _decimal(value) == format(value, "f")


def test_naive_timestamps_are_refused() -> None:
    document = sample_document()
    meta = dataclasses.replace(document.meta, received_at=datetime(2026, 1, 1))
    with pytest.raises(ContractError, match="no offset"):
        document_to_dict(CanonicalDocument(meta=meta, body=document.body))
    assert datetime(2026, 1, 1, tzinfo=UTC).isoformat().endswith("+00:00")
