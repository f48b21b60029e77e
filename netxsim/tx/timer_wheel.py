"""The timer wheel: ThreadX's timer list, its tick interrupt and the system timer thread.

Every timeout (a sleep, a wait's timeout, an application timer, a NetX periodic timer)
is an :class:`~netxsim.tx.timer.InternalTimer` armed on the wheel. A timer due within
``TIMER_WHEEL_ENTRIES`` ticks sits in the slot it expires in; a longer one hops through
the wheel, as on target. The tick interrupt wakes the system timer thread (priority 0)
when a slot is due, and the timer thread runs the slot's expirations in the order they
were armed (``tx_timer_interrupt.c``, ``tx_timer_thread_entry.c``); with
``TX_TIMER_PROCESS_IN_ISR`` the ISR runs them itself.

:class:`TimerWheel` is a part of :class:`~netxsim.tx.kernel.Kernel` (which inherits it):
the wheel's state lives on the kernel, so the rest of the package reaches the wheel
through the kernel as before.
"""
from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any, Callable

import simpy

from .constants import TX_SUSPENDED

if TYPE_CHECKING:
    from .thread import TX_THREAD
    from .timer import InternalTimer

TIMER_WHEEL_ENTRIES = 32  # TX_TIMER_ENTRIES: timers longer than this hop through the wheel


class TimerWheel:
    """The timers of :class:`~netxsim.tx.kernel.Kernel`, which inherits this class."""

    if TYPE_CHECKING:  # the kernel's own state and services the wheel uses
        env: simpy.Environment
        timers_in_isr: bool
        timer_thread: TX_THREAD | None
        trace_buffer: Any
        quiet_timers: dict[InternalTimer, Callable[[], Any]]

        @property
        def now(self) -> int: ...
        def system_resume(self, thread: TX_THREAD) -> None: ...
        def system_suspend(self, thread: TX_THREAD, switch: bool = True) -> None: ...

    def _timer_wheel_init(self) -> None:
        """The wheel's state, set up by ``Kernel.__init__``."""
        # Timer list: a heap of (expiry tick, arming sequence, generation, timer).
        self.timer_heap: list[tuple[int, int, int, InternalTimer]] = []
        self.timer_sequence = 0
        self.tick_events: set[int] = set()
        self.wheel_lag = 0  # ticks the timer wheel is behind the clock (see timer_activate)
        self.keepalive_timers = 0

    # ---------------------------------------------------------------- timers
    # The timer wheel. Positions are in "wheel time": the wheel advances one slot per
    # tick, except that the tick ISR does not move past a due slot the timer thread has
    # not processed yet (tx_timer_interrupt.c). When a thread with threshold 0 (or of
    # priority 0) holds the timer thread off, the wheel falls behind the clock by
    # ``wheel_lag`` ticks for good: timers armed before the hold-off fire late by its
    # length, timers armed during it relative to the stuck slot, later ones on time.
    def _timer_heap_top(self) -> int | None:
        heap = self.timer_heap
        while heap and heap[0][2] != heap[0][3].generation:
            heapq.heappop(heap)  # a deactivated timer's entry
        return heap[0][0] if heap else None

    def _wheel_now(self) -> int:
        """The wheel position a timer armed now counts from (ThreadX's current slot - 1)."""
        now = int(self.env._now)
        heap = self.timer_heap
        while heap:  # _timer_heap_top, inline (every wait with a timeout comes here)
            position, _, generation, timer = heap[0]
            if generation == timer.generation:
                if position + self.wheel_lag <= now:
                    return position - 1  # a due slot not processed yet: the wheel is stuck on it
                break
            heapq.heappop(heap)  # a deactivated timer's entry
        return now - self.wheel_lag

    def timer_activate(self, timer: InternalTimer, ticks: int) -> None:
        """Arm ``timer`` to fire during the ``ticks``-th tick from now (hopping past 32)."""
        if timer.active:
            self.timer_deactivate(timer)
        timer.active = True
        # _wheel_now, inline (every wait with a timeout comes here)
        now = int(self.env._now)
        heap = self.timer_heap
        position = now - self.wheel_lag
        while heap:
            top, _, generation, top_timer = heap[0]
            if generation == top_timer.generation:
                if top + self.wheel_lag <= now:
                    position = top - 1  # a due slot not processed yet: the wheel is stuck on it
                break
            heapq.heappop(heap)  # a deactivated timer's entry
        timer.deadline = position + ticks  # in wheel time
        if timer.keeps_alive:
            self.keepalive_timers += 1
        # _timer_insert, inline
        slot = position + (ticks if ticks < TIMER_WHEEL_ENTRIES else TIMER_WHEEL_ENTRIES)
        self.timer_sequence += 1
        heapq.heappush(self.timer_heap, (slot, self.timer_sequence, timer.generation, timer))
        tick = slot + self.wheel_lag
        if tick not in self.tick_events or tick < self.env._now:  # else nothing to ask for
            self._tick_event_for(slot)

    def _timer_insert(self, timer: InternalTimer, position: int) -> None:
        self.timer_sequence += 1
        heapq.heappush(self.timer_heap, (position, self.timer_sequence, timer.generation, timer))
        self._tick_event_for(position)

    def _tick_event_for(self, position: int) -> None:
        """Make sure a tick interrupt happens when the wheel reaches ``position``."""
        now = int(self.env._now)
        tick = position + self.wheel_lag
        if tick < now:
            tick = now
        tick_events = self.tick_events
        if tick not in tick_events:
            tick_events.add(tick)
            self.env.timeout(tick - now).callbacks.append(self._tick_isr)

    def timer_remaining(self, timer: InternalTimer) -> int:
        """Ticks until an armed ``timer`` expires."""
        return max(timer.deadline - self._wheel_now(), 0)

    def timer_deactivate(self, timer: InternalTimer) -> int:
        """Disarm ``timer``; return the ticks it had left."""
        if not timer.active:
            return 0
        left = timer.deadline - self._wheel_now()  # timer_remaining, inline
        if left < 0:
            left = 0
        timer.active = False
        timer.generation += 1  # its heap entry becomes stale
        if timer.keeps_alive:
            self.keepalive_timers -= 1
        return left

    def _tick_isr(self, event: simpy.Event) -> None:
        now = self.now
        self.tick_events.discard(now)
        top = self._timer_heap_top()
        if top is None:
            return
        if top + self.wheel_lag <= now:
            if self.timers_in_isr:
                self._expire_due(now)  # TX_TIMER_PROCESS_IN_ISR: right here, in the ISR
                return
            timer_thread = self.timer_thread
            assert timer_thread is not None
            tb = self.trace_buffer
            if tb is not None:
                tb.isr(3, 0)  # TX_TRACE_ISR_ENTER, TRACE_ISR_TIMER
            if timer_thread.tx_thread_state == TX_SUSPENDED:
                self.system_resume(timer_thread)
            tb = self.trace_buffer
            if tb is not None:
                tb.isr(4, 0)
        else:
            self._tick_event_for(top)  # the wheel fell behind since this event was set

    def _timer_thread_entry(self, _: int) -> None:
        """The system timer thread: take the due slot off the wheel, run its expirations
        (FIFO of arming), then sleep."""
        thread = self.timer_thread
        assert thread is not None
        while True:
            top = self._timer_heap_top()
            if top is not None and top + self.wheel_lag < self.now:
                self.wheel_lag = self.now - top  # held off: the wheel stayed on this slot
            self._expire_due(self.now - self.wheel_lag)
            thread.tx_thread_state = TX_SUSPENDED
            self.system_suspend(thread)

    def _expire_due(self, current: int) -> None:
        """Run the expirations due at wheel position ``current`` (FIFO of arming), re-arm
        periodic and long timers, and ask for the next tick interrupt."""
        heap = self.timer_heap
        expired = []
        while heap and heap[0][0] <= current:
            expired.append(heapq.heappop(heap))
        # Quiet wake-ups absorbed in place (quiet.quiet_expiries), their counts added.
        absorbed = _kernel_module.quiet_expiries(self, expired, current) if self.quiet_timers else None
        cohorts = type(absorbed) is _cohort.Absorbed
        if not cohorts and self.__dict__.get("quiet_cohorts"):
            _cohort.expand(expired)   # dormant hosts not absorbed as a whole: one by one
        for _, sequence, generation, timer in expired:
            if generation != timer.generation or not timer.active:
                continue
            if absorbed is not None and (timer in absorbed or type(timer) is _cohort.Cohort):
                # An absorbed periodic expiry (its callback skipped), or a cohort of them
                # (quiet_cohort): re-armed from this tick as timer_activate does below,
                # without the expiry's bookkeeping that cancels out (active off and on,
                # the keep-alive count down and up).
                reschedule = timer.reschedule
                if reschedule:
                    now = int(self.env._now)
                    position = now - self.wheel_lag
                    while heap:  # _wheel_now, inline (as in timer_activate)
                        top, _, top_generation, top_timer = heap[0]
                        if top_generation == top_timer.generation:
                            if top + self.wheel_lag <= now:
                                position = top - 1
                            break
                        heapq.heappop(heap)
                    slot = position + (reschedule if reschedule < TIMER_WHEEL_ENTRIES else TIMER_WHEEL_ENTRIES)
                    if type(timer) is _cohort.Cohort:
                        _cohort.rearm_cohort(self, timer, slot)
                        continue
                    timer.remaining = reschedule
                    timer.pending_reactivate = False
                    timer.deadline = position + reschedule
                    if cohorts:
                        sequence = _cohort.rearm(self, absorbed, timer, sequence, slot)
                        if not sequence:
                            continue   # dormant in a cohort
                    else:
                        self.timer_sequence += 1
                        sequence = self.timer_sequence
                    heapq.heappush(heap, (slot, sequence, generation, timer))
                    tick = slot + self.wheel_lag
                    if tick not in self.tick_events or tick < now:
                        self._tick_event_for(slot)
                    continue
            left = timer.deadline - current
            if left > 0:
                # A long timer hops again through the wheel.
                self._timer_insert(timer, current + min(left, TIMER_WHEEL_ENTRIES))
                continue
            timer.active = False
            if timer.keeps_alive:
                self.keepalive_timers -= 1
            timer.remaining = timer.reschedule
            timer.pending_reactivate = timer.reschedule != 0
            if absorbed is None or timer not in absorbed:
                timer.expire()
            if timer.pending_reactivate:
                # Periodic: re-armed after the callback, from this tick (no drift).
                timer.pending_reactivate = False
                self.timer_activate(timer, timer.reschedule)
        top = self._timer_heap_top()
        if top is not None:
            self._tick_event_for(top)


# Imported last (the kernel module imports this one first). The quiet-time absorption
# of due wake-ups is looked up on the kernel module at each call, where it has always
# been imported, so replacing ``netxsim.tx.kernel.quiet_expiries`` still takes effect.
from . import kernel as _kernel_module  # noqa: E402
from . import quiet_cohort as _cohort  # noqa: E402

__all__ = ["TimerWheel", "TIMER_WHEEL_ENTRIES"]
