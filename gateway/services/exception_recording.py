"""A rule's findings become exceptions, once each (SPEC §5).

Found for the first time: a new exception with its owner. Found again: the same one
(its fingerprint), its explanation brought up to date; reopened if it had been resolved
as put right; left alone if it had been accepted as it is (waived). Not found any more
on a full re-match: cleared by the gateway, with the reason in its audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from gateway.domain.workflow.exceptions import (
    GATEWAY_ACTOR,
    AuditEntry,
    DocumentLink,
    ExceptionRecord,
    ExceptionState,
    Owner,
    Resolution,
    fingerprint,
    opened,
    reopen,
    resolve,
    seen_again,
)
from gateway.domain.workflow.findings import Discrepancy, Finding, Rule, default_owner
from gateway.ports import UnitOfWork
from gateway.profiles.model import PartnerProfile
from gateway.services.match_context import Evaluation

_ROLES = frozenset(owner.value for owner in Owner)


@dataclass(slots=True)
class Recorded:
    """The findings that still count (not waived) and the exceptions behind them."""

    kept: list[Finding] = field(default_factory=list)
    exceptions: list[ExceptionRecord] = field(default_factory=list)
    waived: list[ExceptionRecord] = field(default_factory=list)


def owner_for(
    profile: PartnerProfile | None, rule: Rule, kind: Discrepancy
) -> tuple[Owner, str | None]:
    """The rule's team for ``kind``, unless the profile's ``exception_owners`` moves the
    kind to another team (``invoice_price: procurement``) or names a person for the kind
    or the team (``finance: ap@example.com``)."""
    owners = profile.exception_owners if profile else {}
    role, assignee = default_owner(rule, kind), None
    named = owners.get(kind.value)
    if named in _ROLES:
        role = Owner(named)
    elif named:
        assignee = named
    team = owners.get(role.value)
    if assignee is None and team and team not in _ROLES:
        assignee = team
    return role, assignee


def record_findings(
    uow: UnitOfWork, evaluation: Evaluation, profile: PartnerProfile | None, now: datetime
) -> Recorded:
    outcome, record = evaluation.outcome, evaluation.record
    partner = record.partner_id
    po_number = outcome.po_numbers[0] if outcome.po_numbers else None
    recorded = Recorded()
    seen: set[str] = set()
    # One read for the subject: what it finds again, and what it no longer finds.
    known = {
        e.fingerprint: e
        for e in uow.exceptions.of_subject(partner, outcome.rule.value, outcome.subject)
    }
    for finding in outcome.findings:
        key = fingerprint(
            partner, outcome.rule.value, outcome.subject, finding.kind.value, finding.line
        )
        seen.add(key)
        existing = known.get(key)
        if existing is None:
            role, assignee = owner_for(profile, outcome.rule, finding.kind)
            new = ExceptionRecord(
                id=str(uuid.uuid4()),
                fingerprint=key,
                rule=outcome.rule.value,
                kind=finding.kind.value,
                owner=role,
                state=ExceptionState.OPEN,
                explanation=finding.explanation,
                opened_at=now,
                updated_at=now,
                partner_id=partner,
                po_number=po_number,
                subject=outcome.subject,
                transaction_id=record.id,
                hold=finding.hold,
                line=finding.line,
                details=finding.details(),
                links=list(evaluation.related),
                assignee=assignee,
            )
            if uow.exceptions.add(new, opened(new)):
                recorded.kept.append(finding)
                recorded.exceptions.append(new)
                continue
            # Another worker opened it meanwhile (or its subject was stored cut short).
            existing = uow.exceptions.by_fingerprint(key)
            assert existing is not None
        if existing.waived:
            recorded.waived.append(existing)
            continue
        _touch(uow, existing, finding, evaluation, now)
        recorded.kept.append(finding)
        recorded.exceptions.append(existing)
    if outcome.waiting_on is None:  # a full match: what it no longer finds is cleared
        _clear(uow, evaluation, seen, [e for e in known.values() if e.unresolved], now)
    return recorded


def _touch(
    uow: UnitOfWork,
    existing: ExceptionRecord,
    finding: Finding,
    evaluation: Evaluation,
    now: datetime,
) -> None:
    entries: list[AuditEntry] = []
    if not existing.unresolved:
        entries.append(reopen(existing, now, f"found again: {finding.explanation}"))
    if existing.explanation != finding.explanation:
        entries.append(seen_again(existing, finding.explanation, now))
    links = _merged(existing.links, evaluation.related)
    changed = (
        links != existing.links
        or existing.transaction_id != evaluation.record.id
        or existing.hold != finding.hold
        or existing.details != finding.details()
    )
    if not entries and not changed:
        return
    existing.links, existing.transaction_id = links, evaluation.record.id
    existing.hold, existing.details, existing.updated_at = finding.hold, finding.details(), now
    uow.exceptions.save(existing, entries)


def _clear(
    uow: UnitOfWork,
    evaluation: Evaluation,
    seen: set[str],
    unresolved: list[ExceptionRecord],
    now: datetime,
) -> None:
    number = evaluation.record.business_number or evaluation.record.id
    for old in unresolved:
        if old.fingerprint in seen:
            continue
        note = f"no longer found when {evaluation.record.kind} {number} was matched again"
        entry = resolve(old, Resolution.CLEARED, GATEWAY_ACTOR, now, note)
        old.links = _merged(old.links, evaluation.related)
        uow.exceptions.save(old, [entry])


def _merged(old: list[DocumentLink], new: list[DocumentLink]) -> list[DocumentLink]:
    merged = list(old)
    known = {(link.transaction_id, link.number) for link in old}
    for link in new:
        if (link.transaction_id, link.number) not in known:
            merged.append(link)
            known.add((link.transaction_id, link.number))
    return merged
