"""Keeping the gateway's copy of the ERP's item master current (SPEC §5: the 856 rule
resolves items by buyer part, vendor part, GTIN/UPC through it).

A copy, not a call per line: matching runs inside the worker's transaction and must
not stop, or slow to the ERP's pace, when the ERP is away; the copy is refreshed on a
schedule (beat) and on demand (``crossdock items sync``). When the ERP cannot be
reached the old copy stays: a stale cross-reference is better than none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.domain.errors import PermanentError
from gateway.domain.workflow.items import codes
from gateway.ports import Clock, Connector, UnitOfWork


class NoItemMaster(PermanentError):
    """No system of record named ``erp`` is configured to take the item master from."""

    code = "items.no_source"


@dataclass(frozen=True, slots=True)
class ItemSync:
    items: int
    codes: int


class ItemMaster:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        source: Connector | None,
    ) -> None:
        self._uow = unit_of_work
        self._clock = clock
        self._source = source

    @property
    def configured(self) -> bool:
        return self._source is not None

    def sync(self) -> ItemSync:
        """Replace the copy with the ERP's master.

        Raises:
            NoItemMaster: no ERP is configured.
            DeliveryUnavailable: the ERP is away (retryable; the old copy stays).
        """
        if self._source is None:
            raise NoItemMaster("no ERP is configured (CROSSDOCK_ERP_URL) to read items from")
        # The last entry of a key wins (an ERP listing an item twice).
        unique = list({item.key: item for item in self._source.items()}.values())
        with self._uow() as uow:
            uow.items.replace(unique, self._clock.now())
            uow.commit()
        return ItemSync(len(unique), sum(len(codes(item.ids)) + 1 for item in unique))

    def count(self) -> int:
        with self._uow() as uow:
            return uow.items.count()
