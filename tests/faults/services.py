"""Private servers the fault suite may stop, kill and fill: a PostgreSQL cluster, a
Redis server and a size-limited payload filesystem, each started by the suite on a free
port or mount point of its own. The machine's shared PostgreSQL (5432) and Redis (6379)
are never touched: restarting those would break every other test and engineer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def missing_services() -> list[str]:
    """What this machine lacks to run the suite (empty: everything is there)."""
    missing = []
    if not (PG_BIN / "initdb").exists():
        missing.append(f"{PG_BIN}/initdb (Debian: postgresql-15)")
    if REDIS_SERVER is None:
        missing.append("redis-server (Debian: redis-server)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser (util-linux)")
    return missing


class PrivatePostgres:
    """A throwaway cluster (``initdb``) on a free port, run as the ``postgres`` OS user
    when we are root (PostgreSQL refuses to run as root). Its directory is made with
    ``mkdtemp`` under /tmp rather than pytest's tmp_path, which only root may enter."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="crossdock-faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.log = self.directory / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-N")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._pg_ctl("start", "-w", "-t", "30", "-l", self.log, "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """``immediate``: every backend is killed and the next start runs crash recovery,
        as after a crash of the server; ``fast``: a clean shutdown."""
        self._pg_ctl("stop", "-w", "-t", "30", "-m", mode)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def _pg_ctl(self, *arguments: str | Path) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, *arguments)

    def _run(self, *command: str | Path) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *map(str, command)],
            check=True,
            capture_output=True,
            cwd=self.directory,  # postgres may not be able to enter our working directory
        )


class PrivateRedis:
    """``redis-server`` on a free port with no persistence (``--save ""``,
    ``--appendonly no``): a restart loses every queued task. That is the harshest
    broker failure and the one the design must survive, because the store, not the
    broker, is the truth: the sweeper queues again what the store shows unfinished."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log = directory / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for_port(self.port)

    def kill(self) -> None:
        """SIGKILL: whatever the broker held is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


class PayloadDisk:
    """A tmpfs of ``size`` mounted for the payload store, which ``fill`` fills to the
    last byte (ENOSPC for every writer) and ``drain`` empties again.

    Raises:
        OSError: the mount is not permitted here (not root, or no tmpfs in this sandbox).
    """

    def __init__(self, mount_point: Path, size: str = "64m") -> None:
        self.mount_point = mount_point
        mount_point.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise OSError(f"cannot mount a tmpfs at {mount_point}: {done.stderr.strip()}")
        self._filler = mount_point / "filler"

    def free_bytes(self) -> int:
        stats = os.statvfs(self.mount_point)
        return stats.f_bavail * stats.f_frsize

    def fill(self) -> None:
        """Write a file until the filesystem refuses another byte."""
        chunk = b"\0" * (1 << 20)
        with self._filler.open("ab", buffering=0) as handle:
            for size in (1 << 20, 1 << 12, 1):
                while True:
                    try:
                        handle.write(chunk[:size])
                    except OSError as error:
                        if error.errno != errno.ENOSPC:
                            raise
                        break

    def drain(self) -> None:
        self._filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.mount_point)], check=False, capture_output=True)
