"""Every input the fuzzer (``bench/fuzz.py``) ever crashed a target with is replayed here
(``tests/fixtures/fuzz-crashers/<target>/``), with the seeds and a few hundred cheap
deterministic mutations of them, so what CI runs covers the same contracts."""

from __future__ import annotations

import random

import pytest

from tests.fuzz.targets import TARGETS, Target


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_crashers_stay_fixed(name: str) -> None:
    target: Target = TARGETS[name]
    for path in target.crashers():
        target.run(path.read_bytes())


def _mutations(seed: bytes, rng: random.Random, count: int) -> list[bytes]:
    found = []
    for _ in range(count):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 8)):
            choice = rng.random()
            at = rng.randrange(len(data) + 1)
            if choice < 0.4 and data:
                data[min(at, len(data) - 1)] = rng.randrange(256)
            elif choice < 0.7:
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
            else:
                del data[at : at + rng.randint(1, 16)]
        found.append(bytes(data))
    return found


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seeds_and_their_mutations_give_results_or_named_errors(name: str) -> None:
    target = TARGETS[name]
    rng = random.Random(f"crossdock-{name}")
    seeds = target.seeds()[:12]
    assert seeds, f"{name} has no seeds"
    for seed in seeds:
        target.run(seed)
        for mutated in _mutations(seed, rng, 25):
            target.run(mutated)
