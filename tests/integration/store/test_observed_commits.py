"""A metric that fails must not fail the transaction it counts: the observer is called
just before the database commits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gateway.domain.tracking import State
from gateway.persistence.database import make_engine
from gateway.persistence.migrate import upgrade
from gateway.persistence.observed import observe_commits
from gateway.persistence.unit_of_work import SqlUnitOfWork
from gateway.ports import StateMove
from tests.stores import add_received_message


class Broken:
    def __init__(self) -> None:
        self.calls = 0

    def moved(self, moves: Sequence[StateMove]) -> None:
        self.calls += 1
        raise ValueError("Duplicated timeseries in CollectorRegistry")


def test_a_failing_observer_leaves_the_commit_done(tmp_path: Path) -> None:
    # An engine of its own: the observer stays registered for the engine's life.
    store_engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(store_engine)
    observer = Broken()
    observe_commits(store_engine, observer)
    add_received_message(store_engine, "m-observed")
    assert observer.calls == 1
    with SqlUnitOfWork(store_engine) as uow:  # committed, and the pool's connection is sound
        found = uow.messages.get("m-observed")
    assert found is not None and found.state is State.RECEIVED
    store_engine.dispose()
