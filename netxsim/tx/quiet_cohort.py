"""Dormant quiet hosts: the wake-ups of many quiet helper threads absorbed as one.

In a busy run with many hosts, :func:`netxsim.tx.quiet.quiet_expiries` absorbs each quiet
host's periodic wake-up (NetX's fast TCP timer, every 10 ticks) in the timer thread's pass
over the wheel slot: a probe of the host, its counts added, its timer taken off the wheel
and re-armed. That is a few microseconds per host every 10 ticks, so a run of N hosts
lasting O(N) ticks costs O(N^2).

Once a host's wake-up has been absorbed, nothing about it changes until something touches
it, so its next wake-ups need not be looked at one by one. Its timer goes into a *cohort*:
the quiet timers re-armed one after another in the same slot, which sit on the wheel as
one entry holding a block of consecutive arming sequence numbers (the entry ``base``,
member ``i`` ``base + 1 + i``), so the order of arming against every other timer is the
one the members would have had. When the cohort's slot comes, the timer thread absorbs it as a whole: one
heap entry taken off and put back, the system-wide counters added in bulk, and a round
counted; each member's own counts (run count of its helper thread, event-flag, mutex,
thread and timer performance counters, the timer's deadline) are added when it is
brought up to date. A dormant host's other quiet timer due in the cohort's slot (the IP
periodic timer) rides along: one more batch of events in the same wake-up.

A member is *dormant*: the objects whose state its quiescence depends on or its counts
live in (the IP instance, its helper thread, event flags, mutex, the timer's ``TX_TIMER``
and its TCP sockets) are switched to a subclass of their own class whose attribute access (read,
write or delete) first brings the whole host up to date, then switches the objects back.
Every path that could observe or end the host's quiescence goes through an attribute of
one of those objects (a service called on it, a frame delivered, its mutex taken, its
flags set, its thread's priority changed or information read, its counters read,
tracing registering it), so that is the one place where a host wakes, and nothing can
see it stale. A woken member's timer goes back on the wheel as its own entry, with the
sequence number it holds in the block; if it is quiet again when the slot comes, it is
absorbed and rejoins the cohort. A host woken before its cohort's first round (a
broadcast wakes every host) is absorbed on its own for a few slots before it tries again.
A host with an object whose class cannot switch (a compiled extension type) stays awake.

Everything that the cohort's round cannot do as a whole (tracing on, the shortcut off, an
expiry in the slot that runs code, a member that would not run before every other thread
made ready, a woken member due in its place that is not absorbed) expands the cohorts of the slot into
their members' own entries first, and the slot is processed as before. A quiet jump
expands every cohort before it moves time. ``enabled = False`` forms no cohorts.
"""
from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from .kernel import Kernel

# Set False to form no cohorts (every absorbed wake-up is then re-armed on its own).
enabled = True
# Hosts go dormant only from a slot absorbing at least this many quiet timers (or holding
# a cohort already): for a few hosts, absorbing each wake-up costs less than sending them
# to sleep and waking them (and an object that has switched class once keeps a plain
# instance dictionary, a little slower to read, for the rest of its life).
MIN_COHORT = 16


class Cohort:
    """Quiet periodic timers due in one slot, re-armed as one wheel entry.

    It stands in the timer heap like an ``InternalTimer`` (``generation``, ``active``,
    ``deadline``) so that every walk of the heap reads it; its entry is stale once it is
    expanded or holds no member."""

    __slots__ = ("generation", "active", "deadline", "keeps_alive", "reschedule", "param", "kernel",
                 "base", "previous_base", "members", "joined", "rounds", "live", "priority")

    def __init__(self, k: "Kernel", position: int, base: int, reschedule: int, priority: int) -> None:
        self.generation = 0
        self.active = True
        self.keeps_alive = False
        self.param = None
        self.kernel = k
        self.deadline = position        # its wheel position (a member never hops: period < 32)
        self.reschedule = reschedule
        self.base = base                # arming sequence number of its entry; member i holds base + 1 + i
        self.previous_base = base
        self.members: list[Any] = []    # _Member, or None where a member left
        self.joined: list[int] = []     # rounds already counted for each member
        self.rounds = 0                 # slots absorbed as a whole
        self.live = 0
        self.priority = priority        # of every member's helper thread


class _Member:
    """A dormant host: its objects (and their own classes), where it sits in its cohort,
    and what one absorbed wake-up adds to its counters."""

    __slots__ = ("cohort", "index", "objects", "timer", "tx_timer", "thread", "flags", "mutex", "probe", "extra")

    def __init__(self, cohort: Cohort, index: int, objects: list, timer: Any, tx_timer: Any, wake: tuple,
                 probe: Any) -> None:
        self.cohort = cohort
        self.index = index
        self.objects = objects
        self.timer = timer
        self.tx_timer = tx_timer
        self.thread, self.flags, self.mutex = wake
        self.probe = probe
        self.extra = 0   # batches of events of its other timers, absorbed with its cohort


# Each object switched to a dormant class holds its host in this attribute (on the object,
# so that nothing global keeps a finished run alive).
_MEMBER = "_netxsim_dormant"
_dormant_classes: dict[type, type] = {}
_originals: dict[type, type] = {}


def _wake_object(obj: Any) -> None:
    member = object.__getattribute__(obj, "__dict__").get(_MEMBER)
    if member is not None:
        _bring_up_to_date(member, None)
    else:   # not expected: never leave an object in a class that cannot serve it
        object.__setattr__(obj, "__class__", _originals[type(obj)])


def _dormant_class(cls: type) -> type:
    """``cls`` whose instances bring their host up to date on any attribute access."""
    dormant = _dormant_classes.get(cls)
    if dormant is None:
        def __getattribute__(self: Any, name: str) -> Any:
            _wake_object(self)
            return getattr(self, name)   # the object's own class again

        def __setattr__(self: Any, name: str, value: Any) -> None:
            _wake_object(self)
            setattr(self, name, value)

        def __delattr__(self: Any, name: str) -> None:
            _wake_object(self)
            delattr(self, name)

        dormant = type(cls.__name__, (cls,), {
            "__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__,
            "__getattribute__": __getattribute__, "__setattr__": __setattr__, "__delattr__": __delattr__})
        _dormant_classes[cls] = dormant
        _originals[dormant] = cls
    return dormant


def _cohorts(k: "Kernel") -> set:
    cohorts = k.__dict__.get("quiet_cohorts")
    if cohorts is None:
        cohorts = k.quiet_cohorts = set()
    return cohorts


def register_dormant_objects(k: "Kernel", probe: Any, objects: Callable[[], Iterable[Any]]) -> None:
    """Let the owner of ``probe`` (a quiet-timer probe, see
    :func:`netxsim.tx.quiet.register_quiet_timer`) go dormant: ``objects()`` names every
    object, besides its helper thread, event flags, mutex and timers, through which its
    quiescence can be observed or ended (for an IP instance: itself and its TCP
    sockets)."""
    providers = k.__dict__.get("quiet_dormant_objects")
    if providers is None:
        providers = k.quiet_dormant_objects = {}
    providers[probe] = objects


def _go_dormant(k: "Kernel", cohort: Cohort, index: int, timer: Any, probe: Any, wake: tuple) -> _Member | None:
    provider = k.__dict__["quiet_dormant_objects"][probe]
    tx_timer = k.quiet_timers[timer][0]
    objects: list = []
    seen: set[int] = set()
    # Not the InternalTimer: the wheel reads stale entries of it (their generation and
    # active flag do not change while it sleeps); only its deadline is left behind, and
    # that is read through its TX_TIMER.
    for obj in (*provider(), *wake, tx_timer):
        if id(obj) not in seen:
            seen.add(id(obj))
            objects.append(obj)
    member = _Member(cohort, index, objects, timer, tx_timer, wake, probe)
    switched = []
    try:
        for obj in objects:
            cls = type(obj)
            if cls in _originals:
                raise TypeError("already dormant")   # not expected: the host was just probed
            object.__setattr__(obj, _MEMBER, member)   # needs a __dict__ (a compiled type has none)
            switched.append((obj, cls))
            obj.__class__ = _dormant_class(cls)
    except (TypeError, AttributeError):   # one that cannot switch: the host stays awake
        for obj, cls in switched:
            object.__setattr__(obj, "__class__", cls)
            object.__getattribute__(obj, "__dict__").pop(_MEMBER, None)
        return None
    dormant = k.__dict__.get("quiet_dormant")
    if dormant is None:
        dormant = k.quiet_dormant = {}
    dormant[probe] = member
    return member


def add_wakeup_counts(thread: Any, flags: Any, mutex: Any, batches: int, wakeups: int) -> None:
    """Add to a helper thread and its event flags and mutex the counts of ``wakeups``
    absorbed wake-ups that handled ``batches`` batches of events: each batch an event-flag
    set and get and a mutex get and put; each wake-up a resume, a run, and the last get
    suspending the thread again."""
    flags.tx_event_flags_group_performance_set_count += batches
    flags.tx_event_flags_group_performance_get_count += batches
    flags.tx_event_flags_group_performance_suspension_count += wakeups
    mutex.tx_mutex_performance_get_count += batches
    mutex.tx_mutex_performance_put_count += batches
    thread.tx_thread_performance_resume_count += wakeups
    thread.tx_thread_performance_suspend_count += wakeups
    thread.tx_thread_run_count += wakeups


def _bring_up_to_date(member: _Member, into: list | None) -> None:
    """Wake ``member``: switch its objects back, add the counts of the rounds its cohort
    absorbed since it joined, and put its timer back on the wheel (or into ``into``, the
    slot being processed) with the sequence number it holds in the block."""
    for obj in member.objects:
        object.__setattr__(obj, "__class__", _originals[type(obj)])
        object.__delattr__(obj, _MEMBER)
    cohort = member.cohort
    k = cohort.kernel
    del k.quiet_dormant[member.probe]
    index = member.index
    rounds = cohort.rounds - cohort.joined[index]
    # A host woken before its cohort's first round gained nothing (a broadcast wakes every
    # host, say): it is absorbed on its own for the next 1, 2, 4 ... 16 slots before it
    # tries again (quiet_expiries counts them down).
    backoff = k.__dict__.get("quiet_dormant_backoff")
    if backoff is None:
        backoff = k.quiet_dormant_backoff = {}
    if rounds:
        backoff.pop(member.probe, None)
    else:
        wait = backoff.get(member.probe)
        step = 1 if wait is None else min(wait[1] * 2, 16)
        backoff[member.probe] = [step, step]
    cohort.members[index] = None
    cohort.live -= 1
    if rounds:   # one fast-timer expiry per absorbed wake-up (quiet_expiries)
        tx_timer = member.tx_timer
        tx_timer.tx_timer_performance_expiration_count += rounds
        tx_timer.tx_timer_performance_reactivate_count += rounds
    if rounds or member.extra:
        add_wakeup_counts(member.thread, member.flags, member.mutex, rounds + member.extra, rounds)
    timer = member.timer
    timer.deadline = cohort.deadline
    entry = (cohort.deadline, cohort.base + 1 + index, timer.generation, timer)
    if into is not None:
        into.append(entry)
    else:
        heapq.heappush(k.timer_heap, entry)
        if not cohort.live:   # its entry is stale now; the member's own stands in the slot
            cohort.generation += 1
            _cohorts(k).discard(cohort)


def expand(due: list) -> bool:
    """Replace each cohort among ``due`` (a slot taken off the wheel) by its members' own
    entries, members brought up to date; return whether there was one."""
    found = False
    for entry in due:
        cohort = entry[3]
        if type(cohort) is Cohort and entry[2] == cohort.generation:
            found = True
            break
    if not found:
        return False
    kept = []
    for entry in due:
        cohort = entry[3]
        if type(cohort) is not Cohort:
            kept.append(entry)
            continue
        if entry[2] != cohort.generation:
            continue
        _dissolve(cohort, kept)
        _cohorts(cohort.kernel).discard(cohort)
    kept.sort(key=lambda entry: (entry[0], entry[1]))   # as taken off the wheel
    due[:] = kept
    return True


def expand_all(k: "Kernel") -> None:
    """Bring every dormant host of ``k`` up to date (before a quiet jump moves time)."""
    cohorts = k.__dict__.get("quiet_cohorts")
    if not cohorts:
        return
    for cohort in list(cohorts):
        _dissolve(cohort, None)
    cohorts.clear()


def _dissolve(cohort: Cohort, into: list | None) -> None:
    """Bring every member of ``cohort`` up to date (their entries into ``into``, else onto
    the wheel) and make its own entry stale."""
    for member in cohort.members:
        if member is not None:
            _bring_up_to_date(member, into)
    cohort.generation += 1


def rearm(k: "Kernel", absorbed: Any, timer: Any, sequence: int, slot: int) -> int:
    """Re-arm an absorbed periodic ``timer`` (its old arming ``sequence``) at wheel
    position ``slot``, in a cohort when it can be: the sequence number a lone timer
    would get is taken here as the timer thread takes it. Returns 0 when the timer went
    into a cohort, else the sequence number to push it with."""
    held = absorbed.hole_cohort(sequence)
    if held is not None:
        # It held a place in the block of a cohort absorbed in this slot: it keeps it.
        index = sequence - held.previous_base - 1
        new_sequence = held.base + 1 + index
        candidate = absorbed.candidates.get(timer)
        if candidate is not None and enabled and candidate[1][0].tx_thread_priority == held.priority \
                and timer.reschedule == held.reschedule:
            member = _go_dormant(k, held, index, timer, *candidate)
            if member is None:
                return new_sequence
            held.members[index] = member
            held.joined[index] = held.rounds
            held.live += 1
            return 0
        return new_sequence
    k.timer_sequence += 1
    new_sequence = k.timer_sequence
    candidate = absorbed.candidates.get(timer)
    if candidate is None or not enabled or timer.reschedule >= 32:
        return new_sequence
    priority = candidate[1][0].tx_thread_priority
    forming = absorbed.forming
    if forming is None or forming.deadline != slot or forming.priority != priority \
            or forming.reschedule != timer.reschedule or forming.base + 1 + len(forming.members) != new_sequence \
            or forming.generation:
        # A new block: its own entry's sequence number, then one per member.
        k.timer_sequence += 1
        forming = Cohort(k, slot, new_sequence, timer.reschedule, priority)
        member = _go_dormant(k, forming, 0, timer, *candidate)
        if member is None:
            return new_sequence
        absorbed.forming = forming
        heapq.heappush(k.timer_heap, (slot, new_sequence, 0, forming))
        _cohorts(k).add(forming)
        k._tick_event_for(slot)
    else:
        member = _go_dormant(k, forming, len(forming.members), timer, *candidate)
        if member is None:
            absorbed.forming = None   # the next one starts a new block
            return new_sequence
    forming.members.append(member)
    forming.joined.append(forming.rounds)
    forming.live += 1
    return 0


def rearm_cohort(k: "Kernel", cohort: Cohort, slot: int) -> None:
    """Re-arm an absorbed cohort as a whole at ``slot``: a new block of sequence numbers,
    one per place (members that left keep theirs for when they rejoin)."""
    cohort.previous_base = cohort.base
    cohort.base = k.timer_sequence + 1
    k.timer_sequence += len(cohort.members) + 1
    cohort.deadline = slot
    heapq.heappush(k.timer_heap, (slot, cohort.base, cohort.generation, cohort))
    k._tick_event_for(slot)


class Absorbed(set):
    """What :func:`netxsim.tx.quiet.quiet_expiries` absorbed in one slot: the single
    timers (the set) and whole cohorts; its length counts every absorbed expiry."""

    def __init__(self, timers: Iterable[Any], cohorts: list, candidates: dict) -> None:
        super().__init__(timers)
        self.cohorts = cohorts
        self.members = sum(cohort.live for cohort in cohorts)
        self.candidates = candidates    # timer -> (probe, wake) of owners that may go dormant
        self.forming: Cohort | None = None

    def __len__(self) -> int:
        return set.__len__(self) + self.members

    def __bool__(self) -> bool:
        return True

    def hole_cohort(self, sequence: int) -> Cohort | None:
        for cohort in self.cohorts:
            if cohort.previous_base < sequence <= cohort.previous_base + len(cohort.members):
                return cohort
        return None


__all__ = ["Cohort", "Absorbed", "enabled", "expand", "expand_all", "register_dormant_objects"]
