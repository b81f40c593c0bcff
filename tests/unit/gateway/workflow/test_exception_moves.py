"""An exception's moves: acknowledged, assigned, resolved — each an audit entry — and
the fingerprint that makes a discrepancy found twice one exception."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.domain.workflow.errors import ExceptionStateConflict
from gateway.domain.workflow.exceptions import (
    AuditAction,
    ExceptionRecord,
    ExceptionState,
    Owner,
    Resolution,
    acknowledge,
    assign,
    fingerprint,
    reopen,
    resolve,
)

T0 = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def record() -> ExceptionRecord:
    return ExceptionRecord(
        id="x1",
        fingerprint="f",
        rule="invoice",
        kind="invoice_price",
        owner=Owner.FINANCE,
        state=ExceptionState.OPEN,
        explanation="price",
        opened_at=T0,
        updated_at=T0,
    )


def test_the_fingerprint_names_partner_rule_subject_kind_and_line() -> None:
    one = fingerprint("acme", "invoice", "INV-1", "invoice_price", "line 1")
    assert one == fingerprint("acme", "invoice", "INV-1", "invoice_price", "line 1")
    for other in (
        ("nordfrost", "invoice", "INV-1", "invoice_price", "line 1"),
        ("acme", "invoice", "INV-2", "invoice_price", "line 1"),
        ("acme", "invoice", "INV-1", "invoice_price", "line 2"),
    ):
        assert fingerprint(*other) != one


def test_acknowledge_then_assign_then_resolve_leaves_a_trail_with_who_and_when() -> None:
    item = record()
    later = T0 + timedelta(hours=2)
    entry = acknowledge(item, "ap clerk", T0 + timedelta(hours=1))
    assert entry is not None and entry.action is AuditAction.ACKNOWLEDGED
    assert (entry.from_state, entry.to_state) == (ExceptionState.OPEN, ExceptionState.ACKNOWLEDGED)
    assert item.acknowledged_by == "ap clerk" and acknowledge(item, "x", later) is None
    moved = assign(item, "dana@example.com", "lead", later, owner=Owner.PROCUREMENT)
    assert moved.note == "finance → procurement; to dana@example.com"
    assert item.owner is Owner.PROCUREMENT and item.state is ExceptionState.ACKNOWLEDGED
    done = resolve(item, Resolution.ACCEPT, "dana", later, "price agreed by phone")
    assert done.to_state is ExceptionState.RESOLVED and item.waived and not item.unresolved
    assert (item.resolved_by, item.resolved_at) == ("dana", later)
    assert item.age(later) == timedelta(hours=2)


def test_a_resolved_exception_cannot_be_resolved_assigned_or_acknowledged() -> None:
    item = record()
    resolve(item, Resolution.REMATCH, "dana", T0, "fixed in the ERP")
    for move in (
        lambda: resolve(item, Resolution.ACCEPT, "x", T0, "again"),
        lambda: assign(item, "y", "x", T0),
        lambda: acknowledge(item, "x", T0),
    ):
        with pytest.raises(ExceptionStateConflict):
            move()


def test_reopening_forgets_the_resolution() -> None:
    item = record()
    resolve(item, Resolution.REMATCH, "dana", T0, "fixed")
    entry = reopen(item, T0, "found again")
    assert entry.action is AuditAction.REOPENED and entry.actor == "gateway"
    assert item.state is ExceptionState.OPEN and item.resolution is None
