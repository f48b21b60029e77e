"""Shared helpers for the ThreadX kernel tests.

A test builds a :class:`Program`, writes thread bodies that record events with
``p.event(who, what)`` (stamped with ``tx_time_get()``), runs it and compares
``p.log`` with an exact list of ``(tick, who, what)`` tuples::

    p = Program()

    def a(_):
        p.event("A", "start")
        tx_thread_sleep(3)
        p.event("A", "woke")

    run = p.run(lambda: p.thread("A", a, 10))
    assert p.log == [(0, "A", "start"), (3, "A", "woke")]
    assert run.reason == "completed"

:class:`Gate` is a minimal wait object built only on the kernel's generic wait
API (``suspend_current`` / ``wake``); it lets the kernel-core tests exercise
object waits (abort, terminate, deadlock reports) without depending on the
semaphore or queue modules.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_IO_DRIVER, TX_NO_INSTANCE, TX_SUCCESS, TX_THREAD,
    TX_TIMER, TX_WAIT_FOREVER, KernelRun, Pointer, tx_kernel_enter, tx_thread_create,
    tx_thread_info_get, tx_thread_sleep, tx_time_get, tx_timer_create,
)
from netxsim.tx.kernel import kernel

Event = tuple[int, str, Any]
STACK_SIZE = 1024


class Program:
    """A ``tx_application_define`` under test plus the event log its threads write."""

    def __init__(self) -> None:
        self.log: list[Event] = []
        self.threads: dict[str, TX_THREAD] = {}
        self.timers: dict[str, TX_TIMER] = {}
        self.free: Pointer | None = None

    def event(self, who: str, what: Any) -> None:
        """Record ``(tx_time_get(), who, what)``."""
        self.log.append((tx_time_get(), who, what))

    def stack(self, size: int = STACK_SIZE) -> Pointer:
        """Carve ``size`` bytes from the free memory handed to the define function."""
        assert self.free is not None, "stack() only inside Program.run"
        pointer = self.free
        self.free = pointer + size
        return pointer

    def thread(self, name: str, entry: Callable[[Any], None], priority: int,
               threshold: int | None = None, time_slice: int = 0,
               auto_start: int = TX_AUTO_START, entry_input: Any = 0,
               stack_size: int = STACK_SIZE) -> TX_THREAD:
        """Create a thread (asserting TX_SUCCESS); threshold defaults to the priority."""
        thread = TX_THREAD()
        status = tx_thread_create(thread, name, entry, entry_input, self.stack(stack_size),
                                  stack_size, priority,
                                  priority if threshold is None else threshold,
                                  time_slice, auto_start)
        assert status == TX_SUCCESS, f"tx_thread_create({name!r}) returned {status:#x}"
        self.threads[name] = thread
        return thread

    def timer(self, name: str, initial: int, reschedule: int = 0,
              auto_activate: int = TX_AUTO_ACTIVATE,
              callback: Callable[[Any], None] | None = None, expiration_input: Any = 0) -> TX_TIMER:
        """Create a timer (asserting TX_SUCCESS); the default callback logs
        ``(tick, name, "expired")``."""
        timer = TX_TIMER()
        if callback is None:
            def callback(_: Any) -> None:
                self.event(name, "expired")
        status = tx_timer_create(timer, name, callback, expiration_input, initial, reschedule,
                                 auto_activate)
        assert status == TX_SUCCESS, f"tx_timer_create({name!r}) returned {status:#x}"
        self.timers[name] = timer
        return timer

    def expiries(self, name: str) -> list[int]:
        """The ticks at which the default callback of timer ``name`` logged an expiry."""
        return [tick for tick, who, what in self.log if who == name and what == "expired"]

    def run(self, define: Callable[[], None], until: int | None = None,
            trace: list | None = None, memory_size: int | None = None, config: Any = None) -> KernelRun:
        """``tx_kernel_enter`` with ``define`` as the application define function
        (``config``: the build)."""
        def tx_application_define(first_unused_memory: Pointer) -> None:
            self.free = first_unused_memory
            define()
        kwargs: dict[str, Any] = {"until": until, "trace": trace, "config": config}
        if memory_size is not None:
            kwargs["memory_size"] = memory_size
        return tx_kernel_enter(tx_application_define, **kwargs)


def nothing(_: Any) -> None:
    """A thread entry (or callback) that returns at once."""


def keeper(ticks: int) -> Callable[[Any], None]:
    """A thread entry that sleeps ``ticks`` ticks: it keeps a run alive that long."""
    def entry(_: Any) -> None:
        tx_thread_sleep(ticks)
    return entry


def interrupt_at(tick: int, handler: Callable[[], None]) -> None:
    """Run ``handler`` as an interrupt service routine at ``tick`` (a simpy event, which
    the kernel processes in ISR context); the pending interrupt keeps the run alive."""
    k = kernel()
    k.interrupt_after(tick - k.now, handler)


def state(thread: TX_THREAD) -> int:
    """The thread's state as ``tx_thread_info_get`` reports it."""
    return tx_thread_info_get(thread)[2]


class Gate:
    """A FIFO wait object for kernel tests: ``wait`` blocks (state TX_IO_DRIVER),
    ``open_one`` wakes the oldest waiter; a timed-out wait returns TX_NO_INSTANCE.

    ``cleanups`` records the threads whose wait was ended by the kernel (timeout,
    abort, terminate), i.e. the calls of the cleanup hook.
    """

    def __init__(self, name: str = "gate") -> None:
        self.name = name
        self.waiters: list[TX_THREAD] = []
        self.cleanups: list[str] = []

    def wait(self, wait_option: int = TX_WAIT_FOREVER) -> int:
        return kernel().suspend_current(TX_IO_DRIVER, wait_option, self.waiters, TX_NO_INSTANCE,
                                        self, cleanup=self._cleanup)

    def open_one(self, status: int = TX_SUCCESS) -> str | None:
        if not self.waiters:
            return None
        thread = self.waiters.pop(0)
        kernel().wake(thread, status)
        return thread.tx_thread_name

    def _cleanup(self, thread: TX_THREAD) -> None:
        self.cleanups.append(thread.tx_thread_name)
