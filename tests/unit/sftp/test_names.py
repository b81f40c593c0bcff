from __future__ import annotations

from pathlib import Path

import pytest

from gateway.domain.tracking import Direction, MessageRecord, Transport
from sftp.names import is_note, is_temporary, move_without_replacing, numbered, outbound_filename
from tests.partner_profiles import acme, nordfrost


@pytest.mark.parametrize(
    ("name", "temporary"),
    [
        ("order.edi", False),
        ("ORDER.X12", False),
        ("order.edi.tmp", True),
        ("order.edi.PART", True),
        ("order.edi.filepart", True),
        (".order.edi", True),
        ("partial", False),
    ],
)
def test_temporary_names(name: str, temporary: bool) -> None:
    assert is_temporary(name) is temporary


def test_notes() -> None:
    assert is_note("order.edi.error") and not is_note("order.edi")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("order.edi", "order-3.edi"), ("order", "order-3"), (".hidden", ".hidden-3")],
)
def test_numbered(name: str, expected: str) -> None:
    assert numbered(name, 3) == expected


def test_move_never_replaces(tmp_path: Path) -> None:
    inbound, archive = tmp_path / "inbound", tmp_path / "archive"
    inbound.mkdir()
    archive.mkdir()
    (archive / "a.edi").write_bytes(b"first")
    (archive / "a-2.edi").write_bytes(b"second")
    (inbound / "a.edi").write_bytes(b"third")
    moved = move_without_replacing(inbound / "a.edi", archive)
    assert moved == archive / "a-3.edi" and moved.read_bytes() == b"third"
    assert (archive / "a.edi").read_bytes() == b"first"
    assert not (inbound / "a.edi").exists()


def test_outbound_filename_is_per_message_and_safe() -> None:
    message = MessageRecord(
        id="0b7c5e1a-1111-2222-3333-444455556666",
        direction=Direction.OUTBOUND,
        transport=Transport.SFTP,
        raw_sha256="0" * 64,
        size=10,
        received_at=None,  # type: ignore[arg-type]
        document_type="997",
        interchange_control_number="000000042",
    )
    assert (
        outbound_filename(acme(), message)
        == "997_000000042_0b7c5e1a-1111-2222-3333-444455556666.x12"
    )
    message.document_type, message.interchange_control_number = "CONTRL", "A/B 7"
    assert outbound_filename(nordfrost(), message).startswith("CONTRL_A-B-7_")
    assert outbound_filename(nordfrost(), message).endswith(".edi")
