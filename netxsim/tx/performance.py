"""ThreadX performance information: the ``tx_*_performance_info_get`` and
``tx_*_performance_system_info_get`` services (ThreadX ``common/src/tx_*_performance_*.c``).

In C these counters exist only when the matching ``TX_*_ENABLE_PERFORMANCE_INFO`` is
defined, and the services return TX_FEATURE_NOT_ENABLED otherwise. The simulation keeps
every counter always: what a simulation is for. The counters are bumped where ThreadX
bumps them (its ``#ifdef ..._PERFORMANCE_INFO`` blocks):

* semaphore: put, get, suspension, timeout; mutex: put, get, suspension, timeout,
  priority inversion (a more urgent thread asks for the mutex a less urgent one
  holds), priority inheritance (the owner is raised); event flags: set, get,
  suspension, timeout; queue: messages sent (front sends too), received, empty and
  full suspensions, full errors, timeouts; block pool: allocate, release, suspension,
  timeout; byte pool: allocate, release, fragments searched, merges, splits,
  suspension, timeout; timer: activate (an auto-activated create included), reactivate
  (a periodic timer re-armed after expiring), deactivate, expiration, expiration
  adjust (never: the wheel has no adjustments to make).
* thread: resumptions and suspensions (every ready/unready transition the scheduler
  sees), solicited preemptions (the thread was preempted by one a thread made ready)
  and interrupt preemptions (by one an ISR made ready), priority inversions, time
  slices (expired slices that handed the CPU to a peer), relinquishes (that handed
  it), timeouts (object waits that timed out; not sleeps), wait aborts, and the last
  thread that preempted it. System-wide, also the returns to the scheduler with
  (non-idle) or without (idle) a thread to run next when a thread suspends.

Object counters start at zero on create; the system-wide ones at zero each run.
A "timeout" is counted by the object whose wait timed out (its control block), as the
objects' ``_cleanup`` routines do; NetX's own waits count only the thread timeout.
"""
from __future__ import annotations

import importlib
from typing import Any

from . import trace as _trace
from .config import service
from .constants import TX_PTR_ERROR, TX_SUCCESS
from .perf_counters import _KINDS, _SYSTEM_EXTRA, _system, kernel


def _values(obj: Any, kind: str) -> tuple[int, ...]:
    prefix, names = _KINDS[kind]
    return tuple(getattr(obj, f"{prefix}{name}_count", 0) for name in names)


def _system_values(kind: str) -> tuple[int, ...]:
    system = _system(kernel())
    names = _KINDS[kind][1] + _SYSTEM_EXTRA.get(kind, ())
    return tuple(system.get(f"{kind}.{name}", 0) for name in names)


def _make(kind: str, type_name: str) -> tuple[Any, Any]:
    """The object and system info services of one kind (they differ only in data). As in
    C there is no separate checking layer: the service itself answers TX_PTR_ERROR for
    None or an object that is not created."""
    names = _KINDS[kind][1]
    thread = kind == "thread"
    # The trace ids and filter class of this kind (tx_trace.h spells four system ids with "__").
    upper = kind.upper()
    info_id = getattr(_trace, f"TX_TRACE_{upper}_PERFORMANCE_INFO_GET")
    system_id = getattr(_trace, f"TX_TRACE_{upper}_PERFORMANCE_SYSTEM_INFO_GET", None) \
        or getattr(_trace, f"TX_TRACE_{upper}__PERFORMANCE_SYSTEM_INFO_GET")
    event_class = getattr(_trace, f"TX_TRACE_{upper}_EVENTS")

    id_field = "tx_event_flags_group_id" if kind == "event_flags" else f"tx_{kind}_id"
    identity: list[tuple[type, int]] = []   # (control-block class, ID), found on first use

    def info_get(obj: Any) -> tuple:
        if not identity:   # the object modules import this package: look them up late, once
            mod = importlib.import_module(f"netxsim.tx.{kind}")
            identity.append((getattr(mod, type_name), mod.TX_EVENT_FLAGS_ID if kind == "event_flags"
                             else getattr(mod, f"{type_name}_ID")))
        cls, expected = identity[0]
        if not isinstance(obj, cls) or getattr(obj, id_field, None) != expected:
            return (TX_PTR_ERROR,) + (None,) * (len(names) + thread)
        tb = _trace.active
        if tb is not None:   # a valid object only, as the C records it (thread: its state too)
            tb.insert(info_id, obj, obj.tx_thread_state if thread else 0, 0, 0, event_class)
        last = (getattr(obj, "tx_thread_performance_last_preempting_thread", None),) if thread else ()
        return (TX_SUCCESS,) + _values(obj, kind) + last

    def system_info_get() -> tuple:
        tb = _trace.active
        if tb is not None:
            tb.insert(system_id, 0, 0, 0, 0, event_class)
        return (TX_SUCCESS,) + _system_values(kind)

    label = kind.replace("_", " ")
    fields = ", ".join(names + (("last_preempted_by",) if thread else ()))
    info_get.__name__ = f"_tx_{kind}_performance_info_get"
    info_get.__doc__ = (f"``tx_{kind}_performance_info_get``: (status, {fields}) of one {label}.\n\n"
                        f"    Statuses: TX_SUCCESS, TX_PTR_ERROR (None, or not a created {label}). The\n"
                        f"    counters are always kept (module docstring).\n    ")
    system_fields = ", ".join(names + _SYSTEM_EXTRA.get(kind, ()))
    system_info_get.__name__ = f"_tx_{kind}_performance_system_info_get"
    system_info_get.__doc__ = (f"``tx_{kind}_performance_system_info_get``: (status, {system_fields}),\n"
                               f"    totals over every {label} of the run.\n\n    Statuses: TX_SUCCESS.\n    ")
    from netxsim.boundary import c_service
    parameter = {"semaphore": "semaphore_ptr", "mutex": "mutex_ptr", "event_flags": "group_ptr",
                 "queue": "queue_ptr", "block_pool": "pool_ptr", "byte_pool": "pool_ptr",
                 "timer": "timer_ptr", "thread": "thread_ptr"}[kind]
    return (c_service(f"UINT tx_{kind}_performance_info_get({type_name} *{parameter})",
                      service(info_get, info_get, f"tx_{kind}_performance_info_get")),
            c_service(f"UINT tx_{kind}_performance_system_info_get(VOID)",
                      service(system_info_get, system_info_get, f"tx_{kind}_performance_system_info_get")))


tx_semaphore_performance_info_get, tx_semaphore_performance_system_info_get = \
    _make("semaphore", "TX_SEMAPHORE")
tx_mutex_performance_info_get, tx_mutex_performance_system_info_get = \
    _make("mutex", "TX_MUTEX")
tx_event_flags_performance_info_get, tx_event_flags_performance_system_info_get = \
    _make("event_flags", "TX_EVENT_FLAGS_GROUP")
tx_queue_performance_info_get, tx_queue_performance_system_info_get = \
    _make("queue", "TX_QUEUE")
tx_block_pool_performance_info_get, tx_block_pool_performance_system_info_get = \
    _make("block_pool", "TX_BLOCK_POOL")
tx_byte_pool_performance_info_get, tx_byte_pool_performance_system_info_get = \
    _make("byte_pool", "TX_BYTE_POOL")
tx_timer_performance_info_get, tx_timer_performance_system_info_get = \
    _make("timer", "TX_TIMER")
tx_thread_performance_info_get, tx_thread_performance_system_info_get = \
    _make("thread", "TX_THREAD")

