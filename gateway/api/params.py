"""Value types of what a client puts in a URL or a small JSON body, within what the store
and the standard library can hold, so that a bad value is the client's 422, not our 500.

- Text: PostgreSQL's ``text`` cannot hold NUL (0x00), so a NUL in an id or a filter
  failed in the store (psycopg ``DataError``, a 500). No id, number, name or note of ours
  contains one; ``/docs`` shows the rule as a ``pattern``.
- Offset: the stores' OFFSET is a signed 64-bit integer (SQLite INTEGER, PostgreSQL
  bigint); a larger one failed in the driver (``OverflowError``).
- Instant: a timestamp from 1970 to 9999. Near ``datetime.min`` or ``.max``, converting
  it to UTC or stepping a default window back from it overflowed.
- Hours: an age in hours, at most a century: ``now - timedelta(hours=…)`` must stay a date.

Found by ``tests/integration/api/test_openapi_schemathesis.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field

NO_NUL = r"^[^\x00]*$"
MAX_OFFSET = 2**63 - 1
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
MAX_HOURS = 24 * 366 * 100


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL (0x00)")
    return value


def _in_range(value: datetime) -> datetime:
    # Comparing aware datetimes subtracts their offsets without building a datetime, so
    # this cannot overflow where converting one to UTC would.
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must be from {EARLIEST.isoformat()} to before {LATEST.isoformat()}")
    return value


Text = Annotated[str, Field(json_schema_extra={"pattern": NO_NUL}), AfterValidator(_no_nul)]
"""A string field of a body or a query model (FastAPI ``Query()`` models included)."""

Note = Annotated[
    str, Field(max_length=2000, json_schema_extra={"pattern": NO_NUL}), AfterValidator(_no_nul)
]
"""Free text for an audit trail. Its length limit stands before the validator: a limit
given after one (``Note | None = Field(max_length=…)``) is checked as a generic length
("items after validation") instead of a string's."""

PathText = Annotated[str, Path(json_schema_extra={"pattern": NO_NUL}), AfterValidator(_no_nul)]
"""A path parameter: an id, a PO number."""

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]

Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]

Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, allow_inf_nan=False)]
