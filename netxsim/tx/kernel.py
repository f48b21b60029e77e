"""The kernel: dispatcher, calling contexts, and the run loop of ``tx_kernel_enter``.

Theory of operation
-------------------
Each ThreadX thread is a greenlet; the kernel loop runs in the caller's greenlet
and plays ``_tx_thread_schedule``: it switches into ``execute_ptr`` and gets
control back whenever that thread blocks, is preempted, finishes or starts
simulated CPU work. When the CPU goes from one thread straight to another that
has no simulated CPU work, the running thread does the loop's dispatch itself and
switches to the next thread's greenlet directly (``Kernel._switch_from``): the
same run counts and order, one greenlet switch instead of two. The ready lists,
the priority and preempted bitmaps, and ``execute_ptr`` are kept as ThreadX keeps
them (``tx_thread_system_resume.c``, ``tx_thread_system_suspend.c``), so preemption
thresholds behave as on target.

Simulated time is simpy's clock in ticks. Code runs in zero time; time advances
only when no thread is ready, or while the executing thread does simulated CPU
work (:func:`cpu_work`). simpy events are interrupts: the kernel processes them
with the system state set to ISR, so a thread they ready runs when the "ISR"
returns. Timer expirations (sleeps, wait timeouts, application timers) run in
the system timer thread at priority 0, as ThreadX does.

The waits on objects (:mod:`netxsim.tx.waits`) and the timer wheel
(:mod:`netxsim.tx.timer_wheel`) are parts of :class:`Kernel`, which inherits them; what
a run returns, and its teardown, is :mod:`netxsim.tx.run_result`. They used to live
here, and the names of the run result can still be imported from this module.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable

import greenlet
import simpy

from .constants import (
    THREAD_STATE_NAMES, TX_COMPLETED, TX_INITIALIZE_IN_PROGRESS,
    TX_NO_WAIT, TX_PRIORITY_CHANGE, TX_READY, TX_SLEEP,
    TX_SUSPENDED, TX_TERMINATED, TX_WAIT_FOREVER,
)
from .config import BuildConfig, begin_run, end_run
from .memory import DEFAULT_RAM_SIZE, Pointer, SimMemory
from .perf_counters import SystemCounters, count as _perf
from .quiet import quiet_expiries, quiet_jump  # quiet_expiries: the timer wheel calls it from here
from .run_result import (  # noqa: F401  (re-exported: their home was this module)
    KernelError, KernelRun, ThreadUnwound, _ConsoleReport, _RunKernel, _run_serials, _unwind, logger,
)
from .timer_wheel import TIMER_WHEEL_ENTRIES, TimerWheel  # noqa: F401  (re-exported)
from .waits import Waits

if TYPE_CHECKING:
    from .thread import TX_THREAD
    from .timer import InternalTimer

TX_TIMER_THREAD_PRIORITY = 0
_ISR = 1


class Kernel(Waits, TimerWheel):
    """One simulated ThreadX system: CPU, RAM, clock and every created object."""

    def __init__(self, memory_size: int = DEFAULT_RAM_SIZE, config: Any = None) -> None:
        self.env = simpy.Environment()
        self.memory = SimMemory(memory_size)
        # The build this run uses (tx_user.h / nx_user.h options), frozen.
        self.config = BuildConfig.of(config)
        self.max_priorities = self.config.tx.TX_MAX_PRIORITIES
        self.timers_in_isr = self.config.tx.TX_TIMER_PROCESS_IN_ISR
        self.preemption_threshold_disabled = self.config.tx.TX_DISABLE_PREEMPTION_THRESHOLD
        # Scheduler state, named after ThreadX's globals.
        self.ready: list[list[TX_THREAD]] = [[] for _ in range(self.max_priorities)]
        self.priority_map = 0
        self.preempted_map = 0
        self.highest_priority = self.max_priorities
        self.execute_ptr: TX_THREAD | None = None
        self.current_ptr: TX_THREAD | None = None
        self.system_state = TX_INITIALIZE_IN_PROGRESS
        self.preempt_disable = 0
        self.clock_offset = 0
        # Created-object lists (creation order), as ThreadX keeps them for info_get.
        self.created: dict[str, list[Any]] = {}
        self.application_threads: list[TX_THREAD] = []
        self._alive_hint = 0  # index of the application thread last found alive (_any_waiting)
        self._timer_wheel_init()  # the timer list (timer_wheel.py)
        self.pending_interrupts = 0
        self.activity_probes: list[Callable[[], bool]] = []
        self.main_greenlet: greenlet.greenlet | None = None
        self.timer_thread: TX_THREAD | None = None
        self.last_run: TX_THREAD | None = None
        self.running = False
        self.trace: list[tuple[int, str, str]] | None = None
        # Optional real-time pacing hook (netxsim.tap.pacing): called before each simpy
        # event is processed, it may wait for the wall clock and schedule earlier events.
        self.pacer: Callable[[], None] | None = None
        self.stop_status: int | None = None  # set by stop(): the run ends "stopped"
        # Run identity: control blocks created in this run carry this serial; services
        # refuse to run once the run is closed (a terminal reason, or KernelRun.close).
        self.serial = next(_run_serials)
        self.closed = False
        self.end_reason = ""  # why it was closed
        self.tx_performance: dict[str, int] = SystemCounters()  # system-wide performance counters
        self.greenlets: "weakref.WeakSet[greenlet.greenlet]" = weakref.WeakSet()  # every thread body
        self.results: "list[weakref.ref[KernelRun]]" = []  # what run() returned
        # Event trace (trace.py): the enabled TraceBuffer, None when off (the one check
        # every insertion site makes), and the last enabled region, dumped at run end.
        self.trace_buffer: Any = None
        self.trace_region: tuple[int, int] | None = None
        # Periodic housekeeping timers whose quiet wake-ups may be jumped over (quiet.py).
        self.quiet_timers: dict[InternalTimer, Callable[[], Any]] = {}

    # ----------------------------------------------------------------- time
    @property
    def now(self) -> int:
        # simpy's clock without its property; int(): simpy's run(until) leaves a float
        return int(self.env._now)

    # ------------------------------------------------------------- contexts
    @property
    def in_thread(self) -> bool:
        """Thread context, excluding the system timer thread."""
        current = self.current_ptr
        return self.system_state == 0 and current is not None and current is not self.timer_thread

    @property
    def in_timer(self) -> bool:
        return self.system_state == 0 and self.current_ptr is self.timer_thread \
            and self.current_ptr is not None

    @property
    def in_init(self) -> bool:
        return self.system_state == TX_INITIALIZE_IN_PROGRESS

    @property
    def in_isr(self) -> bool:
        return 0 < self.system_state < TX_INITIALIZE_IN_PROGRESS

    def log(self, who: str, what: str) -> None:
        if self.trace is not None:
            self.trace.append((self.now, who, what))

    # ------------------------------------------------------- object registry
    def register(self, kind: str, obj: Any) -> None:
        self.created.setdefault(kind, []).append(obj)
        if hasattr(obj, "_netxsim_run"):
            obj._netxsim_run = self.serial  # created in this run (see netxsim.boundary)

    def unregister(self, kind: str, obj: Any) -> None:
        self.created[kind].remove(obj)

    def next_created(self, kind: str, obj: Any) -> Any:
        """The next object in the circular created list, as ``*_info_get`` reports it."""
        objects = self.created.get(kind, [])
        if obj not in objects:
            return None
        return objects[(objects.index(obj) + 1) % len(objects)]

    # ------------------------------------------------------------ dispatcher
    def system_resume(self, thread: TX_THREAD) -> None:
        """``_tx_thread_system_resume``: make ``thread`` ready; preempt if it is more urgent."""
        timer = thread.timer
        if timer.active:
            self.timer_deactivate(timer)
        tb = self.trace_buffer
        if tb is not None:
            entry = tb.insert(1, thread, thread.tx_thread_state, tb.stack_marker(), self.execute_ptr)
        if thread.tx_thread_state == TX_READY:
            return
        if thread.delayed_suspend:
            thread.delayed_suspend = False
            thread.tx_thread_state = TX_SUSPENDED
            return
        thread.tx_thread_state = TX_READY
        if self.trace is not None:
            self.log(thread.tx_thread_name, "ready")
        thread.tx_thread_performance_resume_count += 1
        self.tx_performance["thread.resume"] += 1
        # _make_ready, inline (every wake-up comes through here): a thread joining a
        # non-empty list changes neither the maps nor the candidate.
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
        if tb is not None:
            tb.update(entry, 4, self.execute_ptr)  # TX_TRACE_THREAD_RESUME: the next thread
        # preempt_check, inline
        if self.system_state == 0 and self.preempt_disable == 0:
            current = self.current_ptr
            if current is not self.execute_ptr and current is not None:
                self._switch_from(current)

    def _make_ready(self, thread: TX_THREAD) -> None:
        priority = thread.tx_thread_priority
        ready = self.ready[priority]
        ready.append(thread)
        if len(ready) > 1:
            return
        self.priority_map |= 1 << priority
        if priority >= self.highest_priority:
            return
        self.highest_priority = priority
        execute = self.execute_ptr
        if execute is None:
            self.execute_ptr = thread
        elif priority < execute.tx_thread_preempt_threshold:
            self._preempt(execute, thread)

    def _preempt(self, execute: TX_THREAD, thread: TX_THREAD) -> None:
        """``thread``, just made ready, takes the candidate's place from ``execute``.

        Thread performance info: ``execute`` loses the CPU to a thread made ready by a
        thread (solicited) or an ISR (interrupt preemption)."""
        state = self.system_state
        if state == 0:
            execute.tx_thread_performance_solicited_preemption_count += 1
            self.tx_performance["thread.solicited_preemption"] += 1
        elif state < TX_INITIALIZE_IN_PROGRESS:
            execute.tx_thread_performance_interrupt_preemption_count += 1
            self.tx_performance["thread.interrupt_preemption"] += 1
        execute.tx_thread_performance_last_preempting_thread = thread
        if execute.tx_thread_preempt_threshold != execute.tx_thread_priority:
            # Remember a thread preempted past its threshold: it resumes first later.
            self.preempted_map |= 1 << execute.tx_thread_priority
        self.execute_ptr = thread

    def system_suspend(self, thread: TX_THREAD, switch: bool = True) -> None:
        """``_tx_thread_system_suspend``: take ``thread`` off its ready list.

        ``thread.tx_thread_state`` must already hold the new state. If it is the
        calling thread, its wait timeout (``thread.wait_option``) is armed now, as
        ThreadX arms it at the moment of suspension, and the CPU is given away.
        """
        current = self.current_ptr
        if thread is current:
            timeout = thread.wait_option
            # Only a sleep or an object wait arms the timeout (not completion or terminate).
            if thread.tx_thread_state >= TX_SLEEP and timeout != TX_NO_WAIT and timeout != TX_WAIT_FOREVER:
                self.timer_activate(thread.timer, timeout)
            thread.slice_remaining = thread.tx_thread_new_time_slice
        if self.trace is not None:
            self.log(thread.tx_thread_name, f"suspend {THREAD_STATE_NAMES.get(thread.tx_thread_state)}")
        tb = self.trace_buffer
        if tb is not None:
            entry = tb.insert(2, thread, thread.tx_thread_state, tb.stack_marker(), self.execute_ptr)
        thread.tx_thread_performance_suspend_count += 1
        performance = self.tx_performance
        performance["thread.suspend"] += 1
        self._remove_ready(thread)
        if tb is not None:
            tb.update(entry, 4, self.execute_ptr)  # TX_TRACE_THREAD_SUSPEND: the next thread
        if thread is current:
            if self.execute_ptr is None:
                performance["thread.idle_return"] += 1
            else:
                performance["thread.non_idle_return"] += 1
        # preempt_check, inline (nothing above can have switched threads)
        if switch and self.system_state == 0 and self.preempt_disable == 0 \
                and current is not self.execute_ptr and current is not None:
            self._switch_from(current)

    def _remove_ready(self, thread: TX_THREAD) -> None:
        priority = thread.tx_thread_priority
        ready = self.ready[priority]
        bit = 1 << priority
        was_head = ready[0] is thread
        ready.remove(thread)
        if ready:
            if was_head:
                self.preempted_map &= ~bit
        else:
            self.priority_map &= ~bit
            self.preempted_map &= ~bit
            if self.priority_map == 0:
                self.highest_priority = self.max_priorities
                self.execute_ptr = None
                return
            priority_map = self.priority_map
            self.highest_priority = (priority_map & -priority_map).bit_length() - 1  # lowest set bit
        if thread is self.execute_ptr:
            self.execute_ptr = self.ready[self.highest_priority][0]
            preempted_map = self.preempted_map
            if preempted_map:  # its lowest set bit
                preempted_priority = (preempted_map & -preempted_map).bit_length() - 1
                preempted = self.ready[preempted_priority][0]
                if self.highest_priority >= preempted.tx_thread_preempt_threshold:
                    # The preempted thread's threshold still holds the new candidate off.
                    self.execute_ptr = preempted
                    self.preempted_map &= ~(1 << preempted_priority)

    def preempt_check(self) -> None:
        """``_tx_thread_system_preempt_check``: switch away if another thread must run now."""
        if self.system_state == 0 and self.preempt_disable == 0:
            current = self.current_ptr
            if current is not self.execute_ptr and current is not None:
                self._switch_from(current)

    def _switch_from(self, current: TX_THREAD) -> None:
        """The running thread ``current`` gives the CPU to ``execute_ptr`` (or, with no
        thread ready, to the idle scheduler loop); returns when ``current`` runs again.

        The scheduler loop (``_run_loop``) does nothing but dispatch ``execute_ptr`` when
        it is a thread with no simulated CPU work and no stop is pending, so in that case
        this does the dispatch itself (``_dispatch``: run count, time-slice reload) and
        switches straight to the next thread's greenlet, saving the round trip through
        the loop's greenlet. Everything else (idle time, CPU work, a stop) goes back to
        the loop, which the next thread's greenlet also returns to when its body ends.
        """
        thread = self.execute_ptr
        # A thread's first run goes through the loop too: a greenlet starts at the
        # recursion depth of the one that switches to it, so threads started one from
        # another would nest (hundreds of threads starting in turn hit the limit).
        if thread is None or thread.work_remaining or self.stop_status is not None \
                or not thread.greenlet:
            self.main_greenlet.switch()  # type: ignore[union-attr]
            return
        self.current_ptr = thread
        if thread is not self.last_run:
            # A real context switch (see _count_run).
            thread.tx_thread_run_count += 1
            self.last_run = thread
            if self.trace is not None:
                self.log(thread.tx_thread_name, "run")
        if thread.slice_remaining == 0:
            thread.slice_remaining = thread.tx_thread_new_time_slice
        thread.greenlet.switch()  # type: ignore[union-attr]

    def rotate(self, thread: TX_THREAD) -> bool:
        """Make the thread after ``thread`` the head of its priority list (slice expiry,
        relinquish), as ThreadX moves the list head to ``tx_thread_ready_next``; the thread
        need not be the head (it keeps running after lowering its own priority). Returns
        whether another thread of that priority was ready."""
        ready = self.ready[thread.tx_thread_priority]
        if len(ready) < 2:
            return False
        index = ready.index(thread) + 1
        ready[:] = ready[index:] + ready[:index]
        self.execute_ptr = ready[0]
        return True

    def change_priority(self, thread: TX_THREAD, priority: int, threshold: int) -> None:
        """Give ``thread`` a new effective priority and threshold (priority change, inheritance).

        As ``_tx_thread_priority_change``: a ready thread is taken off its list and
        re-readied at the new level; a thread that was executing keeps the CPU
        unless a more urgent thread is now ready.
        """
        if thread.tx_thread_state != TX_READY:
            thread.tx_thread_priority = priority
            thread.tx_thread_preempt_threshold = threshold
            return
        was_executing = thread is self.execute_ptr
        original = thread.tx_thread_priority
        if thread is self.current_ptr:
            thread.slice_remaining = thread.tx_thread_new_time_slice  # system suspend reloads it
        self.preempt_disable += 1
        thread.tx_thread_state = TX_PRIORITY_CHANGE
        self._remove_ready(thread)
        thread.tx_thread_priority = priority
        thread.tx_thread_preempt_threshold = threshold
        thread.tx_thread_state = TX_READY
        self._make_ready(thread)
        self.preempt_disable -= 1
        execute = self.execute_ptr
        if thread is not execute and execute is not None and was_executing \
                and thread.tx_thread_priority <= execute.tx_thread_priority:
            # It never really stopped running: it stays the executing thread and, when
            # its priority was lowered, goes to the head of its new level.
            self.execute_ptr = thread
            if original < priority:
                ready = self.ready[priority]
                ready.remove(thread)
                ready.insert(0, thread)
        self.preempt_check()

    # ------------------------------------------------------------- interrupts
    def interrupt_after(self, ticks: int, handler: Callable[[], None]) -> None:
        """Run ``handler`` as an interrupt service routine ``ticks`` ticks from now (a
        simulation extension, for device models and tests). It runs in ISR context, so a
        thread it readies runs when it returns; until it has fired it keeps the run alive."""
        self.pending_interrupts += 1

        def isr(_event: simpy.Event) -> None:
            self.pending_interrupts -= 1
            from .interrupt import interrupt_gate   # held while interrupts are disabled
            if interrupt_gate(self, handler):
                return
            tb = self.trace_buffer
            if tb is not None:
                tb.isr(3, 1)  # TX_TRACE_ISR_ENTER, TRACE_ISR_DEVICE
            handler()
            tb = self.trace_buffer
            if tb is not None:
                tb.isr(4, 1)
        self.env.timeout(ticks).callbacks.append(isr)

    def stop(self, status: int) -> None:
        """End the run now with reason ``"stopped"`` and ``status`` on the KernelRun (the
        role of the C regression tests' ``test_control_return``). Called from a thread, the
        thread never continues; from an ISR or ``tx_application_define``, the run ends
        when it returns. A stopped run is finished: it cannot be continued."""
        if self.stop_status is None:
            self.stop_status = status
        if self.running and self.main_greenlet is not None \
                and greenlet.getcurrent() is not self.main_greenlet:
            self.main_greenlet.switch()


    # -------------------------------------------------------------- run loop
    def run(self, until: int | None) -> KernelRun:
        """Dispatch until the run ends (see ``tx_kernel_enter``); a run that ended for any
        reason but "until" is torn down (:meth:`close`), one that reached ``until`` can be
        continued by calling ``run`` again with a later ``until``."""
        if self.closed:
            raise KernelError("this run is over: its kernel was torn down (KernelRun.close, or "
                              "it completed, deadlocked or went idle); start a new tx_kernel_enter")
        result = self._run_loop(until)
        if result.finished:
            self.close(result.reason)
        return result

    def close(self, reason: str = "closed") -> None:
        """End this run for good (simulation extension; C never returns from
        ``tx_kernel_enter``): every simulated thread still suspended (the timer thread,
        IP helper threads, peers, application threads blocked for ever) is unwound with
        :class:`ThreadUnwound`, so nothing outside the run's own objects refers to it and
        ``gc`` frees it. The objects stay readable (states, counters, a peer's mailbox);
        :func:`kernel` keeps returning this kernel only while something else holds it."""
        if self.closed:
            return
        if self.running:
            raise KernelError("a kernel cannot be torn down from inside its own run")
        self.closed = True
        self.end_reason = reason
        from . import trace as event_trace
        if self.trace_buffer is not None and event_trace.active is self.trace_buffer:
            event_trace.active = None  # the module-level fast check must not keep the run
        event_trace._states.pop(self, None)  # its object addresses refer back to the run
        _forget(self)
        here = greenlet.getcurrent()
        for body in list(self.greenlets):
            if body and body is not here:  # started, not finished, and not us
                _unwind(body, here)
        self.greenlets = weakref.WeakSet()
        for ref in self.results:
            result = ref()
            if result is not None:
                result.kernel = self  # from now on only a weak reference
        self.results = []

    def _run_loop(self, until: int | None) -> KernelRun:
        self.main_greenlet = greenlet.getcurrent()
        begin_run(self.config)  # a continued run (until=) puts its own build back in force
        self.running = True
        self.system_state = 0
        env = self.env
        try:
            while True:
                if self.stop_status is not None:
                    return self._result("stopped")
                thread = self.execute_ptr
                if thread is not None:
                    if thread.work_remaining:
                        self._count_run(thread)
                        if not self._run_work(thread, until):
                            return self._result("until")
                    else:
                        self._dispatch(thread)
                    continue
                self.last_run = None
                reason = self._idle_reason()
                if reason is not None:
                    return self._result(reason)
                next_time = env.peek()
                if next_time == float("inf"):
                    return self._result("deadlock" if self._waiting() else "idle")
                if until is not None and next_time > until:
                    if until > self.now:
                        env.run(until=until)
                    return self._result("until")
                if self.quiet_timers and self.pacer is None and self.trace is None \
                        and self.trace_buffer is None and quiet_jump(self, until):
                    continue  # quiet ticks done in one go; the next event is a real one
                self._interrupt()
        finally:
            self.running = False
            self.current_ptr = None
            end_run(self.config)

    def _count_run(self, thread: TX_THREAD) -> None:
        if thread is not self.last_run:
            # A real context switch (ThreadX counts runs in its scheduler); an ISR
            # returning to the thread it interrupted is not one.
            thread.tx_thread_run_count += 1
            self.last_run = thread
            if self.trace is not None:
                self.log(thread.tx_thread_name, "run")

    def _dispatch(self, thread: TX_THREAD) -> None:
        self.current_ptr = thread
        self._count_run(thread)
        if thread.slice_remaining == 0:
            thread.slice_remaining = thread.tx_thread_new_time_slice
        try:
            thread.greenlet.switch()
        finally:
            self.current_ptr = None

    def _interrupt(self) -> None:
        """Process one simpy event as an interrupt."""
        if self.pacer is not None:
            self.pacer()
        self.system_state = _ISR
        try:
            self.env.step()
        finally:
            self.system_state = 0

    def _run_work(self, thread: TX_THREAD, until: int | None) -> bool:
        """Let simulated CPU work of the executing thread consume time until an event."""
        env = self.env
        start = self.now
        target = start + thread.work_remaining
        if thread.tx_thread_new_time_slice:
            target = min(target, start + thread.slice_remaining)
        if until is not None and target > until and env.peek() > until:
            if until > start:
                thread.work_remaining -= until - start
                if thread.tx_thread_new_time_slice:
                    thread.slice_remaining -= until - start
                env.run(until=until)
            return False
        if env.peek() > target:
            env.timeout(target - start)  # wakes the loop when the work or slice ends
        self.current_ptr = thread  # an ISR interrupts this thread
        try:
            self._interrupt()
        finally:
            self.current_ptr = None
        elapsed = self.now - start
        thread.work_remaining -= elapsed
        if thread.tx_thread_new_time_slice and elapsed:
            thread.slice_remaining -= elapsed
            if thread.slice_remaining <= 0:
                self._time_slice_expired(thread)
        return True

    def _time_slice_expired(self, thread: TX_THREAD) -> None:
        """``_tx_thread_time_slice``: reload the slice; yield to an equal-priority peer."""
        thread.slice_remaining = thread.tx_thread_new_time_slice
        if thread.tx_thread_state == TX_READY \
                and thread.tx_thread_preempt_threshold == thread.tx_thread_priority \
                and self.rotate(thread):
            _perf(thread, "thread", "time_slice", self)
            if self.highest_priority < thread.tx_thread_priority:
                self.execute_ptr = self.ready[self.highest_priority][0]
        tb = self.trace_buffer
        if tb is not None:
            tb.time_slice(thread)

    def _alive(self, thread: TX_THREAD) -> bool:
        return thread.tx_thread_state not in (TX_COMPLETED, TX_TERMINATED) and thread.created

    def _waiting(self) -> list[TX_THREAD]:
        return [t for t in self.application_threads if self._alive(t)]

    def _any_waiting(self) -> bool:
        """Whether an application thread is alive (``bool(self._waiting())``), in O(1) while
        the one found alive last time still is: a run with many threads goes idle after
        nearly every tick, and scanning them all each time made it quadratic."""
        threads = self.application_threads
        count = len(threads)
        start = self._alive_hint
        for offset in range(count):
            index = (start + offset) % count
            if self._alive(threads[index]):
                self._alive_hint = index
                return True
        return False

    def _idle_reason(self) -> str | None:
        """Why the run should end now that no thread is ready, or None to go on."""
        waiting = self._any_waiting()
        if self.application_threads and not waiting:
            return "completed"
        if self.keepalive_timers or self.pending_interrupts or any(p() for p in self.activity_probes):
            return None
        return "deadlock" if waiting else "idle"

    def _result(self, reason: str) -> KernelRun:
        blocked = []
        for thread in self.application_threads:
            if self._alive(thread) and thread.tx_thread_state != TX_READY:
                block = thread.tx_thread_suspend_control_block
                on = getattr(block, "name", None) or ""
                blocked.append((thread.tx_thread_name, THREAD_STATE_NAMES[thread.tx_thread_state], on))
        run = KernelRun(reason, self.now, blocked, self, self.stop_status if reason == "stopped" else None,
                        self.config)
        if self.trace_region is not None:
            run.trace_buffer = self.memory.read(*self.trace_region)
        report = getattr(self.pacer, "report", None)
        if report is not None:
            run.pacing = report()
        if reason == "deadlock":
            logger.warning("%s", run.report())
        return run



_current: Kernel | None = None
# The last run once it is over: services may still look at it while the user holds it.
_finished: "weakref.ref[Kernel] | None" = None


def _forget(k: Kernel) -> None:
    """``k``'s run is over: stop keeping it alive (see :meth:`Kernel.close`)."""
    global _current, _finished
    if _current is k:
        _current = None
        _finished = weakref.ref(k)


def last_kernel() -> "Kernel | None":
    """The running kernel, else the last finished one while something still holds it."""
    if _current is not None:
        return _current
    return _finished() if _finished is not None else None


def kernel() -> Kernel:
    """The kernel of the running (or last) ``tx_kernel_enter``."""
    k = _current
    if k is None:
        k = _finished() if _finished is not None else None
        if k is None:
            raise KernelError("no ThreadX kernel: call services from inside tx_kernel_enter()")
    return k


def tx_kernel_enter(tx_application_define: Callable[[Pointer], None], until: int | None = None,
                    memory_size: int = DEFAULT_RAM_SIZE,
                    trace: list[tuple[int, str, str]] | None = None, *,
                    config: Any = None) -> KernelRun:
    """``tx_kernel_enter``: build a fresh kernel, run ``tx_application_define``, dispatch.

    Returns (unlike C) when every application thread has completed or been
    terminated or deleted, when nothing can ever run again (a deadlock, reported
    through the "netxsim" logger and in the result), at tick ``until``, or when the
    program calls :meth:`Kernel.stop` (``test_control_return``: reason "stopped").
    ``trace``, if given, is filled with ``(tick, thread, event)`` tuples of scheduling
    events. ``config`` is the build (tx_user.h / nx_user.h options, see
    :mod:`netxsim.tx.config`); the run uses it unchanged and reports it as ``run.config``.

    A run that ends for any reason but "until" is torn down before this returns (see
    :meth:`Kernel.close`); one that stopped at ``until`` stays resumable until it is
    closed (``KernelRun.close``) or the next ``tx_kernel_enter`` starts.
    """
    global _current
    from .thread import create_system_thread
    if _current is not None:
        _current.close()  # the previous run stopped at ``until`` and was never closed
    k = Kernel(memory_size, config)
    k.trace = trace
    from . import trace as event_trace
    event_trace.active = None  # a previous run's buffer
    _current = k
    if not k.timers_in_isr:  # TX_TIMER_PROCESS_IN_ISR builds no timer thread
        k.timer_thread = create_system_thread(k, "System Timer Thread", k._timer_thread_entry,
                                              TX_TIMER_THREAD_PRIORITY, start=False)
    k.system_state = TX_INITIALIZE_IN_PROGRESS
    begin_run(k.config)
    try:
        tx_application_define(k.memory.first_unused)
        return k.run(until)
    finally:
        end_run(k.config)


__all__ = ["tx_kernel_enter", "KernelRun", "Kernel", "KernelError", "ThreadUnwound", "kernel"]
