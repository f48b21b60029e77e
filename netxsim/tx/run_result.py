"""The result and identity of a run: what ``tx_kernel_enter`` returns, and its teardown.

A :class:`KernelRun` says why a run ended, when, and which threads were stuck; it keeps
its kernel only while the run can be continued. Each kernel gets a run serial, which the
control blocks it creates carry, so that services refuse objects of a finished run. A
finished run's suspended threads are unwound (:class:`ThreadUnwound`) so that its memory
can be collected. A deadlock's report goes to the "netxsim" logger.
"""
from __future__ import annotations

import itertools
import logging
import sys
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import greenlet

if TYPE_CHECKING:
    from .config import BuildConfig
    from .kernel import Kernel


class KernelError(Exception):
    """Misuse of the simulation itself (no kernel running, service from outside a run)."""


_run_serials = itertools.count(1)  # one per Kernel: control blocks remember the run that created them


class ThreadUnwound(greenlet.GreenletExit):
    """Raised inside every simulated thread still suspended when its run is torn down.

    A thread blocked for ever is a suspended greenlet whose frames hold the whole run,
    and the garbage collector never looks into suspended frames; unwinding it is the
    only way to give the memory back. C never returns from such a call, so the thread
    does not resume: this exception unwinds it where it stands. It derives from
    ``BaseException`` (through ``GreenletExit``), so an ``except Exception`` in thread
    code does not see it; only Python-only constructs that C has no counterpart for
    (``finally``, ``with``, ``except BaseException``) run, as they do when Python closes
    a generator. Do not call services from them: the run is over.
    """


class _RunKernel:
    """``KernelRun.kernel``: held while the run can be continued, only weakly once it is
    torn down, so that a kept ``KernelRun`` (its reason, ticks, blocked threads) does not
    keep the whole run in memory; it reads None once nothing else holds the kernel."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, run: Any, owner: type | None = None) -> "Kernel | None":
        if run is None:
            return None  # the dataclass default
        held = run.__dict__.get(self.slot)
        return held() if isinstance(held, weakref.ref) else held

    def __set__(self, run: Any, k: "Kernel | None") -> None:
        if k is not None and (k.closed or run.reason != "until"):
            run.__dict__[self.slot] = weakref.ref(k)
        else:
            run.__dict__[self.slot] = k
        if k is not None and all(ref() is not run for ref in k.results):
            k.results.append(weakref.ref(run))


@dataclass
class KernelRun:
    """What ``tx_kernel_enter`` returns: why the run ended, when, and who was stuck."""

    reason: str  # "completed", "deadlock", "idle", "until" or "stopped"
    ticks: int
    blocked: list[tuple[str, str, str]] = field(default_factory=list)
    kernel: "Kernel | None" = _RunKernel()  # type: ignore[assignment]
    status: int | None = None  # the status given to Kernel.stop (reason "stopped")
    # The build the run used (frozen); kept here because a finished run's kernel goes.
    config: "BuildConfig | None" = None
    # The bytes of the tx_trace_enable region at the end of the run (a .trx file's
    # content); None when tracing was never enabled.
    trace_buffer: bytes | None = None
    # Real-time pacing (netxsim.tap): how far the run fell behind the wall clock, taken
    # when the run ended; None when the run was not paced.
    pacing: Any = None

    @property
    def deadlock(self) -> bool:
        return self.reason == "deadlock"

    @property
    def finished(self) -> bool:
        """Whether the run is over for good (every reason but "until"): its kernel has
        been torn down (see :meth:`Kernel.close`)."""
        return self.reason != "until"

    def close(self) -> None:
        """Tear down a run that ended at ``until`` (simulation extension): unwind its
        threads so its memory can be collected; it cannot be continued afterwards.
        A finished run is already torn down, and closing twice does nothing."""
        if self.kernel is not None:
            self.kernel.close()

    def __enter__(self) -> "KernelRun":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def report(self) -> str:
        lines = [f"run ended at tick {self.ticks}: {self.reason}"
                 + (f" (status 0x{self.status:X})" if self.status is not None else "")]
        for name, state, on in self.blocked:
            lines.append(f"  thread {name!r} is {state}" + (f" on {on}" if on else ""))
        if self.pacing is not None:
            lines.append(f"  {self.pacing}")
        return "\n".join(lines)

    __str__ = report



def _unwind(body: greenlet.greenlet, here: greenlet.greenlet) -> None:
    """Unwind one suspended thread body with :class:`ThreadUnwound` (see there)."""
    try:
        body.parent = here  # it must come back here, wherever the run was dispatched from
    except (ValueError, greenlet.error):
        logger.debug("thread body %r belongs to another OS thread: left as it is", body)
        return
    for _ in range(3):
        try:
            body.throw(ThreadUnwound)
        except Exception as error:  # raised by a finally block of the thread body
            logger.warning("a simulated thread raised %r while unwound at the end of its run", error)
        if body.dead:
            return
    # It swallowed the exception and blocked again three times: leave it (and its run).
    logger.warning("a simulated thread would not unwind at the end of its run; its memory stays")


# Reports of the kernel (deadlocks) and of the stack go to the "netxsim" logger. With no
# logging configured they are printed on stderr, as the one-off runs of a user expect;
# a configured logging (or a campaign, which raises the level) takes over.
logger = logging.getLogger("netxsim")


class _ConsoleReport(logging.Handler):
    """Print netxsim's warnings on the current ``sys.stderr`` unless logging is
    configured to show them elsewhere (a handler of the root or "netxsim" logger that
    writes to the console): Python's last-resort handler, kept working under pytest's
    log capture, which otherwise hides it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        consoles = (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)
        for owner in (logger, logging.getLogger()):
            for handler in owner.handlers:
                if handler is not self and getattr(handler, "stream", None) in consoles:
                    return
        try:
            sys.stderr.write(record.getMessage() + "\n")
        except Exception:
            self.handleError(record)


if not any(isinstance(handler, _ConsoleReport) for handler in logger.handlers):
    logger.addHandler(_ConsoleReport())



__all__ = ["KernelRun", "KernelError", "ThreadUnwound"]
