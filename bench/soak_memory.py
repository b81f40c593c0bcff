"""Memory and CPU sampling for the soak benchmark (``soak.py``): the RSS and CPU time
of every process of the stack, read from ``/proc`` (RSS from psutil when installed), and
how busy the whole machine was meanwhile.

Why a module of its own: it is Linux process bookkeeping, with nothing of EDI, the
gateway or the traffic in it.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from pathlib import Path

from demo.live import LiveStack


def _rss_kb(pid: int) -> int | None:
    try:
        import psutil  # type: ignore[import-untyped, unused-ignore]

        return int(psutil.Process(pid).memory_info().rss // 1024)
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[ppid].append(int(entry.name))
    return found


def _role(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    for needle, role in (("sftp-server", "sftp server"), ("sandbox", "sandbox"),
                         ("celery", "worker"), (" serve", "api")):  # fmt: skip
        if needle in command:
            return role
    return "other"


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return float(sum(values) - idle), float(sum(values))


Key = tuple[str, int]  # (role, pid)


class Memory:
    """RSS and CPU time of every process of the stack's process trees, sampled in a
    thread; and how busy the whole machine was meanwhile."""

    def __init__(self, stack: LiveStack, every: float) -> None:
        self.roots = {p.pid: _role(p.pid) for p in stack.processes}
        self.every = every
        self.samples: list[tuple[float, dict[Key, int]]] = []  # (t, key → RSS kB)
        self.cpu: dict[Key, tuple[float, float]] = {}  # key → (first, last) CPU seconds
        self.machine = (0.0, 0.0)  # busy fraction of all cores, and the core count
        self._busy = (0.0, 0.0)
        self.driver = (0.0, 0.0)  # this process's CPU seconds at start, and used
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self._busy = _machine_busy()
        self.driver = (_cpu_seconds(os.getpid()) or 0.0, 0.0)
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        self.driver = (self.driver[0], (_cpu_seconds(os.getpid()) or 0.0) - self.driver[0])
        busy, total = _machine_busy()
        self.machine = ((busy - self._busy[0]) / (total - self._busy[1]), os.cpu_count() or 1)

    def sample(self) -> None:
        children, now = _children(), time.monotonic() - self.started
        snapshot = {}
        for root, role in self.roots.items():
            pending = [root]
            while pending:
                pid = pending.pop()
                pending += children.get(pid, [])
                rss, cpu = _rss_kb(pid), _cpu_seconds(pid)
                key = (role if pid == root else f"{role} child", pid)
                if rss is not None:
                    snapshot[key] = rss
                if cpu is not None:
                    self.cpu[key] = (self.cpu.get(key, (cpu, cpu))[0], cpu)
        self.samples.append((now, snapshot))

    def cpu_used(self, key: Key) -> float:
        first, last = self.cpu.get(key, (0.0, 0.0))
        return last - first

    def write_csv(self, path: Path) -> None:
        """One row per process and sample: seconds into the soak, role, pid, RSS kB."""
        rows = ["seconds,process,pid,rss_kb"] + [
            f"{t:.1f},{role},{pid},{rss}" for t, snapshot in self.samples
            for (role, pid), rss in sorted(snapshot.items())
        ]  # fmt: skip
        path.write_text("\n".join(rows) + "\n")

    def total_mb(self) -> float:
        return sum(self.samples[-1][1].values()) / 1024 if self.samples else 0.0

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()
