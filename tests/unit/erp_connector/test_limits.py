"""The rate limiter and the circuit breaker, on a fake clock."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from erp_connector import BreakerState, CircuitBreaker, RateLimiter
from gateway.domain.delivery import DeliveryRejected, DeliveryUnavailable

from .conftest import FakeClock


def test_calls_are_spaced_one_interval_apart(clock: FakeClock) -> None:
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    started = []
    for _ in range(5):
        limiter.acquire()
        started.append(clock())
    gaps = [round(b - a, 9) for a, b in itertools.pairwise(started)]
    assert gaps == [0.1, 0.1, 0.1, 0.1]
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1, 0.1])


def test_waiting_callers_queue_up_instead_of_waking_together(clock: FakeClock) -> None:
    # The sleep does not move the clock: four callers arrive at the same instant.
    limiter = RateLimiter(10.0, clock=clock, sleep=lambda seconds: None)
    assert [limiter.acquire() for _ in range(4)] == pytest.approx([0.0, 0.1, 0.2, 0.3])


def test_a_quiet_spell_earns_at_most_the_burst(clock: FakeClock) -> None:
    limiter = RateLimiter(2.0, burst=3, clock=clock, sleep=lambda seconds: None)
    clock.advance(60)
    assert [limiter.acquire() for _ in range(5)] == pytest.approx([0, 0, 0, 0.5, 1.0])


def test_a_wait_beyond_max_wait_is_handed_back_as_a_retry(clock: FakeClock) -> None:
    limiter = RateLimiter(1.0, clock=clock, sleep=lambda seconds: None)
    limiter.acquire()
    limiter.acquire()  # reserved: 1 s from now
    with pytest.raises(DeliveryUnavailable) as raised:
        limiter.acquire(max_wait=1.5)
    assert raised.value.code == "delivery.rate_limited"
    assert raised.value.retry_after == pytest.approx(2.0)
    assert limiter.acquire(max_wait=2.0) == pytest.approx(2.0)  # the slot was given back


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(1.0, burst=0.5)
    with pytest.raises(ValueError):
        CircuitBreaker(0)


def test_threads_share_the_rate_on_the_real_clock() -> None:
    limiter = RateLimiter(400.0)
    started: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(10):
            limiter.acquire()
            with lock:
                started.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started.sort()
    # 40 calls at 400/s: the 40th starts no earlier than 39 intervals after the 1st
    assert started[-1] - started[0] >= 39 / 400 * 0.95


def fail() -> None:
    raise DeliveryUnavailable("down", code="delivery.server_error")


def breaker(clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker(3, 30.0, clock=clock, name="erp")


def test_the_breaker_opens_after_n_consecutive_failures_and_fails_fast(clock: FakeClock) -> None:
    circuit = breaker(clock)
    for _ in range(3):
        with pytest.raises(DeliveryUnavailable):
            circuit.call(fail)
    assert circuit.state is BreakerState.OPEN
    clock.advance(10)
    calls = []
    with pytest.raises(DeliveryUnavailable) as raised:
        circuit.call(lambda: calls.append(1))
    assert calls == []
    assert raised.value.code == "delivery.circuit_open"
    assert raised.value.retry_after == pytest.approx(20.0)


def test_a_success_resets_the_count(clock: FakeClock) -> None:
    circuit = breaker(clock)
    for _ in range(2):
        with pytest.raises(DeliveryUnavailable):
            circuit.call(fail)
    assert circuit.call(lambda: "ok") == "ok"
    for _ in range(2):
        with pytest.raises(DeliveryUnavailable):
            circuit.call(fail)
    assert circuit.state is BreakerState.CLOSED


def test_a_rejection_means_the_system_is_up(clock: FakeClock) -> None:
    circuit = breaker(clock)

    def reject() -> None:
        raise DeliveryRejected("bad data")

    for _ in range(2):
        with pytest.raises(DeliveryUnavailable):
            circuit.call(fail)
    with pytest.raises(DeliveryRejected):
        circuit.call(reject)
    with pytest.raises(DeliveryUnavailable):
        circuit.call(fail)
    assert circuit.state is BreakerState.CLOSED


def open_breaker(clock: FakeClock) -> CircuitBreaker:
    circuit = breaker(clock)
    for _ in range(3):
        with pytest.raises(DeliveryUnavailable):
            circuit.call(fail)
    clock.advance(30)
    return circuit


def test_half_open_lets_one_trial_through_and_its_success_closes(clock: FakeClock) -> None:
    circuit = open_breaker(clock)
    during_trial: list[str] = []

    def trial() -> str:
        assert circuit.state is BreakerState.HALF_OPEN
        with pytest.raises(DeliveryUnavailable) as raised:  # a second caller meanwhile
            circuit.call(lambda: "never")
        during_trial.append(raised.value.code)
        return "ok"

    assert circuit.call(trial) == "ok"
    assert during_trial == ["delivery.circuit_open"]
    assert circuit.state is BreakerState.CLOSED
    assert circuit.call(lambda: "next") == "next"


def test_a_failed_trial_opens_for_another_cool_down(clock: FakeClock) -> None:
    circuit = open_breaker(clock)
    with pytest.raises(DeliveryUnavailable) as raised:
        circuit.call(fail)
    assert raised.value.code == "delivery.server_error"  # the trial ran
    assert circuit.state is BreakerState.OPEN
    clock.advance(29)
    with pytest.raises(DeliveryUnavailable) as raised:
        circuit.call(lambda: None)
    assert raised.value.code == "delivery.circuit_open"
    assert raised.value.retry_after == pytest.approx(1.0)


def test_our_own_bug_in_a_trial_lets_the_next_caller_try(clock: FakeClock) -> None:
    circuit = open_breaker(clock)

    def bug() -> None:
        raise KeyError("ours")

    with pytest.raises(KeyError):
        circuit.call(bug)
    assert circuit.state is BreakerState.HALF_OPEN
    assert circuit.call(lambda: "ok") == "ok"
    assert circuit.state is BreakerState.CLOSED
