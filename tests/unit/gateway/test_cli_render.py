"""``crossdock render`` and ``crossdock schema`` (SPEC §7): what render writes passes
translate with no errors and reads back as the same documents; bad JSON exits 2."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from gateway.canonical import schema_text
from gateway.cli.main import main
from tests.conftest import SAMPLES, requires_samples
from tests.x12_builders import MINIMAL_850, interchange

GOOD = interchange([("PO", "004010", [MINIMAL_850])])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def translate_text(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "rendered.x12"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(["translate", str(path)], capsys)
    return code, json.loads(out)


def bodies(report: dict[str, Any]) -> list[Any]:
    return [d["body"] for d in report["documents"]]


def test_translate_fills_documents_for_accepted_sets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "po.x12"
    path.write_bytes(GOOD)
    code, out, _ = run(["translate", str(path)], capsys)
    (document,) = json.loads(out)["documents"]
    assert code == 0
    assert document["meta"]["kind"] == "purchase_order"
    assert document["meta"]["transaction_set"] == "850"
    assert document["body"]["po_number"] == "PO1001"


@requires_samples
@pytest.mark.parametrize("version", ["004010", "005010"])
def test_render_of_a_translate_report_passes_translate_and_reads_back_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    """A whole translate report (850, 810s) in, one interchange out, same bodies back."""
    sample = SAMPLES / "x12" / "mixed" / "staedi__invoice810_po850_dual.x12"
    _, out, _ = run(["translate", str(sample)], capsys)
    report_path = tmp_path / "report.json"
    report_path.write_text(out)
    original = bodies(json.loads(out))

    code, edi, err = run(
        ["render", str(report_path), "--version", version, "--sender", "01:123456789",
         "--receiver", "ZZ:ACME", "--usage", "T", "--delimiters", "|>\n^"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert edi.startswith("ISA|00|")
    assert "|01|123456789      |ZZ|ACME           |" in edi
    assert f"|{version[:5]}|" in edi and "|T|>\n" in edi

    code, again = translate_text(tmp_path, edi, capsys)
    assert code == 0
    (interchange_report,) = again["interchanges"]
    assert [g["functional_id"] for g in interchange_report["groups"]] == ["IN", "PO"]
    assert all(not s["errors"] for g in interchange_report["groups"] for s in g["sets"])
    assert sorted(map(json.dumps, bodies(again))) == sorted(map(json.dumps, original))


def test_render_reads_one_document_or_a_list_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "po.x12"
    path.write_bytes(GOOD)
    _, out, _ = run(["translate", str(path)], capsys)
    (document,) = json.loads(out)["documents"]
    single = tmp_path / "one.json"
    single.write_text(json.dumps(document))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([document, document]))

    code, edi, _ = run(["render", str(single)], capsys)
    assert code == 0 and edi.count("ST*850*") == 1
    code, edi, _ = run(["render", str(listed)], capsys)
    assert code == 0 and edi.count("ST*850*") == 2 and "GE*2*" in edi

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(json.dumps(document).encode())))
    code, edi, _ = run(["render", "-"], capsys)
    assert code == 0 and "BEG*00*SA*PO1001" in edi


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Expecting property name"),
        ('{"meta": {"kind": "purchase_order"}, "body": {}}', "meta"),
        (
            '{"meta": {"document_id": "x", "kind": "purchase_order", "direction": "outbound"},'
            ' "body": {"po_number": "P1", "lines": [{"quantity": "lots"}]}}',
            "body.lines[0].quantity",
        ),
        (
            '{"meta": {"document_id": "x", "kind": "purchase_order", "direction": "outbound"},'
            ' "body": {"po_number": "P1"}}',
            "order date",
        ),
    ],
    ids=["not-json", "meta-incomplete", "bad-decimal-path", "unwritable-850"],
)
def test_render_refuses_json_that_does_not_fit_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = run(["render", str(path)], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


@pytest.mark.parametrize(
    "options",
    [
        ["--sender", "CROSSDOCK"],
        ["--receiver", "ZZ:A*B"],
        ["--receiver", "ZZ:SIXTEEN-CHARS-ID"],
        ["--delimiters", "*:~"],
        ["--delimiters", "**~^"],
        ["--delimiters", "A:~^"],
        ["--version", "4010"],
    ],
    ids=[
        "sender-without-qualifier",
        "id-with-a-delimiter",
        "id-too-long",
        "three-delimiters",
        "repeated-delimiter",
        "letter-delimiter",
        "short-version",
    ],
)
def test_render_refuses_bad_options_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    path = tmp_path / "po.x12"
    path.write_bytes(GOOD)
    _, out, _ = run(["translate", str(path)], capsys)
    report = tmp_path / "report.json"
    report.write_text(out)
    code, out, err = run(["render", str(report), *options], capsys)
    assert code == 2 and out == "" and err.strip()


def test_schema_prints_the_checked_in_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema"], capsys)
    assert code == 0
    assert out.rstrip("\n") == schema_text().rstrip("\n")
    assert json.loads(out)["title"]


# -- EDIFACT ---------------------------------------------------------------------


@requires_samples
def test_translate_and_ack_speak_edifact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = SAMPLES / "edifact" / "DESADV" / "bots__dutchic_desadv1.edi"
    code, out, _ = run(["translate", str(sample)], capsys)
    report = json.loads(out)
    assert code == 0
    (interchange_report,) = report["interchanges"]
    assert interchange_report["standard"] == "edifact" and interchange_report["version"] == "UNOA:3"
    (group,) = interchange_report["groups"]
    assert group["sets_received"] == group["sets_accepted"] == 8
    assert {d["meta"]["kind"] for d in report["documents"]} == {"ship_notice"}
    assert [a["type"] for a in report["acknowledgements"]] == ["CONTRL"]
    code, edi, _ = run(["ack", str(sample)], capsys)
    assert code == 0 and "UNH+1+CONTRL:D:3:UN'" in edi and edi.count("UCM+") == 8
    code, edi, _ = run(["ack", str(sample), "--contrl", "never"], capsys)
    assert code == 0 and edi.strip() == ""


@requires_samples
@pytest.mark.parametrize("version", ["D96A", "D01B"])
@pytest.mark.parametrize(
    "sample", ["DESADV/bots__dutchic_desadv1.edi", "INVOIC/staedi__invoic_d97b_una.edi",
               "ORDERS/bots__order01.edi"],
)  # fmt: skip
def test_render_edifact_of_a_translate_report_reads_back_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str, sample: str
) -> None:
    """A translate report rendered again as EDIFACT: valid, and the same bodies."""
    _, out, _ = run(["translate", str(SAMPLES / "edifact" / sample)], capsys)
    report_path = tmp_path / "report.json"
    report_path.write_text(out)
    original = bodies(json.loads(out))
    code, edi, err = run(
        ["render", str(report_path), "--standard", "edifact", "--version", version,
         "--sender", "14:5412345000013", "--receiver", "ZZZ:ACME", "--syntax", "UNOC:3",
         "--usage", "T", "--association", "EAN008"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert edi.startswith("UNA:+.? '\nUNB+UNOC:3+5412345000013:14+ACME:ZZZ+")
    assert f":D:{version[1:]}:UN:EAN008" in edi
    code, again = translate_text(tmp_path, edi, capsys)
    assert code == 0, again["interchanges"]
    assert sorted(map(json.dumps, bodies(again))) == sorted(map(json.dumps, original))


@requires_samples
def test_across_standards_render_writes_valid_edifact_or_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Documents read from X12 keep X12 codes where the contract holds codes (order
    type, reference qualifiers): EDIFACT cannot carry them, and render says so rather
    than send what the partner would reject. The invoices, free of such codes, pass."""
    sample = SAMPLES / "x12" / "mixed" / "staedi__invoice810_po850_dual.x12"
    _, out, _ = run(["translate", str(sample)], capsys)
    report = json.loads(out)
    everything = tmp_path / "report.json"
    everything.write_text(out)
    code, edi, err = run(["render", str(everything), "--standard", "edifact"], capsys)
    assert code == 2 and edi == ""
    assert "would be refused" in err and "'NE' is not a code of 1001" in err
    invoices = tmp_path / "invoices.json"
    invoices.write_text(
        json.dumps([d for d in report["documents"] if d["meta"]["kind"] == "invoice"])
    )
    code, edi, err = run(["render", str(invoices), "--standard", "edifact"], capsys)
    assert code == 0, err
    code, again = translate_text(tmp_path, edi, capsys)
    assert code == 0
    assert [d["body"]["total_amount"] for d in again["documents"]] == ["2554.38", "2554.38"]


def test_render_edifact_refuses_unusable_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "po.x12"
    path.write_bytes(GOOD)
    _, out, _ = run(["translate", str(path)], capsys)
    report = tmp_path / "report.json"
    report.write_text(out)
    for options in (["--version", "D93A"], ["--syntax", "UNOQ:3"], ["--delimiters", "::.? '"],
                    ["--delimiters", ":+.?*'"]):  # fmt: skip
        code, out, err = run(["render", str(report), "--standard", "edifact", *options], capsys)
        assert code == 2 and out == "" and err.strip(), options
