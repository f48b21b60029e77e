"""Overlapping memory regions across object kinds: the C error checker's status where it
catches the overlap, otherwise an error naming both owners (never a status the C does
not give there)."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from netxsim import (
    NX_PACKET_POOL, NX_PTR_ERROR, NX_SUCCESS, TX_BLOCK_POOL, TX_BYTE_POOL, TX_DONT_START, TX_PTR_ERROR, TX_QUEUE,
    TX_SUCCESS, TX_THREAD, nx_packet_pool_create, tx_block_pool_create, tx_byte_pool_create, tx_kernel_enter,
    tx_queue_create, tx_thread_create,
)
from netxsim.tx.memory import MemoryRegionError


def _nothing(_: int) -> None:
    pass


def _outcome(steps: Callable[[Any], list]) -> list:
    box: list = []

    def define(memory: Any) -> None:
        for step in steps(memory):
            try:
                box.append(step())
            except MemoryRegionError as error:
                box.append(str(error))
    tx_kernel_enter(define)
    return box


def test_the_c_checked_overlaps_give_the_c_status():
    got = _outcome(lambda m: [
        lambda: tx_thread_create(TX_THREAD(), "a", _nothing, 0, m, 1024, 9, 9, 0, TX_DONT_START),
        lambda: tx_thread_create(TX_THREAD(), "b", _nothing, 0, m + 512, 1024, 9, 9, 0, TX_DONT_START),
        lambda: nx_packet_pool_create(NX_PACKET_POOL(), "p", 256, m + 4096, 1024),
        lambda: nx_packet_pool_create(NX_PACKET_POOL(), "q", 256, m + 4096 + 512, 1024),
    ])
    assert got == [TX_SUCCESS, TX_PTR_ERROR, NX_SUCCESS, NX_PTR_ERROR]


@pytest.mark.parametrize("second, owner", [
    (lambda m: tx_block_pool_create(TX_BLOCK_POOL(), "blocks", 32, m + 900, 400), "block pool 'blocks'"),
    (lambda m: tx_byte_pool_create(TX_BYTE_POOL(), "other", m + 900, 400), "byte pool 'other'"),
    (lambda m: tx_queue_create(TX_QUEUE(), "q", 1, m + 990, 64), "storage of queue 'q'"),
    (lambda m: tx_thread_create(TX_THREAD(), "t", _nothing, 0, m + 900, 400, 9, 9, 0, TX_DONT_START),
     "stack of thread 't'"),
    (lambda m: nx_packet_pool_create(NX_PACKET_POOL(), "packets", 256, m + 900, 1024), "packets"),
])
def test_other_overlaps_with_a_byte_pool_raise_naming_both(second, owner):
    got = _outcome(lambda m: [lambda: tx_byte_pool_create(TX_BYTE_POOL(), "heap", m, 1000), lambda: second(m)])
    assert got[0] == TX_SUCCESS
    assert isinstance(got[1], str) and owner in got[1] and "byte pool 'heap'" in got[1]


def test_a_block_pool_straddling_a_block_pool_raises_and_a_size_past_ram_names_its_owner():
    got = _outcome(lambda m: [
        lambda: tx_block_pool_create(TX_BLOCK_POOL(), "a", 32, m, 720),
        lambda: tx_block_pool_create(TX_BLOCK_POOL(), "b", 32, m + 700, 720),
        lambda: tx_block_pool_create(TX_BLOCK_POOL(), "huge", 32, m + 4096, -1),
    ])
    assert got[0] == TX_SUCCESS
    assert "block pool 'b'" in got[1] and "block pool 'a'" in got[1]
    assert got[2].startswith("block pool 'huge'") and "outside simulated RAM" in got[2]
