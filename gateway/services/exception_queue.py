"""The exception queue (SPEC §5, §6): find, read, acknowledge and assign exceptions.
Resolving is ``matching.Workflow.resolve``, because it re-triggers the stalled step."""

from __future__ import annotations

from collections.abc import Callable

from gateway.domain.workflow.errors import ExceptionNotFound
from gateway.domain.workflow.exceptions import (
    AuditEntry,
    ExceptionQuery,
    ExceptionRecord,
    Owner,
    acknowledge,
    assign,
)
from gateway.ports import Clock, UnitOfWork


class ExceptionQueue:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = unit_of_work
        self._clock = clock

    def find(self, query: ExceptionQuery) -> tuple[list[ExceptionRecord], int]:
        """A page of exceptions (newest first) and how many match in all."""
        with self._uow() as uow:
            return uow.exceptions.find(query), uow.exceptions.count(query)

    def get(
        self, exception_id: str, *, partner_id: str | None = None
    ) -> tuple[ExceptionRecord, list[AuditEntry]]:
        """An exception and its audit trail.

        Raises:
            ExceptionNotFound: none such (or another partner's, when ``partner_id`` is given).
        """
        with self._uow() as uow:
            record = self._visible(uow, exception_id, partner_id)
            return record, uow.exceptions.history(exception_id)

    def acknowledge(
        self, exception_id: str, actor: str, note: str | None = None
    ) -> ExceptionRecord:
        """Someone has it in hand (again: no change).

        Raises:
            ExceptionNotFound, ExceptionStateConflict: none such, or resolved already.
        """
        with self._uow() as uow:
            record = self._visible(uow, exception_id, None)
            entry = acknowledge(record, actor, self._clock.now(), note)
            if entry is not None:
                uow.exceptions.save(record, [entry])
                uow.commit()
            return record

    def assign(
        self,
        exception_id: str,
        assignee: str,
        actor: str,
        *,
        owner: Owner | None = None,
        note: str | None = None,
    ) -> ExceptionRecord:
        """Give it to a person, and to another team when ``owner`` is given.

        Raises:
            ExceptionNotFound, ExceptionStateConflict: none such, or resolved already.
        """
        with self._uow() as uow:
            record = self._visible(uow, exception_id, None)
            entry = assign(record, assignee, actor, self._clock.now(), owner=owner, note=note)
            uow.exceptions.save(record, [entry])
            uow.commit()
            return record

    @staticmethod
    def _visible(uow: UnitOfWork, exception_id: str, partner_id: str | None) -> ExceptionRecord:
        record = uow.exceptions.get(exception_id)
        if record is None or (partner_id is not None and record.partner_id != partner_id):
            raise ExceptionNotFound(f"no exception {exception_id}")
        return record
