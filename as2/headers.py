"""Header fields: unfolding what we receive, refusing CR/LF in what we send.

Inbound values are unfolded (RFC 5322 §2.2.3: CRLF followed by white space is a
fold) and stripped. Values we echo back (Message-ID, AS2-From, AS2-To...) pass through
:func:`clean`, which drops control characters, and every header we render goes
through :func:`render`, which refuses CR and LF: a partner cannot inject a header into
our MDN or request.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping

from as2.errors import MalformedMessage

AS2_VERSION = "1.2"

HeaderInput = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]

_FOLD = re.compile(r"\r?\n[ \t]*|\r")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")
_TOKEN_SPECIALS = re.compile(r'[\s()<>@,;:\\"/\[\]?=]')
_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def unfold(value: str) -> str:
    """One logical line: folds become a space; stray CR/LF too; ends stripped."""
    return _FOLD.sub(" ", value).strip()


def clean(value: str, limit: int = 998) -> str:
    """A value safe to echo into a header: no control characters, at most ``limit``."""
    return _CONTROL.sub(" ", unfold(value)).replace("\t", " ").strip()[:limit]


def message_id_value(value: str | None) -> str:
    """A Message-ID without its angle brackets, cleaned."""
    value = clean(value or "")
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value


class Headers:
    """Ordered, case-insensitive, multi-valued header fields."""

    __slots__ = ("_items",)

    def __init__(self, items: HeaderInput | Headers = ()) -> None:
        if isinstance(items, Headers):
            self._items: tuple[tuple[str, str], ...] = items._items
            return
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items = tuple((_text(n).strip(), unfold(_text(v))) for n, v in pairs)

    def get(self, name: str, default: str | None = None) -> str | None:
        wanted = name.lower()
        for key, value in self._items:
            if key.lower() == wanted:
                return value
        return default

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self._items if key.lower() == wanted]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({list(self._items)!r})"

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)


def parse_block(data: bytes) -> Headers:
    """Header fields from a MIME header block (lines end in CRLF or LF; folds joined)."""
    text = data.decode("latin-1")
    lines = re.split(r"\r?\n", text)
    fields: list[tuple[str, str]] = []
    for line in lines:
        if not line:
            continue
        if line[0] in " \t":
            if not fields:
                raise MalformedMessage("a MIME header block starts with a continuation line")
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon or not _NAME.match(name.strip()):
            raise MalformedMessage(f"not a MIME header line: {line[:80]!r}")
        fields.append((name.strip(), value.strip()))
    return Headers(fields)


def render(fields: Iterable[tuple[str, str]]) -> bytes:
    """``Name: value`` lines with CRLF; a CR or LF in a name or value is refused."""
    out: list[str] = []
    for name, value in fields:
        if not _NAME.match(name) or "\r" in value or "\n" in value:
            raise ValueError(f"refusing to render header {name!r}: CR/LF or bad name")
        out.append(f"{name}: {value}\r\n")
    return "".join(out).encode("latin-1")


# -- parameters (RFC 2045 §5.1) --------------------------------------------------------------


def _split_unquoted(value: str, separator: str) -> list[str]:
    """Split at ``separator`` outside double quotes (backslash escapes honoured)."""
    if '"' not in value:
        return value.split(separator)
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quoted:
            current.append(char)
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def quote(value: str) -> str:
    """``value`` as a token, or a quoted string when it needs one."""
    if value and not _TOKEN_SPECIALS.search(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_parameters(value: str) -> tuple[str, dict[str, str]]:
    """``type/sub; a=b; c="d"`` → (``type/sub`` lower-cased, {``a``: ``b``, ``c``: ``d``})."""
    first, *rest = _split_unquoted(value, ";")
    params: dict[str, str] = {}
    for item in rest:
        name, equals, raw = item.partition("=")
        if equals and name.strip():
            params.setdefault(name.strip().lower(), unquote(raw))
    return first.strip().lower(), params


def format_parameters(main: str, params: Iterable[tuple[str, str]]) -> str:
    return "; ".join([main, *(f"{name}={quote(value)}" for name, value in params)])


def split_list(value: str) -> list[str]:
    """Comma-separated items outside quotes, stripped, empty ones dropped."""
    return [item.strip() for item in _split_unquoted(value, ",") if item.strip()]


# -- values we write ------------------------------------------------------------------------


def new_message_id(domain: str = "crossdock") -> str:
    """A fresh Message-ID (without angle brackets)."""
    return f"{uuid.uuid4().hex}@{domain}"


def format_as2_id(value: str) -> str:
    """An AS2 id as a header value: quoted when it has spaces, quotes or backslashes."""
    value = ascii_text(value)
    if any(c in value for c in ' "\\'):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def ascii_text(value: str) -> str:
    """``value`` cleaned (see :func:`clean`) and reduced to ASCII."""
    return clean(value).encode("ascii", "replace").decode("ascii")


def new_boundary() -> str:
    """A MIME boundary that will not occur in any content by chance."""
    return f"----=_Part_{secrets.token_hex(12)}"
