"""Counting semaphores (tx_semaphore_*.c): event-log tests of every service path and a
hypothesis property on count/waiter accounting."""
from __future__ import annotations

from typing import Any, Callable

from hypothesis import given, strategies as st

from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_CALLER_ERROR, TX_CEILING_EXCEEDED, TX_DELETED,
    TX_INVALID_CEILING, TX_NO_INSTANCE, TX_NO_TIME_SLICE, TX_NO_WAIT, TX_SEMAPHORE_ERROR,
    TX_SEMAPHORE_SUSP, TX_SUCCESS, TX_THREAD, TX_TIMER, TX_WAIT_ABORTED, TX_WAIT_ERROR,
    TX_WAIT_FOREVER, cpu_work, tx_kernel_enter, tx_thread_create, tx_thread_info_get,
    tx_thread_sleep, tx_thread_terminate, tx_thread_wait_abort, tx_time_get, tx_timer_create,
)
from netxsim.tx.kernel import kernel
from netxsim.tx.semaphore import (
    TX_SEMAPHORE, tx_semaphore_ceiling_put, tx_semaphore_create, tx_semaphore_delete,
    tx_semaphore_get, tx_semaphore_info_get, tx_semaphore_prioritize, tx_semaphore_put,
    tx_semaphore_put_notify,
)

STACK = 1024


class Program:
    """A test program: threads created in ``tx_application_define`` log (tick, who, what)."""

    def __init__(self) -> None:
        self.log: list[tuple[int, str, Any]] = []
        self.threads: dict[str, TX_THREAD] = {}
        self.memory = None
        self.run_result = None

    def note(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def thread(self, name: str, priority: int, body: Callable[[], None],
               threshold: int | None = None) -> TX_THREAD:
        thread = TX_THREAD()
        status = tx_thread_create(thread, name, lambda _: body(), 0, self.memory, STACK, priority,
                                  priority if threshold is None else threshold, TX_NO_TIME_SLICE,
                                  TX_AUTO_START)
        assert status == TX_SUCCESS
        self.memory = self.memory + STACK
        self.threads[name] = thread
        return thread

    def timer(self, name: str, ticks: int, callback: Callable[[], None]) -> TX_TIMER:
        timer = TX_TIMER()
        assert tx_timer_create(timer, name, lambda _: callback(), 0, ticks, 0,
                               TX_AUTO_ACTIVATE) == TX_SUCCESS
        return timer

    def isr(self, ticks: int, callback: Callable[[], None]) -> None:
        """Run ``callback`` as an interrupt ``ticks`` ticks from now (a simpy event)."""
        kernel().interrupt_after(ticks, callback)

    def run(self, setup: Callable[[], None], until: int | None = None) -> list:
        def define(first_unused_memory) -> None:
            self.memory = first_unused_memory
            setup()
        self.run_result = tx_kernel_enter(define, until=until)
        return self.log


def info(semaphore: TX_SEMAPHORE) -> tuple:
    return tx_semaphore_info_get(semaphore)


# ------------------------------------------------------------------- create / info
def test_create_and_info_get() -> None:
    p = Program()
    a, b = TX_SEMAPHORE(), TX_SEMAPHORE()

    def setup() -> None:
        p.note("init", tx_semaphore_create(a, "sem a", 3))
        p.note("init", tx_semaphore_create(b, b"sem b", 0))
        p.note("init", info(a))
        p.note("init", info(b))
        p.note("init", (a.name, b.name))
    p.run(setup)
    assert p.log == [
        (0, "init", TX_SUCCESS), (0, "init", TX_SUCCESS),
        (0, "init", (TX_SUCCESS, "sem a", 3, None, 0, b)),
        (0, "init", (TX_SUCCESS, "sem b", 0, None, 0, a)),
        (0, "init", ("sem a", "sem b")),
    ]


def test_create_errors() -> None:
    p = Program()
    s, t, u = TX_SEMAPHORE(), TX_SEMAPHORE(), TX_SEMAPHORE()

    def setup() -> None:
        p.note("init", tx_semaphore_create(None, "x", 0))
        p.note("init", tx_semaphore_create(s, "s", 0))
        p.note("init", tx_semaphore_create(s, "s", 0))  # already created
        p.timer("tmr", 1, lambda: p.note("timer", tx_semaphore_create(t, "t", 0)))
        p.isr(2, lambda: p.note("isr", tx_semaphore_create(u, "u", 0)))
        p.thread("a", 5, lambda: (tx_thread_sleep(3), p.note("a", tx_semaphore_create(t, "t", 1))))
    p.run(setup)
    assert p.log == [
        (0, "init", TX_SEMAPHORE_ERROR), (0, "init", TX_SUCCESS), (0, "init", TX_SEMAPHORE_ERROR),
        (1, "timer", TX_CALLER_ERROR), (2, "isr", TX_CALLER_ERROR), (3, "a", TX_SUCCESS),
    ]


def test_services_reject_none_and_uncreated() -> None:
    p = Program()
    fresh = TX_SEMAPHORE()

    def setup() -> None:
        for target in (None, fresh):
            p.note("init", (tx_semaphore_get(target, TX_NO_WAIT), tx_semaphore_put(target),
                            tx_semaphore_ceiling_put(target, 1), tx_semaphore_prioritize(target),
                            tx_semaphore_info_get(target), tx_semaphore_put_notify(target, None)))
        p.thread("a", 5, lambda: p.note("a", (tx_semaphore_delete(None), tx_semaphore_delete(fresh))))
    p.run(setup)
    e = TX_SEMAPHORE_ERROR
    row = (e, e, e, e, (e, None, None, None, None, None), e)
    assert p.log == [(0, "init", row), (0, "init", row), (0, "a", (e, e))]


# ----------------------------------------------------------------------------- get
def test_get_takes_instances_then_no_instance() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def body() -> None:
        p.note("a", [tx_semaphore_get(s, TX_NO_WAIT) for _ in range(3)])
        p.note("a", info(s)[2])
    p.run(lambda: (tx_semaphore_create(s, "s", 2), p.thread("a", 5, body)))
    assert p.log == [(0, "a", [TX_SUCCESS, TX_SUCCESS, TX_NO_INSTANCE]), (0, "a", 0)]


def test_get_timeout_at_exact_tick() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def body() -> None:
        tx_thread_sleep(4)
        p.note("a", "get")
        p.note("a", tx_semaphore_get(s, 7))
        p.note("a", tx_semaphore_get(s, 1))
    p.run(lambda: (tx_semaphore_create(s, "s", 0), p.thread("a", 5, body)))
    assert p.log == [(4, "a", "get"), (11, "a", TX_NO_INSTANCE), (12, "a", TX_NO_INSTANCE)]


def test_put_wakes_waiter_before_its_timeout() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def waiter() -> None:
        p.note("w", tx_semaphore_get(s, 10))

    def giver() -> None:
        tx_thread_sleep(9)
        p.note("g", tx_semaphore_put(s))
        p.note("g", info(s)[2])
    p.run(lambda: (tx_semaphore_create(s, "s", 0), p.thread("w", 5, waiter), p.thread("g", 6, giver)))
    # The more urgent waiter preempts the giver inside tx_semaphore_put.
    assert p.log == [(9, "w", TX_SUCCESS), (9, "g", TX_SUCCESS), (9, "g", 0)]


def test_put_to_less_urgent_waiter_does_not_preempt() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def giver() -> None:
        tx_thread_sleep(1)
        p.note("g", tx_semaphore_put(s))
        cpu_work(3)
        p.note("g", "done")
    p.run(lambda: (tx_semaphore_create(s, "s", 0),
                   p.thread("w", 9, lambda: p.note("w", tx_semaphore_get(s, TX_WAIT_FOREVER))),
                   p.thread("g", 5, giver)))
    assert p.log == [(1, "g", TX_SUCCESS), (4, "g", "done"), (4, "w", TX_SUCCESS)]


def test_waiters_are_served_fifo_regardless_of_priority() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_semaphore_get(s, TX_WAIT_FOREVER))
        return body

    def giver() -> None:
        tx_thread_sleep(5)
        p.note("g", info(s)[3:5])
        for _ in range(3):
            tx_semaphore_put(s)
        p.note("g", "put x3")
    p.run(lambda: (tx_semaphore_create(s, "s", 0), p.thread("low", 20, waiter("low", 1)),
                   p.thread("mid", 15, waiter("mid", 2)), p.thread("high", 10, waiter("high", 3)),
                   p.thread("g", 1, giver)))
    low = p.threads["low"]
    # The giver (priority 1) readies all three in FIFO order; they then run by priority.
    assert p.log == [(5, "g", (low, 3)), (5, "g", "put x3"), (5, "high", TX_SUCCESS),
                     (5, "mid", TX_SUCCESS), (5, "low", TX_SUCCESS)]


def test_wait_errors_from_non_thread_contexts() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def setup() -> None:
        tx_semaphore_create(s, "s", 2)
        p.note("init", (tx_semaphore_get(s, 1), tx_semaphore_get(s, TX_WAIT_FOREVER),
                        tx_semaphore_get(s, TX_NO_WAIT)))
        p.timer("tmr", 1, lambda: p.note("timer", (tx_semaphore_get(s, 5),
                                                   tx_semaphore_get(s, TX_NO_WAIT))))
        p.isr(2, lambda: p.note("isr", (tx_semaphore_get(s, 5), tx_semaphore_get(s, TX_NO_WAIT))))
        p.thread("a", 5, lambda: tx_thread_sleep(3))
    p.run(setup)
    # The wait is refused even though an instance is available; no-wait calls work.
    assert p.log == [(0, "init", (TX_WAIT_ERROR, TX_WAIT_ERROR, TX_SUCCESS)),
                     (1, "timer", (TX_WAIT_ERROR, TX_SUCCESS)),
                     (2, "isr", (TX_WAIT_ERROR, TX_NO_INSTANCE))]


def test_put_from_isr_timer_and_init() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def waiter() -> None:
        for _ in range(3):
            p.note("w", tx_semaphore_get(s, TX_WAIT_FOREVER))

    def setup() -> None:
        tx_semaphore_create(s, "s", 0)
        p.note("init", tx_semaphore_put(s))
        p.timer("tmr", 3, lambda: p.note("timer", tx_semaphore_put(s)))
        p.isr(6, lambda: p.note("isr", tx_semaphore_ceiling_put(s, 1)))
        p.thread("w", 5, waiter)
    p.run(setup)
    assert p.log == [(0, "init", TX_SUCCESS), (0, "w", TX_SUCCESS), (3, "timer", TX_SUCCESS),
                     (3, "w", TX_SUCCESS), (6, "isr", TX_SUCCESS), (6, "w", TX_SUCCESS)]


# --------------------------------------------------------------- abort / terminate
def test_wait_abort_and_later_put_goes_to_count() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def other() -> None:
        tx_thread_sleep(3)
        p.note("o", tx_thread_wait_abort(p.threads["w"]))
        p.note("o", tx_semaphore_put(s))
        p.note("o", info(s)[2:5])
    p.run(lambda: (tx_semaphore_create(s, "s", 0),
                   p.thread("w", 9, lambda: p.note("w", tx_semaphore_get(s, TX_WAIT_FOREVER))),
                   p.thread("o", 5, other)))
    assert p.log == [(3, "o", TX_SUCCESS), (3, "o", TX_SUCCESS), (3, "o", (1, None, 0)),
                     (3, "w", TX_WAIT_ABORTED)]


def test_timed_out_waiter_does_not_receive_later_put() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def waiter() -> None:
        p.note("w", tx_semaphore_get(s, 4))
        tx_thread_sleep(10)
        p.note("w", "awake")

    def giver() -> None:
        tx_thread_sleep(6)
        p.note("g", info(s)[2:5])
        p.note("g", tx_semaphore_put(s))
        p.note("g", info(s)[2:5])
    p.run(lambda: (tx_semaphore_create(s, "s", 0), p.thread("w", 5, waiter), p.thread("g", 6, giver)))
    assert p.log == [(4, "w", TX_NO_INSTANCE), (6, "g", (0, None, 0)), (6, "g", TX_SUCCESS),
                     (6, "g", (1, None, 0)), (14, "w", "awake")]


def test_terminated_waiter_leaves_the_list() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def other() -> None:
        tx_thread_sleep(2)
        p.note("o", info(s)[3:5])
        p.note("o", tx_thread_terminate(p.threads["w1"]))
        p.note("o", info(s)[3:5])
        tx_semaphore_put(s)
    p.run(lambda: (tx_semaphore_create(s, "s", 0),
                   p.thread("w1", 9, lambda: p.note("w1", tx_semaphore_get(s, TX_WAIT_FOREVER))),
                   p.thread("w2", 9, lambda: p.note("w2", tx_semaphore_get(s, 50))),
                   p.thread("o", 5, other)))
    w1, w2 = p.threads["w1"], p.threads["w2"]
    assert p.log == [(2, "o", (w1, 2)), (2, "o", TX_SUCCESS), (2, "o", (w2, 1)), (2, "w2", TX_SUCCESS)]


# --------------------------------------------------------------------------- delete
def test_delete_wakes_every_waiter_with_deleted() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def waiter(name: str) -> Callable[[], None]:
        return lambda: p.note(name, tx_semaphore_get(s, 100))

    def deleter() -> None:
        tx_thread_sleep(5)
        p.note("d", tx_semaphore_delete(s))
        p.note("d", (tx_semaphore_get(s, TX_NO_WAIT), tx_semaphore_put(s), tx_semaphore_delete(s)))
    p.run(lambda: (tx_semaphore_create(s, "s", 0), p.thread("w10", 10, waiter("w10")),
                   p.thread("w3", 3, waiter("w3")), p.thread("w8", 8, waiter("w8")),
                   p.thread("d", 9, deleter)))
    # All waiters are readied before any runs; the more urgent ones preempt the deleter.
    assert p.log == [(5, "w3", TX_DELETED), (5, "w8", TX_DELETED), (5, "d", TX_SUCCESS),
                     (5, "d", (TX_SEMAPHORE_ERROR,) * 3), (5, "w10", TX_DELETED)]
    assert p.run_result.ticks == 5  # no waiter timeout fired later


def test_delete_caller_errors() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def setup() -> None:
        tx_semaphore_create(s, "s", 0)
        p.note("init", tx_semaphore_delete(s))
        p.timer("tmr", 1, lambda: p.note("timer", tx_semaphore_delete(s)))
        p.isr(2, lambda: p.note("isr", tx_semaphore_delete(s)))
        p.thread("a", 5, lambda: (tx_thread_sleep(3), p.note("a", tx_semaphore_delete(s))))
    p.run(setup)
    assert p.log == [(0, "init", TX_CALLER_ERROR), (1, "timer", TX_CALLER_ERROR),
                     (2, "isr", TX_CALLER_ERROR), (3, "a", TX_SUCCESS)]


def test_recreate_after_delete() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def body() -> None:
        p.note("a", (tx_semaphore_delete(s), tx_semaphore_create(s, "again", 4), info(s)[:3]))
    p.run(lambda: (tx_semaphore_create(s, "s", 1), p.thread("a", 5, body)))
    assert p.log == [(0, "a", (TX_SUCCESS, TX_SUCCESS, (TX_SUCCESS, "again", 4)))]


# ---------------------------------------------------------------------- ceiling put
def test_ceiling_put() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def body() -> None:
        p.note("a", [tx_semaphore_ceiling_put(s, 2) for _ in range(3)])
        p.note("a", (tx_semaphore_ceiling_put(s, 0), info(s)[2]))
        p.note("a", (tx_semaphore_ceiling_put(None, 0)))

    s2 = TX_SEMAPHORE()

    def giver() -> None:
        tx_thread_sleep(1)
        p.note("g", tx_semaphore_ceiling_put(s2, 1))  # a waiter is served: no ceiling check
        p.note("g", tx_semaphore_ceiling_put(s2, 1))
        p.note("g", tx_semaphore_ceiling_put(s2, 1))
    p.run(lambda: (tx_semaphore_create(s, "s", 0), tx_semaphore_create(s2, "s2", 0),
                   p.thread("a", 5, body),
                   p.thread("t", 4, lambda: p.note("t", tx_semaphore_get(s2, TX_WAIT_FOREVER))),
                   p.thread("g", 6, giver)))
    assert p.log == [
        (0, "a", [TX_SUCCESS, TX_SUCCESS, TX_CEILING_EXCEEDED]),
        (0, "a", (TX_INVALID_CEILING, 2)), (0, "a", TX_SEMAPHORE_ERROR),
        (1, "t", TX_SUCCESS), (1, "g", TX_SUCCESS), (1, "g", TX_SUCCESS),
        (1, "g", TX_CEILING_EXCEEDED),
    ]


# ------------------------------------------------------------------------ prioritize
def test_prioritize_moves_most_urgent_to_head_rest_fifo() -> None:
    p = Program()
    s = TX_SEMAPHORE()
    order = [("a", 12), ("b", 7), ("c", 9), ("d", 7), ("e", 20)]

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)  # join the list in the order a, b, c, d, e
            p.note(name, tx_semaphore_get(s, TX_WAIT_FOREVER))
        return body

    def controller() -> None:
        tx_thread_sleep(10)
        p.note("ctl", [t.name for t in s.suspension_list])
        p.note("ctl", tx_semaphore_prioritize(s))
        p.note("ctl", [t.name for t in s.suspension_list])
        for _ in order:
            tx_semaphore_put(s)
            tx_thread_sleep(1)

    def setup() -> None:
        tx_semaphore_create(s, "s", 0)
        for delay, (name, priority) in enumerate(order, start=1):
            p.thread(name, priority, waiter(name, delay))
        p.thread("ctl", 1, controller)
    p.run(setup)
    # b is first among the two priority-7 waiters; the rest keep FIFO order.
    assert p.log == [(10, "ctl", ["a", "b", "c", "d", "e"]), (10, "ctl", TX_SUCCESS),
                     (10, "ctl", ["b", "a", "c", "d", "e"]),
                     (10, "b", TX_SUCCESS), (11, "a", TX_SUCCESS), (12, "c", TX_SUCCESS),
                     (13, "d", TX_SUCCESS), (14, "e", TX_SUCCESS)]


def test_prioritize_two_waiters_and_fewer() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def controller() -> None:
        p.note("ctl", tx_semaphore_prioritize(s))  # empty list
        tx_thread_sleep(1)
        p.note("ctl", (tx_semaphore_prioritize(s), [t.name for t in s.suspension_list]))
        tx_semaphore_put(s)
        p.note("ctl", (tx_semaphore_prioritize(s), [t.name for t in s.suspension_list]))
        tx_semaphore_put(s)
    p.run(lambda: (tx_semaphore_create(s, "s", 0),
                   p.thread("ctl", 1, controller),
                   p.thread("x", 9, lambda: p.note("x", tx_semaphore_get(s, TX_WAIT_FOREVER))),
                   p.thread("y", 8, lambda: p.note("y", tx_semaphore_get(s, TX_WAIT_FOREVER)))))
    assert p.log == [(0, "ctl", TX_SUCCESS), (1, "ctl", (TX_SUCCESS, ["y", "x"])),
                     (1, "ctl", (TX_SUCCESS, ["x"])), (1, "y", TX_SUCCESS), (1, "x", TX_SUCCESS)]


# ------------------------------------------------------------------------ put notify
def test_put_notify_runs_after_put_and_after_the_woken_thread() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def notify(semaphore: TX_SEMAPHORE) -> None:
        p.note("notify", (semaphore.name, info(semaphore)[2]))

    def giver() -> None:
        p.note("g", tx_semaphore_put_notify(s, notify))
        p.note("g", tx_semaphore_put(s))  # no waiter: count 1, then notify
        tx_thread_sleep(2)
        p.note("g", tx_semaphore_put(s))  # a more urgent waiter runs before the notify
        p.note("g", tx_semaphore_ceiling_put(s, 1))
        p.note("g", tx_semaphore_ceiling_put(s, 1))  # exceeded: no notify
        p.note("g", tx_semaphore_put_notify(s, None))
        p.note("g", tx_semaphore_put(s))

    def waiter() -> None:
        tx_thread_sleep(1)
        p.note("w", tx_semaphore_get(s, TX_NO_WAIT))
        p.note("w", tx_semaphore_get(s, TX_WAIT_FOREVER))
    p.run(lambda: (tx_semaphore_create(s, "s", 0), p.thread("g", 6, giver), p.thread("w", 5, waiter)))
    assert p.log == [
        (0, "g", TX_SUCCESS), (0, "notify", ("s", 1)), (0, "g", TX_SUCCESS),
        (1, "w", TX_SUCCESS),
        (2, "w", TX_SUCCESS), (2, "notify", ("s", 0)), (2, "g", TX_SUCCESS),
        (2, "notify", ("s", 1)), (2, "g", TX_SUCCESS), (2, "g", TX_CEILING_EXCEEDED),
        (2, "g", TX_SUCCESS), (2, "g", TX_SUCCESS),
    ]
    assert info(s)[2] == 2


def test_waiting_thread_state_and_info() -> None:
    p = Program()
    s = TX_SEMAPHORE()

    def observer() -> None:
        tx_thread_sleep(1)
        w = p.threads["w"]
        p.note("o", (tx_thread_info_get(w)[2], info(s)[3] is w, info(s)[4]))
        tx_semaphore_put(s)
    p.run(lambda: (tx_semaphore_create(s, "s", 0),
                   p.thread("w", 5, lambda: p.note("w", tx_semaphore_get(s, TX_WAIT_FOREVER))),
                   p.thread("o", 6, observer)))
    assert p.log == [(1, "o", (TX_SEMAPHORE_SUSP, True, 1)), (1, "w", TX_SUCCESS)]


def test_deadlock_report_names_the_semaphore(capsys) -> None:
    p = Program()
    s = TX_SEMAPHORE()
    p.run(lambda: (tx_semaphore_create(s, "lonely", 0),
                   p.thread("w", 5, lambda: tx_semaphore_get(s, TX_WAIT_FOREVER))))
    assert p.run_result.reason == "deadlock"
    assert p.run_result.blocked == [("w", "TX_SEMAPHORE_SUSP", "lonely")]
    assert "lonely" in capsys.readouterr().err


# ---------------------------------------------------------------- hypothesis property
WAITS = st.sampled_from([TX_NO_WAIT, 1, 2, 3, 5, 8, TX_WAIT_FOREVER])
OPS = st.one_of(
    st.tuples(st.just("get"), WAITS),
    st.tuples(st.just("put"), st.just(0)),
    st.tuples(st.just("ceiling"), st.integers(1, 3)),
    st.tuples(st.just("sleep"), st.integers(1, 4)),
    st.tuples(st.just("work"), st.integers(1, 3)),
    st.tuples(st.just("abort"), st.integers(0, 3)),
    st.tuples(st.just("prioritize"), st.just(0)),
)
SCRIPTS = st.lists(st.tuples(st.integers(1, 12), st.lists(OPS, max_size=8)), min_size=2, max_size=4)


@given(initial=st.integers(0, 2), scripts=SCRIPTS)
def test_property_count_and_waiters_are_exclusive_and_instances_conserved(
        initial: int, scripts: list[tuple[int, list[tuple[str, int]]]]) -> None:
    s = TX_SEMAPHORE()
    threads: list[TX_THREAD] = []
    tally = {"puts": 0, "immediate": 0, "handoffs": 0, "waited_success": 0, "checks": 0}
    problems: list[str] = []

    def check(where: str) -> None:
        tally["checks"] += 1
        count, waiting = s.tx_semaphore_count, s.tx_semaphore_suspended_count
        if count and waiting:
            problems.append(f"{where}: count {count} with {waiting} waiters")
        if initial + tally["puts"] != count + tally["immediate"] + tally["handoffs"]:
            problems.append(f"{where}: instances not conserved {tally} count {count}")
        if len(set(map(id, s.suspension_list))) != waiting:
            problems.append(f"{where}: a thread waits twice")

    def give(op: str, argument: int) -> None:
        # Counted before the call: the notify callback checks from inside it.
        will_hand_off = bool(s.suspension_list)
        tally["puts"] += 1
        tally["handoffs"] += will_hand_off
        status = tx_semaphore_put(s) if op == "put" else tx_semaphore_ceiling_put(s, argument)
        if status == TX_CEILING_EXCEEDED and not will_hand_off:
            tally["puts"] -= 1
        elif status != TX_SUCCESS:
            problems.append(f"{op} returned {status}")

    def body(script: list[tuple[str, int]]) -> Callable[[], None]:
        def run() -> None:
            for op, argument in script:
                if op == "get":
                    immediate = s.tx_semaphore_count > 0
                    status = tx_semaphore_get(s, argument)
                    if status == TX_SUCCESS:
                        tally["immediate" if immediate else "waited_success"] += 1
                    elif immediate or status not in (TX_NO_INSTANCE, TX_WAIT_ABORTED):
                        problems.append(f"get returned {status}")
                elif op in ("put", "ceiling"):
                    give(op, argument)
                elif op == "sleep":
                    tx_thread_sleep(argument)
                elif op == "work":
                    cpu_work(argument)
                elif op == "abort":
                    tx_thread_wait_abort(threads[argument % len(threads)])
                else:
                    tx_semaphore_prioritize(s)
                check(op)
        return run

    def setup() -> None:
        tx_semaphore_create(s, "prop", initial)
        tx_semaphore_put_notify(s, lambda _: check("notify"))
        memory = p.memory
        for index, (priority, script) in enumerate(scripts):
            thread = TX_THREAD()
            assert tx_thread_create(thread, f"t{index}", lambda _, b=body(script): b(), 0,
                                    memory + index * STACK, STACK, priority, priority,
                                    TX_NO_TIME_SLICE, TX_AUTO_START) == TX_SUCCESS
            threads.append(thread)

    p = Program()
    p.run(setup, until=500)
    check("end")
    assert not problems, problems[:3]
    # Every hand-off reached a waiter that returned TX_SUCCESS; nobody is left ready.
    assert tally["handoffs"] == tally["waited_success"]
    stuck = [t for t in threads if t.tx_thread_state == TX_SEMAPHORE_SUSP]
    assert len(stuck) == s.tx_semaphore_suspended_count
    assert not (stuck and s.tx_semaphore_count)
