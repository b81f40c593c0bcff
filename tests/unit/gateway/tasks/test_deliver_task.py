"""The delivery task dead-letters what the system of record keeps refusing, but never a
transaction whose delivery failed because our own database or disk was down."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from celery import Celery

from gateway.domain.delivery import DeliveryUnavailable
from gateway.domain.errors import GatewayError, StoreUnavailable
from gateway.services.delivery import RetryPolicy
from gateway.tasks import pipeline
from gateway.tasks.dispatch import DELIVER


class Delivery:
    def __init__(self, error: GatewayError) -> None:
        self.error = error
        self.dead: list[str] = []

    def deliver(self, transaction_id: str) -> Any:
        raise self.error

    def dead_letter(self, transaction_id: str, error: GatewayError | str) -> None:
        self.dead.append(transaction_id)


def _run_last_try(monkeypatch: pytest.MonkeyPatch, error: GatewayError) -> tuple[Any, Delivery]:
    delivery = Delivery(error)
    policy = RetryPolicy(max_retries=3, base_seconds=0.1, max_seconds=1.0)
    monkeypatch.setattr(pipeline, "services", lambda: SimpleNamespace(delivery=delivery))
    monkeypatch.setattr(pipeline, "retry_policy", lambda: policy)
    # An app of its own: other tests register tasks under our names on theirs.
    app = Celery("deliver-test", set_as_current=False)
    task = app.tasks[DELIVER]  # finalizing the app registers gateway.tasks' shared tasks
    assert task.run.__module__ == pipeline.__name__
    result = task.apply(args=["t-1"], retries=policy.max_retries)
    return result, delivery


def test_a_system_that_stays_away_is_dead_lettered_on_the_last_try(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, delivery = _run_last_try(monkeypatch, DeliveryUnavailable("erp down"))
    assert result.result == "dead_lettered" and delivery.dead == ["t-1"]


def test_our_own_outage_is_never_a_dead_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    result, delivery = _run_last_try(monkeypatch, StoreUnavailable("database down"))
    assert isinstance(result.result, StoreUnavailable)  # the task fails; the sweeper resumes
    assert delivery.dead == []
