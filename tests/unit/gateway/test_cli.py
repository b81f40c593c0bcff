"""The command-line contract (SPEC §7): JSON shape, exit codes, ack text, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.cli.main import main
from tests.x12_builders import MINIMAL_850, interchange

GOOD = interchange([("PO", "004010", [MINIMAL_850])], ack_requested="1")
BAD_SET = GOOD.replace(b"SE*5*0001", b"SE*7*0001")


def run(
    tmp_path: Path, data: bytes, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    path = tmp_path / "in.x12"
    path.write_bytes(data)
    code = main([*args[:1], str(path), *args[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_translate_prints_the_spec_json_and_exits_0_when_all_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(tmp_path, GOOD, "translate", capsys=capsys)
    report = json.loads(out)
    assert code == 0
    assert set(report) >= {"interchanges", "documents", "acknowledgements"}
    (interchange_report,) = report["interchanges"]
    assert {
        "standard",
        "control_number",
        "sender_id",
        "receiver_id",
        "version",
        "status",
        "errors",
        "groups",
    } <= set(interchange_report)
    assert interchange_report["standard"] == "x12" and interchange_report["status"] == "accepted"
    (group,) = interchange_report["groups"]
    assert (group["sets_included"], group["sets_received"], group["sets_accepted"]) == (1, 1, 1)
    assert group["sets"][0]["status"] == "accepted"
    assert [a["type"] for a in report["acknowledgements"]] == ["TA1", "997"]


def test_translate_exits_1_and_still_reports_when_a_set_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(tmp_path, BAD_SET, "translate", capsys=capsys)
    report = json.loads(out)
    assert code == 1
    rejected = report["interchanges"][0]["groups"][0]["sets"][0]
    assert rejected["status"] == "rejected" and rejected["codes"] == ["4"]
    assert "AK5*R*4~" in report["acknowledgements"][1]["edi"]


def test_element_errors_carry_every_field_of_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = GOOD.replace(b"BEG*00*SA*PO1001**20261128", b"BEG*00*SA*PO1001**20261399")
    _, out, _ = run(tmp_path, data, "translate", capsys=capsys)
    (error,) = json.loads(out)["interchanges"][0]["groups"][0]["sets"][0]["errors"]
    expected = {
        "segment_id": "BEG", "segment_position": 2, "loop_id": None, "element_position": 5,
        "component_position": None, "code": "8", "description": "Invalid date",
        "bad_value": "20261399",
    }  # fmt: skip
    assert error == error | expected


@pytest.mark.parametrize("data", [b"", b"hello, this is not EDI\n", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_input_that_is_not_edi_exits_2_with_one_line_on_stderr(
    tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(tmp_path, data, "translate", capsys=capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "not EDI" in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "/nonexistent/file.x12"]) == 2
    assert "No such file" in capsys.readouterr().err


def test_ack_prints_only_the_acknowledgements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(tmp_path, GOOD, "ack", capsys=capsys)
    assert code == 0
    assert out.startswith("ISA*") and "TA1*000000001" in out and "ST*997*" in out
    assert not out.lstrip().startswith("{")


def test_ack_options_choose_the_acknowledgements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        tmp_path, GOOD, "ack", "--functional-ack", "999", "--ta1", "never", capsys=capsys
    )
    assert "TA1*" not in out and "ST*999*" in out


def test_help_explains_every_command_and_option() -> None:
    top = subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", "--help"], capture_output=True, text=True
    )
    assert top.returncode == 0 and "translate" in top.stdout and "ack" in top.stdout
    for command in ("translate", "ack"):
        sub = subprocess.run(
            [sys.executable, "-m", "gateway.cli.main", command, "--help"],
            capture_output=True,
            text=True,
        )
        assert sub.returncode == 0
        for option in ("--functional-ack", "--ta1", "PATH"):
            assert option in sub.stdout
