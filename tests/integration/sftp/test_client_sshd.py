"""Our client (paramiko) against OpenSSH's sshd as the partner's server: polling with
archive or delete, atomic pushes, pinned host keys, and crash safety of the poller."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.domain.errors import PermanentError, RetryableError
from gateway.domain.tracking import Direction, MessageRecord, Transport
from sftp.errors import SftpAuthFailed, SftpConnectionFailed, SftpHostKeyMismatch
from sftp.poller import poll
from sftp.pusher import SftpPusher, push
from sftp.remote import RemoteServer
from sftp.sink import DirectorySink
from tests.conftest import ROOT
from tests.integration.sftp.conftest import HOST, Keys, Sshd, free_port, make_key, needs_sshd
from tests.partner_profiles import acme
from tests.unit.sftp.sinks import MemorySink

pytestmark = needs_sshd

MB = 1 << 20


@pytest.fixture
def folders(sshd: Sshd, request: pytest.FixtureRequest) -> Iterator[dict[str, Path]]:
    """The partner's folders for this test: out (for us), in (from us), archive, errors."""
    base = sshd.data / request.node.name.replace("[", "_").replace("]", "")
    made = {name: base / name for name in ("out", "in", "archive", "errors")}
    for folder in made.values():
        folder.mkdir(parents=True)
    yield made


@pytest.fixture
def remote(sshd: Sshd, folders: dict[str, Path]) -> RemoteServer:
    return RemoteServer(
        host=HOST,
        port=sshd.port,
        username="root",
        host_key=sshd.host_key,
        private_key_path=sshd.client_key,
        poll_dir=str(folders["out"]),
        push_dir=str(folders["in"]),
        archive_dir=str(folders["archive"]),
        timeout=10,
    )


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _drop(folder: Path, name: str, data: bytes, mtime: int) -> None:
    (folder / name).write_bytes(data)
    os.utime(folder / name, (mtime, mtime))


def test_poll_fetches_then_archives(remote: RemoteServer, folders: dict[str, Path]) -> None:
    out = folders["out"]
    _drop(out, "b.edi", b"ISA*b~", 1_700_000_200)
    _drop(out, "a.edi", b"ISA*a~", 1_700_000_100)
    _drop(out, "c.edi.part", b"half", 1_700_000_000)  # still being written
    (out / "sub").mkdir()
    _drop(folders["archive"], "a.edi", b"older", 1_600_000_000)  # the name is taken there
    sink = MemorySink()
    result = poll(remote, "acme-supply", sink)
    assert [fetched.name for fetched in result.fetched] == ["a.edi", "b.edi"]  # oldest first
    assert sink.contents() == {"a.edi": b"ISA*a~", "b.edi": b"ISA*b~"}
    assert {item[0] for item in sink.files.values()} == {"acme-supply"}
    assert _names(out) == ["c.edi.part", "sub"]
    assert _names(folders["archive"]) == ["a-2.edi", "a.edi", "b.edi"]
    assert (folders["archive"] / "a.edi").read_bytes() == b"older"
    transport_id = result.fetched[0].transport_message_id
    assert transport_id.startswith(f"sftp://root@{HOST}:{remote.port}{out}/a.edi#size=6;")
    assert poll(remote, "acme-supply", sink).fetched == []


def test_poll_can_delete_instead(remote: RemoteServer, folders: dict[str, Path]) -> None:
    _drop(folders["out"], "a.edi", b"ISA*a~", 1_700_000_000)
    result = poll(replace(remote, after_download="delete"), "acme-supply", MemorySink())
    assert len(result.fetched) == 1
    assert _names(folders["out"]) == [] and _names(folders["archive"]) == []


def test_refused_files_move_to_the_error_folder(
    remote: RemoteServer, folders: dict[str, Path]
) -> None:
    _drop(folders["out"], "bad.edi", b"nope", 1_700_000_000)
    _drop(folders["out"], "big.edi", b"x" * 2000, 1_700_000_000)
    _drop(folders["out"], "good.edi", b"ISA~", 1_700_000_000)
    sink = MemorySink(refuse={"bad.edi": PermanentError("not EDI")})
    errors = replace(remote, error_dir=str(folders["errors"]))
    result = poll(errors, "acme-supply", sink, max_file_size=1000)
    assert sorted(refused.name for refused in result.refused) == ["bad.edi", "big.edi"]
    assert _names(folders["errors"]) == ["bad.edi", "big.edi"]
    assert list(sink.contents()) == ["good.edi"]


def test_a_sink_that_cannot_store_now_stops_the_poll(
    remote: RemoteServer, folders: dict[str, Path]
) -> None:
    _drop(folders["out"], "a.edi", b"ISA~", 1_700_000_000)
    sink = MemorySink(refuse={".edi": RetryableError("store down")})
    with pytest.raises(RetryableError):
        poll(remote, "acme-supply", sink)
    assert _names(folders["out"]) == ["a.edi"]  # still there for the next poll


def test_push_is_atomic_for_the_partner(remote: RemoteServer, folders: dict[str, Path]) -> None:
    payload = os.urandom(16 * MB)
    seen: list[int] = []
    temporary_seen = False
    stop = threading.Event()

    def watch() -> None:
        nonlocal temporary_seen
        final, temporary = folders["in"] / "po.x12", folders["in"] / ".po.x12.part"
        while not stop.is_set():
            temporary_seen = temporary_seen or temporary.exists()
            with contextlib.suppress(FileNotFoundError):
                seen.append(final.stat().st_size)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        path = push(remote, "po.x12", payload)
    finally:
        stop.set()
        watcher.join()
    assert path == f"{folders['in']}/po.x12"
    assert _names(folders["in"]) == ["po.x12"]  # no temporary left
    assert (folders["in"] / "po.x12").read_bytes() == payload
    assert temporary_seen  # it was written under the temporary name…
    assert set(seen) <= {len(payload)}  # …and whenever the final name existed, it was whole
    push(remote, "po.x12", b"ISA*again~")  # a retry replaces
    assert (folders["in"] / "po.x12").read_bytes() == b"ISA*again~"


def test_pusher_is_an_outbound_transport(remote: RemoteServer, folders: dict[str, Path]) -> None:
    message = MessageRecord(
        id="m-850",
        direction=Direction.OUTBOUND,
        transport=Transport.SFTP,
        raw_sha256="0" * 64,
        size=4,
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        document_type="850",
        interchange_control_number="000000005",
    )
    sent = SftpPusher(lambda profile: remote).send(acme(), message, b"ISA*850~")
    assert sent == f"{folders['in']}/850_000000005_m-850.x12"
    assert (folders["in"] / "850_000000005_m-850.x12").read_bytes() == b"ISA*850~"


def test_an_unpinned_host_key_is_refused(remote: RemoteServer, keys: Keys, tmp_path: Path) -> None:
    same_type = replace(remote, host_key=keys.our_host.public)  # ed25519, but not theirs
    with pytest.raises(SftpHostKeyMismatch) as caught:
        poll(same_type, "acme-supply", MemorySink())
    assert not caught.value.retryable
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", str(tmp_path / "ecdsa")], check=True
    )
    other_type = (tmp_path / "ecdsa.pub").read_text()
    with pytest.raises(SftpHostKeyMismatch):
        push(replace(remote, host_key=other_type), "x.edi", b"x")


def test_a_wrong_client_key_is_refused(remote: RemoteServer, tmp_path: Path) -> None:
    stranger = make_key(tmp_path / "stranger")
    with pytest.raises(SftpAuthFailed) as caught:
        poll(replace(remote, private_key_path=stranger.private), "acme-supply", MemorySink())
    assert not caught.value.retryable


def test_nothing_listening_is_retryable(remote: RemoteServer) -> None:
    with pytest.raises(SftpConnectionFailed) as caught:
        poll(replace(remote, port=free_port(), timeout=3), "acme-supply", MemorySink())
    assert caught.value.retryable


def _child(remote: RemoteServer, sink: Path, mode: str) -> subprocess.Popen[str]:
    spec = {**asdict(remote), "sink": str(sink), "mode": mode}
    spec["private_key_path"] = str(remote.private_key_path)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.sftp.poll_child", json.dumps(spec)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("moment", ["stall", "die-after-store"])
def test_a_killed_poller_loses_nothing_and_doubles_nothing(
    remote: RemoteServer, folders: dict[str, Path], tmp_path: Path, moment: str
) -> None:
    large = os.urandom(8 * MB)
    _drop(folders["out"], "small.edi", b"ISA*small~", 1_700_000_000)
    _drop(folders["out"], "large.edi", large, 1_700_000_100)
    store = tmp_path / "store"
    child = _child(remote, store, moment)
    if moment == "stall":
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "downloading"
        child.send_signal(signal.SIGKILL)
    assert child.wait(60) == -signal.SIGKILL
    if child.stdout is not None:
        child.stdout.close()
    assert _names(folders["out"]) == ["large.edi"]  # small.edi went through
    before = {entry["filename"]: entry["message_id"] for entry in DirectorySink(store).messages()}
    assert set(before) == ({"small.edi"} if moment == "stall" else {"small.edi", "large.edi"})

    rerun = _child(remote, store, "run")
    output, _ = rerun.communicate(timeout=60)
    assert rerun.returncode == 0

    sink = DirectorySink(store)
    stored = {entry["filename"]: entry["message_id"] for entry in sink.messages()}
    assert len(sink.messages()) == 2 and set(stored) == {"small.edi", "large.edi"}
    assert sink.read(stored["large.edi"]) == large
    assert sink.read(stored["small.edi"]) == b"ISA*small~"
    assert json.loads(output) == [stored["large.edi"]]  # the rerun handed it over (again)
    assert before.items() <= stored.items()  # what was stored kept its message id
    assert _names(folders["out"]) == []
    assert _names(folders["archive"]) == ["large.edi", "small.edi"]
