"""NX_RAND's glibc generator keeps the state reached right after srand(seed) per seed, so
a reseed skips the 310 warm-up steps; the values must be those of a fresh computation."""
from __future__ import annotations

import pytest

from netxsim.nx import tcp


def _fresh(seed: int, count: int) -> list[int]:
    tcp._SEEDED.pop(seed or 1, None)   # force the computation from the seed
    generator = tcp._GlibcRandom(seed)
    return [generator.rand() for _ in range(count)]


@pytest.mark.parametrize("seed", [0, 1, 2, 12345, 0xFFFFFFFF])
def test_cached_seed_state_gives_the_same_values(seed: int) -> None:
    fresh = _fresh(seed, 200)
    assert (seed or 1) in tcp._SEEDED
    cached = tcp._GlibcRandom(seed)
    assert [cached.rand() for _ in range(200)] == fresh
    # Drawing from one generator never changes another's start (the cache holds a copy).
    again = tcp._GlibcRandom(seed)
    assert [again.rand() for _ in range(200)] == fresh


def test_glibc_first_values() -> None:
    assert _fresh(1, 3) == [1804289383, 846930886, 1681692777]
    assert tcp._GlibcRandom(1).rand() == 1804289383
