from __future__ import annotations

from collections.abc import Iterator

import pytest

from gateway.observability import context


@pytest.fixture(autouse=True)
def fresh_log_fields() -> Iterator[None]:
    """Each test starts with no log fields and leaves none behind (tests that call the
    services directly bind them in the test's own thread)."""
    token = context.replace({})
    yield
    context.reset(token)
