"""The copy of the ERP's item master the matching rules read (SPEC §5)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from gateway.canonical import ItemIds
from gateway.domain.workflow.cross_reference import MasterItem
from gateway.domain.workflow.items import codes
from gateway.persistence.tables import item_codes, item_master

_CHUNK = 500  # bound parameters per statement (SQLite allows 32,766; PostgreSQL 65,535)


class ItemMasterRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def find(self, wanted: Collection[str]) -> list[MasterItem]:
        """The items any of these codes (``items.codes`` form) names."""
        if not wanted:
            return []
        keys = select(item_codes.c.item_key).where(item_codes.c.code.in_(set(wanted)))
        query = select(item_master).where(item_master.c.item_key.in_(keys))
        return [
            MasterItem(
                row.item_key,
                ItemIds(
                    buyer_item=row.buyer_item,
                    vendor_item=row.vendor_item,
                    gtin=row.gtin,
                    upc=row.upc,
                    description=row.description,
                ),
            )
            for row in self._db.execute(query)
        ]

    def count(self) -> int:
        return int(self._db.execute(select(func.count()).select_from(item_master)).scalar_one())

    def replace(self, items: Sequence[MasterItem], now: datetime) -> None:
        """The ERP's whole master in place of the old copy (one transaction: a rule
        never reads half of it)."""
        self._db.execute(delete(item_codes))
        self._db.execute(delete(item_master))
        rows = [
            {
                "item_key": item.key,
                "buyer_item": item.ids.buyer_item,
                "vendor_item": item.ids.vendor_item,
                "gtin": item.ids.gtin,
                "upc": item.ids.upc,
                "description": item.ids.description,
                "synced_at": now,
            }
            for item in items
        ]
        code_rows = [
            {"code": code[:90], "item_key": item.key}
            for item in items
            for code in sorted(codes(item.ids) | {f"k:{item.key}"})
        ]
        for table, values in ((item_master, rows), (item_codes, code_rows)):
            for start in range(0, len(values), _CHUNK):
                self._db.execute(insert(table), values[start : start + _CHUNK])
