"""Taking in a complete file: raw bytes to the sink first, then archive/ or a note."""

from __future__ import annotations

from pathlib import Path

from gateway.domain.errors import RetryableError
from gateway.domain.payloads import PayloadTooLarge
from sftp.accounts import Account, account, ensure_tree
from sftp.takein import IntakeFailed, take_in, transport_message_id
from tests.unit.sftp.sinks import MemorySink


def _account(tmp_path: Path) -> Account:
    found = account(tmp_path, "acme-supply", "acme", [])
    ensure_tree(found.home)
    return found


def test_accepted_file_is_stored_then_archived(tmp_path: Path) -> None:
    acme = _account(tmp_path)
    (acme.inbound / "po.edi").write_bytes(b"ISA*00~")
    sink = MemorySink()
    outcome = take_in(acme, acme.inbound / "po.edi", sink)
    assert outcome.accepted and outcome.message_id == "m1"
    assert sink.files["m1"] == ("acme-supply", "po.edi", b"ISA*00~")
    assert outcome.archived_as == acme.archive / "po.edi"
    assert not (acme.inbound / "po.edi").exists()


def test_the_same_upload_again_is_the_same_message(tmp_path: Path) -> None:
    acme = _account(tmp_path)
    sink = MemorySink()
    for _ in range(2):
        (acme.inbound / "po.edi").write_bytes(b"ISA*00~")
        assert take_in(acme, acme.inbound / "po.edi", sink).message_id == "m1"
    assert sorted(path.name for path in acme.archive.iterdir()) == ["po-2.edi", "po.edi"]
    (acme.inbound / "po.edi").write_bytes(b"ISA*01~")
    assert take_in(acme, acme.inbound / "po.edi", sink).message_id == "m2"


def test_transport_message_id_names_account_file_and_content() -> None:
    acme = account(Path("/srv"), "acme-supply", "acme", [])
    assert transport_message_id(acme, "po.edi", "ab" * 32) == (
        f"sftp://acme@crossdock/inbound/po.edi#sha256={'ab' * 32}"
    )


def test_refused_file_stays_with_a_plain_note(tmp_path: Path) -> None:
    acme = _account(tmp_path)
    (acme.inbound / "huge.edi").write_bytes(b"x" * 10)
    sink = MemorySink(refuse={"huge.edi": PayloadTooLarge("payload larger than 5 bytes")})
    outcome = take_in(acme, acme.inbound / "huge.edi", sink)
    assert not outcome.accepted and isinstance(outcome.error, PayloadTooLarge)
    assert (acme.inbound / "huge.edi").exists()
    note = (acme.inbound / "huge.edi.error").read_text()
    assert "huge.edi was not accepted" in note
    assert "Reason: payload larger than 5 bytes" in note
    assert "Code: payload.too_large" in note
    assert "fail the same way" in note
    assert list(acme.archive.iterdir()) == []


def test_a_retryable_refusal_says_to_try_again(tmp_path: Path) -> None:
    acme = _account(tmp_path)
    (acme.inbound / "po.edi").write_bytes(b"x")
    sink = MemorySink(refuse={".edi": RetryableError("the store is busy")})
    assert not take_in(acme, acme.inbound / "po.edi", sink).accepted
    assert "upload the file again later" in (acme.inbound / "po.edi.error").read_text()


class _Broken:
    def accept(self, *args: object) -> str:
        raise RuntimeError("database password is hunter2")


def test_a_sink_bug_is_refused_as_retryable_without_its_details(tmp_path: Path) -> None:
    acme = _account(tmp_path)
    (acme.inbound / "po.edi").write_bytes(b"x")
    outcome = take_in(acme, acme.inbound / "po.edi", _Broken())
    assert isinstance(outcome.error, IntakeFailed) and outcome.error.retryable
    note = (acme.inbound / "po.edi.error").read_text()
    assert "hunter2" not in note and "RuntimeError" in note
