"""Where a client's JSON holds a NUL (0x00), so that a service refuses it (the client's
4xx) before it reaches the store: PostgreSQL's ``text`` cannot hold one, and the outbound
documents and WMS events keep their fields (partner, idempotency key, numbers) as text.
"""

from __future__ import annotations

from typing import Any

# A path as a linked list (its last step, the path before it), built into text only for
# the value found: joining strings at every level would cost the square of the depth.
_Path = tuple[str, "_Path"] | None


def nul_at(value: Any) -> str | None:
    """The path of the first string or object key in ``value`` that holds a NUL
    (``body.lines[2].item``; ``""`` for ``value`` itself), None when none does.

    Iterative rather than recursive: ``json.loads`` nests as deep as the interpreter's
    recursion limit allows, and a walk that recursed again would run out of it.
    """
    pending: list[tuple[Any, _Path]] = [(value, None)]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return _text(path)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                # The path goes into the refusal's message, which is kept as text too.
                step: _Path = (f".{key}".replace("\x00", "\\x00"), path)
                # A key holding a NUL is found where it stands, before its own value.
                pending.append((key if "\x00" in str(key) else child, step))
        elif isinstance(item, list):
            for index in range(len(item) - 1, -1, -1):
                pending.append((item[index], (f"[{index}]", path)))
    return None


def _text(path: _Path) -> str:
    steps = []
    while path is not None:
        step, path = path
        steps.append(step)
    return "".join(reversed(steps)).removeprefix(".")
