"""``GET /erp/items``: the ERP's item master, in pages, for the gateway's cross-reference
copy (``crossdock items sync``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from erp_connector.sandbox.catalogue import ITEMS

router = APIRouter(tags=["items"])
PAGE = 100


@router.get("/items")
def list_items(offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """``{"items": [...], "next_offset": N | null}``, ``PAGE`` items at a time."""
    page = list(ITEMS[offset : offset + PAGE])
    following = offset + PAGE if offset + PAGE < len(ITEMS) else None
    return {"items": page, "next_offset": following}
