"""ThreadX performance information (netxsim/tx/performance.py): each object's and each
system-wide counter checked against a scripted run, counted where ThreadX's
``*_ENABLE_PERFORMANCE_INFO`` code counts them."""
from __future__ import annotations

from typing import Any

from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_BLOCK_POOL, TX_BYTE_POOL, TX_EVENT_FLAGS_GROUP, TX_INHERIT, TX_MUTEX,
    TX_NO_ACTIVATE, TX_NO_WAIT, TX_OR_CLEAR, TX_PTR_ERROR, TX_QUEUE, TX_SEMAPHORE, TX_SUCCESS, TX_THREAD,
    TX_TIMER, TX_WAIT_FOREVER, cpu_work, tx_block_allocate, tx_block_pool_create,
    tx_block_pool_performance_info_get, tx_block_pool_performance_system_info_get, tx_block_release,
    tx_byte_allocate, tx_byte_pool_create, tx_byte_pool_performance_info_get,
    tx_byte_pool_performance_system_info_get, tx_byte_release, tx_event_flags_create, tx_event_flags_get,
    tx_event_flags_performance_info_get, tx_event_flags_performance_system_info_get, tx_event_flags_set,
    tx_kernel_enter, tx_mutex_create, tx_mutex_get, tx_mutex_performance_info_get,
    tx_mutex_performance_system_info_get, tx_mutex_put, tx_queue_create, tx_queue_performance_info_get,
    tx_queue_performance_system_info_get, tx_queue_receive, tx_queue_send, tx_semaphore_ceiling_put,
    tx_semaphore_create, tx_semaphore_get, tx_semaphore_performance_info_get,
    tx_semaphore_performance_system_info_get, tx_semaphore_put, tx_thread_create,
    tx_thread_performance_info_get, tx_thread_performance_system_info_get, tx_thread_relinquish,
    tx_thread_sleep, tx_thread_wait_abort, tx_timer_activate, tx_timer_create, tx_timer_deactivate,
    tx_timer_performance_info_get, tx_timer_performance_system_info_get,
)


def run(define: Any) -> None:
    state: dict = {}

    def application_define(memory: Any) -> None:
        state["free"] = memory
        define(memory)
    tx_kernel_enter(application_define)


def test_semaphore_counts_and_errors() -> None:
    results: list = []
    sem, other = TX_SEMAPHORE(), TX_SEMAPHORE()
    t1, t2 = TX_THREAD(), TX_THREAD()

    def waiter(_: int) -> None:
        tx_semaphore_get(sem, 5)            # get + suspension + timeout at tick 5
        tx_semaphore_get(sem, TX_WAIT_FOREVER)   # suspension, then the put serves it

    def main(_: int) -> None:
        tx_semaphore_get(sem, TX_NO_WAIT)   # get, no instance
        tx_thread_sleep(10)
        tx_semaphore_put(sem)               # put handed to the waiter
        tx_semaphore_ceiling_put(sem, 1)    # put: count 1
        tx_semaphore_ceiling_put(sem, 1)    # put counted, then TX_CEILING_EXCEEDED
        results.append(tx_semaphore_performance_info_get(sem))
        results.append(tx_semaphore_performance_info_get(other))
        results.append(tx_semaphore_performance_info_get(None))
        results.append(tx_semaphore_performance_system_info_get())

    def define(memory: Any) -> None:
        tx_semaphore_create(sem, "sem", 0)
        tx_thread_create(t1, "main", main, 0, memory, 1024, 5, 5, 0, TX_AUTO_START)
        tx_thread_create(t2, "waiter", waiter, 0, memory + 1024, 1024, 4, 4, 0, TX_AUTO_START)
    run(define)
    # puts, gets, suspensions, timeouts
    assert results == [(TX_SUCCESS, 3, 3, 2, 1), (TX_PTR_ERROR, None, None, None, None),
                       (TX_PTR_ERROR, None, None, None, None), (TX_SUCCESS, 3, 3, 2, 1)]


def test_mutex_inversion_inheritance_and_thread_counters() -> None:
    results: list = []
    mutex = TX_MUTEX()
    low, high = TX_THREAD(), TX_THREAD()

    def low_entry(_: int) -> None:
        tx_mutex_get(mutex, TX_WAIT_FOREVER)
        tx_thread_sleep(10)                 # high asks meanwhile: inversion, inheritance
        tx_mutex_put(mutex)                 # high preempts at once (solicited preemption)
        results.append(tx_thread_performance_info_get(low))

    def high_entry(_: int) -> None:
        tx_thread_sleep(5)
        tx_mutex_get(mutex, TX_WAIT_FOREVER)
        tx_mutex_put(mutex)
        results.append(tx_mutex_performance_info_get(mutex))

    def define(memory: Any) -> None:
        tx_mutex_create(mutex, "m", TX_INHERIT)
        tx_thread_create(low, "low", low_entry, 0, memory, 1024, 10, 10, 0, TX_AUTO_START)
        tx_thread_create(high, "high", high_entry, 0, memory + 1024, 1024, 3, 3, 0, TX_AUTO_START)
    run(define)
    # puts, gets, suspensions, timeouts, priority inversions, inheritances
    assert results[0] == (TX_SUCCESS, 2, 2, 1, 0, 1, 1)
    status, resumptions, suspensions, solicited, interrupt, inversions, slices, relinquishes, timeouts, \
        aborts, last = results[1]
    # low: created ready (1 resumption), its sleep's wake-up; suspended once (the sleep);
    # preempted by high when the mutex passes (solicited) with high as last preemptor.
    assert (status, resumptions, suspensions, solicited, interrupt, inversions, slices, relinquishes,
            timeouts, aborts, last) == (TX_SUCCESS, 2, 1, 1, 0, 0, 0, 0, 0, 0, high)
    assert tx_mutex_performance_system_info_get() == results[0]   # the only mutex of the run


def test_thread_counters_time_slice_relinquish_timeout_abort_interrupt() -> None:
    results: list = []
    a, b, c = TX_THREAD(), TX_THREAD(), TX_THREAD()
    sem = TX_SEMAPHORE()

    def a_entry(_: int) -> None:
        cpu_work(25)                        # time slice 10 with b ready: 2 slices expire
        tx_thread_relinquish()              # b is ready: a relinquish
        tx_semaphore_get(sem, 3)            # a wait timeout
        tx_thread_sleep(5)
        results.append(tx_thread_performance_info_get(a))
        results.append(tx_thread_performance_info_get(c))
        results.append(tx_thread_performance_system_info_get())

    def b_entry(_: int) -> None:
        cpu_work(25)

    def c_entry(_: int) -> None:
        tx_thread_sleep(100)                # aborted at tick 7 by an ISR

    from netxsim.tx.kernel import kernel

    def define(memory: Any) -> None:
        tx_semaphore_create(sem, "s", 0)
        tx_thread_create(a, "a", a_entry, 0, memory, 1024, 10, 10, 10, TX_AUTO_START)
        tx_thread_create(b, "b", b_entry, 0, memory + 1024, 1024, 10, 10, 10, TX_AUTO_START)
        tx_thread_create(c, "c", c_entry, 0, memory + 2048, 1024, 2, 2, 0, TX_AUTO_START)
        kernel().interrupt_after(7, lambda: tx_thread_wait_abort(c))
    run(define)
    a_info, c_info, system = results
    assert a_info[0] == TX_SUCCESS
    # a: time slices and relinquishes, one wait timeout, no abort; c preempted a by an
    # ISR's wait abort: an interrupt preemption of a, c its last preemptor.
    assert (a_info[6], a_info[7], a_info[8], a_info[9]) == (2, 1, 1, 0)
    assert (a_info[4], a_info[10]) == (1, c)
    assert c_info[9] == 1
    # System: the sum of the three threads' and the timer thread's counts.
    assert system[0] == TX_SUCCESS and system[6] >= 2 and system[7] == 1 and system[8] == 1 and system[9] == 1
    assert system[4] == 1 and system[10] > 0 and system[11] > 0   # non-idle / idle returns


def test_queue_event_flags_pools_timer() -> None:
    results: list = []
    queue, flags, block_pool, byte_pool, timer = TX_QUEUE(), TX_EVENT_FLAGS_GROUP(), TX_BLOCK_POOL(), \
        TX_BYTE_POOL(), TX_TIMER()
    t = TX_THREAD()
    fired: list = []

    def entry(_: int) -> None:
        tx_queue_send(queue, [1], TX_NO_WAIT)
        tx_queue_send(queue, [2], TX_NO_WAIT)      # full: full error
        tx_queue_receive(queue, TX_NO_WAIT)
        tx_queue_receive(queue, TX_NO_WAIT)        # empty
        tx_queue_receive(queue, 2)                 # empty suspension, timeout
        tx_event_flags_set(flags, 1, 0)
        tx_event_flags_get(flags, 1, TX_OR_CLEAR, TX_NO_WAIT)
        tx_event_flags_get(flags, 1, TX_OR_CLEAR, 2)   # suspension, timeout
        status, block = tx_block_allocate(block_pool, TX_NO_WAIT)
        tx_block_allocate(block_pool, 2)           # only one block: suspension, timeout
        tx_block_release(block)
        status, memory = tx_byte_allocate(byte_pool, 100, TX_NO_WAIT)   # search 1, split
        tx_byte_release(memory)
        status, memory = tx_byte_allocate(byte_pool, 100, TX_NO_WAIT)   # search 1: exact fit
        tx_byte_release(memory)
        tx_byte_allocate(byte_pool, 200, TX_NO_WAIT)   # too small: merge, search again, split
        tx_timer_activate(timer)
        tx_thread_sleep(25)                        # expirations at +10 and +20 (periodic)
        tx_timer_deactivate(timer)
        results.append(tx_queue_performance_info_get(queue))
        results.append(tx_event_flags_performance_info_get(flags))
        results.append(tx_block_pool_performance_info_get(block_pool))
        results.append(tx_byte_pool_performance_info_get(byte_pool))
        results.append(tx_timer_performance_info_get(timer))
        results.append((tx_queue_performance_system_info_get(), tx_event_flags_performance_system_info_get(),
                        tx_block_pool_performance_system_info_get(), tx_byte_pool_performance_system_info_get(),
                        tx_timer_performance_system_info_get()))

    def define(memory: Any) -> None:
        tx_queue_create(queue, "q", 1, memory, 4)
        tx_event_flags_create(flags, "f")
        tx_block_pool_create(block_pool, "bp", 16, memory + 64, 20)
        tx_byte_pool_create(byte_pool, "by", memory + 128, 1000)
        tx_timer_create(timer, "t", lambda _: fired.append(1), 0, 10, 10, TX_NO_ACTIVATE)
        tx_thread_create(t, "t", entry, 0, memory + 2048, 1024, 5, 5, 0, TX_AUTO_START)
    run(define)
    q, f, bp, by, tm, system = results
    assert q == (TX_SUCCESS, 2, 3, 1, 0, 1, 1)     # sent, received, empty susp, full susp, full err, timeouts
    assert f == (TX_SUCCESS, 1, 2, 1, 1)           # sets, gets, suspensions, timeouts
    assert bp == (TX_SUCCESS, 2, 1, 1, 1)          # allocates, releases, suspensions, timeouts
    # allocates, releases, fragments searched, merges, splits, suspensions, timeouts
    assert by == (TX_SUCCESS, 3, 2, 4, 1, 2, 0, 0)
    assert tm == (TX_SUCCESS, 1, 2, 1, 2, 0)       # activates, reactivates, deactivates, expirations
    assert system == (q, f, bp, by, tm)            # one object of each kind: totals equal
    assert fired == [1, 1]
    _ = TX_AUTO_ACTIVATE
