"""The text of the store's JSON columns (every mapped document is one).

orjson writes the canonical documents of the bench's 850 files 3.3× faster than
the standard library's ``json.dumps`` (5.8 against 19.4 ms per MB of EDI,
``bench/x12_reader.py``, translate), and every inbound document is written once.
What it refuses and ``json`` takes (integer keys, integers beyond 64 bits) still
goes through ``json``, so no value that was stored before is refused now.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)
