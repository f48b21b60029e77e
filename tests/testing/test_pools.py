"""PoolControl runs a packet pool dry for real; the leak checks name pools and counts."""
import pytest

from netxsim import *  # noqa: F403
from netxsim.tx.kernel import KernelError
from netxsim.testing import (
    LeakError, PoolControl, assert_no_block_leaked, assert_no_byte_leaked, assert_no_packet_leaked,
    packet_pool_report,
)

PAYLOAD = 100
PACKETS = 4


def run_with_pool(body, setup=None, until=None):
    """A pool of 4 packets and one thread (priority 10) running body(pool, log)."""
    pool, thread, log = NX_PACKET_POOL(), TX_THREAD(), []

    def define(memory):
        size = PACKETS * (PAYLOAD + sizeof(NX_PACKET))
        assert nx_packet_pool_create(pool, "test pool", PAYLOAD, memory, size) == NX_SUCCESS
        if setup is not None:
            setup(pool)
        tx_thread_create(thread, "t", lambda _: body(pool, log), 0, memory + size, 2048, 10, 10, 0, TX_AUTO_START)
    run = tx_kernel_enter(define, until=until)
    return run, pool, log


def allocate(pool, wait=NX_NO_WAIT):
    status, packet = nx_packet_allocate(pool, 0, wait)
    return status, packet


def test_dry_empties_the_pool_and_statuses_follow():
    def body(pool, log):
        control = PoolControl(pool).dry()
        log.append((pool.nx_packet_pool_available, allocate(pool)[0]))
        start = tx_time_get()
        log.append((allocate(pool, 30)[0], tx_time_get() - start))
        control.refill()
        log.append(pool.nx_packet_pool_available)
    _, pool, log = run_with_pool(body)
    assert log == [(0, NX_NO_PACKET), (NX_NO_PACKET, 30), PACKETS]
    status, total, free, empty_requests, empty_suspensions, invalid = nx_packet_pool_info_get(pool)
    assert (empty_requests, empty_suspensions) == (2, 1)
    assert_no_packet_leaked(pool)


def test_a_release_while_dry_is_kept_from_the_pool_and_its_waiters():
    def body(pool, log):
        _, packet = allocate(pool)
        control = PoolControl(pool).dry()
        nx_packet_release(packet)
        log.append((pool.nx_packet_pool_available, len(control.held)))
        control.refill()
        log.append(pool.nx_packet_pool_available)
    _, _, log = run_with_pool(body)
    assert log == [(0, PACKETS), PACKETS]


def test_refill_at_serves_a_waiter_at_that_tick():
    def setup(pool):
        PoolControl(pool, attach=True).dry().refill_at(50)

    def body(pool, log):
        status, packet = allocate(pool, NX_WAIT_FOREVER)
        log.append((status, tx_time_get()))
        nx_packet_release(packet)
    _, pool, log = run_with_pool(body, setup)
    assert log == [(NX_SUCCESS, 50)]
    assert_no_packet_leaked(pool)


def test_dry_after_n_allocations_and_dry_at_tick():
    def body(pool, log):
        control = PoolControl(pool).dry_after(2)
        log.append([allocate(pool)[0] for _ in range(3)])
        control.refill()
        control.dry_at(tx_time_get() + 5)
        tx_thread_sleep(4)
        log.append(pool.nx_packet_pool_available)
        tx_thread_sleep(1)
        log.append(pool.nx_packet_pool_available)
        control.close()
    run, _, log = run_with_pool(body)
    # two allocations succeed, the third finds the pool dry; the 2 packets are never released
    assert log == [[NX_SUCCESS, NX_SUCCESS, NX_NO_PACKET], PACKETS - 2, 0]


def test_dry_while_predicate():
    flag = {"on": False}

    def body(pool, log):
        control = PoolControl(pool).dry_while(lambda: flag["on"])
        log.append(allocate(pool)[0])
        flag["on"] = True
        log.append(allocate(pool)[0])
        flag["on"] = False
        log.append(allocate(pool)[0])
        log.append(control.dry_ticks)
    _, _, log = run_with_pool(body)
    assert log == [NX_SUCCESS, NX_NO_PACKET, NX_SUCCESS, [(0, 0)]]


def test_leak_report_names_pools_and_counts():
    def body(pool, log):
        _, packet = allocate(pool)
        allocate(pool)
        nx_packet_release(packet)
        nx_packet_release(packet)     # a double release: NX_PTR_ERROR, counted
    _, pool, _ = run_with_pool(body)
    assert packet_pool_report(pool) == [
        "packet pool 'test pool': 3/4 free, 1 not released, 1 invalid (double) releases"]
    with pytest.raises(LeakError, match="test pool': 3/4 free"):
        assert_no_packet_leaked()      # every pool of the last run


def test_block_and_byte_leaks():
    blocks, bytes_pool, thread = TX_BLOCK_POOL(), TX_BYTE_POOL(), TX_THREAD()
    kept = []

    def body(_):
        status, block = tx_block_allocate(blocks, TX_NO_WAIT)
        kept.append(block)
        for size in (100, 200):
            status, memory = tx_byte_allocate(bytes_pool, size, TX_NO_WAIT)
            kept.append(memory)
        tx_byte_release(kept[1])

    def define(memory):
        tx_block_pool_create(blocks, "blocks", 64, memory, 640)
        tx_byte_pool_create(bytes_pool, "bytes", memory + 640, 2000)
        tx_thread_create(thread, "t", body, 0, memory + 2640, 2048, 10, 10, 0, TX_AUTO_START)
    tx_kernel_enter(define)
    with pytest.raises(LeakError, match=r"block pool 'blocks': \d+/\d+ free, 1 not released"):
        assert_no_block_leaked()
    with pytest.raises(LeakError, match=r"byte pool 'bytes': .* bytes \(with block headers\) not released"):
        assert_no_byte_leaked(bytes_pool)
    with pytest.raises(KernelError, match="tx_block_release: the run has ended"):
        tx_block_release(kept[0])           # too late: services end with the run


def test_no_leak_when_everything_is_released():
    blocks, bytes_pool, thread = TX_BLOCK_POOL(), TX_BYTE_POOL(), TX_THREAD()

    def body(_):
        status, block = tx_block_allocate(blocks, TX_NO_WAIT)
        status, memory = tx_byte_allocate(bytes_pool, 100, TX_NO_WAIT)
        tx_block_release(block)
        tx_byte_release(memory)

    def define(memory):
        tx_block_pool_create(blocks, "blocks", 64, memory, 640)
        tx_byte_pool_create(bytes_pool, "bytes", memory + 640, 2000)
        tx_thread_create(thread, "t", body, 0, memory + 2640, 2048, 10, 10, 0, TX_AUTO_START)
    tx_kernel_enter(define)
    assert_no_block_leaked(blocks)
    assert_no_byte_leaked(bytes_pool)
