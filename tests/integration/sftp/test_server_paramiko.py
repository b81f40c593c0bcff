"""Our SFTP server with paramiko as the peer, for what OpenSSH's batch client cannot
do on purpose: drop a connection mid-upload, sit idle, use the plain SFTP rename."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import paramiko
import pytest

from gateway.domain.errors import PermanentError
from sftp.errors import SftpPermissionDenied, SftpTransferFailed
from sftp.pusher import push
from sftp.remote import RemoteServer
from sftp.server import ServerLimits
from tests.conftest import ROOT
from tests.integration.sftp.conftest import (
    HOST,
    Keys,
    RunningServer,
    StartServer,
    free_port,
    wait_for_port,
)
from tests.unit.sftp.sinks import MemorySink


@contextmanager
def _session(server: RunningServer) -> Iterator[tuple[paramiko.SSHClient, paramiko.SFTPClient]]:
    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts))
    key = paramiko.Ed25519Key.from_private_key_file(str(server.keys.partner.private))
    client.connect(
        HOST, port=server.port, username="acme", pkey=key, look_for_keys=False, allow_agent=False
    )
    try:
        yield client, client.open_sftp()
    finally:
        client.close()


def _wait_until(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


def test_an_upload_cut_off_is_never_taken_in(start_server: StartServer) -> None:
    server = start_server()
    with _session(server) as (_, sftp):
        upload = sftp.open("inbound/cut.edi", "wb")
        upload.write(b"ISA*" + b"x" * 100_000)
        upload.flush()
        kept = sftp.open("inbound/resume.edi.part", "wb")
        kept.write(b"ISA*partial")
        kept.flush()
        # leave without closing either file: the connection just ends
    inbound = server.account.inbound
    _wait_until(lambda: not (inbound / "cut.edi").exists())
    assert sorted(path.name for path in inbound.iterdir()) == ["resume.edi.part"]
    sink = server.sink
    assert isinstance(sink, MemorySink) and sink.offers == 0


def test_plain_rename_from_a_temporary_name(start_server: StartServer) -> None:
    server = start_server()
    with _session(server) as (_, sftp):
        with sftp.open("inbound/po.edi.tmp", "wb") as upload:
            upload.write(b"ISA*po~")
        sftp.rename("inbound/po.edi.tmp", "inbound/po.edi")
        assert sftp.listdir("archive") == ["po.edi"]
        for name in ("a.part", "b.part"):
            sftp.open(f"inbound/{name}", "wb").close()  # temporary names: not taken in
        with pytest.raises(OSError):  # the plain SFTP rename never replaces
            sftp.rename("inbound/a.part", "inbound/b.part")
        sftp.open("inbound/empty.edi", "wb").close()  # an empty file is offered on close too
        assert sorted(sftp.listdir("inbound")) == ["a.part", "b.part"]
    sink = server.sink
    assert isinstance(sink, MemorySink)
    assert sorted(sink.files.values()) == [
        ("acme-supply", "empty.edi", b""),
        ("acme-supply", "po.edi", b"ISA*po~"),
    ]


def test_idle_connections_are_closed(start_server: StartServer) -> None:
    server = start_server(limits=ServerLimits(idle_timeout=0.5))
    with _session(server) as (client, sftp):
        assert sorted(sftp.listdir("/")) == ["archive", "inbound", "outbound"]
        transport = client.get_transport()
        assert transport is not None
        _wait_until(lambda: not transport.is_active())
        assert not transport.is_active()


def _our_server_as_remote(server: RunningServer) -> RemoteServer:
    return RemoteServer(
        host=HOST,
        port=server.port,
        username="acme",
        host_key=server.keys.our_host.public,
        private_key_path=server.keys.partner.private,
        push_dir="inbound",
        timeout=10,
    )


def test_our_pusher_into_our_server(start_server: StartServer) -> None:
    sink = MemorySink(refuse={"bad.edi": PermanentError("not EDI")})
    server = start_server(sink=sink)
    remote = _our_server_as_remote(server)
    assert push(remote, "po.edi", b"ISA*pushed~") == "inbound/po.edi"
    assert sink.contents() == {"po.edi": b"ISA*pushed~"}
    with pytest.raises(SftpTransferFailed, match="not accepted: not EDI"):
        push(remote, "bad.edi", b"nope")
    inbound = server.account.inbound
    assert sorted(path.name for path in inbound.iterdir()) == ["bad.edi", "bad.edi.error"]
    with pytest.raises(SftpPermissionDenied, match=r"acme@127\.0\.0\.1:\d+:archive/x.edi"):
        push(replace(remote, push_dir="archive"), "x.edi", b"x")


RUN = """
import sys
from pathlib import Path
from sftp import DirectorySink, StaticAccounts, account, run
root = Path(sys.argv[1])
accounts = StaticAccounts([account(root / "homes", "acme-supply", "acme", [sys.argv[3]])])
run("127.0.0.1", int(sys.argv[2]), root / "host", accounts, DirectorySink(root / "sink"))
print("stopped", flush=True)
"""


def test_run_serves_until_sigterm(keys: Keys, tmp_path: Path) -> None:
    shutil.copy(keys.our_host.private, tmp_path / "host")
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-c", RUN, str(tmp_path), str(port), keys.partner.public],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port)
        remote = RemoteServer(
            host=HOST,
            port=port,
            username="acme",
            host_key=keys.our_host.public,
            private_key_path=keys.partner.private,
            push_dir="inbound",
        )
        push(remote, "po.edi", b"ISA*run~")
        child.send_signal(signal.SIGTERM)
        output, _ = child.communicate(timeout=10)
    finally:
        child.kill()
    assert child.returncode == 0 and output == "stopped\n"
    assert [path.name for path in (tmp_path / "homes" / "acme" / "archive").iterdir()] == ["po.edi"]
