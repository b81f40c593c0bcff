"""A Celery worker keeps consuming across Redis restarts that happen while its tasks run
(``gateway/tasks/broker_fix.py``), and kombu without the fix still stops it, which is
what the fix is for: when that test fails, kombu was fixed and the fix can go.

Each test runs a worker of three processes on a private ``redis-server``, holds two of
them with acks_late tasks (so the channel has unacknowledged messages and a BRPOP
outstanding, the two conditions of the bug), kills Redis and starts it again, then
sends a probe task and waits for it to run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery

from tests.faults.services import REDIS_SERVER, PrivateRedis

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Worker:
    def __init__(self, tmp: Path, redis: PrivateRedis, *, fixed: bool) -> None:
        self.tmp = tmp
        self.log = tmp / "worker.log"
        env = {**os.environ, "BROKER_FIX_URL": redis.url, "BROKER_FIX": "1" if fixed else "0"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tests.integration.pipeline.broker_app",
                 "worker", "-c", "3", "-l", "INFO", "--without-heartbeat", "--without-gossip",
                 "--without-mingle"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.sender = Celery("sender", broker=redis.url)
        self._probes = 0

    def send(self, name: str, *args: object) -> None:
        """Send until the broker takes it (it may still be starting)."""
        for _ in range(50):
            try:
                self.sender.send_task(name, args=list(args), ignore_result=True)
                return
            except Exception:  # the broker coming back: try again
                time.sleep(0.2)
        raise AssertionError(f"the broker never took {name}")

    def consumes(self, seconds: float = 30.0) -> bool:
        self._probes += 1
        probe = self.tmp / f"probe-{self._probes}"
        self.send("broker_fix.probe", str(probe))
        return _wait(probe.exists, seconds)

    def hold_two(self) -> None:
        """Two tasks running (of three processes): unacknowledged, BRPOP outstanding."""
        folder = self.tmp / f"held-{time.monotonic_ns()}"
        folder.mkdir()
        for _ in range(2):
            self.send("broker_fix.hold", str(folder), 4.0)
        assert _wait(lambda: len(list(folder.iterdir())) == 2, 30), self.tail()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.sender.close()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def _restart(redis: PrivateRedis) -> None:
    redis.kill()  # SIGKILL: the worker's sockets die with it
    time.sleep(1.0)
    redis.start()


def test_the_worker_consumes_after_each_redis_restart_mid_task(
    tmp_path: Path, redis: PrivateRedis
) -> None:
    worker = Worker(tmp_path, redis, fixed=True)
    try:
        assert worker.consumes(), worker.tail()
        for _ in range(3):
            worker.hold_two()
            _restart(redis)
            assert worker.consumes(), worker.tail()
            assert worker.process.poll() is None, worker.tail()
        assert "Unrecoverable error" not in worker.log.read_text(errors="replace")
    finally:
        worker.stop()


def test_without_the_fix_kombu_still_stops_the_worker(tmp_path: Path, redis: PrivateRedis) -> None:
    worker = Worker(tmp_path, redis, fixed=False)
    try:
        assert worker.consumes(), worker.tail()
        worker.hold_two()
        _restart(redis)
        stopped = _wait(lambda: worker.process.poll() is not None, 30)
        assert stopped, (
            "kombu no longer stops a worker on a Redis restart mid-task: remove "
            f"gateway/tasks/broker_fix.py\n{worker.tail()}"
        )
        assert "'NoneType' object has no attribute 'hostname'" in worker.log.read_text(
            errors="replace"
        )
    finally:
        worker.stop()
