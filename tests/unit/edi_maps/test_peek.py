"""The first envelope's ids, refused when they carry control characters."""

from __future__ import annotations

import pytest

from edi_maps.errors import EdiSyntaxError
from edi_maps.peek import first_envelope
from tests.conftest import ROOT

DAY1 = (ROOT / "demo/inbound/acme_supply_day1.x12").read_bytes()
DESADV = (ROOT / "demo/inbound/nordfrost_desadv_d96a.edi").read_bytes()


def test_a_clean_envelope_is_summarised() -> None:
    summary = first_envelope(DAY1)
    assert (summary.sender_id, summary.receiver_id, summary.control_number) == (
        "ACMESUPPLY",
        "CROSSDOCK",
        "000000101",
    )
    assert (summary.group_sender, summary.group_receiver) == ("ACMESUPPLY", "CROSSDOCK")
    assert first_envelope(DESADV).sender_id


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        (b"*ACMESUPPLY     *", b"*ACME\x00SUPPLY    *", "sender id 0x00"),
        (b"*CROSSDOCK      *", b"*CROSS\x07DOCK     *", "receiver id 0x07"),
        (b"GS*PR*ACMESUPPLY*", b"GS*PR*ACME\x1fSUPPLY*", "group sender 0x1F"),
    ],
)
def test_control_characters_in_x12_ids_are_refused(old: bytes, new: bytes, label: str) -> None:
    assert old in DAY1
    with pytest.raises(EdiSyntaxError) as raised:
        first_envelope(DAY1.replace(old, new, 1))
    what, code = label.rsplit(" ", 1)
    assert f"{what} contains the control character {code}" in str(raised.value)
    assert "\x00" not in str(raised.value)


def test_control_characters_in_an_edifact_sender_are_refused() -> None:
    summary = first_envelope(DESADV)
    sender = summary.sender_id.encode()
    broken = DESADV.replace(sender, sender[:2] + b"\x00" + sender[3:], 1)
    with pytest.raises(EdiSyntaxError, match="sender id contains the control character 0x00"):
        first_envelope(broken)
