"""The demo the README promises runs and shows what operations need to see."""

from __future__ import annotations

import pytest

from demo.run import main


def test_demo_shows_acceptances_rejections_and_the_acks_sent_back(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "acme_supply_day1.x12" in out and "acme_supply_day2_with_errors.x12" in out
    assert (
        "855 #0001 — accepted" in out
        and "856 #0001 — accepted" in out
        and "810 #0001 — accepted" in out
    )
    assert "BAK04: Invalid date ('20261131')" in out
    assert "810 #0002 — rejected (AK5 5)" in out and "BIG: Mandatory segment missing" in out
    assert "856 #0002 — rejected (AK5 4)" in out
    assert "! TA1 001" in out and "TA1*000000103*261129*0811*R*001~" in out
    assert "AK3*BAK*2**8~" in out and "AK4*4*373*8*20261131~" in out
    assert (
        "855 #0001 → po_acknowledgement: PO PO-20261128-01 accepted_with_changes "
        "(1 accepted, 1 backordered)" in out
    )
    assert "856 #0001 → ship_notice: ASN ASN-7781 shipped 2026-12-03 by UPSN" in out
    assert "810 #0001 → invoice: invoice" in out
    assert "856 #0002 → " not in out  # a rejected set never becomes a document
    assert "nordfrost_desadv_d96a.edi" in out and "DESADV #1 — accepted" in out
    assert "DESADV #1 → ship_notice: ASN DES-88120 shipped 2026-12-04 by DHLG: 1 pack" in out
    assert "UCM+1+DESADV:D:96A:UN:EAN005+7'" in out
