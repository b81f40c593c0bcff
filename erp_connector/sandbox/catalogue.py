"""The sandbox ERP's item master: each item's ERP number with our (buyer) part number,
the supplier's part number, GTIN-14 and UPC-A — what an ASN may name an item by.

Fixed data, like a demo company's catalogue: the demo's orders use 100-200 and 100-300,
and its supplier ships them under its own part numbers and GTINs.
"""

from __future__ import annotations

from typing import Any

ITEMS: tuple[dict[str, Any], ...] = (
    {"item_key": "ERP-100200", "buyer_item": "100-200", "vendor_item": "AC-77",
     "gtin": "00012345678905", "upc": "012345678905", "description": "Hex bolt M8x40, zinc"},
    {"item_key": "ERP-100300", "buyer_item": "100-300", "vendor_item": "AC-91",
     "gtin": "00012345678912", "upc": "012345678912", "description": "Flat washer M8, case of 500"},
    {"item_key": "ERP-100400", "buyer_item": "100-400", "vendor_item": "AC-12",
     "gtin": "00012345678929", "upc": "012345678929", "description": "Nylon lock nut M8"},
    {"item_key": "ERP-200100", "buyer_item": "200-100", "vendor_item": "BX-4410",
     "gtin": "00098765432109", "upc": "098765432109", "description": "Shipping carton 40x30x30"},
)  # fmt: skip
