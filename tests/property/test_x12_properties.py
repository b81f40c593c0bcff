"""Property tests: write → read gives the same segments whatever the delimiters and
formatting; any mutation of a valid file yields results (or an EDI error), never a crash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_maps.errors import EdiError
from edi_maps.x12.acks import AckBuilder
from edi_maps.x12.delimiters import Delimiters
from edi_maps.x12.reader import X12Reader
from edi_maps.x12.validation import validate_x12
from edi_maps.x12.writer import X12Writer
from gateway.domain.control_numbers import InMemoryControlNumbers
from tests.conftest import sample_files
from tests.fakes import FixedClock
from tests.x12_builders import MINIMAL_850, interchange

DELIMITER_CHARS = "*~|^:>+!$'`{}\x1c\x1d\x1e\x1f\x7f\x15"
DATA_CHARS = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-/()&#@%?=_\"';:!~*^|>+$"
)


@st.composite
def delimiters(draw: st.DrawFn) -> Delimiters:
    chosen = draw(st.lists(st.sampled_from(DELIMITER_CHARS), min_size=4, max_size=4, unique=True))
    return Delimiters(
        element=chosen[0], component=chosen[1], segment=chosen[2], repetition=chosen[3]
    )


def values(forbidden: set[str]) -> st.SearchStrategy[str]:
    alphabet = "".join(c for c in DATA_CHARS if c not in forbidden)
    return st.text(alphabet, min_size=0, max_size=12).map(str.strip)


@st.composite
def segment_rows(draw: st.DrawFn, d: Delimiters) -> list[list[str]]:
    forbidden = d.as_set()
    tags = st.from_regex(r"[A-Z][A-Z0-9]{1,2}", fullmatch=True).filter(
        lambda t: t not in {"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"}
    )
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        elements = draw(st.lists(values(forbidden), min_size=1, max_size=6))
        while elements and not elements[-1]:
            elements.pop()  # the writer suppresses trailing empties, as X12.6 requires
        rows.append([draw(tags), *elements])
    return rows


@st.composite
def written_interchanges(draw: st.DrawFn) -> tuple[bytes, list[list[str]], Delimiters]:
    d = draw(delimiters())
    writer = X12Writer(d, draw(st.sampled_from(["", "\n", "\r\n", "\n  "])))
    body = draw(segment_rows(d))
    rows = [["GS", "PO", "SENDER", "RECEIVER", "20261128", "1200", "1", "X", "005010"]]
    rows += [["ST", "850", "0001"], *body, ["SE", str(len(body) + 2), "0001"]]
    rows += [["GE", "1", "1"], ["IEA", "1", "000000001"]]
    isa = writer.isa(
        sender=("ZZ", "SENDER"), receiver=("ZZ", "RECEIVER"), date="261128", time="1200",
        version="00501", control_number=1, ack_requested=False, usage="T",
    )  # fmt: skip
    text = isa + "".join(writer.segment(r[0], *r[1:]) for r in rows)
    prefix = draw(st.sampled_from(["", "\ufeff", "  \r\n"]))
    return (prefix + text).encode("utf-8" if prefix == "\ufeff" else "latin-1"), rows, d


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_interchanges(), st.integers(min_value=5, max_value=300))
def test_write_then_read_gives_the_same_segments(
    case: tuple[bytes, list[list[str]], Delimiters], chunk_size: int
) -> None:
    data, rows, d = case
    read = list(X12Reader(io.BytesIO(data), chunk_size=chunk_size))
    assert read[0].tag == "ISA"
    assert read[0].delimiters == d
    assert [s.elements for s in read[1:]] == rows


@settings(max_examples=150, deadline=None)
@given(written_interchanges())
def test_written_envelopes_validate_without_envelope_errors(
    case: tuple[bytes, list[list[str]], Delimiters],
) -> None:
    data, _, _ = case
    result = validate_x12(data)
    assert len(result.interchanges) == 1
    interchange_result = result.interchanges[0]
    assert interchange_result.errors == []
    assert interchange_result.groups[0].codes == []
    assert not {"2", "3", "4"} & set(interchange_result.groups[0].sets[0].codes)


SEEDS = [interchange([("PO", "004010", [MINIMAL_850, MINIMAL_850])], ack_requested="1")]
SEEDS += [p.read_bytes() for p in sample_files("x12/*/*")[:40]]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "duplicate"]))
        byte = draw(st.sampled_from(list(b"*~>^:|\n\r ISAGEST0123456789\x00\xff\x85")))
        if action == "replace":
            data[where] = byte
        elif action == "insert":
            data.insert(where, byte)
        elif action == "delete":
            del data[where]
        elif action == "truncate":
            del data[where:]
        else:
            span = draw(st.integers(1, 40))
            data[where:where] = data[where : where + span]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_give_results_or_an_edi_error_never_a_crash(data: bytes) -> None:
    try:
        result = validate_x12(data)
    except EdiError:
        return
    builder = AckBuilder(InMemoryControlNumbers(), FixedClock())
    for interchange_result in result.interchanges:
        for ack in builder.build(interchange_result):
            reread = validate_x12(ack.edi.encode("latin-1"))
            assert all(i.errors == [] for i in reread.interchanges), ack.edi


CRASHERS = sorted(Path(__file__).parents[1].joinpath("fixtures", "crashers").glob("*"))


@pytest.mark.parametrize("path", CRASHERS, ids=[p.name for p in CRASHERS])
def test_crashers_corpus(path: Path) -> None:
    """Inputs that once broke something (see tests/fixtures/README.md): results, never a crash,
    the same segments in tiny chunks, and acknowledgements that read back cleanly."""
    data = path.read_bytes()
    try:
        result = validate_x12(data)
    except EdiError:
        return
    whole = [s.elements for s in X12Reader(data)]
    assert [s.elements for s in X12Reader(io.BytesIO(data), chunk_size=5)] == whole
    builder = AckBuilder(InMemoryControlNumbers(), FixedClock())
    for interchange_result in result.interchanges:
        for ack in builder.build(interchange_result):
            assert all(i.errors == [] for i in validate_x12(ack.edi.encode("latin-1")).interchanges)
