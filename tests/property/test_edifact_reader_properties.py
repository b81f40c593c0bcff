"""Property tests of the EDIFACT reader: what the writer writes reads back value for
value, whatever the service characters, formatting and chunk size; any mutation of
a sample file yields items (or an EDI error), never a crash, and the same items
whatever the chunk size."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.edifact.reader import EdifactReader
from edi_maps.edifact.segments import Item, Segment, Una, row
from edi_maps.edifact.service import ServiceChars
from edi_maps.edifact.splitting import Splitter
from edi_maps.edifact.writer import EdifactWriter
from edi_maps.errors import EdiError
from tests.conftest import sample_files

SERVICE_POOL = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\x1c\x1d\x1e\x1f\n\r"
DATA_CHARS = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-/()&#@%?=_\"';:!~*^|>+$"
    "\u00e9\u00fc\u00df\u00a0\t"
)
ENVELOPE = {"UNA", "UNB", "UNZ"}

Rows = list[list[list[str]]]


@st.composite
def service_chars(draw: st.DrawFn) -> ServiceChars:
    chosen = draw(st.lists(st.sampled_from(SERVICE_POOL), min_size=5, max_size=5, unique=True))
    return ServiceChars(
        component=chosen[0],
        element=chosen[1],
        decimal=draw(st.sampled_from(".,")),
        release=draw(st.sampled_from([chosen[2], chosen[2], None])),
        repetition=draw(st.sampled_from([chosen[3], None])),
        segment=chosen[4],
    )


def writable(chars: ServiceChars) -> str:
    """Data characters, and the service characters when the writer can release them;
    never a CR or LF the reader would drop as formatting."""
    unwritable = {c for c in "\r\n" if c not in chars.separators}
    releasable = chars.separators if chars.release is not None else ""
    if chars.release is None:
        unwritable |= set(chars.separators)
    return "".join(c for c in dict.fromkeys(DATA_CHARS + releasable) if c not in unwritable)


def trimmed(elements: list[list[str]]) -> list[list[str]]:
    """What the writer keeps: no trailing empty components or elements."""
    out = []
    for components in elements:
        kept = list(components)
        while len(kept) > 1 and not kept[-1]:
            kept.pop()
        out.append(kept)
    while out and out[-1] == [""]:
        out.pop()
    return out


@st.composite
def interchange(draw: st.DrawFn) -> tuple[str, ServiceChars, Rows]:
    chars = draw(service_chars())
    line_break = draw(
        st.sampled_from(["", "\n", "\r\n"]).filter(lambda b: not set(b) & set(chars.separators))
    )
    writer = EdifactWriter(chars, line_break)
    value = st.text(writable(chars), max_size=10)
    element = st.lists(value, min_size=1, max_size=4)
    tag = st.from_regex(r"[A-Z][A-Z0-9]{2}", fullmatch=True).filter(lambda t: t not in ENVELOPE)
    rows: Rows = [[["UNB"], ["UNOC", "3"], ["SENDER"], ["RECEIVER"], ["261128", "1200"], ["1"]]]
    for _ in range(draw(st.integers(0, 8))):
        rows.append([[draw(tag)], *trimmed(draw(st.lists(element, max_size=6)))])
    rows.append([["UNZ"], ["1"], ["1"]])
    text = writer.una() + "".join(writer.row(r) for r in rows)
    return text, chars, rows


@st.composite
def inputs(draw: st.DrawFn) -> tuple[bytes, list[tuple[ServiceChars, Rows]]]:
    written = draw(st.lists(interchange(), min_size=1, max_size=3))
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"  \r\n"]))  # nothing, a BOM, blanks
    between = draw(st.sampled_from(["", "\n", "\r\n\r\n"]))
    data = prefix + between.join(text for text, _, _ in written).encode("latin-1")
    return data, [(chars, rows) for _, chars, rows in written]


def read_back(data: bytes, chunk_size: int) -> list[tuple[ServiceChars, Rows]]:
    found: list[tuple[ServiceChars, Rows]] = []
    for item in EdifactReader(data, chunk_size=chunk_size).items():
        if isinstance(item, Una):
            found.append((item.chars, []))
        else:
            assert isinstance(item, Segment), item
            chars, rows = found[-1]
            rows.append(row(item.text, chars))
    return found


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs(), st.integers(min_value=1, max_value=300))
def test_write_then_read_gives_the_same_values(
    case: tuple[bytes, list[tuple[ServiceChars, Rows]]], chunk_size: int
) -> None:
    data, expected = case
    assert read_back(data, chunk_size) == expected


# -- mutations of the sample corpus ------------------------------------------------------

SAMPLES = [path.read_bytes() for path in sample_files("edifact/*/*")]
NOISE = b"UNAUNBUNZ'+:?*\r\n \x1c\x1d\x1f\xef\xbb\xbf|~"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "repeat"]))
        size = draw(st.integers(1, 40))
        if kind == "delete":
            del data[at : at + size]
        elif kind == "insert":
            data[at:at] = draw(st.binary(max_size=size) | st.sampled_from(
                [NOISE[i : i + 3] for i in range(0, len(NOISE), 3)]))  # fmt: skip
        elif kind == "replace":
            data[at : at + 1] = bytes([draw(st.sampled_from(NOISE))])
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + size * 4]
    return bytes(data)


def summary(data: bytes, chunk_size: int) -> list[tuple[str, str, int]] | str:
    try:
        found: list[Item] = list(EdifactReader(data, chunk_size=chunk_size).items())
    except EdiError as error:
        return f"{type(error).__name__}: {error}"
    return [(type(item).__name__, item.text, item.offset) for item in found]


@pytest.mark.skipif(not SAMPLES, reason="sample corpus not found (set CROSSDOCK_SAMPLES)")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.integers(min_value=1, max_value=97))
def test_mutated_samples_give_items_or_an_edi_error_whatever_the_chunk_size(
    data: bytes, chunk_size: int
) -> None:
    whole = summary(data, 1 << 17)
    assert summary(data, chunk_size) == whole
    if isinstance(whole, str):
        return
    text = data.decode("latin-1")
    previous = -1
    for kind, item_text, offset in whole:
        assert kind in {"Una", "Segment", "Garbage"}
        assert previous <= offset < len(text) or (kind == "Una" and offset <= len(text))
        previous = offset
        if kind != "Una" or item_text:
            assert text[offset] == item_text[0]  # offsets point at the item's first byte


# -- the fast path agrees with the exact one ----------------------------------------------


@st.composite
def batches(draw: st.DrawFn) -> tuple[ServiceChars, str]:
    """Runs of segments as the scanner hands them on: mostly regular (what the fast
    path takes), sometimes with stray line breaks, blanks and odd tags."""
    chars = draw(service_chars())
    inner = "ABCX" + "".join(c for c in chars.separators if c != chars.segment)
    noisy = inner + "UNZ\r\n \t\x00"
    tags = st.sampled_from(["ABC", "LIN", "ODI", "AB", "ABCD", ""])
    piece = st.builds(
        lambda tag, rest: tag + rest,
        tags,
        st.text(inner, max_size=10) | st.text(noisy, max_size=10),
    )
    after = draw(
        st.sampled_from(["", "\n", "\r\n"]).filter(lambda b: not set(b) & set(chars.separators))
    )
    pieces = draw(st.lists(piece, min_size=1, max_size=12))
    return chars, "".join(p + chars.segment + after for p in pieces)


@settings(max_examples=500, deadline=None)
@given(batches(), st.integers(0, 1000))
def test_the_fast_path_gives_what_the_exact_path_gives(
    case: tuple[ServiceChars, str], base: int
) -> None:
    chars, raw = case
    splitter = Splitter(chars)
    fast = splitter.fast(raw, base)
    if fast is not None:
        assert list(fast) == splitter.slow(raw, base)
