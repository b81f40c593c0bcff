"""Our SFTP server against OpenSSH's own clients (sftp and ssh), as partners use it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from gateway.domain.errors import PermanentError
from gateway.domain.tracking import Direction, MessageRecord, Transport
from sftp.mailbox import SftpMailbox
from sftp.server import ServerLimits
from tests.integration.sftp.conftest import HOST, StartServer, needs_openssh_client
from tests.partner_profiles import acme
from tests.unit.sftp.sinks import MemorySink

pytestmark = needs_openssh_client


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_upload_is_stored_exactly_then_archived(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server()
    payload = os.urandom(300_000) + b"\r\n\x00ISA*00*~"
    (tmp_path / "po.edi").write_bytes(payload)
    done = server.sftp(["cd inbound", "put po.edi", "ls -1 /archive"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sink = server.sink
    assert isinstance(sink, MemorySink)
    assert list(sink.files.values()) == [("acme-supply", "po.edi", payload)]
    assert _files(server.account.inbound) == []
    assert _files(server.account.archive) == ["po.edi"]
    assert "/archive/po.edi" in done.stdout  # the partner sees it moved


def test_temporary_name_then_rename_is_taken_in_once(
    start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server()
    (tmp_path / "a.edi").write_bytes(b"ISA*first~")
    done = server.sftp(
        [
            "cd inbound",
            "put a.edi a.edi.part",
            "put a.edi .b.edi",
            "ls -1a",
            "rename a.edi.part a.edi",
            "rename .b.edi b.edi",
        ],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "a.edi.part" in done.stdout  # still there, not taken in, before the rename
    sink = server.sink
    assert isinstance(sink, MemorySink)
    assert sink.contents() == {"a.edi": b"ISA*first~", "b.edi": b"ISA*first~"}
    assert _files(server.account.archive) == ["a.edi", "b.edi"]
    assert _files(server.account.inbound) == []


def test_a_refused_file_fails_the_close_and_gets_a_note(
    start_server: StartServer, tmp_path: Path
) -> None:
    sink = MemorySink(refuse={"bad.edi": PermanentError("not an X12 or EDIFACT interchange")})
    server = start_server(sink=sink)
    (tmp_path / "bad.edi").write_bytes(b"hello")
    done = server.sftp(["cd inbound", "put bad.edi", "bye"], cwd=tmp_path)
    assert done.returncode != 0
    assert _files(server.account.inbound) == ["bad.edi", "bad.edi.error"]
    note = (server.account.inbound / "bad.edi.error").read_text()
    assert "Reason: not an X12 or EDIFACT interchange" in note
    assert _files(server.account.archive) == []
    # The partner reads the note with its own client.
    fetched = server.sftp(
        ["get inbound/bad.edi.error note.txt", "rm inbound/bad.edi.error", "rm inbound/bad.edi"],
        cwd=tmp_path,
    )
    assert fetched.returncode == 0 and (tmp_path / "note.txt").read_text() == note
    assert _files(server.account.inbound) == []  # it tidies up after reading the note


def test_oversize_upload_fails_and_nothing_is_stored(
    start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(limits=ServerLimits(max_file_size=100_000))
    (tmp_path / "big.edi").write_bytes(b"x" * 300_000)
    (tmp_path / "small.edi").write_bytes(b"x" * 100_000)
    done = server.sftp(["cd inbound", "-put big.edi", "put small.edi"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "big.edi" in done.stderr  # OpenSSH reports the failed write and close
    sink = server.sink
    assert isinstance(sink, MemorySink)
    assert list(sink.contents()) == ["small.edi"]
    assert _files(server.account.inbound) == []
    assert _files(server.account.archive) == ["small.edi"]


def test_files_per_session_limit(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server(limits=ServerLimits(max_files_per_session=3))
    for number in range(5):
        (tmp_path / f"f{number}.edi").write_bytes(f"ISA*{number}~".encode())
    puts = [f"-put f{number}.edi" for number in range(5)]
    done = server.sftp(["cd inbound", *puts], cwd=tmp_path)
    sink = server.sink
    assert isinstance(sink, MemorySink)
    assert sorted(sink.contents()) == ["f0.edi", "f1.edi", "f2.edi"]
    assert "f3.edi" in done.stderr and "f4.edi" in done.stderr
    again = server.sftp(["cd inbound", "put f3.edi"], cwd=tmp_path)  # a new session
    assert again.returncode == 0 and "f3.edi" in sink.contents()


def test_confined_to_its_own_tree(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server()
    home = server.account.home
    secret = tmp_path / "secret.txt"
    secret.write_text("not for partners")
    (home / "outbound" / "leak").symlink_to(secret)  # a link left in the tree by mistake
    (home / "outbound" / "up").symlink_to(tmp_path)
    (tmp_path / "x.edi").write_bytes(b"ISA~")
    done = server.sftp(
        [
            "cd ..",
            "cd ../..",
            "pwd",
            "ls -1",
            "-get /etc/passwd",
            "-get ../../../../etc/passwd",
            "-get ../globex/inbound",
            "-get outbound/leak",
            "-ls outbound/up/",
            "-put x.edi outbound/up/escaped.edi",
            "-put x.edi /../../escaped.edi",
            "-put x.edi outbound/x.edi",
            "-put x.edi archive/x.edi",
            "-mkdir inbound/sub",
            "-symlink /etc/passwd inbound/passwd",
            "-ln inbound/../outbound/leak inbound/hard",
            "-rm archive",
        ],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Remote working directory: /\n" in done.stdout
    listing = done.stdout.split("sftp> ls -1\n", 1)[1].split("sftp>", 1)[0].split()
    assert listing == ["archive", "inbound", "outbound"]
    assert not (tmp_path / "passwd").exists() and not (tmp_path / "leak").exists()
    assert "not for partners" not in done.stdout
    assert not (tmp_path / "escaped.edi").exists()
    assert not (server.root / "escaped.edi").exists()
    assert _files(home / "inbound") == []
    assert _files(home / "outbound") == ["leak", "up"]
    assert _files(home) == ["archive", "inbound", "outbound"]
    sink = server.sink
    assert isinstance(sink, MemorySink) and sink.offers == 0


def test_a_wrong_key_or_unknown_user_is_refused(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server()
    stranger = server.keys.stranger.private  # authorized for globex, not for acme
    wrong_key = server.sftp(["ls"], key=stranger)
    assert wrong_key.returncode == 255 and "Permission denied (publickey)" in wrong_key.stderr
    nobody = server.sftp(["ls"], user="nobody")
    assert nobody.returncode == 255 and "Permission denied (publickey)" in nobody.stderr
    assert server.sftp(["ls"], key=stranger, user="globex").returncode == 0


def test_no_shell_no_exec_no_forwarding(start_server: StartServer) -> None:
    server = start_server()
    login = f"{server.account.username}@{HOST}"
    command = server.ssh(login, "echo", "pwned")
    assert command.returncode != 0 and "pwned" not in command.stdout
    shell = server.ssh("-tt", login)
    assert shell.returncode != 0
    forward = server.ssh("-W", f"{HOST}:{server.port}", login)
    assert forward.returncode != 0 and "SSH-2.0" not in forward.stdout
    local = server.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-L", "0:127.0.0.1:22", login)
    assert local.returncode != 0


def test_partner_fetches_what_the_mailbox_left(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server()
    profile = acme(
        transports={
            "sftp": {"inbound": {"account": "acme", "public_keys": [server.keys.partner.public]}}
        }
    )
    message = MessageRecord(
        id="m-997",
        direction=Direction.OUTBOUND,
        transport=Transport.SFTP,
        raw_sha256="0" * 64,
        size=4,
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        document_type="997",
        interchange_control_number="000000001",
    )
    name = SftpMailbox(server.account.home.parent).send(profile, message, b"ISA*997~")
    done = server.sftp(["cd outbound", "ls -1", f"get {name}", f"rm {name}"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / name).read_bytes() == b"ISA*997~"
    assert _files(server.account.outbound) == []
