"""Small EDIFACT builders for tests: interchanges with correct counts and references
unless a test asks otherwise."""

from __future__ import annotations

from collections.abc import Sequence

# A minimal valid ORDERS of D.96A: BGM, the mandatory DTM, UNS (UNH/UNT added).
MINIMAL_ORDERS = ("BGM+220+PO1001+9", "DTM+137:20261128:102", "UNS+S")


def message(
    body: Sequence[str],
    *,
    reference: str = "1",
    identifier: str = "ORDERS:D:96A:UN",
    count: int | None = None,
    trailer_reference: str | None = None,
) -> list[str]:
    """UNH, ``body``, UNT (counted unless ``count`` is given)."""
    segments = [f"UNH+{reference}+{identifier}", *body]
    total = len(segments) + 1 if count is None else count
    segments.append(f"UNT+{total}+{reference if trailer_reference is None else trailer_reference}")
    return segments


def interchange(
    messages: Sequence[Sequence[str]] = (),
    *,
    una: str | None = "UNA:+.? '",
    syntax: str = "UNOC:3",
    sender: str = "SENDER:ZZZ",
    recipient: str = "CROSSDOCK:ZZZ",
    date_time: str = "261128:0930",
    reference: str = "1001",
    tail: str = "",
    count: int | None = None,
    trailer_reference: str | None = None,
    trailer: bool = True,
    groups: Sequence[tuple[str, Sequence[Sequence[str]]]] = (),
) -> bytes:
    """One interchange of ``messages`` (or of ``groups``: (UNG text, messages)), each
    segment on its own line."""
    segments = [f"UNB+{syntax}+{sender}+{recipient}+{date_time}+{reference}{tail}"]
    for one in messages:
        segments.extend(one)
    for number, (ung, members) in enumerate(groups, start=1):
        segments.append(ung)
        for one in members:
            segments.extend(one)
        group_reference = ung.split("+")[5] if ung.count("+") >= 5 else str(number)
        segments.append(f"UNE+{len(members)}+{group_reference}")
    if trailer:
        total = (len(groups) or len(messages)) if count is None else count
        end = reference if trailer_reference is None else trailer_reference
        segments.append(f"UNZ+{total}+{end}")
    text = "'\n".join(segments) + "'\n"
    return ((una + "\n") if una else "").encode("latin-1") + text.encode("latin-1")
