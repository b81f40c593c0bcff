"""Shared test helpers: where the sample corpus is, and small X12 builders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Database fixtures: store_engine runs a test on SQLite and on PostgreSQL.
pytest_plugins = ["tests.stores"]

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("CROSSDOCK_SAMPLES", ROOT.parent / "shared" / "samples"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sample_files(pattern: str) -> list[Path]:
    """Sample files matching ``pattern`` under the corpus, [] when it is absent."""
    return sorted(SAMPLES.glob(pattern)) if SAMPLES.is_dir() else []


def sample_id(path: Path) -> str:
    return str(path.relative_to(SAMPLES))


requires_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"sample corpus not found at {SAMPLES} (set CROSSDOCK_SAMPLES)"
)
