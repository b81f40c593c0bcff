"""The fields every log line carries: which document, partner, control numbers and task.

Standard library only, so any layer may import it (the store binds the message's
fields when it learns them, the Celery signals the task's). Values live in a
``ContextVar``: each request and each task sees its own, and a task's are cleared
when it ends (a prefork child runs tasks one after another in one thread).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType

FIELDS = (
    "message_id",  # the correlation id: the message's id in the store
    "transaction_id",
    "partner",
    "interchange",  # ISA13 / UNB 0020
    "group",  # GS06 / UNG 0048
    "set",  # ST02 / UNH 0062
    "task_id",
    "task_name",
)

_EMPTY: Mapping[str, str] = MappingProxyType({})
_fields: ContextVar[Mapping[str, str]] = ContextVar("crossdock_log_fields", default=_EMPTY)


def current() -> Mapping[str, str]:
    """The fields bound in this context (only those with a value)."""
    return _fields.get()


def bind(**values: str | None) -> Token[Mapping[str, str]]:
    """Add (or replace) fields for the rest of this context; None values are ignored.

    Returns:
        A token for ``reset``, to restore the fields as they were.

    Raises:
        KeyError: a field that is not one of ``FIELDS`` (a typo would silently vanish).
    """
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise KeyError(f"unknown log fields: {sorted(unknown)}")
    merged = dict(_fields.get())
    merged.update({name: str(value) for name, value in values.items() if value is not None})
    return _fields.set(merged)


def replace(values: Mapping[str, str]) -> Token[Mapping[str, str]]:
    """Start from exactly ``values`` (a task restoring its publisher's fields)."""
    return _fields.set({k: str(v) for k, v in values.items() if k in FIELDS and v is not None})


def reset(token: Token[Mapping[str, str]]) -> None:
    _fields.reset(token)


@contextmanager
def scope(**values: str | None) -> Iterator[None]:
    """``bind`` for the length of a ``with`` block."""
    token = bind(**values)
    try:
        yield
    finally:
        _fields.reset(token)
