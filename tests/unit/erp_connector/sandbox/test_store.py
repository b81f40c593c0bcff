"""The sandbox's tables under concurrent writers: keys decide duplicates, sequences never
repeat, and the fault count is shared exactly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from erp_connector.sandbox.database import create_schema, make_engine
from erp_connector.sandbox.events import EventStore
from erp_connector.sandbox.faults import Faults, FaultSwitch
from erp_connector.sandbox.records import Intake, NewRecord, RecordStore


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def record(key: str, system: str = "erp") -> NewRecord:
    return NewRecord(system, "purchase_order", key, f"PO-{key}", "acme", {"n": key})


def test_concurrent_writers_get_unique_gapless_sequences(engine: Engine) -> None:
    store = RecordStore(engine)
    keys = [f"k{n % 20}" for n in range(60)]  # every key three times
    start = threading.Barrier(12)

    def add(n: int) -> Intake:
        if n < 12:  # the first twelve start together, one per thread
            start.wait(timeout=10)
        return store.add(record(keys[n]))

    with ThreadPoolExecutor(max_workers=12) as pool:
        intakes = list(pool.map(add, range(len(keys))))

    assert sum(not intake.duplicate for intake in intakes) == 20
    assert len({intake.id for intake in intakes}) == 20
    sequences = sorted(r.sequence for r in store.find("erp", limit=1000))
    assert sequences == list(range(1, 21))
    assert store.counts("erp") == ({"purchase_order": 20}, 20)


def test_sequences_are_per_system(engine: Engine) -> None:
    store = RecordStore(engine)

    store.add(record("a", "erp"))
    store.add(record("b", "erp"))
    store.add(record("a", "wms"))

    assert [r.sequence for r in store.find("wms")] == [1]
    assert [r.sequence for r in store.find("erp")] == [2, 1]


def test_a_duplicate_commits_none_of_the_work_joined_to_it(engine: Engine) -> None:
    store, events = RecordStore(engine), EventStore(engine)

    first = store.add(record("a"), then=events.outbox("e1", "erp", "purchase_order", None, {}))
    again = store.add(record("a"), then=events.outbox("e2", "erp", "purchase_order", None, {}))

    assert again == Intake(first.id, duplicate=True)
    assert [e.id for e in events.find("erp")] == ["e1"]
    assert store.counts("erp")[1] == 1


def test_the_fault_count_is_taken_exactly_under_concurrency(engine: Engine) -> None:
    switch = FaultSwitch(engine)
    seen = switch.set(Faults(status=503, count=5, retry_after=2))

    with ThreadPoolExecutor(max_workers=8) as pool:
        failures = [f for f in pool.map(lambda _: switch.take(seen), range(40)) if f is not None]

    assert len(failures) == 5
    assert {(f.status, f.retry_after, f.hang) for f in failures} == {(503, 2, False)}
    assert switch.current().injected == 5


def test_faults_cleared_after_they_were_read_do_not_fail_the_call(engine: Engine) -> None:
    switch = FaultSwitch(engine)
    seen = switch.set(Faults(status=500))

    switch.clear()

    assert switch.take(seen) is None
    assert switch.current() == Faults()


def test_another_process_trusts_a_quiet_switch_for_quiet_for_seconds(engine: Engine) -> None:
    here, patient, eager = (
        FaultSwitch(engine),
        FaultSwitch(engine, quiet_for=60),
        FaultSwitch(engine, quiet_for=0),
    )
    patient.for_call()  # both have just read a quiet switch
    eager.for_call()

    here.set(Faults(status=503))

    assert here.for_call().status == 503  # the process that set it: at once
    assert eager.for_call().status == 503
    assert patient.for_call().status is None  # within quiet_for: still quiet
    assert patient.current().status == 503  # what GET /_faults reads: always fresh
    assert patient.for_call().status == 503  # a set switch is read every call


def test_schema_creation_is_repeatable_and_keeps_the_data(engine: Engine) -> None:
    RecordStore(engine).add(record("a"))
    FaultSwitch(engine).set(Faults(latency_ms=5))

    create_schema(engine)

    assert RecordStore(engine).counts("erp") == ({"purchase_order": 1}, 1)
    assert FaultSwitch(engine).current().latency_ms == 5


def test_sqlite_runs_in_wal_with_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as conn:
        mode = conn.execute(text("PRAGMA journal_mode")).scalar()
        timeout = conn.execute(text("PRAGMA busy_timeout")).scalar()

    assert (mode, timeout) == ("wal", 30000)
