"""A worker takes the inbound messages that wait together with its own (claimed for a
lease), on the real store (SQLite and PostgreSQL): each message is processed once,
whoever's task runs first, and what fits no batch is left for its own task."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway.bootstrap import Gateway, gateway
from gateway.domain.tracking import State, Transport
from gateway.persistence.tables import messages, transactions
from gateway.services.intake import Submission
from gateway.settings import Settings
from tests.conftest import ROOT
from tests.fakes import FakeConnector, FixedClock
from tests.partner_profiles import acme, nordfrost

LEASE = timedelta(seconds=150)
DESADV = (ROOT / "demo/inbound/nordfrost_desadv_d96a.edi").read_bytes()


def single(number: int) -> bytes:
    """A one-855 interchange from Acme for PO-C<number>, ICN <number>."""
    segments = [
        "ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*CROSSDOCK      *261128*1405*U"
        f"*00401*{number:09d}*0*P*>",
        f"GS*PR*ACMESUPPLY*CROSSDOCK*20261128*1405*{number}*X*004010",
        "ST*855*0001",
        f"BAK*00*AC*PO-C{number}*20261128",
        "PO1*1*24*EA*12.5**VP*WID-100",
        "ACK*IA*24*EA",
        "CTT*1",
        "SE*6*0001",
        f"GE*1*{number}",
        f"IEA*1*{number:09d}",
    ]
    return ("~".join(segments) + "~").encode("latin-1")


@pytest.fixture
def systems() -> dict[str, FakeConnector]:
    return {"erp": FakeConnector("erp"), "wms": FakeConnector("wms")}


def _wired(engine: Engine, path: Path, clock: FixedClock, systems: dict[str, FakeConnector],
           **settings: int) -> Gateway:  # fmt: skip
    wired = gateway(
        Settings(data_dir=path / "data", **settings),  # type: ignore[arg-type]
        clock=clock, engine=engine, migrate=False, connectors=systems,
    )  # fmt: skip
    with wired.unit_of_work() as uow:
        if uow.partners.get("acme-supply") is None:
            uow.partners.save(acme(), clock.now())
            uow.partners.save(nordfrost(), clock.now())
        uow.commit()
    return wired


@pytest.fixture
def gw(
    store_engine: Engine, tmp_path: Path, clock: FixedClock, systems: dict[str, FakeConnector]
) -> Gateway:
    return _wired(store_engine, tmp_path, clock, systems, inbound_batch=4)


def _receive(gw: Gateway, *payloads: bytes) -> list[str]:
    """Received a millisecond apart (the order a batch follows)."""
    clock = gw.clock
    assert isinstance(clock, FixedClock)
    ids = []
    for payload in payloads:
        clock.advance(milliseconds=1)
        ids.append(gw.intake.receive(payload, Submission(Transport.API)).id)
    return ids


def _states(gw: Gateway, ids: list[str]) -> list[State]:
    with gw.unit_of_work() as uow:
        found = [uow.messages.get(i) for i in ids]
    return [m.state for m in found if m is not None]


def test_a_worker_takes_the_oldest_waiting_messages_with_its_own(gw: Gateway) -> None:
    ids = _receive(gw, *(single(n) for n in range(1, 7)))
    outcomes = gw.intake.process_claimed(ids[5], LEASE)
    # Its own (the newest) and the three oldest, in the order they were received.
    assert [o.message.id for o in outcomes] == [ids[0], ids[1], ids[2], ids[5]]
    assert _states(gw, ids) == [State.MAPPED] * 3 + [State.RECEIVED] * 2 + [State.MAPPED]
    assert all(len(o.transactions) == 1 and o.acknowledgements for o in outcomes)


def test_a_message_claimed_by_another_worker_is_left_to_it_until_the_lease_ends(
    gw: Gateway, clock: FixedClock
) -> None:
    first, second = _receive(gw, single(1), single(2))
    with gw.unit_of_work() as uow:  # another worker took both and died
        taken = uow.messages.claim_waiting(clock.now(), clock.now() - LEASE, limit=5, max_size=9999)
        uow.commit()
    assert sorted(m.id for m in taken) == sorted([first, second])
    assert gw.intake.process_claimed(second, LEASE) == []
    assert _states(gw, [first, second]) == [State.RECEIVED, State.RECEIVED]
    clock.advance(seconds=LEASE.total_seconds() + 1)
    outcomes = gw.intake.process_claimed(second, LEASE)
    assert [o.message.id for o in outcomes] == [first, second]
    assert _states(gw, [first, second]) == [State.MAPPED, State.MAPPED]


def test_the_task_of_a_message_another_batch_processed_does_nothing(
    gw: Gateway, systems: dict[str, FakeConnector]
) -> None:
    first, second = _receive(gw, single(1), single(2))
    outcomes = gw.pipeline.process_claimed(first, LEASE, deliver=False)
    gw.delivery.deliver_messages([o.message.id for o in outcomes])
    assert gw.pipeline.process_claimed(second, LEASE, deliver=False) == []
    assert len(systems["erp"].calls) == 2  # no second delivery attempt for either


def test_the_byte_budget_bounds_a_batch_and_gives_the_rest_back(
    store_engine: Engine, tmp_path: Path, clock: FixedClock, systems: dict[str, FakeConnector]
) -> None:
    two = 2 * len(single(1)) + 1
    gw = _wired(store_engine, tmp_path, clock, systems, inbound_batch=16, inbound_batch_bytes=two)
    ids = _receive(gw, *(single(n) for n in range(1, 5)))
    assert [o.message.id for o in gw.intake.process_claimed(ids[0], LEASE)] == ids[:2]
    with gw.engine.connect() as connection:
        claims = dict(connection.execute(select(messages.c.id, messages.c.claimed_at)).all())
    assert claims[ids[2]] is None and claims[ids[3]] is None  # not kept from their tasks
    # A message over the budget still goes, alone, when its own task runs.
    big = _receive(gw, single(9) + b"\n" * two)[0]
    assert [o.message.id for o in gw.intake.process_claimed(big, LEASE)] == [big]


def test_a_batch_of_two_partners_is_delivered_in_one_call_per_system(
    gw: Gateway, systems: dict[str, FakeConnector]
) -> None:
    ids = _receive(gw, single(1), DESADV, single(2))
    outcomes = gw.pipeline.process_claimed(ids[0], LEASE, deliver=False)
    assert len(outcomes) == 3
    delivered = gw.delivery.deliver_messages([o.message.id for o in outcomes])
    assert len(delivered.delivered) == 3 and not delivered.failed
    assert systems["erp"].batches == 1 and len(systems["erp"].records) == 3
    assert _states(gw, ids) == [State.DELIVERED] * 3


def test_workers_racing_over_the_same_messages_process_each_once(
    postgres_engine: Engine, tmp_path: Path, clock: FixedClock, systems: dict[str, FakeConnector]
) -> None:
    from tests.stores import empty_tables

    empty_tables(postgres_engine)
    gw = _wired(postgres_engine, tmp_path, clock, systems, inbound_batch=5)
    ids = _receive(gw, *(single(n) for n in range(1, 41)))
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        order = list(ids)
        random.Random(seed).shuffle(order)
        try:
            for message_id in order:  # every worker runs every message's task
                gw.pipeline.process_claimed(message_id, LEASE, deliver=False)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(_states(gw, ids)) == {State.MAPPED}
    with gw.engine.connect() as connection:
        per_message = connection.execute(
            select(transactions.c.message_id, func.count()).group_by(transactions.c.message_id)
        ).all()
        acks = connection.execute(
            select(func.count()).select_from(messages).where(messages.c.in_reply_to.in_(ids))
        ).scalar_one()
    assert sorted(count for _, count in per_message) == [1] * 40
    assert acks == 40  # one 997 each: none translated and recorded twice
