"""Chrome Trace Event JSON (the format Perfetto and chrome://tracing open) for a trace:
a track per thread with its running slices and states, instant events for every
ThreadX/NetX event, counters for pool occupancy."""
from __future__ import annotations

from typing import Any

from .model import build_pools, build_timeline
from .trx import ISR_THREAD, Trace, parse_trx

TICKS_PER_SECOND = 100


def chrome_trace(data: Any, cycles_per_tick: int = 10_000) -> dict[str, Any]:
    """The trace as a Chrome Trace Event document (``{"traceEvents": [...]}``); time stamps
    in microseconds, from cycles at ``cycles_per_tick`` and 100 ticks per second."""
    if hasattr(data, "trace_buffer") and hasattr(data, "kernel"):   # a run
        data = data.trace_buffer
    trace = data if isinstance(data, Trace) else parse_trx(data)
    scale = 1e6 / (cycles_per_tick * TICKS_PER_SECOND)
    timeline = build_timeline(trace, "time")
    events: list[dict[str, Any]] = [{"ph": "M", "pid": 1, "name": "process_name", "args": {"name": "netxsim"}}]
    tids: dict[str, int] = {}
    for tid, row in enumerate(timeline.rows, start=1):
        tids[row.name] = tid
        label = row.name + (f" (priority {row.priority})" if row.priority is not None else "")
        events.append({"ph": "M", "pid": 1, "tid": tid, "name": "thread_name", "args": {"name": label}})
        events.append({"ph": "M", "pid": 1, "tid": tid, "name": "thread_sort_index", "args": {"sort_index": tid}})
        for span in row.running:
            events.append({"ph": "X", "pid": 1, "tid": tid, "name": "running", "cat": "scheduler",
                           "ts": span.start * scale, "dur": max(span.end - span.start, 1) * scale})
        for span in row.spans:
            if span.state not in ("ready",):
                events.append({"ph": "X", "pid": 2, "tid": tid, "name": span.state + (f" {span.detail}" if span.detail else ""),
                               "cat": "state", "ts": span.start * scale, "dur": max(span.end - span.start, 1) * scale})
    events.append({"ph": "M", "pid": 2, "name": "process_name", "args": {"name": "thread states"}})
    isr_tid = len(timeline.rows) + 1
    events.append({"ph": "M", "pid": 1, "tid": isr_tid, "name": "thread_name", "args": {"name": "interrupts"}})
    for span in timeline.interrupts:
        events.append({"ph": "X", "pid": 1, "tid": isr_tid, "name": span.detail, "cat": "interrupt",
                       "ts": span.start * scale, "dur": max(span.end - span.start, 1) * scale})
    for event in trace.events:
        tid = isr_tid if event.thread == ISR_THREAD else tids.get(trace.name_of(event.thread), 0)
        args = {f"info_{n}": (trace.name_of(v) if v in trace.objects else f"0x{v:X}")
                for n, v in enumerate(event.info, start=1)}
        events.append({"ph": "i", "s": "t", "pid": 1, "tid": tid, "name": event.name, "cat": "event",
                       "ts": event.time * scale, "args": args})
    for pool in build_pools(trace, "time"):
        for x, free in pool.points:
            events.append({"ph": "C", "pid": 1, "name": f"{pool.name} free", "ts": x * scale, "args": {"free": free}})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


__all__ = ["chrome_trace"]
