"""Real, independent peers for the SFTP transport: OpenSSH's ``sftp``/``ssh`` clients
against our server, and OpenSSH's ``sshd`` as a partner's server for our client.

Keys are made with ``ssh-keygen`` when the session starts; ``sshd`` runs as root on a
free loopback port with its own configuration (no system configuration, no PAM) and is
stopped by its PID. Tests skip, saying why, when the OpenSSH programs are missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sftp.accounts import Account, StaticAccounts, account, ensure_tree
from sftp.server import ServerLimits, SftpServer
from sftp.sink import Sink
from tests.unit.sftp.sinks import MemorySink

SSHD = Path("/usr/sbin/sshd")
HOST = "127.0.0.1"


def _missing(*programs: str) -> list[str]:
    return [program for program in programs if shutil.which(program) is None]


needs_openssh_client = pytest.mark.skipif(
    bool(_missing("sftp", "ssh", "ssh-keygen")),
    reason=f"OpenSSH client programs missing: {_missing('sftp', 'ssh', 'ssh-keygen')} "
    "(Debian: openssh-client)",
)
needs_sshd = pytest.mark.skipif(
    not SSHD.exists() or bool(_missing("ssh-keygen")) or os.geteuid() != 0,
    reason="needs /usr/sbin/sshd (Debian: openssh-server), ssh-keygen and root to run it",
)


@dataclass(frozen=True, slots=True)
class KeyPair:
    private: Path
    public: str  # the OpenSSH public key line


def make_key(path: Path) -> KeyPair:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
        check=True,
    )
    return KeyPair(path, path.with_suffix(".pub").read_text().strip())


@dataclass(frozen=True, slots=True)
class Keys:
    partner: KeyPair  # the partner's client key, authorized on our server
    stranger: KeyPair  # a key nobody authorized
    our_host: KeyPair  # our server's host key
    ours: KeyPair  # our client key, authorized on the partner's sshd
    their_host: KeyPair  # the partner's sshd host key


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    if _missing("ssh-keygen"):
        pytest.skip("ssh-keygen missing (Debian: openssh-client)")
    folder = tmp_path_factory.mktemp("keys")
    names = ("partner", "stranger", "our_host", "ours", "their_host")
    return Keys(*(make_key(folder / name) for name in names))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {HOST}:{port}")


# --------------------------------------------------------------------------------------
# Our server, in a thread with its own event loop (the OpenSSH clients are subprocesses)
# --------------------------------------------------------------------------------------


class RunningServer:
    def __init__(
        self, root: Path, keys: Keys, sink: Sink, limits: ServerLimits, accounts: list[Account]
    ) -> None:
        self.root = root
        self.keys = keys
        self.sink = sink
        self.account = accounts[0]
        for item in accounts:
            ensure_tree(item.home)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.server = SftpServer(
            host=HOST,
            port=0,
            host_key_path=keys.our_host.private,
            accounts=StaticAccounts(accounts),
            sink=sink,
            limits=limits,
        )
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(10)
        self.port = self.server.port
        self.known_hosts = root / "known_hosts"
        self.known_hosts.write_text(f"[{HOST}]:{self.port} {keys.our_host.public}\n")

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.run_until_complete(self._loop.shutdown_default_executor())
        self._loop.close()

    def ssh_options(self, key: Path | None = None) -> list[str]:
        return [
            "-F", "/dev/null",  # no user or system configuration
            "-i", str(key or self.keys.partner.private),
            "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=10",
        ]  # fmt: skip

    def sftp(
        self,
        commands: list[str],
        *,
        key: Path | None = None,
        user: str | None = None,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run OpenSSH's sftp in batch mode; a command prefixed with ``-`` may fail
        without ending the batch."""
        return subprocess.run(
            [
                "sftp", *self.ssh_options(key), "-P", str(self.port), "-b", "-",
                f"{user or self.account.username}@{HOST}",
            ],
            input="\n".join(commands) + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            cwd=cwd,
        )  # fmt: skip

    def ssh(self, *arguments: str, key: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["ssh", *self.ssh_options(key), "-p", str(self.port), *arguments],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )


StartServer = Callable[..., RunningServer]


@pytest.fixture
def start_server(tmp_path: Path, keys: Keys) -> Iterator[StartServer]:
    """``start_server(limits=…, sink=…)``: our server with the account ``acme`` (partner
    ``acme-supply``, the ``partner`` key) and ``globex`` (another partner)."""
    if _missing("sftp", "ssh"):
        pytest.skip("OpenSSH client programs missing (Debian: openssh-client)")
    running: list[RunningServer] = []

    def start(limits: ServerLimits | None = None, sink: Sink | None = None) -> RunningServer:
        homes = tmp_path / "homes"
        accounts = [
            account(homes, "acme-supply", "acme", [keys.partner.public]),
            account(homes, "globex", "globex", [keys.stranger.public]),
        ]
        server = RunningServer(
            tmp_path, keys, sink or MemorySink(), limits or ServerLimits(), accounts
        )
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


# --------------------------------------------------------------------------------------
# The partner's server: OpenSSH sshd
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sshd:
    port: int
    host_key: str  # the line to pin
    client_key: Path  # our key, authorized for root
    data: Path  # the SFTP session starts here


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory, keys: Keys) -> Iterator[Sshd]:
    if not SSHD.exists() or os.geteuid() != 0:
        pytest.skip("needs /usr/sbin/sshd (Debian: openssh-server) and root to run it")
    folder = tmp_path_factory.mktemp("sshd")
    data = folder / "data"
    data.mkdir()
    authorized = folder / "authorized_keys"
    authorized.write_text(keys.ours.public + "\n")
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"""ListenAddress {HOST}
Port {port}
HostKey {keys.their_host.private}
PidFile none
UsePAM no
# pytest's temporary directories sit under the world-writable /tmp.
StrictModes no
PermitRootLogin prohibit-password
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile {authorized}
AllowTcpForwarding no
X11Forwarding no
AllowAgentForwarding no
Subsystem sftp internal-sftp
ForceCommand internal-sftp -d {data}
LogLevel INFO
"""
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir
    log = (folder / "sshd.log").open("wb")
    process = subprocess.Popen(
        [str(SSHD), "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port)
        yield Sshd(port, keys.their_host.public, keys.ours.private, data)
    finally:
        process.terminate()
        process.wait(10)
        log.close()
