"""Being a good client: a rate limit the system's owners set, and a circuit breaker.

Both are shared by the threads of one worker process and take their clock (and
sleep) as arguments, so the tests run on a fake clock in microseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from gateway.domain.delivery import DeliveryUnavailable
from gateway.domain.errors import PermanentError, RetryableError

T = TypeVar("T")


class RateLimiter:
    """A token bucket: ``rate_per_second`` calls on average, at most ``burst`` at once.

    A caller reserves its slot under the lock and sleeps outside it, so waiting
    threads queue up one interval apart instead of waking together.

    Args:
        rate_per_second: the average rate allowed.
        burst: how many calls may go at once after a quiet spell. 1 by default:
            calls are spaced evenly, so no window of any length sees more than its
            share (systems count per second, per minute, or per sliding window).
        clock: monotonic seconds.
        sleep: how to wait (tests pass a fake that moves their clock).
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be > 0 and burst >= 1")
        self.rate = rate_per_second
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = burst
        self._updated = clock()

    def acquire(self, max_wait: float | None = None) -> float:
        """Wait for a slot and take it.

        Args:
            max_wait: the longest the caller will wait; None waits as long as it takes.

        Returns:
            The seconds waited.

        Raises:
            DeliveryUnavailable: ``delivery.rate_limited`` when the wait would exceed
                ``max_wait`` (``retry_after`` is that wait; the slot is given back).
        """
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
            if max_wait is not None and wait > max_wait:
                self._tokens += 1
                raise DeliveryUnavailable(
                    f"rate limit: next slot in {wait:.3f} s",
                    code="delivery.rate_limited",
                    retry_after=wait,
                )
        if wait > 0:
            self._sleep(wait)
        return wait


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Stop calling a system that keeps failing, and try again after a cool-down.

    closed → open after ``failure_threshold`` consecutive retryable failures; open
    → half-open once ``cool_down`` seconds have passed, letting one trial call
    through; its success closes the breaker, its failure opens it for another
    cool-down. While open (or while the trial is out) calls fail at once with
    ``delivery.circuit_open`` and ``retry_after`` = the rest of the cool-down.

    A ``PermanentError`` (the system refused a document) counts as a success: the
    system answered. Anything else (a bug on our side) leaves the counts alone.

    Args:
        failure_threshold: consecutive retryable failures that open the breaker.
        cool_down: seconds the breaker stays open.
        clock: monotonic seconds.
        name: the system's name, for messages.
    """

    def __init__(
        self,
        failure_threshold: int = 5,
        cool_down: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str = "system",
    ) -> None:
        if failure_threshold < 1 or cool_down <= 0:
            raise ValueError("failure_threshold must be >= 1 and cool_down > 0")
        self._threshold = failure_threshold
        self._cool_down = cool_down
        self._clock = clock
        self._name = name
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_out = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state

    def call(self, action: Callable[[], T]) -> T:
        """Run ``action`` if the breaker lets it through, and learn from its outcome.

        Raises:
            DeliveryUnavailable: ``delivery.circuit_open`` without calling ``action``;
                otherwise whatever ``action`` raises.
        """
        self._admit()
        try:
            result = action()
        except RetryableError:
            self._record(failed=True)
            raise
        except PermanentError:
            self._record(failed=False)
            raise
        except BaseException:
            with self._lock:
                self._trial_out = False  # the trial told us nothing: let another one go
            raise
        self._record(failed=False)
        return result

    def _admit(self) -> None:
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return
            remaining = self._opened_at + self._cool_down - self._clock()
            if self._state is BreakerState.OPEN and remaining <= 0:
                self._state = BreakerState.HALF_OPEN
            if self._state is BreakerState.HALF_OPEN and not self._trial_out:
                self._trial_out = True
                return
        raise DeliveryUnavailable(
            f"{self._name}: circuit open after {self._threshold} consecutive failures",
            code="delivery.circuit_open",
            retry_after=max(0.0, remaining),
        )

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            self._trial_out = False
            if not failed:
                self._state = BreakerState.CLOSED
                self._failures = 0
                return
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or self._failures >= self._threshold:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
