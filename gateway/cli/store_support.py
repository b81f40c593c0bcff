"""What the store commands share: the wired gateway for this process's settings."""

from __future__ import annotations

import json
from typing import Any

from gateway.bootstrap import Gateway, gateway
from gateway.settings import get_settings


def wired() -> Gateway:
    """The gateway on the configured store (SQLite in ./data by default), migrated."""
    return gateway(get_settings())


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))
