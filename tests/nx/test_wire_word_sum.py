"""wire.word_sum: congruent (mod 0xFFFF) to the RFC 1071 word sum of any slice, zero
exactly for all-zero bytes, so the TCP checksums folded from it are the same."""
from __future__ import annotations

from hypothesis import given, strategies as st

from netxsim.nx.wire import internet_checksum, word_sum


def _reference(data: bytes) -> int:
    total = int.from_bytes(data, "big")
    return total << 8 if len(data) & 1 else total


@given(st.binary(max_size=3000), st.integers(0, 40), st.integers(0, 40))
def test_word_sum_is_congruent_to_the_whole_number(data: bytes, head: int, tail: int) -> None:
    buffer = bytearray(bytes(head) + data + bytes(tail))
    got = word_sum(buffer, head, head + len(data))
    want = _reference(data)
    assert got % 0xFFFF == want % 0xFFFF
    assert (got == 0) == (want == 0)
    # The checksum folded from it is internet_checksum's, for any pseudo-header start.
    for initial in (0, 6, 0x1234_5678):
        total = got + initial
        folded = ~((total - 1) % 0xFFFF + 1) & 0xFFFF if total else 0xFFFF
        assert folded == internet_checksum(data, initial)


def test_word_sum_edges() -> None:
    for size in (0, 1, 255, 256, 257, 1480, 1481, 1500):
        for fill in (0x00, 0xFF):
            data = bytes([fill]) * size
            assert word_sum(data, 0, size) % 0xFFFF == _reference(data) % 0xFFFF
            assert (word_sum(data, 0, size) == 0) == (_reference(data) == 0)
