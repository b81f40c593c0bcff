"""Outbound control numbers: atomic per partner, no duplicates, no gaps, wrap at the maximum."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update

from gateway.domain.control_numbers import MAXIMUM, Level
from gateway.persistence.control_numbers import DatabaseControlNumbers
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.persistence.tables import control_counters
from tests.stores import POSTGRES_URL, postgres_schema_engine

WORKERS = 4
EACH = 60


def _allocate(url: str, schema: str | None, partner: str, count: int) -> list[int]:
    engine = make_engine(url, schema=schema)
    numbers = DatabaseControlNumbers(engine)
    try:
        return [numbers.next(partner, Level.INTERCHANGE) for _ in range(count)]
    finally:
        engine.dispose()


def _reserve(url: str, schema: str | None, partner: str, count: int) -> list[int]:
    """What acknowledgements take: an interchange, a group and a set number at once;
    the interchange numbers (one a call, and the groups and sets interleaved) returned."""
    engine = make_engine(url, schema=schema)
    numbers = DatabaseControlNumbers(engine)
    wanted = [Level.INTERCHANGE, Level.GROUP, Level.SET, Level.GROUP, Level.SET]
    try:
        taken = [numbers.reserve(partner, wanted) for _ in range(count)]
    finally:
        engine.dispose()
    for _interchange, group, set_, group_2, set_2 in taken:
        assert (group_2, set_2) == (group + 1, set_ + 1)  # consecutive within one call
    return [numbers[0] for numbers in taken] + [n for numbers in taken for n in numbers[1::2]]


def _run_processes(url: str, schema: str | None, job: object = _allocate) -> list[list[int]]:
    context = multiprocessing.get_context("spawn")  # separate interpreters, separate connections
    with context.Pool(WORKERS) as pool:
        jobs = [pool.apply_async(job, (url, schema, "acme", EACH)) for _ in range(WORKERS)]  # type: ignore[arg-type]
        return [job.get(timeout=120) for job in jobs]


def test_processes_allocating_at_once_on_postgres_get_every_number_once() -> None:
    for engine in postgres_schema_engine():
        schema = engine.dialect.default_schema_name
        with engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        batches = _run_processes(POSTGRES_URL, schema)
        everything = sorted(n for batch in batches for n in batch)
        assert everything == list(range(1, WORKERS * EACH + 1))  # no duplicate, no gap
        for batch in batches:
            assert batch == sorted(batch)  # each process sees its own numbers increase


def test_processes_reserving_at_once_on_postgres_get_every_number_once() -> None:
    for engine in postgres_schema_engine():
        with engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        DatabaseControlNumbers(engine).reserve("acme", list(Level))  # the counters exist
        batches = _run_processes(POSTGRES_URL, schema, _reserve)
        interchanges = sorted(n for batch in batches for n in batch[:EACH])
        groups = sorted(n for batch in batches for n in batch[EACH:])
        assert interchanges == list(range(2, WORKERS * EACH + 2))  # no duplicate, no gap
        assert groups == list(range(2, 2 * WORKERS * EACH + 2))


def test_processes_allocating_at_once_on_sqlite_get_every_number_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'numbers.db'}"
    upgrade(make_engine(url))
    batches = _run_processes(url, None)
    everything = sorted(n for batch in batches for n in batch)
    assert everything == list(range(1, WORKERS * EACH + 1))


def test_counters_are_per_partner_and_level(store_engine: Engine) -> None:
    numbers = DatabaseControlNumbers(store_engine)
    assert [numbers.next("acme", Level.INTERCHANGE) for _ in range(3)] == [1, 2, 3]
    assert numbers.next("acme", Level.GROUP) == 1
    assert numbers.next("nordfrost", Level.INTERCHANGE) == 1
    assert numbers.last("acme", Level.INTERCHANGE) == 3


def test_a_reservation_hands_out_what_next_would(store_engine: Engine) -> None:
    numbers = DatabaseControlNumbers(store_engine)
    wanted = [Level.INTERCHANGE, Level.GROUP, Level.SET, Level.GROUP, Level.SET]
    assert numbers.reserve("acme", wanted) == [1, 1, 1, 2, 2]  # counters created one by one
    assert numbers.reserve("acme", wanted) == [2, 3, 3, 4, 4]  # then in one allocation
    assert numbers.next("acme", Level.GROUP) == 5
    assert numbers.reserve("nordfrost", [Level.SET]) == [1]
    with store_engine.begin() as connection:
        connection.execute(update(control_counters).values(last_value=MAXIMUM[Level.SET] - 1))
    assert numbers.reserve("acme", [Level.SET, Level.SET, Level.SET]) == [MAXIMUM[Level.SET], 1, 2]


@pytest.mark.parametrize("level", list(Level))
def test_numbers_wrap_to_one_past_the_field_maximum(store_engine: Engine, level: Level) -> None:
    numbers = DatabaseControlNumbers(store_engine)
    numbers.next("acme", level)
    with store_engine.begin() as connection:
        connection.execute(update(control_counters).values(last_value=MAXIMUM[level] - 1))
    assert numbers.next("acme", level) == MAXIMUM[level]
    assert MAXIMUM[Level.INTERCHANGE] == 999_999_999  # ISA13 is nine digits
    assert numbers.next("acme", level) == 1
    assert numbers.next("acme", level) == 2


def test_a_number_is_never_handed_out_again_even_when_the_caller_rolls_back(
    postgres_engine: Engine,
) -> None:
    """PostgreSQL only: on SQLite a caller holding a write transaction would wait for
    itself, which is why the intake allocates only outside its transactions."""
    numbers = DatabaseControlNumbers(postgres_engine)
    with postgres_engine.connect() as connection, connection.begin() as outer:
        connection.execute(text("SELECT 1"))
        first = numbers.next("acme", Level.SET)
        outer.rollback()
    assert numbers.next("acme", Level.SET) == first + 1
