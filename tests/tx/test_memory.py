"""Simulated RAM (``netxsim/tx/memory.py``): C-style pointer arithmetic, reads and writes,
region claims whose overlaps name both owners, and regions past the end of RAM.
"""
from __future__ import annotations

import pytest

from netxsim.tx import (
    TX_AUTO_START, TX_PTR_ERROR, TX_SUCCESS, TX_THREAD, Pointer, tx_kernel_enter,
    tx_thread_create, tx_thread_delete,
)
from netxsim.tx.kernel import kernel
from netxsim.tx.memory import RAM_BASE, MemoryRegionError, SimMemory

from netxsim.testing.eventlog import Program, nothing


# --------------------------------------------------------------------------- pointers
def test_pointer_arithmetic_and_comparisons():
    memory = SimMemory(4096)
    p = memory.first_unused
    q = p + 100
    assert int(p) == RAM_BASE and q.address == RAM_BASE + 100
    assert 100 + p == q and q - 100 == p and q - p == 100 and p - q == -100
    assert p + 0 == p and p + 4 != p
    assert p < q and p <= q and q > p and q >= p and p <= p + 0 and not q < p
    assert hash(p + 100) == hash(q) and len({p + 100, q}) == 1
    assert Pointer(SimMemory(4096), RAM_BASE) != p  # same address, another RAM
    assert (p == RAM_BASE) is False                  # a pointer is not an int
    assert [0, 1, 2][Pointer(memory, 1)] == 1        # usable as an index (__index__)
    assert repr(q) == f"Pointer(0x{RAM_BASE + 100:08X})"
    free = p
    free = free + 2048
    assert free - p == 2048


def test_pointer_reads_and_writes():
    memory = SimMemory(64)
    p = memory.first_unused
    (p + 4).write(b"\x01\x02\x03")
    assert p.read(8) == b"\x00\x00\x00\x00\x01\x02\x03\x00"
    (p + 8).write_ulong(0x11223344)
    assert (p + 8).read(4) == b"\x44\x33\x22\x11"  # little-endian 32-bit target
    assert (p + 8).read_ulong() == 0x11223344
    (p + 12).write_ulong(-1)
    assert (p + 12).read_ulong() == 0xFFFFFFFF
    (p + 12).write_ulong(2**32 + 5)
    assert (p + 12).read_ulong() == 5


@pytest.mark.parametrize("offset, size", [(60, 8), (64, 1), (-1, 1)])
def test_access_outside_ram_raises(offset, size):
    memory = SimMemory(64)
    with pytest.raises(MemoryRegionError, match="outside simulated RAM"):
        (memory.first_unused + offset).read(size)
    with pytest.raises(MemoryRegionError, match="outside simulated RAM"):
        (memory.first_unused + offset).write(bytes(size))


# ----------------------------------------------------------------------------- claims
def test_claims_overlap_errors_name_both_owners():
    memory = SimMemory(4096)
    p = memory.first_unused
    first = memory.claim(p + 100, 100, "pool 'one'", "pool")
    memory.claim(p + 200, 50, "pool 'two'", "pool")  # adjacent: fine
    memory.claim(p, 100, "pool 'zero'", "pool")       # adjacent below: fine
    for start, size, other in [(150, 10, "one"), (50, 60, "zero"), (199, 1, "one"),
                               (90, 200, "zero"), (240, 100, "two")]:
        with pytest.raises(MemoryRegionError) as error:
            memory.claim(p + start, size, "stack of thread 'T'", "thread stack")
        message = str(error.value)
        assert message.startswith("stack of thread 'T'") and f"overlaps pool '{other}'" in message
    memory.release(first)
    memory.claim(p + 100, 100, "pool 'again'", "pool")  # released space is reusable
    assert [region.owner for region in memory.regions] == ["pool 'zero'", "pool 'again'",
                                                           "pool 'two'"]


def test_a_region_past_the_end_of_ram_raises():
    memory = SimMemory(4096)
    with pytest.raises(MemoryRegionError, match="outside simulated RAM"):
        memory.claim(memory.first_unused + 4000, 200, "pool 'big'", "pool")
    with pytest.raises(MemoryRegionError, match="not a pointer"):
        memory.claim(SimMemory(4096).first_unused, 10, "pool 'foreign'", "pool")
    assert memory.contains(memory.first_unused + 4000, 96)
    assert not memory.contains(memory.first_unused + 4000, 97)
    assert not memory.contains(RAM_BASE, 1)  # an int is not a pointer


# ------------------------------------------------------------------ through the kernel
def test_first_unused_memory_is_aligned_and_sized_as_requested():
    got = {}

    def define(first_unused):
        got["pointer"] = first_unused
        got["size"] = kernel().memory.size

    tx_kernel_enter(define, memory_size=8192)
    assert got["pointer"].address % 4 == 0 and got["size"] == 8192


def test_a_stack_past_the_end_of_a_small_ram_is_a_ptr_error():
    got = {}

    def define(first_unused):
        got["past end"] = tx_thread_create(TX_THREAD(), "T", nothing, 0, first_unused + 3500, 1024,
                                           10, 10, 0, TX_AUTO_START)
        got["fits"] = tx_thread_create(TX_THREAD(), "T", nothing, 0, first_unused + 3072, 1024,
                                       10, 10, 0, TX_AUTO_START)

    tx_kernel_enter(define, memory_size=4096)
    assert got == {"past end": TX_PTR_ERROR, "fits": TX_SUCCESS}


def test_a_stack_from_another_kernels_ram_is_a_ptr_error():
    foreign = SimMemory(4096).first_unused
    got = []

    def define(_):
        got.append(tx_thread_create(TX_THREAD(), "T", nothing, 0, foreign, 1024, 10, 10, 0,
                                    TX_AUTO_START))

    tx_kernel_enter(define)
    assert got == [TX_PTR_ERROR]


def test_a_stack_over_another_objects_memory_raises_naming_both():
    p = Program()

    def define():
        storage = p.stack(4096)
        kernel().memory.claim(storage, 4096, "queue 'q'", "queue")
        tx_thread_create(TX_THREAD(), "T", nothing, 0, storage + 1024, 1024, 10, 10, 0,
                         TX_AUTO_START)

    with pytest.raises(MemoryRegionError) as error:
        p.run(define)
    assert "stack of thread 'T'" in str(error.value) and "queue 'q'" in str(error.value)


def test_a_stack_may_lie_inside_a_byte_pool_but_not_straddle_its_edge():
    p = Program()
    got = {}

    def define():
        heap = p.stack(4096)
        kernel().memory.claim(heap, 4096, "byte pool 'heap'", "byte pool")
        got["inside"] = tx_thread_create(TX_THREAD(), "T", nothing, 0, heap + 1024, 1024, 10, 10,
                                         0, TX_AUTO_START)
        try:
            tx_thread_create(TX_THREAD(), "U", nothing, 0, heap + 3584, 1024, 10, 10, 0,
                             TX_AUTO_START)
        except MemoryRegionError as error:
            got["straddling"] = str(error)

    p.run(define)
    assert got["inside"] == TX_SUCCESS
    assert "stack of thread 'U'" in got["straddling"] and "byte pool 'heap'" in got["straddling"]


def test_thread_stacks_are_claimed_and_released():
    p = Program()
    got = {}

    def a(_):
        k = kernel()
        done = p.threads["done"]
        got["claimed"] = [r.owner for r in k.memory.regions]
        got["delete"] = tx_thread_delete(done)
        got["after delete"] = [r.owner for r in k.memory.regions]

    def define():
        p.thread("done", nothing, 1)
        p.thread("A", a, 10)

    p.run(define)
    assert got == {"claimed": ["stack of thread 'done'", "stack of thread 'A'"],
                   "delete": TX_SUCCESS, "after delete": ["stack of thread 'A'"]}
