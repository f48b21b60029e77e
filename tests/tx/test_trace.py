"""The ThreadX event trace (tx_trace.h, tx_trace_*.c): the buffer's C layout, read back
with the independent ``tracex-parser`` package, the registry, event order and
information fields, wrapping, filters and the services' statuses."""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

from netxsim.tx import (
    TX_AUTO_START, TX_BLOCK_POOL, TX_NO_WAIT, TX_NOT_DONE, TX_OR, TX_OR_CLEAR, TX_PTR_ERROR,
    TX_QUEUE, TX_SEMAPHORE, TX_SIZE_ERROR, TX_SUCCESS, TX_THREAD, TX_EVENT_FLAGS_GROUP,
    TX_WAIT_FOREVER, tx_block_allocate, tx_block_pool_create, tx_block_release,
    tx_event_flags_create, tx_event_flags_get, tx_event_flags_set, tx_kernel_enter,
    tx_queue_create, tx_queue_receive, tx_queue_send, tx_semaphore_create, tx_semaphore_get,
    tx_semaphore_put, tx_thread_create, tx_thread_sleep,
)
from netxsim.tx import trace as tr

tracex = pytest.importorskip("tracex_parser.file_parser", reason="tracex-parser (test extra) not installed")

TRACE_SIZE = 16384
REGISTRY = 16


def parse(tmp_path: Path, buffer: bytes) -> tuple[list, dict]:
    path = tmp_path / "run.trx"
    path.write_bytes(buffer)
    events, registry = tracex.parse_tracex_buffer(str(path))
    # tracex-parser orders a buffer that has not wrapped wrongly (it rotates the list of
    # used entries by the count of unused ones); our time stamps are unique and rising.
    return sorted(events, key=lambda e: e.timestamp), registry


def names(registry: dict) -> dict[str, int]:
    return {entry["thread_reg_entry_obj_name"].decode(): entry["obj_reg_entry_obj_type **"]
            for entry in registry.values() if entry["thread_reg_entry_obj_name"]}


class Scenario:
    """Two threads around a queue, a semaphore, an event flags group and a block pool."""

    def __init__(self, trace: bool = True) -> None:
        self.trace = trace
        self.a, self.b = TX_THREAD(), TX_THREAD()
        self.queue, self.sem = TX_QUEUE(), TX_SEMAPHORE()
        self.flags, self.blocks = TX_EVENT_FLAGS_GROUP(), TX_BLOCK_POOL()
        self.statuses: list[int] = []
        self.start = 0

    def define(self, memory) -> None:
        self.start = memory.address
        if self.trace:
            self.statuses.append(tr.tx_trace_enable(memory, TRACE_SIZE, REGISTRY))
        memory = memory + TRACE_SIZE
        tx_block_pool_create(self.blocks, "blocks", 64, memory, 1024)
        memory = memory + 1024
        tx_queue_create(self.queue, "queue", 1, memory, 64)
        memory = memory + 64
        tx_semaphore_create(self.sem, "semaphore", 0)
        tx_event_flags_create(self.flags, "flags")
        tx_thread_create(self.a, "thread a", self.thread_a, 0, memory, 1024, 10, 10, 0, TX_AUTO_START)
        tx_thread_create(self.b, "thread b", self.thread_b, 0, memory + 1024, 1024, 5, 5, 0, TX_AUTO_START)

    def thread_a(self, _: int) -> None:
        status, block = tx_block_allocate(self.blocks, TX_NO_WAIT)
        tx_block_release(block)
        tx_queue_send(self.queue, [7], TX_WAIT_FOREVER)
        tx_semaphore_get(self.sem, 10)
        tx_event_flags_set(self.flags, 1, TX_OR)
        tx_thread_sleep(3)

    def thread_b(self, _: int) -> None:
        tx_queue_receive(self.queue, TX_WAIT_FOREVER)
        tx_semaphore_put(self.sem)
        tx_event_flags_get(self.flags, 1, TX_OR_CLEAR, TX_WAIT_FOREVER)


def test_tracing_never_enabled_gives_no_buffer() -> None:
    run = tx_kernel_enter(Scenario(trace=False).define, config=tr.TRACE_BUILD)
    assert run.reason == "completed" and run.trace_buffer is None


def test_header_has_the_c_layout() -> None:
    scenario = Scenario()
    run = tx_kernel_enter(scenario.define, config=tr.TRACE_BUILD)
    buffer = run.trace_buffer
    assert buffer is not None and len(buffer) == TRACE_SIZE
    header = struct.unpack_from("<4IHH7I", buffer)
    start = scenario.start
    registry_end = start + 48 + 48 * REGISTRY
    events = (TRACE_SIZE - 48 - 48 * REGISTRY) // 32
    assert buffer[:4] == b"BTXT"  # 0x54585442 little-endian
    assert header == (0x54585442, 0xFFFFFFFF, start, start + 48, 0, 32, registry_end, registry_end,
                      registry_end + 32 * events, header[9], 0xAAAAAAAA, 0xBBBBBBBB, 0xCCCCCCCC)
    assert (header[9] - registry_end) % 32 == 0 and header[9] > registry_end


def test_registry_names_every_object(tmp_path: Path) -> None:
    run = tx_kernel_enter(Scenario().define, config=tr.TRACE_BUILD)
    _, registry = parse(tmp_path, run.trace_buffer)
    assert names(registry) == {
        "System Timer Thread": tr.TX_TRACE_OBJECT_TYPE_THREAD, "blocks": tr.TX_TRACE_OBJECT_TYPE_BLOCK_POOL,
        "queue": tr.TX_TRACE_OBJECT_TYPE_QUEUE, "semaphore": tr.TX_TRACE_OBJECT_TYPE_SEMAPHORE,
        "flags": tr.TX_TRACE_OBJECT_TYPE_EVENT_FLAGS, "thread a": tr.TX_TRACE_OBJECT_TYPE_THREAD,
        "thread b": tr.TX_TRACE_OBJECT_TYPE_THREAD}
    threads = {e["thread_reg_entry_obj_name"]: e for e in registry.values()}
    # A thread's entry keeps its priority in the reserved bytes, P1/P2 its stack.
    assert (threads[b"thread b"]["reserved1"], threads[b"thread b"]["reserved2"]) == (0x80, 5)
    assert threads[b"thread a"]["obj_reg_entry_obj_parameter_2"] == 1024


def test_network_objects_in_the_registry(tmp_path: Path) -> None:
    from demos.demo_netx_tcp import run as demo_run
    demo, run = demo_run(2, trace=True)
    assert demo.error_counter == 0 and demo.thread_0_counter == 2
    events, registry = parse(tmp_path, run.trace_buffer)
    named = names(registry)
    assert named["NetX Main Packet Pool"] == 12      # NX_TRACE_OBJECT_TYPE_PACKET_POOL
    assert named["Client Socket"] == named["Server Socket"] == 13  # NX_TRACE_OBJECT_TYPE_TCP_SOCKET
    ip_types = {e["obj_reg_entry_obj_type **"] for e in registry.values()
                if e["thread_reg_entry_obj_name"] == b"NetX IP Instance 0"}
    # The IP instance, its helper thread, protection mutex, event flags and timers.
    assert ip_types == {11, tr.TX_TRACE_OBJECT_TYPE_THREAD, tr.TX_TRACE_OBJECT_TYPE_MUTEX,
                        tr.TX_TRACE_OBJECT_TYPE_EVENT_FLAGS, tr.TX_TRACE_OBJECT_TYPE_TIMER}
    ids = [e.id for e in events]
    # Per connection: socket create, bind, connect, SYN_SENT, ..., send, data in, receive.
    for event_id in (412, 400, 401, 421, 311, 310, 419, 414, 403, 413, 407, 410, 409):
        assert ids.count(event_id) >= 2, event_id
    assert ids.index(401) < ids.index(421)
    # The server's receive is recorded when called (it waits); the packet, its length
    # (28 bytes of DEMO_DATA) and rx_sequence are filled in when it returns.
    receive = next(e for e in events if e.id == 419)
    send = next(e for e in events if e.id == 421)
    assert receive.raw_args[1] != 0 and receive.raw_args[2] == 28
    assert receive.raw_args[3] == (send.raw_args[3] + 28) & 0xFFFFFFFF


def test_scenario_events_in_order_with_their_fields(tmp_path: Path) -> None:
    scenario = Scenario()
    run = tx_kernel_enter(scenario.define, config=tr.TRACE_BUILD)
    events, registry = parse(tmp_path, run.trace_buffer)
    address = {e["thread_reg_entry_obj_name"].decode(): p for p, e in registry.items()}
    rows = [(e.id, e.thread_ptr, e.raw_args) for e in events]
    a, b, queue, sem = address["thread a"], address["thread b"], address["queue"], address["semaphore"]
    init = 0xF0F0F0F0
    assert rows[:2] == [(tr.TX_TRACE_RUNNING, init, [0, 0, 0, 0])] * 2
    body = [(i, t, args) for i, t, args in rows if i not in (tr.TX_TRACE_ISR_ENTER, tr.TX_TRACE_ISR_EXIT)]
    expect = [
        (tr.TX_TRACE_QUEUE_RECEIVE, b, [queue, 0, TX_WAIT_FOREVER, 0]),
        (tr.TX_TRACE_THREAD_SUSPEND, b, [b, 5, None, a]),        # TX_QUEUE_SUSP, next: a
        (tr.TX_TRACE_BLOCK_ALLOCATE, a, [address["blocks"], 0, TX_NO_WAIT, 15]),
        (tr.TX_TRACE_BLOCK_RELEASE, a, [address["blocks"], None, 0, None]),
        (tr.TX_TRACE_QUEUE_SEND, a, [queue, 0, TX_WAIT_FOREVER, 0]),
        (tr.TX_TRACE_THREAD_RESUME, a, [b, 5, None, b]),         # from TX_QUEUE_SUSP; b preempts
        (tr.TX_TRACE_SEMAPHORE_PUT, b, [sem, 0, 0, None]),
        (tr.TX_TRACE_EVENT_FLAGS_GET, b, [address["flags"], 1, 0, TX_OR_CLEAR]),
        (tr.TX_TRACE_THREAD_SUSPEND, b, [b, 7, None, a]),        # TX_EVENT_FLAG
        (tr.TX_TRACE_SEMAPHORE_GET, a, [sem, 10, 1, None]),
        (tr.TX_TRACE_EVENT_FLAGS_SET, a, [address["flags"], 1, TX_OR, 1]),
        (tr.TX_TRACE_THREAD_RESUME, a, [b, 7, None, b]),
        (tr.TX_TRACE_THREAD_SUSPEND, b, [b, 1, None, a]),        # TX_COMPLETED
        (tr.TX_TRACE_THREAD_SLEEP, a, [3, 0, None, 0]),
        (tr.TX_TRACE_THREAD_SUSPEND, a, [a, 4, None, 0]),        # TX_SLEEP, nothing ready
    ]
    start = next(n for n, row in enumerate(body) if row[0] == tr.TX_TRACE_QUEUE_RECEIVE)
    got = body[start:start + len(expect)]
    for (event_id, thread, args), (want_id, want_thread, want_args) in zip(got, expect):
        assert (event_id, thread) == (want_id, want_thread)
        assert [g for g, w in zip(args, want_args) if w is not None] == [w for w in want_args if w is not None]
    # The tick interrupt wakes the timer thread at tick 3: ISR enter, resume, ISR exit.
    isr = [row[0] for row in rows if row[1] == 0xFFFFFFFF]
    assert isr[:3] == [tr.TX_TRACE_ISR_ENTER, tr.TX_TRACE_THREAD_RESUME, tr.TX_TRACE_ISR_EXIT]
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(set(stamps))
    assert stamps[-1] >= 3 * tr.DEFAULT_CYCLES_PER_TICK  # the sleep ended at tick 3


def test_buffer_wraps_and_full_notify_fires(tmp_path: Path) -> None:
    notified: list[int] = []
    size = 48 + 48 * 2 + 32 * 4 + 20   # header, 2 registry entries, 4 events (+ slack)

    def define(memory) -> None:
        assert tr.tx_trace_buffer_full_notify(lambda start: notified.append(start.address)) == TX_SUCCESS
        assert tr.tx_trace_enable(memory, size, 2) == TX_SUCCESS  # 2 RUNNING events
        for n in range(9):
            assert tr.tx_trace_user_event_insert(tr.TX_TRACE_USER_EVENT_START + n, n, 2 * n, 3 * n, 4 * n) \
                == TX_SUCCESS

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    # 11 events in 4 slots: wraps at the 4th and the 8th.
    assert len(notified) == 2 and notified[0] == run.kernel.memory.base
    events, _ = parse(tmp_path, run.trace_buffer)
    assert [(e.id - tr.TX_TRACE_USER_EVENT_START, e.raw_args) for e in events] == \
        [(n, [n, 2 * n, 3 * n, 4 * n]) for n in range(5, 9)]
    current = struct.unpack_from("<I", run.trace_buffer, 32)[0]
    assert current == run.kernel.memory.base + 48 + 96 + 3 * 32  # the oldest entry, next to go


def test_filter_hides_and_unfilter_shows(tmp_path: Path) -> None:
    sem = TX_SEMAPHORE()

    def define(memory) -> None:
        tr.tx_trace_enable(memory, TRACE_SIZE, 4)
        tx_semaphore_create(sem, "s", 0)
        assert tr.tx_trace_event_filter(tr.TX_TRACE_SEMAPHORE_EVENTS) == TX_SUCCESS
        tx_semaphore_put(sem)
        tr.tx_trace_user_event_insert(5000, 1, 0, 0, 0)
        assert tr.tx_trace_event_unfilter(tr.TX_TRACE_SEMAPHORE_EVENTS) == TX_SUCCESS
        tx_semaphore_get(sem, TX_NO_WAIT)
        tr.tx_trace_event_filter(tr.TX_TRACE_USER_EVENTS)
        tr.tx_trace_user_event_insert(5001, 2, 0, 0, 0)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    events, _ = parse(tmp_path, run.trace_buffer)
    assert [e.id for e in events] == [tr.TX_TRACE_RUNNING, tr.TX_TRACE_RUNNING, tr.TX_TRACE_SEMAPHORE_CREATE,
                                      5000, tr.TX_TRACE_SEMAPHORE_GET]


def test_bad_arguments_give_c_statuses() -> None:
    results: dict[str, int] = {}

    def define(memory) -> None:
        results["disable off"] = tr.tx_trace_disable()
        results["user off"] = tr.tx_trace_user_event_insert(5000, 0, 0, 0, 0)
        results["too small"] = tr.tx_trace_enable(memory, 48 + 48 * 4 + 31, 4)
        results["one event"] = tr.tx_trace_enable(memory, 48 + 48 * 4 + 32, 4)
        results["twice"] = tr.tx_trace_enable(memory, 4096, 4)
        results["disable"] = tr.tx_trace_disable()
        results["no pointer"] = tr.tx_trace_enable(None, 4096, 4)
        results["cost model"] = tr.trace_cost_model(0)

    tx_kernel_enter(define, config=tr.TRACE_BUILD)
    assert results == {"disable off": TX_NOT_DONE, "user off": TX_NOT_DONE, "too small": TX_SIZE_ERROR,
                       "one event": TX_SUCCESS, "twice": TX_NOT_DONE, "disable": TX_SUCCESS,
                       "no pointer": TX_PTR_ERROR, "cost model": TX_SIZE_ERROR}


def test_deleted_object_entry_is_kept_but_available(tmp_path: Path) -> None:
    from netxsim.tx import tx_semaphore_delete
    first, second, thread = TX_SEMAPHORE(), TX_SEMAPHORE(), TX_THREAD()

    def entry(_: int) -> None:
        assert tx_semaphore_delete(first) == TX_SUCCESS
        tx_semaphore_create(second, "second", 0)

    def define(memory) -> None:
        tr.tx_trace_enable(memory, TRACE_SIZE, 3)
        tx_semaphore_create(first, "first", 0)
        tx_thread_create(thread, "t", entry, 0, memory + TRACE_SIZE, 1024, 5, 5, 0, TX_AUTO_START)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    _, registry = parse(tmp_path, run.trace_buffer)
    entries = {e["thread_reg_entry_obj_name"]: e["obj_reg_entry_obj_available **"] for e in registry.values()}
    # 3 entries: the timer thread, "first", the thread; the delete frees "first"'s entry,
    # which "second" then takes over.
    assert entries == {b"System Timer Thread": 0, b"second": 0, b"t": 0}


def test_tracing_changes_no_tick_and_cost_model_spreads_time(tmp_path: Path) -> None:
    from demos.demo_netx_tcp import run as demo_run
    plain_demo, plain = demo_run(3)
    traced_demo, traced = demo_run(3, trace=True)
    assert (plain.ticks, plain_demo.thread_0_counter) == (traced.ticks, traced_demo.thread_0_counter)

    def define(memory) -> None:
        tr.trace_cost_model(cycles_per_tick=100_000, cycles_per_call=50, cycles_per_byte=2)
        tr.tx_trace_enable(memory, TRACE_SIZE, 4)
        tr.tx_trace_user_event_insert(5000, 0, 0, 0, 0)
        tr.tx_trace_user_event_insert(5001, 0, 0, 0, 0)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    events, _ = parse(tmp_path, run.trace_buffer)
    assert [b.timestamp - a.timestamp for a, b in zip(events, events[1:])] == [51, 51, 51]


def test_time_slice_and_interrupt_events(tmp_path: Path) -> None:
    from netxsim.tx import cpu_work
    from netxsim.tx.kernel import kernel
    a, b = TX_THREAD(), TX_THREAD()
    fired: list[int] = []

    def worker(_: int) -> None:
        cpu_work(6)

    def define(memory) -> None:
        tr.tx_trace_enable(memory, TRACE_SIZE, 8)
        stacks = memory + TRACE_SIZE
        tx_thread_create(a, "slicer a", worker, 0, stacks, 1024, 8, 8, 4, TX_AUTO_START)
        tx_thread_create(b, "slicer b", worker, 0, stacks + 1024, 1024, 8, 8, 4, TX_AUTO_START)

        def isr() -> None:
            tr.tx_trace_isr_enter_insert(77)
            fired.append(kernel().now)
            tr.tx_trace_isr_exit_insert(77)
        kernel().interrupt_after(2, isr)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    events, registry = parse(tmp_path, run.trace_buffer)
    address = {e["thread_reg_entry_obj_name"]: p for p, e in registry.items()}
    slices = [e for e in events if e.id == tr.TX_TRACE_TIME_SLICE]
    # a's 4-tick slice ends at tick 4: b is next; then b's at 8: a is next (a has 2 ticks left).
    assert [e.raw_args[0] for e in slices[:2]] == [address[b"slicer b"], address[b"slicer a"]]
    assert all(e.thread_ptr == 0xFFFFFFFF for e in slices)
    assert slices[0].timestamp >= 4 * tr.DEFAULT_CYCLES_PER_TICK
    isr = [(e.id, e.raw_args[1], e.raw_args[2]) for e in events if e.id in (tr.TX_TRACE_ISR_ENTER, tr.TX_TRACE_ISR_EXIT)]
    # Kernel.interrupt_after brackets the handler with ISR 1; the handler's own inserts
    # nest inside it, with system state 1 (in an ISR).
    assert isr == [(3, 1, 1), (3, 77, 1), (4, 77, 1), (4, 1, 1)] and fired == [2]
    interrupted = next(e for e in events if e.id == tr.TX_TRACE_ISR_ENTER)
    assert interrupted.thread_priority == address[b"slicer a"]   # the thread the ISR interrupted


def test_cost_model_charges_bytes_copied(tmp_path: Path) -> None:
    from netxsim.nx import NX_PACKET_POOL, NX_SUCCESS, nx_packet_allocate, nx_packet_data_append, \
        nx_packet_pool_create, nx_system_initialize
    pool = NX_PACKET_POOL()

    def define(memory) -> None:
        tr.trace_cost_model(cycles_per_tick=100_000, cycles_per_call=0, cycles_per_byte=3)
        tr.tx_trace_enable(memory, TRACE_SIZE, 4)
        nx_system_initialize()
        nx_packet_pool_create(pool, "pool", 256, memory + TRACE_SIZE, 4096)
        status, packet = nx_packet_allocate(pool, 0, TX_NO_WAIT)
        assert status == NX_SUCCESS
        assert nx_packet_data_append(packet, bytes(100), 100, pool, TX_NO_WAIT) == NX_SUCCESS
        tr.tx_trace_user_event_insert(5000, 0, 0, 0, 0)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    events, _ = parse(tmp_path, run.trace_buffer)
    append = next(e for e in events if e.id == 388)      # NX_TRACE_PACKET_DATA_APPEND
    after = next(e for e in events if e.id == 5000)
    assert append.raw_args[2] == 100
    assert after.timestamp - append.timestamp == 1 + 3 * 100   # one cycle per event + 3 per byte


def test_the_default_build_has_no_event_trace():
    """Without TX_ENABLE_EVENT_TRACE (ThreadX's default build) every trace service returns
    TX_FEATURE_NOT_ENABLED, the ISR inserts do nothing, and the run has no trace buffer."""
    from netxsim.tx.constants import TX_FEATURE_NOT_ENABLED
    seen = []

    def define(memory) -> None:
        seen.append(tr.tx_trace_enable(memory, 4096, 4))
        seen.append(tr.tx_trace_event_filter(0xFFFFFFFF))
        seen.append(tr.tx_trace_event_unfilter(0))
        seen.append(tr.tx_trace_user_event_insert(5000, 1, 2, 3, 4))
        seen.append(tr.tx_trace_buffer_full_notify(None))
        seen.append(tr.tx_trace_isr_enter_insert(1))
        seen.append(tr.tx_trace_isr_exit_insert(1))
        seen.append(tr.tx_trace_disable())
    run = tx_kernel_enter(define)
    assert seen == [TX_FEATURE_NOT_ENABLED] * 5 + [None, None, TX_FEATURE_NOT_ENABLED]
    assert run.trace_buffer is None
    with pytest.raises(ValueError, match="TX_ENABLE_EVENT_TRACE"):
        tx_kernel_enter(tr.with_trace(lambda memory: None))
