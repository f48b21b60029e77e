"""Packet pools: sizing, created list, create/delete/info_get and their checks
(netxduo nx_packet_pool_*.c, nxe_packet_pool_*.c)."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from netxsim.nx.config import NxConfig
from netxsim.nx import (
    NX_CALLER_ERROR, NX_IPv4_TCP_PACKET, NX_NO_PACKET, NX_NO_WAIT, NX_PACKET, NX_PACKET_POOL,
    NX_POOL_DELETED, NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS, NX_TCP_PACKET, NX_WAIT_FOREVER,
    nx_packet_allocate, nx_packet_length_get, nx_packet_pool_create, nx_packet_pool_delete, nx_packet_pool_info_get,
    nx_packet_release, nx_system_initialize,
)
from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_NO_TIME_SLICE, TX_SUCCESS, TX_TCP_IP, TX_THREAD, TX_TIMER,
    Pointer, sizeof, tx_kernel_enter, tx_thread_create, tx_thread_sleep, tx_time_get,
    tx_timer_create,
)
from netxsim.tx.kernel import kernel
from netxsim.tx.memory import MemoryRegionError

STACKS = 0x80000  # thread stacks live far above the pools


NO_NX_ERROR_CHECKING = NxConfig(NX_DISABLE_ERROR_CHECKING=True)


class Harness:
    """Runs a program: ``define(h)`` during init, threads via ``h.spawn``, an event
    log of (tick, who, what) via ``h.note``."""

    def __init__(self, config: Any = None) -> None:
        self.config = config   # the build (tx_kernel_enter's config)
        self.log: list[tuple[int, str, Any]] = []
        self.mem: Pointer | None = None
        self._stacks = 0
        self.threads: dict[str, TX_THREAD] = {}

    def spawn(self, name: str, priority: int, body: Callable[[], None]) -> TX_THREAD:
        thread = TX_THREAD()
        stack = self.mem + STACKS + self._stacks  # type: ignore[operator]
        self._stacks += 1024
        status = tx_thread_create(thread, name, lambda _: body(), 0, stack, 1024, priority,
                                  priority, TX_NO_TIME_SLICE, TX_AUTO_START)
        assert status == TX_SUCCESS
        self.threads[name] = thread
        return thread

    def note(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def isr(self, delay: int, body: Callable[[], None]) -> None:
        """Run ``body`` as an interrupt ``delay`` ticks from now."""
        kernel().env.timeout(delay).callbacks.append(lambda _event: body())

    def timer(self, delay: int, body: Callable[[], None]) -> TX_TIMER:
        """Run ``body`` in a timer callback ``delay`` ticks from now."""
        timer = TX_TIMER()
        assert tx_timer_create(timer, "probe", lambda _: body(), 0, delay, 0, TX_AUTO_ACTIVATE) == 0
        return timer

    def run(self, define: Callable[["Harness"], None], until: int | None = None):
        def application_define(first_unused_memory: Pointer) -> None:
            self.mem = first_unused_memory
            define(self)
        return tx_kernel_enter(application_define, until=until, config=self.config)


def info(pool: NX_PACKET_POOL) -> tuple:
    return nx_packet_pool_info_get(pool)


# ------------------------------------------------------------------------- sizing
def test_sizeof_matches_32_bit_build():
    assert sizeof(NX_PACKET) == 60
    assert sizeof(NX_PACKET_POOL) == 60
    assert sizeof("NX_PACKET_POOL") == 60


def test_demo_pools_sizing():
    default_pool, smtp_pool = NX_PACKET_POOL(), NX_PACKET_POOL()
    results = {}

    def define(h: Harness) -> None:
        mem = h.mem
        results["create"] = (
            nx_packet_pool_create(default_pool, "Default IP Packet Pool", 512, mem, 2048),
            nx_packet_pool_create(smtp_pool, "SMTP Client Packet Pool", 800, mem + 2048, 8000))
        results["info"] = (info(default_pool), info(smtp_pool))
        results["mem"] = mem

    Harness().run(define)
    mem = results["mem"]
    assert results["create"] == (NX_SUCCESS, NX_SUCCESS)
    assert results["info"] == ((NX_SUCCESS, 3, 3, 0, 0, 0), (NX_SUCCESS, 9, 9, 0, 0, 0))
    # Buffers: 60-byte header then the payload; strides 572 and 860.
    assert [p.address - mem.address for p in default_pool.packets] == [0, 572, 1144]
    assert [p.address - mem.address - 2048 for p in smtp_pool.packets] == \
        [860 * i for i in range(9)]
    first = default_pool.packets[0]
    assert first.nx_packet_data_start == mem + 60
    assert first.nx_packet_data_end == mem + 60 + 512
    assert smtp_pool.packets[8].nx_packet_data_end == mem + 2048 + 8 * 860 + 60 + 800
    assert default_pool.nx_packet_pool_payload_size == 512
    assert default_pool.nx_packet_pool_start == mem
    assert default_pool.nx_packet_pool_size == 2048
    assert default_pool.name == "Default IP Packet Pool"
    # The free list is threaded in address order through nx_packet_queue_next.
    assert default_pool.nx_packet_pool_available_list is first
    assert first.nx_packet_queue_next is default_pool.packets[1]
    assert default_pool.packets[2].nx_packet_queue_next is None
    assert all(p.nx_packet_pool_owner is default_pool for p in default_pool.packets)


def test_c_sizing_expression_ports_as_written():
    pool = NX_PACKET_POOL()
    out = {}

    def define(h: Harness) -> None:
        out["status"] = nx_packet_pool_create(pool, "p", 800, h.mem, 10 * (800 + sizeof(NX_PACKET)))

    Harness().run(define)
    assert out["status"] == NX_SUCCESS
    assert pool.nx_packet_pool_total == 10


@pytest.mark.parametrize("misalign, size, payload, total, start, aligned_size", [
    (0, 3 * 572, 512, 3, 0, 1716),          # exactly three buffers
    (0, 3 * 572 - 1, 512, 2, 0, 1712),      # one byte short: the size rounds down
    (1, 2048, 510, 3, 4, 2044),             # start rounded up, size reduced and rounded
    (2, 575, 511, 1, 4, 572),               # stride rounds 60 + 511 up to 572
])
def test_alignment_and_rounding(misalign, size, payload, total, start, aligned_size):
    pool = NX_PACKET_POOL()
    out = {}

    def define(h: Harness) -> None:
        out["mem"] = h.mem
        out["status"] = nx_packet_pool_create(pool, "p", payload, h.mem + misalign, size)

    Harness().run(define)
    mem = out["mem"]
    assert out["status"] == NX_SUCCESS
    assert pool.nx_packet_pool_total == total
    assert pool.nx_packet_pool_start == mem + start
    assert pool.nx_packet_pool_size == aligned_size
    for packet in pool.packets:
        assert (packet.address - mem.address) % 4 == 0
        # data_end keeps the payload size as given, not rounded.
        assert packet.nx_packet_data_end - packet.nx_packet_data_start == payload


# ---------------------------------------------------------------- create checks
def _create_status(make_args: Callable[[Harness], tuple], config: Any = None) -> int:
    out = {}

    def define(h: Harness) -> None:
        try:
            out["status"] = nx_packet_pool_create(*make_args(h))
        except TypeError as error:   # an argument of the wrong kind (an int for a pointer)
            assert str(error).startswith("nx_packet_pool_create: ")
            out["status"] = "TypeError"

    Harness(config).run(define)
    return out["status"]


@pytest.mark.parametrize("case, expected", [
    ("none_pool", NX_PTR_ERROR),
    ("none_memory", NX_PTR_ERROR),
    ("int_memory", "TypeError"),
    ("size_4", NX_SIZE_ERROR),
    ("payload_0", NX_SIZE_ERROR),
    ("one_short", NX_SIZE_ERROR),
    ("exact_one", NX_SUCCESS),
])
def test_create_argument_errors(case, expected):
    def args(h: Harness) -> tuple:
        pool, mem = NX_PACKET_POOL(), h.mem
        return {
            "none_pool": (None, "p", 512, mem, 2048),
            "none_memory": (pool, "p", 512, None, 2048),
            "int_memory": (pool, "p", 512, 0x20000000, 2048),
            "size_4": (pool, "p", 1, mem, 4),
            "payload_0": (pool, "p", 0, mem, 2048),
            "one_short": (pool, "p", 512, mem, 571),
            "exact_one": (pool, "p", 512, mem, 572),
        }[case]
    assert _create_status(args) == expected


def test_create_twice_and_overlaps_detected_by_nxe():
    a, b, c, d = (NX_PACKET_POOL() for _ in range(4))
    out = {}

    def define(h: Harness) -> None:
        mem = h.mem
        out["a"] = nx_packet_pool_create(a, "a", 512, mem + 1000, 2048)       # [1000, 3048)
        out["again"] = nx_packet_pool_create(a, "a", 512, mem + 8000, 2048)   # already created
        out["start_inside"] = nx_packet_pool_create(b, "b", 512, mem + 3000, 2048)
        out["end_inside"] = nx_packet_pool_create(c, "c", 512, mem, 1001)
        out["adjacent_after"] = nx_packet_pool_create(d, "d", 512, mem + 3048, 2048)
        out["info"] = info(a)

    Harness().run(define)
    assert out == {"a": NX_SUCCESS, "again": NX_PTR_ERROR, "start_inside": NX_PTR_ERROR,
                   "end_inside": NX_PTR_ERROR, "adjacent_after": NX_SUCCESS,
                   "info": (NX_SUCCESS, 3, 3, 0, 0, 0)}


@pytest.mark.parametrize("start, size", [
    (500, 4096),    # encloses the listed pool: nxe only tests the new area's two ends
    (3047, 2048),   # starts on the listed pool's last byte, which nxe's bound excludes
])
def test_overlap_missed_by_nxe_raises(start, size):
    a, b = NX_PACKET_POOL(), NX_PACKET_POOL()

    def define(h: Harness) -> None:
        assert nx_packet_pool_create(a, "a", 512, h.mem + 1000, 2048) == NX_SUCCESS
        nx_packet_pool_create(b, "b", 512, h.mem + start, size)

    with pytest.raises(MemoryRegionError, match="packet pool 'b'.*packet pool 'a'"):
        Harness().run(define)


def test_overlap_with_thread_stack_or_outside_ram_raises():
    pool = NX_PACKET_POOL()

    def define(h: Harness) -> None:
        h.spawn("t", 10, lambda: None)
        nx_packet_pool_create(pool, "p", 512, h.mem + STACKS + 512, 2048)

    with pytest.raises(MemoryRegionError, match="packet pool 'p'.*stack of thread 't'"):
        Harness().run(define)

    def define_outside(h: Harness) -> None:
        ram = kernel().memory
        nx_packet_pool_create(pool, "p", 512, h.mem + (ram.size - 1024), 2048)

    with pytest.raises(MemoryRegionError, match="outside simulated RAM"):
        Harness().run(define_outside)


def test_overlap_raises_without_error_checking():
    a, b = NX_PACKET_POOL(), NX_PACKET_POOL()

    def define(h: Harness) -> None:
        assert nx_packet_pool_create(a, "a", 512, h.mem, 2048) == NX_SUCCESS
        nx_packet_pool_create(b, "b", 512, h.mem + 1024, 2048)

    with pytest.raises(MemoryRegionError):
        Harness(NO_NX_ERROR_CHECKING).run(define)


def test_core_create_refuses_a_pool_without_room_for_one_packet():
    assert _create_status(lambda h: (NX_PACKET_POOL(), "p", 512, h.mem, 100),
                          NO_NX_ERROR_CHECKING) == NX_SIZE_ERROR


def test_create_caller_classes():
    """INIT_AND_THREADS: init and threads may create; ISRs and timer callbacks may not."""
    pools = [NX_PACKET_POOL() for _ in range(4)]

    def define(h: Harness) -> None:
        mem = h.mem
        h.note("init", nx_packet_pool_create(pools[0], "init", 512, mem, 2048))

        def thread() -> None:
            h.note("thread", nx_packet_pool_create(pools[1], "thread", 512, mem + 4096, 2048))
            tx_thread_sleep(20)

        h.spawn("thread", 10, thread)
        h.isr(3, lambda: h.note("isr", nx_packet_pool_create(pools[2], "isr", 512,
                                                             mem + 8192, 2048)))
        h.timer(5, lambda: h.note("timer", nx_packet_pool_create(pools[3], "timer", 512,
                                                                 mem + 12288, 2048)))

    h = Harness()
    h.run(define)
    assert h.log == [(0, "init", NX_SUCCESS), (0, "thread", NX_SUCCESS),
                     (3, "isr", NX_CALLER_ERROR), (5, "timer", NX_CALLER_ERROR)]
    assert pools[2].nx_packet_pool_id == 0 and pools[3].nx_packet_pool_id == 0


# ------------------------------------------------------------------------ delete
def test_delete_wakes_every_waiter_then_the_most_urgent_runs():
    pool = NX_PACKET_POOL()

    def define(h: Harness) -> None:
        assert nx_packet_pool_create(pool, "p", 512, h.mem, 572) == NX_SUCCESS
        held = {}

        def owner() -> None:
            held["p"] = nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)
            tx_thread_sleep(5)
            h.note("owner", ("waiters", pool.nx_packet_pool_suspended_count,
                             h.threads["w1"].tx_thread_state))
            h.note("owner", ("delete", nx_packet_pool_delete(pool)))

        def waiter(name: str) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(1 if name == "w1" else 2)
                status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_WAIT_FOREVER)
                h.note(name, (status, packet))
            return body

        h.spawn("owner", 10, owner)
        h.spawn("w1", 6, waiter("w1"))   # queued first, less urgent
        h.spawn("w2", 4, waiter("w2"))   # queued second, more urgent

    h = Harness()
    h.run(define)
    assert h.log == [
        (5, "owner", ("waiters", 2, TX_TCP_IP)),
        # Both are readied inside the delete; then the most urgent runs first.
        (5, "w2", (NX_POOL_DELETED, None)),
        (5, "w1", (NX_POOL_DELETED, None)),
        (5, "owner", ("delete", NX_SUCCESS)),
    ]
    assert pool.nx_packet_pool_id == 0
    assert pool not in kernel().created.get("packet_pool", [])


def test_delete_checks_and_reuse_of_memory():
    pool, again = NX_PACKET_POOL(), NX_PACKET_POOL()

    def define(h: Harness) -> None:
        mem = h.mem
        assert nx_packet_pool_create(pool, "p", 512, mem, 2048) == NX_SUCCESS
        h.note("init", ("delete", nx_packet_pool_delete(pool)))
        h.note("init", ("none", nx_packet_pool_delete(None)))

        def thread() -> None:
            status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)
            h.note("thread", ("delete", nx_packet_pool_delete(pool)))
            h.note("thread", ("again", nx_packet_pool_delete(pool)))
            h.note("thread", ("allocate", nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)))
            h.note("thread", ("release", nx_packet_release(packet)))
            h.note("thread", ("length", nx_packet_length_get(packet)))
            h.note("thread", ("info", info(pool)[0]))
            h.note("thread", ("reuse", nx_packet_pool_create(again, "again", 512, mem, 2048)))
            tx_thread_sleep(20)

        h.spawn("thread", 10, thread)
        h.isr(2, lambda: h.note("isr", nx_packet_pool_delete(again)))
        h.timer(4, lambda: h.note("timer", nx_packet_pool_delete(again)))

    h = Harness()
    h.run(define)
    assert h.log == [
        (0, "init", ("delete", NX_CALLER_ERROR)),
        (0, "init", ("none", NX_PTR_ERROR)),
        (0, "thread", ("delete", NX_SUCCESS)),
        (0, "thread", ("again", NX_PTR_ERROR)),
        (0, "thread", ("allocate", (NX_PTR_ERROR, None))),
        (0, "thread", ("release", NX_PTR_ERROR)),   # its pool is no longer valid
        (0, "thread", ("length", (NX_PTR_ERROR, None))),
        (0, "thread", ("info", NX_PTR_ERROR)),
        (0, "thread", ("reuse", NX_SUCCESS)),       # the memory was given back
        (2, "isr", NX_CALLER_ERROR),
        (4, "timer", NX_CALLER_ERROR),
    ]
    assert again.nx_packet_pool_id != 0


# ---------------------------------------------------------------------- info_get
def test_info_get_checks_and_caller_classes():
    pool = NX_PACKET_POOL()

    def define(h: Harness) -> None:
        assert nx_packet_pool_create(pool, "p", 512, h.mem, 2048) == NX_SUCCESS
        h.note("init", info(pool))
        h.note("init", nx_packet_pool_info_get(None))
        h.note("init", nx_packet_pool_info_get(NX_PACKET_POOL()))

        def thread() -> None:
            h.note("thread", info(pool))
            tx_thread_sleep(20)

        h.spawn("thread", 10, thread)
        h.isr(2, lambda: h.note("isr", info(pool)))
        h.timer(4, lambda: h.note("timer", info(pool)))

    h = Harness()
    h.run(define)
    ok = (NX_SUCCESS, 3, 3, 0, 0, 0)
    assert h.log == [
        (0, "init", ok),
        (0, "init", (NX_PTR_ERROR, None, None, None, None, None)),
        (0, "init", (NX_PTR_ERROR, None, None, None, None, None)),
        (0, "thread", ok),
        (2, "isr", (NX_CALLER_ERROR, None, None, None, None, None)),   # NOT_ISR
        (4, "timer", ok),
    ]


def test_counters_count_as_netx_does():
    pool = NX_PACKET_POOL()

    def define(h: Harness) -> None:
        assert nx_packet_pool_create(pool, "p", 512, h.mem, 572) == NX_SUCCESS

        def thread() -> None:
            status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)
            h.note("t", nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT))  # request 1
            h.note("t", nx_packet_allocate(pool, NX_TCP_PACKET, 3))           # request 2, susp 1
            h.note("t", info(pool))
            h.note("t", nx_packet_release(packet))
            h.note("t", nx_packet_release(packet))                            # invalid 1
            h.note("t", info(pool))

        h.spawn("t", 10, thread)
        # An ISR's NX_NO_WAIT attempt on the empty pool counts as an empty request too.
        h.isr(1, lambda: h.note("isr", nx_packet_allocate(pool, NX_IPv4_TCP_PACKET, NX_NO_WAIT)))

    h = Harness()
    h.run(define)
    assert h.log == [
        (0, "t", (NX_NO_PACKET, None)),
        (1, "isr", (NX_NO_PACKET, None)),
        (3, "t", (NX_NO_PACKET, None)),
        (3, "t", (NX_SUCCESS, 1, 0, 3, 1, 0)),
        (3, "t", NX_SUCCESS),
        (3, "t", NX_PTR_ERROR),
        (3, "t", (NX_SUCCESS, 1, 1, 3, 1, 1)),
    ]


# ------------------------------------------------------------ nx_system_initialize
def test_system_initialize_drops_earlier_pools_from_the_created_list():
    """The demo creates its pools before nx_system_initialize (NetX's quirk)."""
    a, b, late, clash = (NX_PACKET_POOL() for _ in range(4))
    out: dict[str, Any] = {}

    def define(h: Harness) -> None:
        mem = h.mem
        assert nx_packet_pool_create(a, "a", 512, mem, 2048) == NX_SUCCESS
        assert nx_packet_pool_create(b, "b", 800, mem + 2048, 8000) == NX_SUCCESS
        out["before"] = list(kernel().created["packet_pool"])
        nx_system_initialize()
        out["after"] = list(kernel().created["packet_pool"])
        # The pools still work: their IDs are valid.
        out["allocate"] = nx_packet_allocate(a, NX_TCP_PACKET, NX_NO_WAIT)[0]
        # Re-creating "a" is no longer caught as a duplicate: C re-initialises it.
        out["recreate"] = nx_packet_pool_create(a, "a", 512, mem, 2048)
        assert nx_packet_pool_create(late, "late", 512, mem + 20000, 2048) == NX_SUCCESS
        nx_system_initialize()  # a second call does nothing
        out["late_listed"] = list(kernel().created["packet_pool"])
        out["late_next"] = late.nx_packet_pool_created_next
        # An overlap with the unlisted pool "b" escapes nxe and is caught by the RAM model.
        nx_packet_pool_create(clash, "clash", 512, mem + 4096, 2048)

    with pytest.raises(MemoryRegionError, match="packet pool 'clash'.*packet pool 'b'"):
        Harness().run(define)
    assert out["before"] == [a, b]
    assert out["after"] == []
    assert out["allocate"] == NX_SUCCESS
    assert out["recreate"] == NX_SUCCESS and a.nx_packet_pool_available == 3
    assert out["late_listed"] == [a, late]
    assert out["late_next"] is a


def test_pool_object_reused_across_runs():
    """A module-level control block can be created again in a fresh kernel."""
    pool = NX_PACKET_POOL()
    statuses = []

    def define(h: Harness) -> None:
        statuses.append(nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)[0])
        statuses.append(nx_packet_pool_create(pool, "p", 512, h.mem, 2048))

    Harness().run(define)
    Harness().run(define)
    assert statuses == [NX_PTR_ERROR, NX_SUCCESS, NX_PTR_ERROR, NX_SUCCESS]
