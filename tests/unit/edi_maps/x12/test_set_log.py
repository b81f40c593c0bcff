"""Compact set records read back exactly; duplicate control numbers are found."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edi_maps.x12.results import SegmentError, SetLog, SetResult, Status
from edi_maps.x12.set_log import SeenNumbers

results = st.builds(
    SetResult,
    transaction_set=st.sampled_from(["850", "810", "8\x1e5"]),
    control_number=st.text(alphabet="0123456789AB\x1f", min_size=1, max_size=9),
    status=st.sampled_from(list(Status)),
    codes=st.lists(st.sampled_from(["3", "4", "5"]), max_size=2),
    errors=st.lists(
        st.builds(
            SegmentError,
            segment_id=st.just("BEG"),
            segment_position=st.integers(1, 9),
            code=st.just("8"),
            description=st.just("x"),
        ),
        max_size=1,
    ),
    implementation_reference=st.one_of(st.none(), st.just("005010X222")),
    segment_count=st.integers(0, 10**6),
    byte_offset=st.one_of(st.none(), st.integers(0, 2**40)),
    validated_against=st.one_of(st.none(), st.just("004010")),
)


@given(st.lists(results, max_size=30))
def test_set_log_reads_back_every_set_in_order(sets: list[SetResult]) -> None:
    log = SetLog()
    for result in sets:
        log.append(result)
    assert len(log) == len(sets)
    assert list(log) == sets
    assert [log[i] for i in range(-len(sets), 0)] == sets
    assert log.accepted == sum(1 for s in sets if s.status is not Status.REJECTED)


@given(st.lists(st.one_of(st.integers(0, 60).map(str), st.integers(0, 60).map(lambda n: f"{n:04d}"),
                          st.sampled_from(["A1", "X", ""])), max_size=80))  # fmt: skip
def test_seen_numbers_finds_exactly_the_repeats(numbers: list[str]) -> None:
    seen, reference = SeenNumbers(), set()
    for number in numbers:
        assert seen.add(number) == (number not in reference)
        reference.add(number)


def test_sequential_numbers_stay_one_range() -> None:
    seen = SeenNumbers()
    for n in range(1, 100_001):
        assert seen.add(f"{n:09d}")
    assert not seen.add("000050000")
    assert len(seen._ranges[9]._starts) == 1
