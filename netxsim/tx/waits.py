"""Waits: a thread blocked on an object's wait list, woken, timed out or aborted.

Every blocking service (a semaphore or mutex get, a queue send or receive, an
event-flags get, a pool allocate, NetX's packet allocate and socket receives) suspends
the calling thread through :meth:`Waits.suspend_current`, which queues it on the
object's wait list (FIFO, or at the head for a queue's front-send), arms its timeout
and gives the CPU away, as ``_tx_thread_system_suspend`` does. An object that satisfies a waiter takes it off its
list and calls :meth:`Waits.wake`; a timeout, an abort, a delete or a terminate go
through :meth:`Waits.end_wait`, which runs the object's cleanup. A woken thread resumes
with the status it was given.

:class:`Waits` is a part of :class:`~netxsim.tx.kernel.Kernel` (which inherits it) and
uses the kernel's dispatcher state and services; the rest of the package calls these
services on the kernel as before.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .constants import TX_NO_WAIT, TX_READY, TX_SLEEP, TX_SUCCESS, TX_SUSPENDED, TX_WAIT_FOREVER
from .perf_counters import wait_timed_out as _wait_timed_out

if TYPE_CHECKING:
    from .thread import TX_THREAD
    from .timer import InternalTimer


class Waits:
    """The waiting services of :class:`~netxsim.tx.kernel.Kernel`, which inherits this class."""

    if TYPE_CHECKING:  # the kernel's own state and services the waits use
        ready: list[list[TX_THREAD]]
        priority_map: int
        preempted_map: int
        highest_priority: int
        max_priorities: int
        execute_ptr: TX_THREAD | None
        current_ptr: TX_THREAD | None
        system_state: int
        preempt_disable: int
        tx_performance: dict[str, int]
        trace: list[tuple[int, str, str]] | None
        trace_buffer: Any

        def system_suspend(self, thread: TX_THREAD, switch: bool = True) -> None: ...
        def system_resume(self, thread: TX_THREAD) -> None: ...
        def _remove_ready(self, thread: TX_THREAD) -> None: ...
        def _preempt(self, execute: TX_THREAD, thread: TX_THREAD) -> None: ...
        def _switch_from(self, current: TX_THREAD) -> None: ...
        def preempt_check(self) -> None: ...
        def timer_activate(self, timer: InternalTimer, ticks: int) -> None: ...
        def timer_deactivate(self, timer: InternalTimer) -> int: ...

    # ------------------------------------------------------- waiting helpers
    def suspend_current(self, state: int, wait_option: int, wait_list: list | None,
                        timeout_status: int, control_block: Any = None,
                        info: Any = None, cleanup: Callable[[TX_THREAD], None] | None = None,
                        at_head: bool = False) -> int:
        """Block the calling thread on ``wait_list`` (FIFO); return its resume status.

        The thread leaves ``wait_list`` at once when it is woken, times out
        (``timeout_status``), is aborted or terminated; ``cleanup`` runs in the last
        three cases for object-specific bookkeeping (e.g. mutex inheritance).
        ``at_head`` queues it first instead (a queue's front-send waiter).
        """
        thread = self.current_ptr
        assert thread is not None
        thread.tx_thread_state = state
        thread.wait_option = wait_option
        thread.wait_list = wait_list
        thread.timeout_status = timeout_status
        thread.tx_thread_suspend_control_block = control_block
        thread.suspend_info = info
        thread.suspend_cleanup = cleanup
        thread.tx_thread_suspend_status = TX_SUCCESS
        if wait_list is not None:
            if at_head:
                wait_list.insert(0, thread)
            else:
                wait_list.append(thread)
        if self.trace is not None or self.trace_buffer is not None:
            self.system_suspend(thread)
            return thread.tx_thread_suspend_status
        # system_suspend(thread) for the calling thread, untraced, inline (every wait
        # comes here): arm the timeout, count, leave the ready list, give the CPU away.
        if state >= TX_SLEEP and wait_option != TX_NO_WAIT and wait_option != TX_WAIT_FOREVER:
            self.timer_activate(thread.timer, wait_option)
        thread.slice_remaining = thread.tx_thread_new_time_slice
        thread.tx_thread_performance_suspend_count += 1
        performance = self.tx_performance
        performance["thread.suspend"] += 1
        # _remove_ready, inline, for the common case: the thread is alone at its
        # priority and is the one executing; otherwise the general removal.
        priority = thread.tx_thread_priority
        ready = self.ready[priority]
        if len(ready) == 1 and ready[0] is thread and thread is self.execute_ptr:
            ready.clear()
            bit = 1 << priority
            priority_map = self.priority_map & ~bit
            self.priority_map = priority_map
            self.preempted_map &= ~bit
            if priority_map == 0:
                self.highest_priority = self.max_priorities
                self.execute_ptr = None
            else:
                highest = self.highest_priority = (priority_map & -priority_map).bit_length() - 1
                self.execute_ptr = self.ready[highest][0]
                preempted_map = self.preempted_map
                if preempted_map:  # its lowest set bit
                    preempted_priority = (preempted_map & -preempted_map).bit_length() - 1
                    preempted = self.ready[preempted_priority][0]
                    if highest >= preempted.tx_thread_preempt_threshold:
                        self.execute_ptr = preempted
                        self.preempted_map &= ~(1 << preempted_priority)
        else:
            self._remove_ready(thread)
        if self.execute_ptr is None:
            performance["thread.idle_return"] += 1
        else:
            performance["thread.non_idle_return"] += 1
        if self.system_state == 0 and self.preempt_disable == 0 and thread is not self.execute_ptr:
            self._switch_from(thread)
        return thread.tx_thread_suspend_status

    def _clear_wait(self, thread: TX_THREAD) -> None:
        thread.wait_list = None
        thread.suspend_cleanup = None
        thread.tx_thread_suspend_control_block = None

    def wake(self, thread: TX_THREAD, status: int = TX_SUCCESS) -> None:
        """Resume a waiter that an object satisfied (the object already took it off its list)."""
        thread.wait_list = None  # _clear_wait, inline
        thread.suspend_cleanup = None
        thread.tx_thread_suspend_control_block = None
        thread.tx_thread_suspend_status = status
        if self.trace_buffer is not None or self.trace is not None:
            self.system_resume(thread)
            return
        # system_resume(thread), untraced, inline (every satisfied wait comes here).
        timer = thread.timer
        if timer.active:
            self.timer_deactivate(timer)
        if thread.tx_thread_state == TX_READY:
            return
        if thread.delayed_suspend:
            thread.delayed_suspend = False
            thread.tx_thread_state = TX_SUSPENDED
            return
        thread.tx_thread_state = TX_READY
        thread.tx_thread_performance_resume_count += 1
        self.tx_performance["thread.resume"] += 1
        priority = thread.tx_thread_priority
        ready = self.ready[priority]
        ready.append(thread)
        if len(ready) == 1:
            self.priority_map |= 1 << priority
            if priority < self.highest_priority:
                self.highest_priority = priority
                execute = self.execute_ptr
                if execute is None:
                    self.execute_ptr = thread
                elif priority < execute.tx_thread_preempt_threshold:
                    self._preempt(execute, thread)
        if self.system_state == 0 and self.preempt_disable == 0:
            current = self.current_ptr
            if current is not self.execute_ptr and current is not None:
                self._switch_from(current)

    def wake_all(self, wait_list: list, status: int) -> None:
        """Empty ``wait_list``, resuming every waiter with ``status`` (object delete,
        queue flush); preemption waits until all are ready, then the most urgent runs."""
        waiters = list(wait_list)
        wait_list.clear()
        self.preempt_disable += 1
        for thread in waiters:
            self.wake(thread, status)
        self.preempt_disable -= 1
        self.preempt_check()

    def end_wait(self, thread: TX_THREAD, status: int, resume: bool = True) -> None:
        """Take a waiter off its list (timeout, abort, delete, terminate) and resume it."""
        wait_list, cleanup = thread.wait_list, thread.suspend_cleanup
        if wait_list is not None and thread in wait_list:
            wait_list.remove(thread)
        self._clear_wait(thread)
        thread.tx_thread_suspend_status = status
        if cleanup is not None:
            cleanup(thread)
        if resume:
            self.system_resume(thread)

    def thread_timeout(self, thread: TX_THREAD) -> None:
        """``_tx_thread_timeout``: a sleep ends, or a wait ends with its timeout status."""
        if thread.tx_thread_state == TX_SLEEP:
            thread.tx_thread_suspend_status = TX_SUCCESS
            self.system_resume(thread)
        elif thread.tx_thread_state > TX_SLEEP:
            _wait_timed_out(self, thread)
            self.end_wait(thread, thread.timeout_status)


__all__ = ["Waits"]
