from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.domain.tracking import Direction, MessageRecord, Transport
from sftp.errors import SftpConfigurationError
from sftp.mailbox import SftpMailbox
from sftp.sink import DirectorySink
from tests.partner_profiles import acme

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHKaLRBiIu0Y6TjmHw6ZkjMnWHRS0hXY6KtDVmB1e2Ir t"


def test_directory_sink_is_idempotent_by_transport_id(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path)
    first = sink.accept("acme", "a.edi", io.BytesIO(b"one"), "sftp://x/a.edi")
    again = sink.accept("acme", "a.edi", io.BytesIO(b"one"), "sftp://x/a.edi")
    other = sink.accept("acme", "a.edi", io.BytesIO(b"two"), "sftp://x/a.edi#2")
    assert first == again != other
    assert sink.read(first) == b"one" and sink.read(other) == b"two"
    assert [entry["message_id"] for entry in sink.messages()].count(first) == 1
    assert len(sink.messages()) == 2


def _message() -> MessageRecord:
    return MessageRecord(
        id="m-1",
        direction=Direction.OUTBOUND,
        transport=Transport.SFTP,
        raw_sha256="0" * 64,
        size=3,
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        document_type="997",
        interchange_control_number="7",
    )


def test_mailbox_leaves_the_file_in_the_partners_outbound(tmp_path: Path) -> None:
    profile = acme(transports={"sftp": {"inbound": {"account": "acme", "public_keys": [KEY]}}})
    name = SftpMailbox(tmp_path).send(profile, _message(), b"ISA~")
    assert name == "997_7_m-1.x12"
    outbound = tmp_path / "acme" / "outbound"
    assert [path.name for path in outbound.iterdir()] == [name]  # no temporary left
    assert (outbound / name).read_bytes() == b"ISA~"
    assert sorted(path.name for path in (tmp_path / "acme").iterdir()) == [
        "archive",
        "inbound",
        "outbound",
    ]
    SftpMailbox(tmp_path).send(profile, _message(), b"ISA2~")  # sent again: replaced
    assert (outbound / name).read_bytes() == b"ISA2~"


def test_mailbox_needs_an_account(tmp_path: Path) -> None:
    with pytest.raises(SftpConfigurationError, match="no account"):
        SftpMailbox(tmp_path).send(acme(), _message(), b"ISA~")
