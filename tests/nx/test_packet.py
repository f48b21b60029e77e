"""Packets: allocate/release with every wait outcome, chaining, data copy-in/out,
copy, transmit release, the nxe checks and caller classes (netxduo nx_packet_*.c,
nxe_packet_*.c)."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.argerror import type_error
from netxsim.nx import (
    NX_CALLER_ERROR, NX_DRIVER_TX_DONE, NX_ICMP_PACKET, NX_INVALID_PACKET, NX_INVALID_PARAMETERS,
    NX_IP_PACKET, NX_IP_PERIODIC_RATE, NX_IPv4_PACKET, NX_IPv4_TCP_PACKET, NX_IPv4_UDP_PACKET,
    NX_IPv6_TCP_PACKET, NX_NO_PACKET, NX_NO_WAIT, NX_OPTION_ERROR, NX_OVERFLOW, NX_PACKET,
    NX_PACKET_ALIGNMENT, NX_PACKET_ALLOCATED, NX_PACKET_ENQUEUED, NX_PACKET_FREE,
    NX_PACKET_OFFSET_ERROR, NX_PACKET_POOL, NX_PHYSICAL_HEADER, NX_POOL_DELETED, NX_PTR_ERROR,
    NX_RECEIVE_PACKET, NX_SIZE_ERROR, NX_SUCCESS, NX_TCP_PACKET, NX_UDP_PACKET, NX_UNDERFLOW,
    NX_WAIT_ABORTED, NX_WAIT_FOREVER, _nx_packet_allocate, _nx_packet_data_append,
    _nx_packet_release, nx_packet_allocate, nx_packet_copy, nx_packet_data_append,
    nx_packet_data_extract_offset, nx_packet_data_retrieve, nx_packet_length_get,
    nx_packet_pool_create, nx_packet_pool_delete, nx_packet_pool_info_get, nx_packet_release,
    nx_packet_transmit_release,
)
from netxsim.nx.constants import NX_STATUS_NAMES
from netxsim.tx import (
    TX_TCP_IP, tx_thread_sleep, tx_thread_terminate, tx_thread_wait_abort,
)

from .test_packet_pool import NO_NX_ERROR_CHECKING, Harness

DATA = bytes((i * 7 + 3) & 0xFF for i in range(6000))


def pools(h: Harness, *specs: tuple[int, int]) -> list[NX_PACKET_POOL]:
    """Create pools of (payload, count) buffers back to back from the first free byte."""
    created, offset = [], 0
    for index, (payload, count) in enumerate(specs):
        pool = NX_PACKET_POOL()
        stride = (60 + payload + 3) // 4 * 4
        assert nx_packet_pool_create(pool, f"pool{index}", payload, h.mem + offset,
                                     count * stride) == NX_SUCCESS
        assert pool.nx_packet_pool_total == count
        created.append(pool)
        offset += count * stride
    return created


def in_thread(body, specs=((512, 3), (800, 9)), priority: int = 10, config=None) -> Harness:
    """Run ``body(h, pool_list)`` in one application thread (``config``: the build)."""
    h = Harness(config)

    def define(h: Harness) -> None:
        created = pools(h, *specs)
        h.spawn("t", priority, lambda: body(h, created))

    h.run(define)
    return h


def free(pool: NX_PACKET_POOL) -> int:
    return nx_packet_pool_info_get(pool)[2]


def chain(packet: NX_PACKET) -> list[NX_PACKET]:
    buffers = []
    while packet is not None:
        buffers.append(packet)
        packet = packet.nx_packet_next
    return buffers


def state(packet: NX_PACKET) -> tuple:
    """Everything data_append may change, for "left unchanged" checks."""
    return tuple((b, b.nx_packet_prepend_ptr, b.nx_packet_append_ptr, b.nx_packet_next,
                  b.nx_packet_last, b.nx_packet_length) for b in chain(packet))


# ----------------------------------------------------------------------- constants
def test_packet_type_constants_with_ipv6_compiled_in():
    assert (NX_RECEIVE_PACKET, NX_PHYSICAL_HEADER, NX_IPv4_PACKET, NX_IPv4_TCP_PACKET,
            NX_IPv4_UDP_PACKET) == (0, 16, 36, 56, 44)
    assert (NX_IP_PACKET, NX_TCP_PACKET, NX_UDP_PACKET, NX_ICMP_PACKET, NX_IPv6_TCP_PACKET) == \
        (56, 76, 64, 56, 76)
    assert (NX_PACKET_FREE, NX_PACKET_ALLOCATED, NX_PACKET_ENQUEUED, NX_DRIVER_TX_DONE) == \
        (0xFFFFFFFF, 0xAAAAAAAA, 0xEEEEEEEE, 0xDDDDDDDD)
    assert (NX_PACKET_ALIGNMENT, NX_IP_PERIODIC_RATE, NX_WAIT_FOREVER) == (4, 100, 0xFFFFFFFF)
    assert (NX_CALLER_ERROR, NX_POOL_DELETED, NX_WAIT_ABORTED, NX_INVALID_PARAMETERS) == \
        (0x11, 0x30, 0x1A, 0x4D)
    assert len(NX_STATUS_NAMES) == 65 and NX_STATUS_NAMES[0x56] == "NX_TCPIP_OFFLOAD_ERROR"


# ------------------------------------------------------------------------ allocate
@pytest.mark.parametrize("packet_type", [NX_RECEIVE_PACKET, NX_PHYSICAL_HEADER, NX_IPv4_PACKET,
                                         NX_IPv4_TCP_PACKET, NX_TCP_PACKET, 512])
def test_allocate_initialises_the_packet(packet_type):
    out = {}

    def body(h, p):
        out["result"] = nx_packet_allocate(p[0], packet_type, NX_NO_WAIT)

    in_thread(body)
    status, packet = out["result"]
    assert status == NX_SUCCESS
    assert packet.nx_packet_prepend_ptr == packet.nx_packet_data_start + packet_type
    assert packet.nx_packet_append_ptr == packet.nx_packet_prepend_ptr
    assert packet.nx_packet_length == 0
    assert packet.nx_packet_next is None and packet.nx_packet_last is None
    assert packet.nx_packet_queue_next is None
    assert packet.nx_packet_tcp_queue_next == NX_PACKET_ALLOCATED
    assert packet.nx_packet_union_next.nx_packet_tcp_queue_next == NX_PACKET_ALLOCATED
    assert packet.nx_packet_ip_version == 4
    assert packet.nx_packet_address.nx_packet_interface_ptr is None


def test_free_list_is_lifo():
    out = []

    def body(h, p):
        a, b, c = (nx_packet_allocate(p[0], 0, NX_NO_WAIT)[1] for _ in range(3))
        out.append([a, b, c] == p[0].packets)          # initially in address order
        nx_packet_release(b)
        nx_packet_release(a)
        out.append(p[0].nx_packet_pool_available_list is a)
        out.append(b.nx_packet_tcp_queue_next == NX_PACKET_FREE and a.nx_packet_queue_next is b)
        out.append([nx_packet_allocate(p[0], 0, NX_NO_WAIT)[1] for _ in range(2)] == [a, b])

    in_thread(body)
    assert out == [True, True, True, True]


def test_waiter_gets_the_released_buffer_with_its_own_offset():
    out: dict[str, Any] = {}

    def define(h: Harness) -> None:
        pool, = pools(h, (512, 2))

        def owner() -> None:
            held = [nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)[1] for _ in range(2)]
            held[0].nx_packet_prepend_ptr.write(b"x" * 10)
            tx_thread_sleep(10)
            out["waiter_state"] = h.threads["waiter"].tx_thread_state
            out["suspended"] = pool.nx_packet_pool_suspended_count
            h.note("owner", "release")
            h.note("owner", nx_packet_release(held[0]))

        def waiter() -> None:
            tx_thread_sleep(1)
            status, packet = nx_packet_allocate(pool, NX_IPv4_TCP_PACKET, NX_WAIT_FOREVER)
            out["packet"] = packet
            h.note("waiter", (status, packet.nx_packet_prepend_ptr - packet.nx_packet_data_start))

        h.spawn("owner", 10, owner)
        h.spawn("waiter", 5, waiter)
        out["pool"] = pool

    h = Harness()
    h.run(define)
    # The more urgent waiter preempts the releaser inside nx_packet_release.
    assert h.log == [(10, "owner", "release"), (10, "waiter", (NX_SUCCESS, NX_IPv4_TCP_PACKET)),
                     (10, "owner", NX_SUCCESS)]
    assert out["waiter_state"] == TX_TCP_IP and out["suspended"] == 1
    packet, pool = out["packet"], out["pool"]
    assert packet is pool.packets[0]
    assert packet.nx_packet_tcp_queue_next == NX_PACKET_ALLOCATED
    assert packet.nx_packet_length == 0 and packet.nx_packet_append_ptr == packet.nx_packet_prepend_ptr
    assert packet.nx_packet_ip_version == 0   # the hand-over path clears it (allocate sets 4)
    assert nx_packet_pool_info_get(pool) == (NX_SUCCESS, 2, 0, 1, 1, 0)


def test_waiters_are_served_fifo_not_by_priority():
    def define(h: Harness) -> None:
        pool, = pools(h, (512, 3))

        def owner() -> None:
            held = [nx_packet_allocate(pool, 0, NX_NO_WAIT)[1] for _ in range(3)]
            tx_thread_sleep(5)
            for packet in held:
                nx_packet_release(packet)
            h.note("owner", free(pool))

        def waiter(name: str, delay: int, packet_type: int):
            def body() -> None:
                tx_thread_sleep(delay)
                status, packet = nx_packet_allocate(pool, packet_type, NX_WAIT_FOREVER)
                h.note(name, (status, pool.packets.index(packet),
                              packet.nx_packet_prepend_ptr - packet.nx_packet_data_start))
            return body

        h.spawn("owner", 10, owner)
        h.spawn("w1", 8, waiter("w1", 1, 16))
        h.spawn("w2", 4, waiter("w2", 2, 36))
        h.spawn("w3", 6, waiter("w3", 3, 56))

    h = Harness()
    h.run(define)
    assert h.log == [(5, "w1", (NX_SUCCESS, 0, 16)), (5, "w2", (NX_SUCCESS, 1, 36)),
                     (5, "w3", (NX_SUCCESS, 2, 56)), (5, "owner", 0)]


def test_allocate_times_out_at_the_exact_tick():
    def define(h: Harness) -> None:
        pool, = pools(h, (512, 1))

        def body() -> None:
            status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)
            tx_thread_sleep(3)
            h.note("t", "wait 7")
            h.note("t", nx_packet_allocate(pool, NX_TCP_PACKET, 7))
            h.note("t", pool.nx_packet_pool_suspended_count)
            # Released after the timeout: the buffer goes to the free list.
            h.note("t", (nx_packet_release(packet), free(pool)))
            h.note("t", nx_packet_pool_info_get(pool))

        h.spawn("t", 10, body)

    h = Harness()
    h.run(define)
    assert h.log == [(3, "t", "wait 7"), (10, "t", (NX_NO_PACKET, None)), (10, "t", 0),
                     (10, "t", (NX_SUCCESS, 1)), (10, "t", (NX_SUCCESS, 1, 1, 1, 1, 0))]


def test_allocate_wait_abort():
    def define(h: Harness) -> None:
        pool, = pools(h, (512, 1))
        held = {}

        def waiter() -> None:
            held["p"] = nx_packet_allocate(pool, 0, NX_NO_WAIT)[1]
            h.note("waiter", nx_packet_allocate(pool, 0, NX_WAIT_FOREVER))

        def aborter() -> None:
            tx_thread_sleep(4)
            h.note("aborter", tx_thread_wait_abort(h.threads["waiter"]))
            h.note("aborter", (pool.nx_packet_pool_suspended_count, nx_packet_release(held["p"]),
                               free(pool)))

        h.spawn("waiter", 5, waiter)
        h.spawn("aborter", 10, aborter)

    h = Harness()
    h.run(define)
    assert h.log == [(4, "waiter", (NX_WAIT_ABORTED, None)), (4, "aborter", NX_SUCCESS),
                     (4, "aborter", (0, NX_SUCCESS, 1))]


def test_terminated_waiter_leaves_the_suspension_list():
    def define(h: Harness) -> None:
        pool, = pools(h, (512, 1))

        def waiter() -> None:
            nx_packet_allocate(pool, 0, NX_WAIT_FOREVER)
            h.note("waiter", "never")

        def killer() -> None:
            status, packet = nx_packet_allocate(pool, 0, NX_NO_WAIT)
            tx_thread_sleep(2)
            h.note("killer", pool.nx_packet_pool_suspended_count)
            tx_thread_terminate(h.threads["waiter"])
            h.note("killer", (pool.nx_packet_pool_suspended_count, nx_packet_release(packet),
                              free(pool)))

        h.spawn("killer", 10, killer)
        h.spawn("waiter", 12, waiter)

    h = Harness()
    h.run(define)
    assert h.log == [(2, "killer", 1), (2, "killer", (0, NX_SUCCESS, 1))]


# ------------------------------------------------------------------------- release
def test_double_release_and_queued_packet_are_refused():
    out = []

    def body(h, p):
        pool = p[0]
        a, b = (nx_packet_allocate(pool, 0, NX_NO_WAIT)[1] for _ in range(2))
        out.append(nx_packet_release(a))
        out.append(nx_packet_release(a))        # already free
        out.append(_nx_packet_release(a))       # the core refuses it too
        b.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED  # tail of a TCP queue
        out.append(nx_packet_release(b))
        out.append(nx_packet_pool_info_get(pool))
        # The free list is intact: three distinct buffers come out, then none.
        b.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        nx_packet_release(b)
        taken = [nx_packet_allocate(pool, 0, NX_NO_WAIT) for _ in range(4)]
        out.append(len({id(packet) for status, packet in taken[:3]}))
        out.append(taken[3])

    in_thread(body)
    assert out == [NX_SUCCESS, NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR,
                   (NX_SUCCESS, 3, 2, 0, 0, 3), 3, (NX_NO_PACKET, None)]


def test_release_of_a_chain_returns_each_buffer_to_its_pool_and_stops_at_a_bad_one():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_IPv4_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 2000, big, NX_NO_WAIT)   # 456 + 800 + 744
        buffers = chain(packet)
        out.append((len(buffers), free(small), free(big)))
        out.append(nx_packet_release(packet))
        out.append((free(small), free(big)))
        # A chain whose second buffer was already freed: the head is freed, then the walk stops.
        status, packet = nx_packet_allocate(small, 0, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 1000, big, NX_NO_WAIT)
        second = packet.nx_packet_next
        second.nx_packet_tcp_queue_next = NX_PACKET_FREE
        out.append(nx_packet_release(packet))
        out.append((free(small), free(big), big.nx_packet_pool_invalid_releases))

    in_thread(body)
    assert out == [(3, 2, 7), NX_SUCCESS, (3, 9), NX_PTR_ERROR, (3, 8, 1)]


def test_release_checks():
    out = []

    def body(h, p):
        pool = p[0]
        status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)
        out.append(nx_packet_release(None))
        packet.nx_packet_prepend_ptr = packet.nx_packet_data_start - 1
        out.append(nx_packet_release(packet))
        out.append(nx_packet_transmit_release(packet))
        packet.nx_packet_prepend_ptr = packet.nx_packet_data_start
        packet.nx_packet_append_ptr = packet.nx_packet_data_end + 1
        out.append(nx_packet_release(packet))
        out.append(nx_packet_transmit_release(packet))
        packet.nx_packet_append_ptr = packet.nx_packet_data_end
        out.append(free(pool))
        out.append(nx_packet_release(packet))
        out.append(free(pool))

    in_thread(body)
    assert out == [NX_PTR_ERROR, NX_UNDERFLOW, NX_UNDERFLOW, NX_OVERFLOW, NX_OVERFLOW, 2,
                   NX_SUCCESS, 3]


def test_transmit_release():
    out = []

    def body(h, p):
        pool = p[0]
        status, plain = nx_packet_allocate(pool, NX_IP_PACKET, NX_NO_WAIT)
        out.append((nx_packet_transmit_release(plain), free(pool)))
        status, queued = nx_packet_allocate(pool, NX_IPv4_PACKET - 20, NX_NO_WAIT)
        queued.nx_packet_append_ptr = queued.nx_packet_prepend_ptr + 120
        queued.nx_packet_length = 120
        queued.nx_packet_ip_header_length = 20
        queued.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED   # on a TCP transmit queue
        out.append((nx_packet_transmit_release(queued), free(pool)))
        out.append((queued.nx_packet_queue_next == NX_DRIVER_TX_DONE,
                    queued.nx_packet_prepend_ptr - queued.nx_packet_data_start,
                    queued.nx_packet_length, queued.nx_packet_ip_header_length))
        out.append(nx_packet_transmit_release(None))
        status, freed = nx_packet_allocate(pool, 0, NX_NO_WAIT)
        nx_packet_release(freed)
        out.append(nx_packet_transmit_release(freed))   # free packet: plain release refuses it

    in_thread(body)
    assert out == [(NX_SUCCESS, 3), (NX_SUCCESS, 2), (True, 36, 100, 0), NX_PTR_ERROR,
                   NX_PTR_ERROR]


# --------------------------------------------------------------- append / retrieve
def test_append_chains_across_buffers_and_retrieve_gives_the_bytes_back():
    out: dict[str, Any] = {}

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_IPv4_TCP_PACKET, NX_NO_WAIT)
        sizes = [100, 356, 1, 799, 1500, 44]   # fills the head exactly, then chains
        position = 0
        for size in sizes:
            assert nx_packet_data_append(packet, DATA[position:], size, big, NX_NO_WAIT) == 0
            position += size
        out["packet"] = packet
        out["free"] = (free(small), free(big))
        buffer = bytearray(4000)
        out["retrieve"] = nx_packet_data_retrieve(packet, buffer)
        out["bytes"] = bytes(buffer[:position]) == DATA[:position]
        out["length"] = nx_packet_length_get(packet)
        out["total"] = position

    in_thread(body)
    packet, total = out["packet"], out["total"]
    buffers = chain(packet)
    # 456 + 800 + 800 + 744 = 2800 bytes
    assert total == 2800 and len(buffers) == 4
    assert [b.nx_packet_append_ptr - b.nx_packet_prepend_ptr for b in buffers] == [456, 800, 800, 744]
    assert packet.nx_packet_append_ptr == packet.nx_packet_data_end
    assert packet.nx_packet_last is buffers[-1]
    assert all(b.nx_packet_length == 0 and b.nx_packet_last is None for b in buffers[1:])
    assert all(b.nx_packet_prepend_ptr == b.nx_packet_data_start for b in buffers[1:])
    assert out["free"] == (2, 6)
    assert out["retrieve"] == (NX_SUCCESS, 2800) and out["bytes"]
    assert out["length"] == (NX_SUCCESS, 2800)
    assert packet.chain_bytes() == DATA[:2800]


def test_append_is_all_or_nothing_when_the_pool_runs_dry():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_IPv4_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 1000, big, NX_NO_WAIT)     # 456 + 544: 1 buffer
        held = [nx_packet_allocate(big, 0, NX_NO_WAIT)[1] for _ in range(6)]  # leaves 2 free
        before, free_before = state(packet), free(big)
        # 256 bytes of room left: 3000 bytes need 4 more buffers; 2 are taken, then it fails.
        out.append(nx_packet_data_append(packet, DATA, 3000, big, NX_NO_WAIT))
        out.append(state(packet) == before)
        out.append((free(big), free_before))
        out.append(nx_packet_pool_info_get(big))
        out.append(packet.chain_bytes() == DATA[:1000])
        del held

    in_thread(body)
    assert out == [NX_NO_PACKET, True, (2, 2), (NX_SUCCESS, 9, 2, 1, 0, 0), True]


def test_append_waits_for_each_buffer():
    """Each continuation allocation waits up to wait_option: one released buffer at tick 3
    completes the first; the second times out at 3 + 5 and the first goes back."""
    def define(h: Harness) -> None:
        small, big = pools(h, (512, 1), (800, 2))

        def owner() -> None:
            held = [nx_packet_allocate(big, 0, NX_NO_WAIT)[1] for _ in range(2)]
            tx_thread_sleep(3)
            h.note("owner", nx_packet_release(held[0]))

        def appender() -> None:
            status, packet = nx_packet_allocate(small, 0, NX_NO_WAIT)
            tx_thread_sleep(1)
            before = state(packet)
            h.note("appender", nx_packet_data_append(packet, DATA, 2000, big, 5))
            h.note("appender", (state(packet) == before, free(big),
                                nx_packet_pool_info_get(big)))

        h.spawn("owner", 10, owner)
        h.spawn("appender", 8, appender)

    h = Harness()
    h.run(define)
    assert h.log == [(3, "owner", NX_SUCCESS), (8, "appender", NX_NO_PACKET),
                     (8, "appender", (True, 1, (NX_SUCCESS, 2, 1, 2, 2, 0)))]


def test_append_sources_and_core_zero_size():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, 0, NX_NO_WAIT)
        out.append(nx_packet_data_append(packet, "MAIL FROM:", 10, big, NX_NO_WAIT))
        out.append(nx_packet_data_append(packet, memoryview(b"<a@b>\r\n"), 7, big, NX_NO_WAIT))
        source = packet.nx_packet_data_start   # a Pointer into simulated RAM
        out.append(nx_packet_data_append(packet, source, 4, big, NX_NO_WAIT))
        out.append(_nx_packet_data_append(packet, b"", 0, big, NX_NO_WAIT))  # core: no check
        out.append(packet.chain_bytes())
        with pytest.raises(ValueError):
            nx_packet_data_append(packet, b"abc", 4, big, NX_NO_WAIT)
        out.append(packet.nx_packet_length)

    in_thread(body)
    assert out == [0, 0, 0, 0, b"MAIL FROM:<a@b>\r\nMAIL", 21]


def test_append_checks():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, 0, NX_NO_WAIT)
        out.append(nx_packet_data_append(None, b"x", 1, big, NX_NO_WAIT))
        out.append(nx_packet_data_append(packet, None, 1, big, NX_NO_WAIT))
        out.append(nx_packet_data_append(packet, b"x", 1, None, NX_NO_WAIT))
        out.append(nx_packet_data_append(packet, b"x", 1, NX_PACKET_POOL(), NX_NO_WAIT))
        out.append(nx_packet_data_append(packet, b"x", 0, big, NX_NO_WAIT))
        packet.nx_packet_prepend_ptr -= 1
        out.append(nx_packet_data_append(packet, b"x", 1, big, NX_NO_WAIT))
        packet.nx_packet_prepend_ptr += 1
        packet.nx_packet_append_ptr = packet.nx_packet_data_end + 4
        out.append(nx_packet_data_append(packet, b"x", 1, big, NX_NO_WAIT))
        packet.nx_packet_append_ptr = packet.nx_packet_prepend_ptr
        out.append(packet.nx_packet_length)

    in_thread(body)
    assert out == [NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR, NX_PTR_ERROR, NX_SIZE_ERROR,
                   NX_UNDERFLOW, NX_OVERFLOW, 0]


def test_retrieve_invalid_chain_small_buffer_and_pointer_destination():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_IPv4_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 600, big, NX_NO_WAIT)
        packet.nx_packet_length = 700                  # the chain holds only 600
        buffer = bytearray(800)
        out.append(nx_packet_data_retrieve(packet, buffer))
        packet.nx_packet_length = 500                  # the chain holds more
        out.append(nx_packet_data_retrieve(packet, buffer))
        packet.nx_packet_length = 600
        with pytest.raises(ValueError, match="too small"):
            nx_packet_data_retrieve(packet, bytearray(599))
        with pytest.raises(TypeError):
            nx_packet_data_retrieve(packet, b"\0" * 600)
        target = h.mem + 0x40000
        out.append(nx_packet_data_retrieve(packet, target))
        out.append(target.read(600) == DATA[:600])
        out.append(nx_packet_data_retrieve(None, buffer))
        out.append(nx_packet_data_retrieve(packet, None))

    in_thread(body)
    assert out == [(NX_INVALID_PACKET, 600), (NX_INVALID_PACKET, 600), (NX_SUCCESS, 600), True,
                   (NX_PTR_ERROR, None), (NX_PTR_ERROR, None)]


def test_pointer_fields_read_and_write_the_payload():
    out = []

    def body(h, p):
        status, packet = nx_packet_allocate(p[0], NX_IPv4_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, b"payload", 7, p[0], NX_NO_WAIT)
        # Prepend a 20-byte header the C way.
        packet.nx_packet_prepend_ptr = packet.nx_packet_prepend_ptr - 20
        packet.nx_packet_prepend_ptr.write(b"H" * 20)
        packet.nx_packet_length += 20
        buffer = bytearray(27)
        out.append(nx_packet_data_retrieve(packet, buffer))
        out.append(bytes(buffer))
        out.append(packet.nx_packet_append_ptr - packet.nx_packet_prepend_ptr)

    in_thread(body)
    assert out == [(NX_SUCCESS, 27), b"H" * 20 + b"payload", 27]


# ------------------------------------------------------------------ extract_offset
def test_extract_offset():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_IPv4_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 2000, big, NX_NO_WAIT)   # 456 | 800 | 744
        for offset, length in [(0, 10), (450, 20), (1250, 20), (1990, 100), (456, 800)]:
            buffer = bytearray(length)
            status, copied = nx_packet_data_extract_offset(packet, offset, buffer, length)
            out.append((status, copied, bytes(buffer[:copied]) == DATA[offset:offset + copied]))
        out.append(nx_packet_data_extract_offset(packet, 2000, bytearray(4), 4))
        out.append(nx_packet_data_extract_offset(packet, 2500, bytearray(4), 4))
        buffer = bytearray(8)
        out.append(nx_packet_data_extract_offset(packet, 10, buffer))      # length from buffer
        with pytest.raises(ValueError):
            nx_packet_data_extract_offset(packet, 0, bytearray(4), 10)
        status, empty = nx_packet_allocate(small, 0, NX_NO_WAIT)
        out.append(nx_packet_data_extract_offset(empty, 0, bytearray(4), 4))
        out.append(nx_packet_data_extract_offset(None, 0, bytearray(4), 4))
        out.append(nx_packet_data_extract_offset(packet, 0, None, 4))
        packet.nx_packet_length = 2100    # longer than the chain
        out.append(nx_packet_data_extract_offset(packet, 2050, bytearray(4), 4))

    in_thread(body)
    assert out == [(0, 10, True), (0, 20, True), (0, 20, True), (0, 10, True), (0, 800, True),
                   (NX_PACKET_OFFSET_ERROR, None), (NX_PACKET_OFFSET_ERROR, None),
                   (NX_SUCCESS, 8), (NX_SUCCESS, 0), (NX_PTR_ERROR, None), (NX_PTR_ERROR, None),
                   (NX_PACKET_OFFSET_ERROR, None)]


# ---------------------------------------------------------------------------- copy
def test_copy_keeps_the_headroom_and_uses_headroom_plus_length():
    out: dict[str, Any] = {}

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_TCP_PACKET, NX_NO_WAIT)   # 76 headroom
        nx_packet_data_append(packet, DATA, 100, small, NX_NO_WAIT)
        out["one"] = nx_packet_copy(packet, big, NX_NO_WAIT)
        out["free_one"] = free(big)
        nx_packet_data_append(packet, DATA[100:], 900, big, NX_NO_WAIT)   # 1000 bytes, chained
        status, copied = nx_packet_copy(packet, big, NX_NO_WAIT)
        out["two"] = (status, copied)
        out["free_two"] = free(big)
        buffer = bytearray(1000)
        out["bytes"] = (nx_packet_data_retrieve(copied, buffer), bytes(buffer) == DATA[:1000])

    in_thread(body)
    status, one = out["one"]
    assert status == NX_SUCCESS
    assert one.nx_packet_pool_owner.name == "pool1"
    assert one.nx_packet_prepend_ptr - one.nx_packet_data_start == NX_TCP_PACKET
    assert one.nx_packet_length == 100 and one.nx_packet_next is None
    assert one.chain_bytes() == DATA[:100] and out["free_one"] == 8
    status, two = out["two"]
    # 76 + 1000 bytes of 800-byte buffers: two buffers.
    # The 900-byte append took one buffer of pool1, the copy two more.
    assert status == NX_SUCCESS and len(chain(two)) == 2 and out["free_two"] == 8 - 1 - 2
    assert two.nx_packet_prepend_ptr - two.nx_packet_data_start == NX_TCP_PACKET
    assert two.nx_packet_length == 1000
    assert out["bytes"] == ((NX_SUCCESS, 1000), True)


def test_copy_failures_leak_nothing():
    out = []

    def body(h, p):
        small, big = p
        status, empty = nx_packet_allocate(small, 0, NX_NO_WAIT)
        out.append(nx_packet_copy(empty, big, NX_NO_WAIT))                 # length 0
        status, packet = nx_packet_allocate(small, NX_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 400, small, NX_NO_WAIT)
        held = [nx_packet_allocate(big, 0, NX_NO_WAIT)[1] for _ in range(8)]
        # One buffer left: 476 bytes need one, so it fits; with none left it fails.
        status, copied = nx_packet_copy(packet, big, NX_NO_WAIT)
        out.append((status, free(big)))
        out.append((nx_packet_copy(packet, big, NX_NO_WAIT), free(big)))
        nx_packet_release(copied)
        nx_packet_release(held.pop())
        # Chain the source (76 + 1000 bytes in three buffers) and leave one buffer free: the
        # copy's allocate takes it, the append of the second source buffer fails, and the
        # copy's buffer is given back.
        nx_packet_release(empty)
        assert nx_packet_data_append(packet, DATA, 600, small, NX_NO_WAIT) == NX_SUCCESS
        status, third = nx_packet_allocate(big, 0, NX_NO_WAIT)
        out.append(free(big))
        out.append((nx_packet_copy(packet, big, NX_NO_WAIT), free(big)))
        out.append(nx_packet_pool_info_get(big)[3])

    in_thread(body)
    assert out == [(NX_INVALID_PACKET, None), (NX_SUCCESS, 0), ((NX_NO_PACKET, None), 0), 1,
                   ((NX_NO_PACKET, None), 1), 2]


def test_copy_checks():
    out = []

    def body(h, p):
        small, big = p
        status, packet = nx_packet_allocate(small, NX_TCP_PACKET, NX_NO_WAIT)
        nx_packet_data_append(packet, DATA, 10, small, NX_NO_WAIT)
        out.append(nx_packet_copy(None, big, NX_NO_WAIT))
        out.append(nx_packet_copy(packet, None, NX_NO_WAIT))
        packet.nx_packet_prepend_ptr = packet.nx_packet_data_start - 4
        out.append(nx_packet_copy(packet, big, NX_NO_WAIT))
        packet.nx_packet_prepend_ptr = packet.nx_packet_data_start + NX_TCP_PACKET
        packet.nx_packet_append_ptr = packet.nx_packet_data_end + 4
        out.append(nx_packet_copy(packet, big, NX_NO_WAIT))

    in_thread(body)
    assert out == [(NX_PTR_ERROR, None), (NX_PTR_ERROR, None), (NX_UNDERFLOW, None),
                   (NX_OVERFLOW, None)]


# ------------------------------------------------------------------ checks, contexts
def test_allocate_checks():
    out = []

    def body(h, p):
        pool = p[0]
        out.append(nx_packet_allocate(None, 0, NX_NO_WAIT))
        out.append(nx_packet_allocate(NX_PACKET_POOL(), 0, NX_NO_WAIT))
        out.append(nx_packet_allocate(pool, 2, NX_NO_WAIT))            # not a multiple of 4
        out.append(nx_packet_allocate(pool, 516, NX_NO_WAIT))          # beyond the payload
        out.append(_nx_packet_allocate(pool, 2, NX_NO_WAIT)[0])        # core: no option check
        out.append(nx_packet_length_get(None))
        out.append(type_error(nx_packet_length_get, NX_PACKET_POOL()))   # not a packet

    in_thread(body)
    assert out == [(NX_PTR_ERROR, None), (NX_PTR_ERROR, None), (NX_OPTION_ERROR, None),
                   (NX_INVALID_PARAMETERS, None), NX_SUCCESS, (NX_PTR_ERROR, None),
                   "TypeError"]


def test_thread_wait_caller_class():
    """A wait outside a thread is NX_CALLER_ERROR; NX_NO_WAIT is legal anywhere."""
    def define(h: Harness) -> None:
        small, big = pools(h, (512, 3), (800, 2))

        def probe(who: str) -> None:
            status, packet = nx_packet_allocate(small, NX_TCP_PACKET, NX_NO_WAIT)
            h.note(who, ("allocate no wait", status))
            h.note(who, ("allocate wait", nx_packet_allocate(small, NX_TCP_PACKET, 10)))
            h.note(who, ("append wait", nx_packet_data_append(packet, b"x", 1, big, 10)))
            h.note(who, ("append no wait", nx_packet_data_append(packet, b"x", 1, big, NX_NO_WAIT)))
            h.note(who, ("copy wait", nx_packet_copy(packet, big, 10)))
            status, copied = nx_packet_copy(packet, big, NX_NO_WAIT)
            h.note(who, ("copy no wait", status))
            h.note(who, ("release", nx_packet_release(packet), nx_packet_release(copied)))

        probe("init")

        def thread() -> None:
            tx_thread_sleep(20)

        h.spawn("t", 10, thread)
        h.isr(2, lambda: probe("isr"))
        h.timer(4, lambda: probe("timer"))

    h = Harness()
    h.run(define)
    expected = []
    for tick, who in [(0, "init"), (2, "isr"), (4, "timer")]:
        expected += [(tick, who, ("allocate no wait", NX_SUCCESS)),
                     (tick, who, ("allocate wait", (NX_CALLER_ERROR, None))),
                     (tick, who, ("append wait", NX_CALLER_ERROR)),
                     (tick, who, ("append no wait", NX_SUCCESS)),
                     (tick, who, ("copy wait", (NX_CALLER_ERROR, None))),
                     (tick, who, ("copy no wait", NX_SUCCESS)),
                     (tick, who, ("release", NX_SUCCESS, NX_SUCCESS))]
    assert h.log == expected


def test_core_wait_outside_a_thread_is_refused_safely():
    out = []

    def define(h: Harness) -> None:
        pool, = pools(h, (512, 1))
        nx_packet_allocate(pool, 0, NX_NO_WAIT)
        out.append(nx_packet_allocate(pool, 0, NX_WAIT_FOREVER))
        out.append(nx_packet_pool_info_get(pool))

    Harness(NO_NX_ERROR_CHECKING).run(define)
    assert out == [(NX_CALLER_ERROR, None), (NX_SUCCESS, 1, 0, 1, 0, 0)]


def test_without_error_checking_release_does_not_check_bounds():
    out = []

    def body(h, p):
        status, packet = nx_packet_allocate(p[0], 2, NX_NO_WAIT)     # no option check
        out.append(status)
        packet.nx_packet_append_ptr = packet.nx_packet_data_end + 4
        out.append(nx_packet_release(packet))
        out.append(nx_packet_release(packet))
        out.append(nx_packet_data_append(packet, b"", 0, p[0], NX_NO_WAIT))

    in_thread(body, config=NO_NX_ERROR_CHECKING)
    assert out == [NX_SUCCESS, NX_SUCCESS, NX_PTR_ERROR, NX_SUCCESS]


def test_pool_deleted_under_a_waiting_append():
    def define(h: Harness) -> None:
        small, big = pools(h, (512, 1), (800, 1))

        def appender() -> None:
            status, packet = nx_packet_allocate(small, 0, NX_NO_WAIT)
            nx_packet_allocate(big, 0, NX_NO_WAIT)
            h.note("appender", nx_packet_data_append(packet, DATA, 1000, big, NX_WAIT_FOREVER))
            h.note("appender", packet.nx_packet_length)

        def deleter() -> None:
            tx_thread_sleep(6)
            h.note("deleter", nx_packet_pool_delete(big))

        h.spawn("appender", 5, appender)
        h.spawn("deleter", 10, deleter)

    h = Harness()
    h.run(define)
    assert h.log == [(6, "appender", NX_POOL_DELETED), (6, "appender", 0), (6, "deleter", NX_SUCCESS)]


# ------------------------------------------------------------------------ property
OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["allocate", "append", "release", "double_release", "copy", "retrieve"]),
    st.integers(0, 1),          # pool
    st.integers(0, 7),          # which held packet
    st.integers(1, 2500),       # size
    st.sampled_from([0, 16, 36, 56, 76])), max_size=40)


@given(OPERATIONS)
def test_pool_accounting_property(operations):
    """Any sequence keeps total == free + held per pool and never hands out a buffer twice."""
    failures: list[str] = []

    def body(h, p):
        held: list[NX_PACKET] = []
        contents: dict[int, bytes] = {}

        def check() -> None:
            seen: set[int] = set()
            for packet in held:
                for buffer in chain(packet):
                    if id(buffer) in seen:
                        failures.append("buffer held twice")
                    seen.add(id(buffer))
                    if buffer.nx_packet_tcp_queue_next != NX_PACKET_ALLOCATED:
                        failures.append("held buffer not marked allocated")
            for pool in p:
                free_list, node = [], pool.nx_packet_pool_available_list
                while node is not None:
                    free_list.append(node)
                    node = node.nx_packet_queue_next
                if any(id(b) in seen for b in free_list):
                    failures.append("buffer both free and held")
                if any(b.nx_packet_tcp_queue_next != NX_PACKET_FREE for b in free_list):
                    failures.append("free buffer not marked free")
                held_here = sum(1 for b in pool.packets if id(b) in seen)
                status, total, available, *_ = nx_packet_pool_info_get(pool)
                if len(free_list) != available or total != available + held_here:
                    failures.append(f"{pool.name}: total {total} free {available} held {held_here}")

        for operation, pool_index, which, size, packet_type in operations:
            pool = p[pool_index]
            if operation == "allocate":
                status, packet = nx_packet_allocate(pool, packet_type, NX_NO_WAIT)
                if status == NX_SUCCESS:
                    held.append(packet)
                    contents[id(packet)] = b""
                elif status != NX_NO_PACKET:
                    failures.append(f"allocate {status}")
            elif held:
                packet = held[which % len(held)]
                if operation == "append":
                    data = DATA[:size]
                    before = state(packet)
                    status = nx_packet_data_append(packet, data, size, pool, NX_NO_WAIT)
                    if status == NX_SUCCESS:
                        contents[id(packet)] += data
                    elif status != NX_NO_PACKET or state(packet) != before:
                        failures.append(f"append {status} changed the packet")
                elif operation in ("release", "double_release"):
                    held.remove(packet)
                    if nx_packet_release(packet) != NX_SUCCESS:
                        failures.append("release failed")
                    if operation == "double_release" and nx_packet_release(packet) != NX_PTR_ERROR:
                        failures.append("double release accepted")
                elif operation == "copy":
                    status, copied = nx_packet_copy(packet, pool, NX_NO_WAIT)
                    if status == NX_SUCCESS:
                        held.append(copied)
                        contents[id(copied)] = contents[id(packet)]
                        if copied.chain_bytes() != contents[id(packet)]:
                            failures.append("copy differs")
                    elif status not in (NX_NO_PACKET, NX_INVALID_PACKET):
                        failures.append(f"copy {status}")
                else:
                    buffer = bytearray(packet.nx_packet_length)
                    if nx_packet_data_retrieve(packet, buffer) != \
                            (NX_SUCCESS, len(contents[id(packet)])) \
                            or bytes(buffer) != contents[id(packet)]:
                        failures.append("retrieve differs")
            check()
        for packet in held:
            nx_packet_release(packet)
        for pool in p:
            if free(pool) != pool.nx_packet_pool_total:
                failures.append("not all buffers came back")

    in_thread(body, specs=((512, 4), (128, 6)))
    assert failures == []
