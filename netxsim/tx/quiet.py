"""Quiet time that jumps: skip periodic wake-ups that provably change nothing.

When no thread is ready, the kernel's next interrupt is often a tick whose only work is a
periodic housekeeping timer (NetX's fast TCP timer, the IP periodic timer) waking a helper
thread that then finds nothing to do, or a long timer hopping through the timer wheel.
Each such tick costs a timer-thread run, a helper-thread run and the event-flag and
mutex traffic between them, and changes nothing but those run counts.

A stack component registers each such timer with :func:`register_quiet_timer`, together
with a probe that returns the thread the expiry wakes when the owner is quiescent (the
wake-up would provably find nothing to do) and None otherwise. :func:`quiet_jump` then
processes, without the event queue or any thread switch, every tick before the next one
where anything else can happen (an expiry of any other timer, any other simulated event,
``until``): it re-arms the periodic timers and moves hopping timers exactly as the timer
thread would (same wheel positions, same order of arming), and adds the run counts the
skipped wake-ups would have produced (one timer-thread run per tick processed, one run of
each helper thread woken in it). Everything observable (tick counts, run counts, timer
remaining ticks, the order of later expirations) is as without the shortcut. The kernel
does not take it while tracing (either trace) or a real-time pacer is in use.
"""
from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any, Callable

from .constants import TX_SUSPENDED

if TYPE_CHECKING:
    from .kernel import Kernel
    from .timer import InternalTimer

TIMER_WHEEL_ENTRIES = 32  # as kernel.TIMER_WHEEL_ENTRIES (a long timer hops this far)
_INFINITY = float("inf")
_UNKNOWN = object()
# Set False to take every wake-up through the event queue (to compare, or to debug).
enabled = True


def register_quiet_timer(k: "Kernel", timer: "InternalTimer", probe: Callable[[], Any]) -> None:
    """Declare ``timer`` (periodic) skippable while ``probe()`` returns the thread its
    expiry wakes (the owner is quiescent); ``probe()`` returns None otherwise. Share one
    probe object between the timers of one owner: it is called once per jump."""
    k.quiet_timers[timer] = probe


def _is_tick(event: Any, isr: Any) -> bool:
    callbacks = event.callbacks
    return callbacks is not None and len(callbacks) == 1 and callbacks[0] == isr


def quiet_jump(k: "Kernel", until: int | None) -> bool:
    """Process the quiet ticks before the next tick where anything else can happen;
    return whether time advanced (see the module docstring)."""
    env = k.env
    queue = env._queue
    if not queue or not enabled:
        return False
    isr = k._tick_isr
    if not _is_tick(queue[0][3], isr):
        return False
    in_isr = k.timers_in_isr
    timer_thread = k.timer_thread
    if not in_isr and (timer_thread is None or timer_thread.tx_thread_state != TX_SUSPENDED
                       or timer_thread.delayed_suspend):
        return False
    heap = k.timer_heap
    sources = k.quiet_timers
    probed: dict[int, Any] = {}

    def waker(timer: "InternalTimer") -> Any:
        probe = sources.get(timer)
        if probe is None:
            return None
        key = id(probe)
        thread = probed.get(key, _UNKNOWN)
        if thread is _UNKNOWN:
            thread = probed[key] = probe()
        return thread

    lag = k.wheel_lag
    now = k.now
    # Cheap refusal first: the next due entry must be a hop or a quiet expiry.
    top = k._timer_heap_top()
    if top is None:
        return False
    _, _, _, first = heap[0]
    if first.deadline <= top and waker(first) is None:
        return False
    stop: float = _INFINITY if until is None else until + 1
    for time, _, _, event in queue:
        if time < stop and not _is_tick(event, isr):
            stop = time
    wakes: dict[Any, Any] = {}
    for _, _, generation, timer in heap:
        if generation != timer.generation or not timer.active:
            continue
        thread = waker(timer)
        if thread is None:
            expiry = timer.deadline + lag  # its hops are quiet, its expiry is not
            if expiry < stop:
                stop = expiry
        else:
            wakes[timer] = thread
    if stop == _INFINITY:
        return False
    heappop, heappush = heapq.heappop, heapq.heappush
    timer_runs = 0
    runs: dict[Any, int] = {}
    last = -1
    sequence = k.timer_sequence
    keepalive = 0
    while heap:
        position, _, generation, timer = heap[0]
        if generation != timer.generation or not timer.active:
            heappop(heap)
            continue
        tick = position + lag
        if tick >= stop or tick < now:
            break
        # One tick interrupt: the timer thread takes the due slot off the wheel.
        timer_runs += 1
        woken: list[Any] = []
        while heap and heap[0][0] <= position:
            _, _, generation, timer = heappop(heap)
            if generation != timer.generation or not timer.active:
                continue
            left = timer.deadline - position
            if left > 0:  # a long timer hops again through the wheel
                sequence += 1
                heappush(heap, (position + min(left, TIMER_WHEEL_ENTRIES), sequence, generation, timer))
                continue
            thread = wakes[timer]  # only quiet timers expire before ``stop``
            if thread not in woken:
                woken.append(thread)
            timer.remaining = timer.reschedule
            if timer.reschedule:  # periodic: re-armed from this tick, as timer_activate does
                timer.deadline = position + timer.reschedule
                sequence += 1
                heappush(heap, (position + min(timer.reschedule, TIMER_WHEEL_ENTRIES), sequence,
                                generation, timer))
            else:
                timer.active = False
                if timer.keeps_alive:
                    keepalive -= 1
        for thread in woken:
            runs[thread] = runs.get(thread, 0) + 1
        last = tick
    k.timer_sequence = sequence
    if last < 0:
        return False
    k.keepalive_timers += keepalive
    if not in_isr:
        timer_thread.tx_thread_run_count += timer_runs  # type: ignore[union-attr]
    for thread, count in runs.items():
        thread.tx_thread_run_count += count
    # The tick interrupts of the processed ticks are gone; the clock stands at the last.
    tick_events = k.tick_events
    kept = []
    for entry in queue:
        if entry[0] <= last and _is_tick(entry[3], isr):
            tick_events.discard(entry[0])
        else:
            kept.append(entry)
    queue[:] = kept
    heapq.heapify(queue)
    env._now = last
    # Each entry armed during the jump asks for its tick interrupt, as _timer_insert does.
    for position, _, generation, timer in sorted(heap):
        if generation == timer.generation and timer.active:
            k._tick_event_for(position)
    return True


__all__ = ["register_quiet_timer", "quiet_jump"]
