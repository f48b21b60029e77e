"""Simulated RAM (SimMemory.data): all zeros at the start of every run whatever an
earlier run left, read and written in place, of a fixed size (a slice written with the
wrong number of bytes is refused rather than moving everything after it), and private
to the process that made it (a forked child writes its own copy)."""
from __future__ import annotations

import os
import struct

import pytest

from netxsim.tx.memory import SimMemory


def test_ram_starts_all_zeros_in_every_new_memory() -> None:
    for _ in range(3):
        memory = SimMemory(1 << 16)
        assert len(memory.data) == 1 << 16
        assert bytes(memory.data) == bytes(1 << 16)
        memory.data[0:4] = b"\xff\xff\xff\xff"
        memory.write(memory.base + 100, b"dirty")
        del memory


def test_ram_reads_and_writes_in_place() -> None:
    memory = SimMemory(4096)
    memory.write(memory.base + 10, b"abc")
    assert memory.read(memory.base + 9, 5) == b"\x00abc\x00"
    struct.pack_into(">I", memory.data, 20, 0x01020304)
    assert memory.read(memory.base + 20, 4) == b"\x01\x02\x03\x04"
    assert struct.unpack_from(">I", memory.data, 20) == (0x01020304,)
    memory.data[30] = 7
    assert memory.data[30] == 7 and memory.data[28:32] == b"\x00\x00\x07\x00"
    view = memoryview(memory.data)
    view[40:42] = b"hi"
    del view
    assert memory.read(memory.base + 40, 2) == b"hi"


def test_a_slice_written_with_the_wrong_number_of_bytes_is_refused() -> None:
    memory = SimMemory(4096)
    with pytest.raises((IndexError, ValueError)):
        memory.data[0:4] = b"toolong!"
    assert len(memory.data) == 4096 and bytes(memory.data[0:8]) == bytes(8)


def test_an_empty_memory_is_allowed() -> None:
    assert len(SimMemory(0).data) == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_writes_its_own_copy() -> None:
    memory = SimMemory(4096)
    memory.write(memory.base, b"parent")
    child = os.fork()
    if child == 0:   # pragma: no cover - runs in the child
        memory.write(memory.base, b"child!")
        os._exit(0 if memory.read(memory.base, 6) == b"child!" else 1)
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert memory.read(memory.base, 6) == b"parent"
