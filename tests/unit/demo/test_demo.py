"""The demo the README promises runs and shows what operations need to see."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.run import main


def test_demo_shows_acceptances_rejections_and_the_acks_sent_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSDOCK_DEMO_DIR", str(tmp_path / "demo"))
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
    # the store tour: profiles from YAML, states, a duplicate and an unknown sender
    assert "partner profile acme-supply: created" in out
    assert "acme_supply_day1.x12 (sent again)      acme-supply  000000101   duplicate" in out
    assert "reason: unknown sender ZZ:UNKNOWNCO → ZZ:CROSSDOCK (x12)" in out
    assert "855 #0002: rejected" in out and "810 #0001: mapped INV-55120" in out
    assert "validated → acknowledged answered with TA1, 997" in out
    assert (tmp_path / "demo" / "store" / "crossdock.db").exists()
    # the live stack: API, worker and sandbox processes, a simulated supplier
    assert "sent back: 997, 997, 997, 855/856/810, 855/856/810, 855/856/810" in out
    # the supplier names items by its own part numbers, resolved through the ERP's master
    assert "ERP item master: 4 items, 16 identifiers copied for matching" in out
    assert "outbound 850  acknowledged  3" in out
    for kind in ("855", "856"):
        assert f"inbound  {kind}  delivered     3" in out
    # workflow sync: the warehouse's receipts, one invoice approved, two held (SPEC §5)
    assert "WMS booked the receipt of ASN-1001 (PO-DEMO-1001): 20 EA of 100-200" in out
    assert "inbound  RCPT delivered     3" in out
    assert "inbound  810  delivered     1" in out and "inbound  810  held          2" in out
    assert (
        "Sandbox ERP records: {'invoice': 1, 'po_acknowledgement': 3, 'purchase_order': 3, "
        "'receipt': 3, 'ship_notice': 3}"
    ) in out
    assert "Sandbox WMS records: {'expected_receipt': 3, 'receipt': 3}" in out
    assert "invoice INV-1003: in the ERP, payment approved" in out
    assert "invoice INV-1001: held, waiting for the warehouse to settle exception " in out
    assert (
        "invoice INV-1002: held, Acme Supply Co.'s invoice INV-1002 bills item 100-200 "
        "(vendor AC-77) at 12.90 USD a unit, but PO PO-DEMO-1002 says 12.10 USD"
    ) in out
    # the two exceptions, with their owners
    assert "Exceptions to settle (2):" in out
    assert "finance (ap@crossdock.example)           invoice_price      INV-1002" in out
    assert "warehouse (receiving@crossdock.example)  receipt_shortage   ASN-1001" in out
    assert "but ASN ASN-1001 announced 24 EA: 4 EA short (tolerance 0%)." in out
