"""Timers: the kernel's internal timer (``TX_TIMER_INTERNAL``), application timers
(``tx_timer_*``, ``tx_timer*.c``) and the system clock (``tx_time_get/set``).

A timer armed with r ticks fires during the r-th tick after it was armed; every
expiration runs in the system timer thread (priority 0), FIFO in order of arming.
A periodic timer is re-armed after its callback returns, counted from the tick it
fired on, so its period has no drift.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .constants import (
    TX_ACTIVATE_ERROR, TX_AUTO_ACTIVATE, TX_CALLER_ERROR, TX_INITIALIZE_IN_PROGRESS, TX_NO_ACTIVATE,
    TX_SUCCESS, TX_TICK_ERROR, TX_TIMER_ERROR,
)
from . import trace as _trace
from . import kernel as _kernel_module
from .kernel import kernel

TX_TIMER_ID = 0x4154494D


class InternalTimer:
    """``TX_TIMER_INTERNAL``: what the kernel arms for sleeps, wait timeouts and timers."""

    __slots__ = ("callback", "param", "keeps_alive", "active", "deadline", "generation",
                 "remaining", "reschedule", "pending_reactivate")

    def __init__(self, callback: Callable[[Any], None] | None, param: Any,
                 keeps_alive: bool = True) -> None:
        self.callback = callback
        self.param = param
        # Whether an armed timer keeps a run alive (application work does; the
        # simulation's own housekeeping timers do not).
        self.keeps_alive = keeps_alive
        self.active = False
        self.deadline = 0
        self.generation = 0
        self.remaining = 0
        self.reschedule = 0
        self.pending_reactivate = False

    def expire(self) -> None:
        self.callback(self.param)  # type: ignore[misc]


@control_block
class TX_TIMER:
    """Application timer control block."""

    def __init__(self) -> None:
        self.tx_timer_id = 0
        self.tx_timer_name = ""
        self.tx_timer_internal = InternalTimer(None, None)
        self.kernel: Any = None

    @property
    def name(self) -> str:
        return self.tx_timer_name

    def __repr__(self) -> str:
        return f"<TX_TIMER {self.tx_timer_name!r}>"


_perf_declare(TX_TIMER, "timer")  # its counters read 0 until bumped


def _kernel():
    return _kernel_module._current or kernel()  # the running kernel without a second call


def _valid(timer: object) -> bool:
    return timer is not None and timer.tx_timer_id == TX_TIMER_ID


def _remaining(timer: TX_TIMER) -> int:
    internal = timer.tx_timer_internal
    if internal.active:
        return timer.kernel.timer_remaining(internal)
    if internal.pending_reactivate:
        return 0  # inside its own callback: expired, not yet re-armed
    return internal.remaining


def _activate(timer: TX_TIMER) -> None:
    internal = timer.tx_timer_internal
    timer.kernel.timer_activate(internal, internal.remaining)


def _tx_timer_create(timer: TX_TIMER, name: str, expiration_function: Callable[[Any], None],
                     expiration_input: Any, initial_ticks: int, reschedule_ticks: int,
                     auto_activate: int) -> int:
    """``tx_timer_create``: an application timer calling ``expiration_function(input)`` in
    timer context after ``initial_ticks``, then every ``reschedule_ticks`` (0: one-shot).

    Statuses: TX_SUCCESS, TX_TIMER_ERROR (None or already created), TX_TICK_ERROR
    (initial_ticks 0), TX_ACTIVATE_ERROR (bad auto_activate), TX_CALLER_ERROR.
    """
    k = _kernel()
    memset_control_block(timer)
    timer.tx_timer_id = TX_TIMER_ID
    timer.tx_timer_name = name
    timer.kernel = k
    internal = InternalTimer(lambda _: _expire(timer), None)
    internal.remaining = initial_ticks
    internal.reschedule = reschedule_ticks
    timer.tx_timer_internal = internal
    timer.expiration_function = expiration_function
    timer.expiration_input = expiration_input
    k.register("timer", timer)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_TIMER, timer, timer.name, initial_ticks, reschedule_ticks)
        tb.insert(_trace.TX_TRACE_TIMER_CREATE, timer, initial_ticks, reschedule_ticks, auto_activate,
                  _trace.TX_TRACE_TIMER_EVENTS)
    _perf_reset(timer, "timer")
    if auto_activate == TX_AUTO_ACTIVATE:
        _perf(timer, "timer", "activate", k)
        _activate(timer)
    return TX_SUCCESS


def _expire(timer: TX_TIMER) -> None:
    _perf(timer, "timer", "expiration", timer.kernel)
    timer.expiration_function(timer.expiration_input)
    if timer.tx_timer_internal.pending_reactivate:
        _perf(timer, "timer", "reactivate", timer.kernel)


def _txe_timer_create(timer: TX_TIMER, name: str, expiration_function: Callable[[Any], None],
                      expiration_input: Any, initial_ticks: int, reschedule_ticks: int,
                      auto_activate: int) -> int:
    k = _kernel()
    if timer is None or (_valid(timer) and timer in k.created.get("timer", [])):
        return TX_TIMER_ERROR
    if initial_ticks == 0:
        return TX_TICK_ERROR
    if auto_activate not in (TX_AUTO_ACTIVATE, TX_NO_ACTIVATE):
        return TX_ACTIVATE_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_timer_create(timer, name, expiration_function, expiration_input, initial_ticks,
                            reschedule_ticks, auto_activate)


tx_timer_create = c_service(
    "UINT tx_timer_create(TX_TIMER *timer_ptr, CHAR *name_ptr, VOID (*expiration_function)(ULONG input), ULONG expiration_input /* or object */, ULONG initial_ticks, ULONG reschedule_ticks, UINT auto_activate)",
    service(_txe_timer_create, _tx_timer_create))


def _tx_timer_activate(timer: TX_TIMER) -> int:
    """``tx_timer_activate``: start the countdown from the remaining ticks.

    Statuses: TX_SUCCESS, TX_ACTIVATE_ERROR (already active, or nothing left, e.g. an
    expired one-shot timer), TX_TIMER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIMER_ACTIVATE, timer, 0, 0, 0, _trace.TX_TRACE_TIMER_EVENTS)
    internal = timer.tx_timer_internal
    if internal.active or internal.pending_reactivate or internal.remaining == 0:
        return TX_ACTIVATE_ERROR
    _perf(timer, "timer", "activate", timer.kernel)
    _activate(timer)
    return TX_SUCCESS


def _txe_timer_activate(timer: TX_TIMER) -> int:
    if not _valid(timer):
        return TX_TIMER_ERROR
    return _tx_timer_activate(timer)


tx_timer_activate = c_service(
    "UINT tx_timer_activate(TX_TIMER *timer_ptr)",
    service(_txe_timer_activate, _tx_timer_activate))


def _tx_timer_deactivate(timer: TX_TIMER) -> int:
    """``tx_timer_deactivate``: stop the timer, remembering the ticks it had left.

    Statuses: TX_SUCCESS (also when already inactive), TX_TIMER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIMER_DEACTIVATE, timer, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_TIMER_EVENTS)
    internal = timer.tx_timer_internal
    _perf(timer, "timer", "deactivate", timer.kernel)
    if internal.active:
        left = timer.kernel.timer_deactivate(internal)
        # Due later in this very tick: ThreadX treats it as expired and keeps the period.
        internal.remaining = left if left > 0 else internal.reschedule
    elif internal.pending_reactivate:
        # Deactivated from its own callback: the next activate starts a full period.
        internal.pending_reactivate = False
        internal.remaining = internal.reschedule
    return TX_SUCCESS


def _txe_timer_deactivate(timer: TX_TIMER) -> int:
    if not _valid(timer):
        return TX_TIMER_ERROR
    return _tx_timer_deactivate(timer)


tx_timer_deactivate = c_service(
    "UINT tx_timer_deactivate(TX_TIMER *timer_ptr)",
    service(_txe_timer_deactivate, _tx_timer_deactivate))


def _tx_timer_change(timer: TX_TIMER, initial_ticks: int, reschedule_ticks: int) -> int:
    """``tx_timer_change``: new initial and reschedule ticks; an active timer is left
    unchanged and TX_SUCCESS is still returned, as ThreadX does.

    Statuses: TX_SUCCESS, TX_TIMER_ERROR, TX_TICK_ERROR, TX_CALLER_ERROR (from init).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIMER_CHANGE, timer, initial_ticks, reschedule_ticks, 0,
                  _trace.TX_TRACE_TIMER_EVENTS)
    internal = timer.tx_timer_internal
    if not internal.active and not internal.pending_reactivate:
        internal.remaining = initial_ticks
        internal.reschedule = reschedule_ticks
    return TX_SUCCESS


def _txe_timer_change(timer: TX_TIMER, initial_ticks: int, reschedule_ticks: int) -> int:
    if not _valid(timer):
        return TX_TIMER_ERROR
    if initial_ticks == 0:
        return TX_TICK_ERROR
    if _kernel().system_state >= TX_INITIALIZE_IN_PROGRESS:
        return TX_CALLER_ERROR
    return _tx_timer_change(timer, initial_ticks, reschedule_ticks)


tx_timer_change = c_service(
    "UINT tx_timer_change(TX_TIMER *timer_ptr, ULONG initial_ticks, ULONG reschedule_ticks)",
    service(_txe_timer_change, _tx_timer_change))


def _tx_timer_delete(timer: TX_TIMER) -> int:
    """``tx_timer_delete``: deactivate and delete the timer.

    Statuses: TX_SUCCESS, TX_TIMER_ERROR, TX_CALLER_ERROR (init, ISR or timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIMER_DELETE, timer, 0, 0, 0, _trace.TX_TRACE_TIMER_EVENTS)
        tb.unregister(timer)
    internal = timer.tx_timer_internal
    timer.kernel.timer_deactivate(internal)
    internal.pending_reactivate = False
    timer.kernel.unregister("timer", timer)
    timer.tx_timer_id = 0
    return TX_SUCCESS


def _txe_timer_delete(timer: TX_TIMER) -> int:
    if not _valid(timer):
        return TX_TIMER_ERROR
    k = _kernel()
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_timer_delete(timer)


tx_timer_delete = c_service(
    "UINT tx_timer_delete(TX_TIMER *timer_ptr)",
    service(_txe_timer_delete, _tx_timer_delete))


def _tx_timer_info_get(timer: TX_TIMER) -> tuple:
    """``tx_timer_info_get``: returns (status, name, active, remaining_ticks,
    reschedule_ticks, next_timer).

    Statuses: TX_SUCCESS, TX_TIMER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIMER_INFO_GET, timer, tb.stack_marker(), 0, 0,
                  _trace.TX_TRACE_TIMER_EVENTS)
    internal = timer.tx_timer_internal
    active = 1 if internal.active or internal.pending_reactivate else 0
    return (TX_SUCCESS, timer.tx_timer_name, active, _remaining(timer), internal.reschedule,
            timer.kernel.next_created("timer", timer))


def _txe_timer_info_get(timer: TX_TIMER) -> tuple:
    if not _valid(timer):
        return (TX_TIMER_ERROR,) + (None,) * 5
    return _tx_timer_info_get(timer)


tx_timer_info_get = c_service(
    "UINT tx_timer_info_get(TX_TIMER *timer_ptr)",
    service(_txe_timer_info_get, _tx_timer_info_get))


def tx_time_get() -> int:
    """``tx_time_get``: the 32-bit tick clock (wraps at 2**32)."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIME_GET, (tb.kernel.now + tb.kernel.clock_offset) & 0xFFFFFFFF,
                  tb.stack_marker(), 0, 0, _trace.TX_TRACE_TIME_EVENTS)
    k = _kernel_module._current or kernel()
    return (int(k.env._now) + k.clock_offset) & 0xFFFFFFFF  # Kernel.now, inline


tx_time_get = c_service("ULONG tx_time_get(VOID)", tx_time_get)


def tx_time_set(new_time: int) -> None:
    """``tx_time_set``: overwrite the clock; armed timers are relative and unaffected."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_TIME_SET, new_time, 0, 0, 0, _trace.TX_TRACE_TIME_EVENTS)
    k = _kernel()
    k.clock_offset = (new_time - k.now) & 0xFFFFFFFF


tx_time_set = c_service("VOID tx_time_set(ULONG new_time)", tx_time_set)


__all__ = ["TX_TIMER", "tx_timer_create", "tx_timer_activate", "tx_timer_deactivate",
           "tx_timer_change", "tx_timer_delete", "tx_timer_info_get", "tx_time_get", "tx_time_set"]
