"""The fault suite's stack (one for the session: starting it takes ~15 s) and the table
printed when the session ends."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.faults import report
from tests.faults.services import missing_services
from tests.faults.stack import Stack, start_stack

# Opt-in until it is green every time: after a Redis restart the Celery worker can stop
# taking tasks for good (kombu "Error on stopping Hub"), which fails the faults after it;
# the store loses nothing, but a flaky suite must not gate main. Run it with
# ``CROSSDOCK_FAULTS=1 ./scripts/test tests/faults -rA`` (3–8 minutes).
ENABLED = os.environ.get("CROSSDOCK_FAULTS") == "1"


@pytest.fixture(scope="session")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not ENABLED:
        pytest.skip("the fault suite runs on request: CROSSDOCK_FAULTS=1 (see tests/faults)")
    missing = missing_services()
    if missing:
        pytest.skip(f"the fault suite needs its own servers: missing {', '.join(missing)}")
    yield from start_stack(tmp_path_factory.mktemp("faults"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not report.ROWS:
        return
    path = report.write(report.ROWS)
    terminalreporter.section("fault injection")
    terminalreporter.write_line(report.table(report.ROWS))
    terminalreporter.write_line(f"(also in {path})")
