"""Run-time switches standing in for NetX Duo compile-time options, and the
caller-class checks of NetX's error-checking shell.

``NX_DISABLE_ERROR_CHECKING``: like the C define, public ``nx_*`` services skip the
``_nxe_`` layer (argument and caller checks) and go straight to the core ``_nx_``
service. It is independent of ThreadX's ``TX_DISABLE_ERROR_CHECKING``, as in C.
Set it before the services are called (``netxsim.nx.config.NX_DISABLE_ERROR_CHECKING
= True``). Code that C compiles with the define for itself only (the SMTP client
module) calls the ``_nx_*`` cores directly instead.

Caller classes (netxduo ``ports/linux/gnu/inc/nx_port.h``; spec §3.3): a front end
refused for its context returns ``NX_CALLER_ERROR`` (0x11). ``nx_*_caller_error(k)``
returns True when that class refuses the current context of kernel ``k``.
"""
from __future__ import annotations

from typing import Callable

from netxsim.tx.config import switchable_service
from netxsim.tx.kernel import Kernel

NX_DISABLE_ERROR_CHECKING = False


def nx_service(checked: Callable, core: Callable, name: str | None = None) -> Callable:
    """A public NetX service: ``checked`` (the ``_nxe_`` layer, which calls ``core``), or
    ``core`` alone when ``NX_DISABLE_ERROR_CHECKING`` is set."""
    return switchable_service(checked, core, lambda: NX_DISABLE_ERROR_CHECKING, name)


def nx_threads_only_caller_error(k: Kernel) -> bool:
    """NX_THREADS_ONLY_CALLER_CHECKING: refused from an ISR, initialisation, or the
    system timer thread (timer callbacks)."""
    return not k.in_thread


def nx_init_and_threads_caller_error(k: Kernel) -> bool:
    """NX_INIT_AND_THREADS_CALLER_CHECKING: refused from an ISR or the timer thread."""
    return k.in_isr or (k.current_ptr is not None and k.current_ptr is k.timer_thread)


def nx_not_isr_caller_error(k: Kernel) -> bool:
    """NX_NOT_ISR_CALLER_CHECKING: refused from an ISR only."""
    return k.in_isr


def nx_thread_wait_caller_error(k: Kernel, wait_option: int) -> bool:
    """NX_THREAD_WAIT_CALLER_CHECKING: a wait (``wait_option`` != 0) is refused outside
    an application/NetX thread; NX_NO_WAIT is legal anywhere."""
    return bool(wait_option) and not k.in_thread


__all__ = ["nx_service", "nx_threads_only_caller_error",
           "nx_init_and_threads_caller_error", "nx_not_isr_caller_error",
           "nx_thread_wait_caller_error"]
