"""Real-time pacing: simulated tick N happens at wall time start + N / TX_TIMER_TICKS_PER_SECOND.

A simulation normally runs as fast as it can. To meet a real peer (a Linux stack
through a TAP device) its clock must follow the wall clock. :class:`RealTimePacer`
is the kernel's optional ``pacer`` hook: the run loop calls it before it processes
the next simpy event, and the pacer waits until the wall clock reaches that event's
tick. While it waits it watches file descriptors (the TAP devices); when one becomes
readable it schedules the source's read at the tick the wall clock is in, so a frame
is delivered within the tick it arrives. A heartbeat event every tick keeps the
clock moving (and the wait short) while nothing else is scheduled, and an activity
probe keeps the run alive while a source is attached: a real peer may always send.

The simulation cannot run ahead of the wall clock, only behind it (when the Python
work of one tick takes more than a tick). Lateness is measured for every tick that
has an event, as the wall time the tick's first event was processed minus the tick's
start, and :meth:`RealTimePacer.report` sums it up at the end of a run.
"""
from __future__ import annotations

import math
import select
import time
from dataclasses import dataclass
from typing import Any, Callable

from netxsim.tx.constants import TX_TIMER_TICKS_PER_SECOND
from netxsim.tx.kernel import Kernel


@dataclass(frozen=True)
class PacingReport:
    """Timing of a paced run: how far the simulation fell behind the wall clock."""

    ticks: int  # simulated ticks covered
    paced_ticks: int  # ticks that had at least one event (lateness measured)
    max_lateness: float  # seconds
    mean_lateness: float  # seconds, over paced_ticks
    ticks_late: int  # ticks processed after the next tick had already begun
    reads: int  # source reads scheduled (readable descriptors seen)
    wall_seconds: float

    def __str__(self) -> str:
        return (f"real-time pacing: {self.ticks} ticks in {self.wall_seconds:.2f} s wall; lateness "
                f"max {self.max_lateness * 1000:.1f} ms, mean {self.mean_lateness * 1000:.2f} ms; "
                f"{self.ticks_late} of {self.paced_ticks} paced ticks more than one tick late")


class _Source:
    __slots__ = ("fd", "on_readable", "scheduled")

    def __init__(self, fd: int, on_readable: Callable[[], None]) -> None:
        self.fd = fd
        self.on_readable = on_readable
        self.scheduled = False


class RealTimePacer:
    """The real-time pacing hook of one kernel (module docstring)."""

    def __init__(self, kernel: Kernel, ticks_per_second: int = TX_TIMER_TICKS_PER_SECOND,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.kernel = kernel
        self.ticks_per_second = ticks_per_second
        self.clock = clock
        self.sleep = sleep
        self.start: float | None = None  # wall time of tick 0
        self.start_tick = 0
        self.sources: list[_Source] = []
        self._last_tick = -1
        self._lateness_sum = 0.0
        self._max_lateness = 0.0
        self._paced_ticks = 0
        self._ticks_late = 0
        self._reads = 0
        self._heartbeat_armed = False
        self._last_wall: float | None = None

    # -------------------------------------------------------------- install
    @classmethod
    def of(cls, kernel: Kernel, **options: Any) -> RealTimePacer:
        """The kernel's pacer, installed on first use (``kernel.pacer``); ``options`` are
        constructor keywords, used only when this call installs it."""
        pacer = kernel.pacer
        if isinstance(pacer, cls):
            return pacer
        if pacer is not None:
            raise RuntimeError(f"kernel already has another pacer: {pacer!r}")
        pacer = cls(kernel, **options)
        kernel.pacer = pacer
        kernel.activity_probes.append(lambda: bool(pacer.sources))
        return pacer

    def add_source(self, fd: int, on_readable: Callable[[], None]) -> None:
        """Watch ``fd``; call ``on_readable()`` (ISR context) in the tick it becomes readable."""
        self.sources.append(_Source(fd, on_readable))
        self._arm_heartbeat()

    def remove_source(self, fd: int) -> None:
        self.sources = [source for source in self.sources if source.fd != fd]

    def _arm_heartbeat(self) -> None:
        if self._heartbeat_armed or not self.sources:
            return
        self._heartbeat_armed = True
        self.kernel.env.timeout(1).callbacks.append(self._heartbeat)

    def _heartbeat(self, _event: object) -> None:
        self._heartbeat_armed = False
        self._arm_heartbeat()

    # ------------------------------------------------------------------ pace
    def deadline(self, tick: float) -> float:
        assert self.start is not None
        return self.start + (tick - self.start_tick) / self.ticks_per_second

    def __call__(self) -> None:
        """Called by the run loop before each simpy event: wait for its tick to be due."""
        env = self.kernel.env
        if self.start is None:
            self.start, self.start_tick = self.clock(), self.kernel.now
        while True:
            due = env.peek()
            if due == math.inf:
                return
            deadline = self.deadline(due)
            waiting = [source for source in self.sources if not source.scheduled]
            timeout = max(deadline - self.clock(), 0.0)
            if waiting:
                readable, _, _ = select.select([s.fd for s in waiting], [], [], timeout)
            else:
                readable = []
                if timeout > 0:
                    self.sleep(timeout)
            if readable:
                wall_tick = self.start_tick + math.floor((self.clock() - self.start) * self.ticks_per_second)
                tick = min(max(wall_tick, self.kernel.now), int(due))
                for source in waiting:
                    if source.fd in readable:
                        self._schedule_read(source, tick)
                continue  # the read is now the next event (or shares its tick)
            if self.clock() >= deadline:
                break
        self._measure(int(due), deadline)

    def _schedule_read(self, source: _Source, tick: int) -> None:
        source.scheduled = True
        self._reads += 1

        def read(_event: object) -> None:
            source.scheduled = False
            source.on_readable()
        self.kernel.env.timeout(tick - self.kernel.now).callbacks.append(read)

    def _measure(self, tick: int, deadline: float) -> None:
        if tick == self._last_tick:
            return
        self._last_tick = tick
        self._last_wall = self.clock()
        lateness = max(self._last_wall - deadline, 0.0)
        self._paced_ticks += 1
        self._lateness_sum += lateness
        self._max_lateness = max(self._max_lateness, lateness)
        if lateness >= 1 / self.ticks_per_second:
            self._ticks_late += 1

    def report(self) -> PacingReport:
        """Lateness so far (call at the end of a run)."""
        wall = self._last_wall - self.start if self.start is not None and self._last_wall is not None else 0.0
        return PacingReport(ticks=self.kernel.now - self.start_tick, paced_ticks=self._paced_ticks,
                            max_lateness=self._max_lateness,
                            mean_lateness=self._lateness_sum / self._paced_ticks if self._paced_ticks else 0.0,
                            ticks_late=self._ticks_late, reads=self._reads, wall_seconds=wall)


__all__ = ["RealTimePacer", "PacingReport"]
