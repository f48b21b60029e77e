"""Quiet time that jumps: skip periodic wake-ups that provably change nothing.

When no thread is ready, the kernel's next interrupt is often a tick whose only work is a
periodic housekeeping timer (NetX's fast TCP timer, the IP periodic timer) waking a helper
thread that then finds nothing to do, or a long timer hopping through the timer wheel.
Each such tick costs a timer-thread run, a helper-thread run and the event-flag and
mutex traffic between them, and changes nothing but run counts and performance counters.

A stack component registers each such timer with :func:`register_quiet_timer`, together
with a probe that names the thread the expiry wakes (and its event flags and mutex) when
the owner is quiescent (the wake-up would provably find nothing to do) and returns None
otherwise. :func:`quiet_jump` then
processes, without the event queue or any thread switch, every tick before the next one
where anything else can happen (an expiry of any other timer, any other simulated event,
``until``): it re-arms the periodic timers and moves hopping timers exactly as the timer
thread would (same wheel positions, same order of arming), and adds the run counts the
skipped wake-ups would have produced (one timer-thread run per tick processed, one run of
each helper thread woken in it) and the performance counters they would have bumped. A
long stretch is done a wheel cycle at a time (see quiet_jump). Everything observable
(tick counts, run counts, performance counters, timer remaining ticks, the order of later
expirations) is as without the shortcut. The kernel does not take it while tracing
(either trace) or a real-time pacer is in use.

When the system is not idle (with many hosts something happens nearly every tick),
:func:`quiet_expiries` absorbs, in the timer thread's pass over one wheel slot, the
wake-ups of quiet helper threads that would run before any other thread, with the same
counts added.
"""
from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any, Callable

from .constants import TX_SLEEP, TX_SUSPENDED
from . import quiet_cohort as _cohort
from .perf_counters import count as _perf_count
from .quiet_cohort import Cohort as _Cohort

if TYPE_CHECKING:
    from .kernel import Kernel
    from .timer import InternalTimer

TIMER_WHEEL_ENTRIES = 32  # as timer_wheel.TIMER_WHEEL_ENTRIES (a long timer hops this far)
_INFINITY = float("inf")
_UNKNOWN = object()
_EXPAND = object()   # quiet_expiries: expand the slot's cohorts, then look again
# Set False to take every wake-up through the event queue (to compare, or to debug).
enabled = True
# Set False to process a jump's ticks one by one instead of per timer (to compare).
arithmetic_enabled = True


def register_quiet_timer(k: "Kernel", timer: Any, probe: Callable[[], Any]) -> None:
    """Declare the application timer ``timer`` (a periodic ``TX_TIMER`` whose callback sets
    event flags) skippable while ``probe()`` returns ``(thread, event_flags, mutex)``: the
    helper thread its expiry wakes, which waits on ``event_flags`` (get, OR-clear, wait
    forever) in a loop that takes and gives back ``mutex`` around each batch of events
    and provably finds nothing to do; ``probe()`` returns None otherwise. The skipped
    wake-ups' run counts and performance counters follow that loop's shape, one batch
    per expiry: each of an owner's timers must set its own event flag (a flag set again
    before the thread took it would be one batch). Share one probe object between the
    timers of one owner: it is called once per jump."""
    k.quiet_timers[timer.tx_timer_internal] = (timer, probe)


def _is_tick(event: Any, isr: Any) -> bool:
    callbacks = event.callbacks
    return callbacks is not None and len(callbacks) == 1 and callbacks[0] == isr


class _Advance:
    """The timer thread's work for quiet ticks, done in place (see quiet_jump)."""

    def __init__(self, k: "Kernel", wakes: dict[Any, Any], lag: int) -> None:
        self.k = k
        self.heap = k.timer_heap
        self.wakes = wakes
        self.lag = lag
        self.sequence = k.timer_sequence
        self.timer_runs = 0
        self.runs: dict[Any, int] = {}
        self.keepalive = 0
        self.last = -1
        self.cycle_runs = 0   # timer-thread runs of the last ``run``
        # Performance counters the skipped work would have bumped: (id, kind, name) -> [object, n].
        self.counts: dict[tuple[int, str, str], list] = {}
        # Counted cheaply while processing, expanded into ``counts`` at the end: how many
        # ticks woke each combination of threads, and each quiet timer's expirations.
        self.ticks_woken: dict[tuple, int] = {}
        self.expiries: dict[Any, int] = {}
        self.cycle_counts: tuple[dict[tuple, int], dict[Any, int]] = ({}, {})
        self.timer_thread = None if k.timers_in_isr else k.timer_thread

    def _count(self, obj: Any, kind: str, name: str, n: int = 1) -> None:
        key = (id(obj), kind, name)
        entry = self.counts.get(key)
        if entry is None:
            self.counts[key] = [obj, n]
        else:
            entry[1] += n

    def _count_ticks(self, woken: tuple, times: int) -> None:
        """The counters of ``times`` ticks whose wake-ups were ``woken`` (((thread, flags,
        mutex), the expirations that set its flags), ...), as the timer thread and each
        woken thread's loop bump them."""
        count = self._count
        timer_thread = self.timer_thread
        if timer_thread is not None:
            count(timer_thread, "thread", "resume", times)   # the tick interrupt wakes it
            count(timer_thread, "thread", "suspend", times)
            count(None, "thread", "non_idle_return" if woken else "idle_return", times)
        left = len(woken)
        for (thread, flags, mutex), sets in woken:
            count(flags, "event_flags", "set", sets * times)
            count(thread, "thread", "resume", times)
            # Each set was one batch of events: mutex get, work, mutex put, next get; the
            # last get suspends the thread again.
            count(mutex, "mutex", "get", sets * times)
            count(mutex, "mutex", "put", sets * times)
            count(flags, "event_flags", "get", sets * times)
            count(flags, "event_flags", "suspension", times)
            count(thread, "thread", "suspend", times)
            left -= 1
            count(None, "thread", "non_idle_return" if left else "idle_return", times)

    def run(self, bound: float, now: int) -> None:
        """Process every tick before ``bound`` (the first at or after ``now``)."""
        heap, wakes, lag = self.heap, self.wakes, self.lag
        heappop, heappush = heapq.heappop, heapq.heappush
        sequence = self.sequence
        timer_runs = 0
        last = self.last
        ticks_woken, expiries = self.ticks_woken, self.expiries
        woken_before, expiries_before = dict(ticks_woken), dict(expiries)
        hop = TIMER_WHEEL_ENTRIES
        while heap:
            position, _, generation, timer = heap[0]
            if generation != timer.generation or not timer.active:
                heappop(heap)
                continue
            tick = position + lag
            if tick >= bound or tick < now:
                break
            # One tick interrupt: the timer thread takes the due slot off the wheel.
            timer_runs += 1
            woken: dict[Any, int] = {}
            while heap and heap[0][0] <= position:
                _, _, generation, timer = heappop(heap)
                if generation != timer.generation or not timer.active:
                    continue
                left = timer.deadline - position
                if left > 0:  # a long timer hops again through the wheel
                    sequence += 1
                    heappush(heap, (position + (left if left < hop else hop), sequence, generation, timer))
                    continue
                wake = wakes[timer][1]  # only quiet timers expire before the stop
                woken[wake] = woken.get(wake, 0) + 1
                expiries[timer] = expiries.get(timer, 0) + 1
                timer.remaining = timer.reschedule
                if timer.reschedule:  # periodic: re-armed from this tick, as timer_activate does
                    timer.deadline = position + timer.reschedule
                    sequence += 1
                    reschedule = timer.reschedule
                    heappush(heap, (position + (reschedule if reschedule < hop else hop), sequence,
                                    generation, timer))
                else:
                    timer.active = False
                    if timer.keeps_alive:
                        self.keepalive -= 1
            signature = tuple(woken.items())
            ticks_woken[signature] = ticks_woken.get(signature, 0) + 1
            last = tick
        self.last = last
        self.sequence = sequence
        self.timer_runs += timer_runs
        self.cycle_runs = timer_runs
        self.cycle_counts = ({key: n - woken_before.get(key, 0) for key, n in ticks_woken.items()},
                             {key: n - expiries_before.get(key, 0) for key, n in expiries.items()})

    def repeat(self, times: int) -> None:
        """Add the run counts of the last ``run`` ``times`` more times."""
        self.timer_runs += self.cycle_runs * times
        woken, expiries = self.cycle_counts
        for key, count in woken.items():
            self.ticks_woken[key] += count * times
        for key, count in expiries.items():
            self.expiries[key] += count * times

    def apply_counts(self) -> None:
        """Add the counted performance information to the objects and the system."""
        runs = self.runs
        for woken, times in self.ticks_woken.items():
            self._count_ticks(woken, times)
            for (thread, _, _), _ in woken:   # each woken helper thread ran once per tick
                runs[thread] = runs.get(thread, 0) + times
        for timer, times in self.expiries.items():
            tx_timer = self.wakes[timer][0]
            self._count(tx_timer, "timer", "expiration", times)
            if timer.reschedule:
                self._count(tx_timer, "timer", "reactivate", times)
        for (_, kind, name), (obj, n) in self.counts.items():
            _perf_count(obj, kind, name, self.k, n)


def _offsets(period: int) -> tuple[int, ...]:
    """Where a periodic timer's wheel entries fall after each expiry: its hops (every
    wheel turn while more than one is left) and its next expiry."""
    return tuple(range(TIMER_WHEEL_ENTRIES, period, TIMER_WHEEL_ENTRIES)) + (period,)


class _Arithmetic(_Advance):
    """The same work as :class:`_Advance`, computed per timer instead of tick by tick.

    Each timer taking part moves through the wheel on a fixed pattern: a hopping timer
    every wheel turn, a quiet periodic timer on its hops (every turn) and expiries (every
    period); so its entries in a window are a few arithmetic progressions, and the run
    counts follow from how many ticks hold any entry, and how many ticks and expiries
    each helper thread's timers have. What is left to get right is the order of arming,
    which decides the order of entries due in one slot: the timer thread takes a slot's
    entries in order of arming and re-arms each in that order, so of two timers the one
    re-armed earlier is the one whose last entry came earlier, or at the same tick the one
    whose entry before that came earlier, and so on back to their order when the window
    began. Sorting the timers by their entries' ticks, latest first, gives that order."""

    def run(self, bound: float, now: int) -> None:
        lag = self.lag
        high = bound - lag   # the window's end in wheel positions
        heap, wakes, hop = self.heap, self.wakes, TIMER_WHEEL_ENTRIES
        kept: list = []
        moved: list = []              # (order key, new entry) of each timer with entries in it
        ticks: set = set()
        fires: dict[Any, int] = {}
        woken: dict[Any, list] = {}   # wake -> [ticks woken, expiries]
        last = -1
        for entry in heap:
            position, sequence, generation, timer = entry
            if position >= high or generation != timer.generation or not timer.active:
                kept.append(entry)
                continue
            deadline = timer.deadline
            wake = wakes.get(timer)
            if wake is None or deadline >= high:
                # Only hops here (another timer's expiry is never before the window's end).
                events = list(range(position, min(deadline, high), hop))
                following = events[-1] + hop
                if following > deadline:
                    following = deadline
            else:
                period = timer.reschedule
                offsets = _offsets(period)
                events = list(range(position, deadline, hop))
                events.append(deadline)
                for offset in offsets:
                    events.extend(range(deadline + offset, high, period))
                events.sort()
                count = (high - 1 - deadline) // period + 1
                final = deadline + (count - 1) * period
                following = next(final + offset for offset in offsets if final + offset >= high)
                deadline = final + period
                timer.deadline = deadline
                timer.remaining = period
                fires[timer] = count
                wake = wake[1]
                counts = woken.get(wake)
                if counts is None:
                    woken[wake] = [range(final - (count - 1) * period, high, period), count]
                else:   # another timer of the same helper thread: ticks shared count once
                    counts[0] = set(counts[0]).union(range(final - (count - 1) * period, high, period))
                    counts[1] += count
            ticks.update(events)
            if events[-1] > last:
                last = events[-1]
            moved.append((tuple(reversed(events)) + (-1, sequence), (following, generation, timer)))
        if not moved:
            self.cycle_runs, self.cycle_counts = 0, ({}, {})
            return
        moved.sort(key=lambda item: item[0])
        sequence = self.sequence
        for _, (following, generation, timer) in moved:
            sequence += 1
            kept.append((following, sequence, generation, timer))
        heap[:] = kept
        heapq.heapify(heap)
        self.sequence = sequence
        self.last = last + lag
        runs = len(ticks)
        wake_counts = {wake: (len(counts[0]), counts[1]) for wake, counts in woken.items()}
        self.cycle_runs, self.cycle_counts = runs, (wake_counts, fires)
        self.repeat(1)

    def repeat(self, times: int) -> None:
        self.timer_runs += self.cycle_runs * times
        wake_counts, fires = self.cycle_counts
        totals = self.ticks_woken
        for wake, (woken, expiries) in wake_counts.items():
            total = totals.get(wake)
            if total is None:
                totals[wake] = [woken * times, expiries * times]
            else:
                total[0] += woken * times
                total[1] += expiries * times
        for timer, count in fires.items():
            self.expiries[timer] = self.expiries.get(timer, 0) + count * times

    def apply_counts(self) -> None:
        count = self._count
        runs = self.runs
        woken_ticks = 0
        for (thread, flags, mutex), (ticks, sets) in self.ticks_woken.items():
            woken_ticks += ticks
            runs[thread] = runs.get(thread, 0) + ticks
            count(flags, "event_flags", "set", sets)
            count(thread, "thread", "resume", ticks)
            count(mutex, "mutex", "get", sets)
            count(mutex, "mutex", "put", sets)
            count(flags, "event_flags", "get", sets)
            count(flags, "event_flags", "suspension", ticks)
            count(thread, "thread", "suspend", ticks)
        timer_runs = self.timer_runs
        if timer_runs:
            # Each tick: the timer thread, then each woken thread, suspends; the last
            # of them returns to an idle system.
            count(self.timer_thread, "thread", "resume", timer_runs)
            count(self.timer_thread, "thread", "suspend", timer_runs)
            if woken_ticks:
                count(None, "thread", "non_idle_return", woken_ticks)
            count(None, "thread", "idle_return", timer_runs)
        for timer, times in self.expiries.items():
            tx_timer = self.wakes[timer][0]
            count(tx_timer, "timer", "expiration", times)
            if timer.reschedule:
                count(tx_timer, "timer", "reactivate", times)
        for (_, kind, name), (obj, n) in self.counts.items():
            _perf_count(obj, kind, name, self.k, n)


def _cycle(heap: list, wakes: dict[Any, Any]) -> int | None:
    """The period (ticks) after which the quiet timers and the hopping timers are back
    in the same wheel state: the lcm of the quiet timers' periods and of the hop length
    if any other timer is hopping; None when a quiet timer is not periodic."""
    cycle = 1
    for position, _, generation, timer in heap:
        if generation != timer.generation or not timer.active:
            continue
        if timer in wakes:
            if not timer.reschedule:
                return None
            cycle = math.lcm(cycle, timer.reschedule)
        elif timer.deadline - position > TIMER_WHEEL_ENTRIES:
            cycle = math.lcm(cycle, TIMER_WHEEL_ENTRIES)
    return cycle


def _hop_regime_end(heap: list, wakes: dict[Any, Any], lag: int) -> float:
    """The first tick at which a hopping (non-quiet) timer may make its last hop."""
    end: float = _INFINITY
    for position, _, generation, timer in heap:
        if generation == timer.generation and timer.active and timer not in wakes \
                and timer.deadline - position > TIMER_WHEEL_ENTRIES:
            end = min(end, timer.deadline + lag - TIMER_WHEEL_ENTRIES)
    return end


def _shift(k: "Kernel", heap: list, wakes: dict[Any, Any], ticks: int) -> None:
    """Move the quiet timers and the hopping timers ``ticks`` (whole cycles) on."""
    moved = []
    for entry in heap:
        position, sequence, generation, timer = entry
        if generation != timer.generation or not timer.active:
            continue  # a stale entry: dropped
        if timer in wakes:
            timer.deadline += ticks
            entry = (position + ticks, sequence, generation, timer)
        elif timer.deadline - position > TIMER_WHEEL_ENTRIES:
            entry = (position + ticks, sequence, generation, timer)
        moved.append(entry)
    heap[:] = moved
    heapq.heapify(heap)


def _first_tick_quiet(k: "Kernel", heap: list, queue: list, top: int, until: int | None, isr: Any,
                      waker: Callable[[Any], Any]) -> bool:
    """Whether the first tick a jump would process (the wheel's next due slot ``top``)
    comes before everything that stops it: until, another simulated event at that tick or
    earlier, a timer that is not quiet expiring in that slot. When it does not, the jump
    would process nothing; finding that out from the entries due first (a walk down each
    heap as far as they reach) instead of from every timer and event keeps an idle moment
    of a busy run with many hosts O(due entries), not O(hosts)."""
    tick = top + k.wheel_lag
    if until is not None and until < tick:
        return False
    # Simulated events at ``tick`` or earlier: only tick interrupts may be among them.
    size = len(queue)
    pending = [0]
    while pending:
        index = pending.pop()
        entry = queue[index]
        if entry[0] > tick:
            continue
        if not _is_tick(entry[3], isr):
            return False
        child = 2 * index + 1
        if child < size:
            pending.append(child)
            if child + 1 < size:
                pending.append(child + 1)
    # Timers in the due slot: each must hop on or be a quiet expiry. Any other expiry
    # refuses at once; only then are the quiet timers' owners probed.
    sources = k.quiet_timers
    size = len(heap)
    pending = [0]
    expiring = []
    while pending:
        index = pending.pop()
        position, _, generation, timer = heap[index]
        if position > top:
            continue
        if generation == timer.generation and timer.active and timer.deadline <= position:
            if timer not in sources:
                if type(timer) is not _Cohort:
                    return False
            else:
                expiring.append(timer)   # a cohort's members are quiet while dormant
        child = 2 * index + 1
        if child < size:
            pending.append(child)
            if child + 1 < size:
                pending.append(child + 1)
    for timer in expiring:
        if waker(timer) is None:
            return False
    return True


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
        source = sources.get(timer)
        if source is None:
            return None
        probe = source[1]
        key = id(probe)
        wake = probed.get(key, _UNKNOWN)
        if wake is _UNKNOWN:
            wake = probed[key] = probe()
        return None if wake is None else (source[0], wake)

    lag = k.wheel_lag
    now = k.now
    # Cheap refusal first: the next due entry must be a hop or a quiet expiry.
    top = k._timer_heap_top()
    if top is None:
        return False
    _, _, _, first = heap[0]
    if first.deadline <= top and type(first) is not _Cohort and waker(first) is None:
        return False
    if not _first_tick_quiet(k, heap, queue, top, until, isr, waker):
        return False
    if k.__dict__.get("quiet_cohorts"):
        # Dormant hosts are brought up to date, their timers back on the wheel one by one
        # (same positions and order of arming), before time moves.
        _cohort.expand_all(k)
        top = k._timer_heap_top()
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
    if in_isr and len({wake[1][0] for wake in wakes.values()}) > 1:
        # TX_TIMER_PROCESS_IN_ISR: helper threads readied in one tick interrupt preempt
        # one another by priority (interrupt preemptions counted); not modelled here.
        return False
    cycle = _cycle(heap, wakes)
    # Periodic quiet timers (a cycle) and a timer thread: computed per timer, unless an
    # entry is overdue (the tick-by-tick pass then stops at it).
    arithmetic = cycle is not None and not in_isr and arithmetic_enabled \
        and all(position + lag >= now for position, _, generation, timer in heap
                if generation == timer.generation and timer.active)
    state = (_Arithmetic if arithmetic else _Advance)(k, wakes, lag)
    if cycle is not None:
        # Until ``bound`` every hopping timer keeps hopping by whole wheel turns.
        bound = min(stop, _hop_regime_end(heap, wakes, lag))
        # A slot due at this very tick first, and every quiet timer's first expiry (its
        # first period may differ from the others): from then on every timer was armed at
        # or before ``now`` and moves on its periodic pattern, so each cycle-long window
        # after it holds the same wheel work.
        settle = now + 1
        for timer in wakes:
            if timer.deadline + lag + 1 > settle:
                settle = timer.deadline + lag + 1
        state.run(min(settle, stop), now)
        now = settle
        window = now + cycle
        state.run(min(window, stop), now)
        # One whole cycle is done: every timer taking part was re-armed or hopped in it, so
        # the wheel's state repeats every cycle (same order of arming) until ``bound``.
        cycles = (bound - window) // cycle if state.last >= 0 and window < stop else 0
        if cycles > 0:
            _shift(k, heap, wakes, cycles * cycle)
            state.repeat(cycles)
            state.last += cycles * cycle
            now = window + cycles * cycle
    state.run(stop, now)
    sequence = state.sequence
    last, timer_runs, keepalive = state.last, state.timer_runs, state.keepalive
    k.timer_sequence = sequence
    if last < 0:
        return False
    k.keepalive_timers += keepalive
    state.apply_counts()
    if not in_isr:
        timer_thread.tx_thread_run_count += timer_runs  # type: ignore[union-attr]
    for thread, count in state.runs.items():
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


def quiet_expiries(k: "Kernel", due: list, current: int) -> set | None:
    """The quiet timers among ``due`` (the heap entries the timer thread took off the wheel
    at position ``current``, in order of arming) whose wake-ups can be absorbed in a busy
    tick, with their run counts and performance counters added here; None when none can.

    A quiet jump needs the whole system idle; with many hosts something happens nearly
    every tick (here an application thread's sleep ends), and each host's fast TCP timer
    still woke its IP thread to find nothing to do: N wake-ups every few ticks. A wake-up
    of a quiet owner is absorbed when its helper thread would run before any thread that
    is not itself absorbed: it then finds the same nothing to do. So the tick's other
    expirations must run no code (only thread sleeps and waits without cleanup end in
    it), every quiet owner with a timer due must be quiet, and, in the order the
    scheduler would pick them after the timer thread (priority, then ready-list order,
    those already ready first), every absorbed thread must come before every other. What
    the absorbed runs would have counted is added: the timer's expiration and
    reactivation, the event-flag set, get and suspension, the mutex get and put, the
    helper thread's resume, suspend and run, and a non-idle return for each (the timer
    thread's own suspension then returns to what the last helper thread's would have).

    A cohort of dormant hosts among ``due`` (netxsim.tx.quiet_cohort) is absorbed as a
    whole under the same rules; when it cannot be, the cohorts are expanded in ``due``
    into their members' own entries and the slot is looked at again. The result counts
    every absorbed expiry, a cohort's members included."""
    result = _absorb(k, due, current)
    if result is _EXPAND or result is None and k.__dict__.get("quiet_cohorts"):
        if _cohort.expand(due):
            result = _absorb(k, due, current)
        elif result is _EXPAND:
            result = None
    return result


def _absorb(k: "Kernel", due: list, current: int) -> Any:
    """quiet_expiries' work: the absorbed set, None, or _EXPAND (expand the cohorts and
    look again)."""
    if not enabled or k.trace is not None or k.trace_buffer is not None or k.timers_in_isr \
            or k.preempted_map:
        return None
    sources_get = k.quiet_timers.get
    probed: dict[Any, Any] = {}
    probed_get = probed.get
    quiet: list = []                 # each due quiet timer, in order of arming
    quiet_threads: list = []         # the helper thread each one wakes
    owners: list[tuple] = []         # (wake, where its thread became ready: order of quiet entries)
    cohorts: list[tuple] = []        # (cohort, where its threads became ready)
    order = 0                        # quiet entries (single timers and cohorts) seen so far
    dormant = k.__dict__.get("quiet_dormant")
    riders: list[tuple] = []         # (timer, dormant host): due with the host's cohort
    # The most urgent other thread made ready in this tick (priority, where).
    other_priority, other_at = k.max_priorities, 0
    for entry in due:
        timer = entry[3]
        if entry[2] != timer.generation or not timer.active or timer.deadline > current:
            continue  # stale, or a hop: no code runs
        source = sources_get(timer)
        if source is not None:
            probe = source[1]
            wake = probed_get(probe, _UNKNOWN)
            if wake is _UNKNOWN:   # the owner's first timer in this tick readies its thread
                if dormant:
                    member = dormant.get(probe)
                    if member is not None and member.cohort.deadline <= current:
                        # A dormant host's other timer (its IP periodic timer), due with
                        # its cohort: it is quiet, and its thread runs in that wake-up.
                        riders.append((timer, member))
                        continue
                wake = probe()
                if wake is None:
                    return None
                probed[probe] = wake
                owners.append((wake, order))
            quiet.append(timer)
            quiet_threads.append(wake[0])
            order += 1
            continue
        if type(timer) is _Cohort:
            cohorts.append((timer, order))
            order += 1
            continue
        thread = timer.param
        if thread is None or getattr(thread, "timer", None) is not timer or thread.delayed_suspend:
            return None  # an application timer or another callback: it may run any code
        state = thread.tx_thread_state
        if state == TX_SLEEP or state > TX_SLEEP and thread.suspend_cleanup is None:
            if thread.tx_thread_priority < other_priority:
                other_priority, other_at = thread.tx_thread_priority, order
        elif state > TX_SLEEP:
            return None  # a wait whose cleanup may change priorities
    if not quiet and not cohorts:
        return None
    # Threads ready before the tick (the timer thread aside) run before any readied now.
    ready_map = k.priority_map
    ready = k.ready[0]
    if ready_map & 1 and len(ready) == 1 and ready[0] is k.timer_thread:
        ready_map &= ~1
    ready_priority = (ready_map & -ready_map).bit_length() - 1 if ready_map else k.max_priorities
    # A quiet helper thread is absorbed when every thread the scheduler would pick before
    # it is one too: by priority, and at one priority in the order they became ready.
    absorbed: dict[Any, list] = {}   # helper thread -> [wake, expiries]
    for wake, at in owners:
        priority = wake[0].tx_thread_priority
        if priority < ready_priority and (priority < other_priority
                                          or priority == other_priority and at < other_at):
            absorbed[wake[0]] = [wake, 0]
    members = 0
    for cohort, at in cohorts:
        priority = cohort.priority
        if not (priority < ready_priority and (priority < other_priority
                                               or priority == other_priority and at < other_at)):
            return _EXPAND   # its helper threads would really run
        members += cohort.live
    for timer, member in riders:
        if member.cohort not in [cohort for cohort, _ in cohorts]:
            return _EXPAND
    if not absorbed and not cohorts:
        return None
    if len(absorbed) == len(owners):
        # Every due quiet timer's thread is absorbed (the common case): all are skipped.
        skipped = set(quiet)
    else:
        skipped = {timer for timer, thread in zip(quiet, quiet_threads) if thread in absorbed}
    if cohorts:
        # A cohort's block of arming sequence numbers may hold members that woke up and
        # are due on their own: they are re-armed in their place, so each must be absorbed.
        for entry in due:
            timer = entry[3]
            if type(timer) is not _Cohort and timer not in skipped and entry[2] == timer.generation \
                    and timer.active:
                sequence = entry[1]
                for cohort, _ in cohorts:
                    if cohort.base < sequence <= cohort.base + len(cohort.members):
                        return _EXPAND
        for cohort, _ in cohorts:
            cohort.rounds += 1
    reactivations = 0
    for timer, member in riders:
        # One more batch of events in the wake-up the cohort's round counts: added to the
        # host's event flags and mutex when it is brought up to date.
        member.extra += 1
        skipped.add(timer)
        tx_timer = sources_get(timer)[0]
        tx_timer.tx_timer_performance_expiration_count += 1
        if timer.reschedule:
            reactivations += 1
            tx_timer.tx_timer_performance_reactivate_count += 1
    for timer, thread in zip(quiet, quiet_threads):
        counts = absorbed.get(thread)
        if counts is not None:
            counts[1] += 1
            tx_timer = sources_get(timer)[0]
            tx_timer.tx_timer_performance_expiration_count += 1
            if timer.reschedule:
                reactivations += 1
                tx_timer.tx_timer_performance_reactivate_count += 1
    candidates: dict = {}
    if _cohort.enabled and (len(quiet) >= _cohort.MIN_COHORT or cohorts):
        # Owners with one absorbed expiry whose objects can go dormant (quiet_cohort).
        providers = k.__dict__.get("quiet_dormant_objects")
        if providers:
            backoff = k.__dict__.get("quiet_dormant_backoff")
            for timer, thread in zip(quiet, quiet_threads):
                counts = absorbed.get(thread)
                if counts is not None and counts[1] == 1 and timer in skipped:
                    probe = sources_get(timer)[1]
                    if probe in providers:
                        if backoff:
                            wait = backoff.get(probe)
                            if wait is not None and wait[0] > 0:
                                wait[0] -= 1   # it woke before its cohort's first round lately
                                continue
                        candidates[timer] = (probe, counts[0])
    sets = len(skipped)
    add_counts = _cohort.add_wakeup_counts
    for thread, ((_, flags, mutex), n) in absorbed.items():
        add_counts(thread, flags, mutex, n, 1)   # each set one batch of events, one wake-up
    threads = len(absorbed) + members
    sets += members
    reactivations += members
    system = k.tx_performance
    for key, n in (("timer.expiration", sets), ("timer.reactivate", reactivations),
                   ("event_flags.set", sets), ("thread.resume", threads), ("mutex.get", sets),
                   ("mutex.put", sets), ("event_flags.get", sets), ("event_flags.suspension", threads),
                   ("thread.suspend", threads), ("thread.non_idle_return", threads)):
        if n:
            system[key] = system.get(key, 0) + n
    if not cohorts and not candidates:
        return skipped   # nothing for quiet_cohort: the timer wheel re-arms each on its own
    return _cohort.Absorbed(skipped, [cohort for cohort, _ in cohorts], candidates)


__all__ = ["register_quiet_timer", "quiet_jump", "quiet_expiries"]
