"""Benchmark the SFTP transport: files/s, MB/s and peak RSS, in and out of our code.

What it measures, for many small files (500 x 10 KB by default) and single large ones
(10 MB and 200 MB by default):

1. ``server``: OpenSSH's ``sftp`` client uploads the files in one session (``put``
   each) to our server (``sftp.server``), which takes every file in when it is closed
   (sha256, the sink, the move to ``archive/``) before answering the close.
2. ``poller``: the files wait on OpenSSH's ``sshd``; ``sftp.poller.poll`` downloads
   each, hands it to the sink and archives it on the remote.

Why: issue 8 asks for files/s and MB/s through our server and through the poller, with
peak RSS (it sets no targets, so the figures are recorded, not judged). The peers are
the real, independent ones the tests use.

How: the sink is a ``DirectorySink`` (each file's bytes and index entry fsync'd before
the sender is answered: SPEC invariant 1's real cost) unless ``--sink discard`` (bytes
read and dropped, to see the transport alone). Our server and the poller each run in a
fresh subprocess, so their peak RSS (``ru_maxrss``) is their own; "base RSS" is that
process after its imports, before any file. Upload times are taken by this script
around the ``sftp`` client (one SSH handshake included, ~0.1 s); poll times inside the
worker around ``poll()`` (connect included). Inputs are random bytes (SSH compression
is off by default, so content does not matter). ``sshd`` needs root; without it, or
without OpenSSH, the rows that need it say so. MB is 2**20 bytes.

Run: ``.venv/bin/python bench/sftp.py [--small-count 500] [--small-kb 10]
[--large-mb 10,200] [--only server,poller] [--sink directory|discard]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

MB = 1 << 20
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HOST = "127.0.0.1"
SSHD = Path("/usr/sbin/sshd")

# This script is bench/sftp.py: with its folder first on sys.path, "import sftp" would
# import the script itself instead of the package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(REPO))


@dataclass(frozen=True, slots=True)
class Case:
    label: str  # "500 x 10 KB"
    count: int
    size: int  # bytes per file


@dataclass(slots=True)
class Row:
    path: str  # "server" or "poller"
    case: Case
    status: str = "ok"  # or a note
    seconds: float = 0.0
    rss_mb: float = 0.0
    base_rss_mb: float = 0.0
    cpu_seconds: float = 0.0


# --------------------------------------------------------------------------------------
# Workers (fresh processes): our server, and one poll
# --------------------------------------------------------------------------------------


class _Discard:
    def accept(self, partner_id: str, filename: str, source: BinaryIO, transport_id: str) -> str:
        while source.read(MB):
            pass
        return str(uuid.uuid4())


def _sink(spec: dict[str, Any]) -> Any:
    from sftp.sink import DirectorySink

    return DirectorySink(Path(spec["sink_dir"])) if spec["sink"] == "directory" else _Discard()


def _usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"maxrss_kb": usage.ru_maxrss, "cpu_seconds": usage.ru_utime + usage.ru_stime}


def server_worker(spec: dict[str, Any]) -> int:
    """Serve until stdin closes; print the port first, the usage last."""
    from sftp.accounts import StaticAccounts, account
    from sftp.server import ServerLimits, SftpServer

    base = _usage()
    partner = account(Path(spec["homes"]), "bench", "bench", [spec["public_key"]])
    limits = ServerLimits(max_file_size=1 << 40, max_files_per_session=1 << 30)

    async def serve() -> None:
        server = SftpServer(
            host=HOST,
            port=0,
            host_key_path=Path(spec["host_key"]),
            accounts=StaticAccounts([partner]),
            sink=_sink(spec),
            limits=limits,
        )
        async with server:
            print(json.dumps({"port": server.port}), flush=True)
            await asyncio.to_thread(sys.stdin.read)

    asyncio.run(serve())
    print(json.dumps({"base_rss_kb": base["maxrss_kb"], **_usage()}), flush=True)
    return 0


def poll_worker(spec: dict[str, Any]) -> int:
    from sftp.poller import poll
    from sftp.remote import RemoteServer

    base = _usage()
    remote = RemoteServer(**{**spec["remote"], "private_key_path": Path(spec["key"])})
    sink = _sink(spec)
    started = time.perf_counter()
    result = poll(remote, "bench", sink)
    seconds = time.perf_counter() - started
    report = {"seconds": seconds, "fetched": len(result.fetched), "base_rss_kb": base["maxrss_kb"]}
    print(json.dumps({**report, **_usage()}), flush=True)
    return 0


# --------------------------------------------------------------------------------------
# Peers and measurements
# --------------------------------------------------------------------------------------


def _worker(kind: str, spec: dict[str, Any], **options: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, json.dumps(spec)]
    return subprocess.Popen(command, env=env, cwd=REPO, text=True, **options)


def _keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text().strip()


def _inputs(folder: Path, case: Case) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"f{number:05d}.edi" for number in range(case.count)]
    for path in files:
        with path.open("wb") as target:
            for offset in range(0, case.size, MB):
                target.write(os.urandom(min(MB, case.size - offset)))
    return files


def measure_server(work: Path, case: Case, sink: str) -> Row:
    if any(shutil.which(program) is None for program in ("sftp", "ssh-keygen")):
        return Row("server", case, "needs OpenSSH's sftp and ssh-keygen")
    folder = work / f"server-{case.count}x{case.size}"
    folder.mkdir()
    public, host_public = _keygen(folder / "client"), _keygen(folder / "host")
    files = _inputs(folder / "files", case)
    spec = {
        "homes": str(folder / "homes"),
        "host_key": str(folder / "host"),
        "public_key": public,
        "sink": sink,
        "sink_dir": str(folder / "sink"),
    }
    server = _worker("server", spec, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdin is not None and server.stdout is not None
    port = json.loads(server.stdout.readline())["port"]
    (folder / "known_hosts").write_text(f"[{HOST}]:{port} {host_public}\n")
    batch = "cd inbound\n" + "".join(f"put {path.name}\n" for path in files)
    command = [
        "sftp", "-F", "/dev/null", "-i", str(folder / "client"), "-o", "IdentitiesOnly=yes",
        "-o", f"UserKnownHostsFile={folder / 'known_hosts'}", "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes", "-P", str(port), "-b", "-", f"bench@{HOST}",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, input=batch, capture_output=True, text=True, cwd=files[0].parent)
    seconds = time.perf_counter() - started
    server.stdin.close()
    report = json.loads(server.stdout.readlines()[-1])
    server.wait(30)
    archived = len(list((folder / "homes" / "bench" / "archive").iterdir()))
    if done.returncode != 0 or archived != case.count:
        return Row("server", case, f"FAILED: {archived} archived; {done.stderr.strip()[-80:]}")
    return _row("server", case, seconds, report)


def _row(path: str, case: Case, seconds: float, report: dict[str, Any]) -> Row:
    return Row(
        path,
        case,
        seconds=seconds,
        rss_mb=report["maxrss_kb"] / 1024,
        base_rss_mb=report["base_rss_kb"] / 1024,
        cpu_seconds=report["cpu_seconds"],
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Sshd:
    """OpenSSH's sshd on a free loopback port, root only, SFTP only."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.data = folder / "data"
        self.data.mkdir()
        self.host_key = _keygen(folder / "host")
        (folder / "authorized_keys").write_text(_keygen(folder / "client") + "\n")
        self.port = _free_port()
        (folder / "sshd_config").write_text(
            f"ListenAddress {HOST}\nPort {self.port}\nHostKey {folder / 'host'}\nPidFile none\n"
            "UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
            f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPasswordAuthentication no\n"
            f"Subsystem sftp internal-sftp\nForceCommand internal-sftp -d {self.data}\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(folder / "sshd_config")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("sshd did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def measure_poller(sshd: Sshd | None, work: Path, case: Case, sink: str) -> Row:
    if sshd is None:
        return Row("poller", case, "needs /usr/sbin/sshd, ssh-keygen and root")
    folder = sshd.data / f"poll-{case.count}x{case.size}"
    _inputs(folder / "out", case)
    (folder / "archive").mkdir()
    remote = {
        "host": HOST,
        "port": sshd.port,
        "username": "root",
        "host_key": sshd.host_key,
        "poll_dir": str(folder / "out"),
        "archive_dir": str(folder / "archive"),
    }
    spec = {
        "remote": remote,
        "key": str(sshd.folder / "client"),
        "sink": sink,
        "sink_dir": str(work / f"poll-sink-{case.count}x{case.size}"),
    }
    done = _worker("poll", spec, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output, errors = done.communicate(timeout=3600)
    if done.returncode != 0:
        return Row("poller", case, f"FAILED: {errors.strip()[-80:]}")
    report = json.loads(output.strip().splitlines()[-1])
    if report["fetched"] != case.count:
        return Row("poller", case, f"FAILED: fetched {report['fetched']} of {case.count}")
    return _row("poller", case, report["seconds"], report)


# --------------------------------------------------------------------------------------
# Report and main
# --------------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    header = ["path", "files", "seconds", "files/s", "MB/s", "peak RSS MB", "base RSS MB", "CPU s"]
    lines = [header]
    for row in rows:
        if row.status != "ok":
            lines.append([row.path, row.case.label, row.status])
            continue
        total = row.case.count * row.case.size
        lines.append(
            [
                row.path,
                row.case.label,
                f"{row.seconds:,.2f}",
                f"{row.case.count / row.seconds:,.1f}",
                f"{total / MB / row.seconds:,.1f}",
                f"{row.rss_mb:,.1f}",
                f"{row.base_rss_mb:,.1f}",
                f"{row.cpu_seconds:,.2f}",
            ]
        )
    full = [cells for cells in lines if len(cells) == len(header)]
    widths = [max(len(cells[i]) for cells in full) for i in range(len(header))]
    for cells in lines:
        widths[1] = max(widths[1], len(cells[1]))
    for number, cells in enumerate(lines):
        padded = [
            cell.ljust(widths[i]) if i < 2 or len(cells) < len(header) else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ]
        print("  ".join(padded).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def _cases(count: int, small_kb: int, large_mb: list[int]) -> list[Case]:
    cases = [Case(f"{count} x {small_kb} KB", count, small_kb * 1024)] if count else []
    return cases + [Case(f"1 x {size} MB", 1, size * MB) for size in large_mb]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--small-count", type=int, default=500, help="how many small files")
    parser.add_argument("--small-kb", type=int, default=10, help="size of each small file")
    parser.add_argument("--large-mb", default="10,200", help="large file sizes, comma-separated")
    parser.add_argument("--only", default="server,poller", help="server, poller or both")
    parser.add_argument("--sink", choices=("directory", "discard"), default="directory")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker = server_worker if args.worker[0] == "server" else poll_worker
        return worker(json.loads(args.worker[1]))
    large = [int(part) for part in args.large_mb.split(",") if part.strip()]
    cases = _cases(args.small_count, args.small_kb, large)
    only = set(args.only.split(","))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-sftp-") as temporary:
        work = Path(temporary)
        if "server" in only:
            for case in cases:
                print(f"[server] {case.label} …", file=sys.stderr)
                rows.append(measure_server(work, case, args.sink))
        if "poller" in only:
            usable = SSHD.exists() and os.geteuid() == 0 and shutil.which("ssh-keygen")
            sshd = Sshd(work / "sshd") if usable else None
            try:
                for case in cases:
                    print(f"[poller] {case.label} …", file=sys.stderr)
                    rows.append(measure_poller(sshd, work, case, args.sink))
            finally:
                if sshd is not None:
                    sshd.stop()
    print()
    print_table(rows)
    print()
    print(f"sink: {args.sink}; peers: OpenSSH sftp client (server rows), sshd (poller rows)")
    print("no targets in issue 8: figures recorded, not judged (MB = 2**20 bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
