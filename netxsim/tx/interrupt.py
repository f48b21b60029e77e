"""Interrupt posture (``tx_interrupt_control``, ThreadX's port-level
``_tx_thread_interrupt_control``) and ``tx_thread_stack_error_notify``.

Interrupt posture in the model
------------------------------
Each thread has a posture, TX_INT_ENABLE (0) or TX_INT_DISABLE (1), as the CPU's
interrupt mask is part of a thread's context on ThreadX ports. While the thread that
holds the CPU has interrupts disabled, an ISR raised with :meth:`Kernel.interrupt_after`
is held pending; when the thread enables them again (``tx_interrupt_control
(TX_INT_ENABLE)``) the held ISRs run at once, in the order they were raised, in ISR
context, and a thread they readied may then preempt the caller — as a real CPU takes
a pending interrupt the moment the mask is lifted. An ISR raised while the CPU is idle,
or while a thread with interrupts enabled runs, runs when it is raised, as before.

Stand-ins (documented, not ThreadX): the periodic timer tick is not held off (ThreadX
would take the tick late, by the time interrupts stayed disabled); a thread that
suspends with interrupts disabled keeps later ISRs held until it enables them again
(ThreadX's scheduler would run the next thread with that thread's own posture). During
initialisation (``tx_application_define``) interrupts are disabled, as on target: the
old posture returned there is TX_INT_DISABLE; from an ISR, too.

Stack checking
--------------
``tx_thread_stack_error_notify`` returns TX_FEATURE_NOT_ENABLED: the model is a ThreadX
built without ``TX_ENABLE_STACK_CHECKING`` (the default build). Simulated threads run on
greenlets, not on their declared stacks, so no stack overflow can be detected honestly;
stack sizes are checked at create (TX_SIZE_ERROR below TX_MINIMUM_STACK) as before.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.boundary import c_service

from .config import service
from .constants import TX_FEATURE_NOT_ENABLED
from .kernel import Kernel, kernel
from .thread import TX_THREAD  # noqa: F401  (named by a prototype)

TX_INT_ENABLE = 0
TX_INT_DISABLE = 1
_ISR = 1


def _posture(thread: Any) -> int:
    return getattr(thread, "tx_interrupt_posture", TX_INT_ENABLE) if thread is not None else TX_INT_ENABLE


def interrupt_gate(k: Kernel, handler: Callable[[], None]) -> bool:
    """Called by ``Kernel.interrupt_after`` when an ISR is raised: hold it (True) while
    the thread holding the CPU has interrupts disabled; otherwise first run any ISRs
    held earlier, then let this one run (False)."""
    if _posture(k.execute_ptr) == TX_INT_DISABLE:
        k.__dict__.setdefault("held_isrs", []).append(handler)
        return True
    _run_held(k)
    return False


def _run_held(k: Kernel) -> None:
    held = k.__dict__.get("held_isrs")
    while held:
        handler = held.pop(0)
        saved = k.system_state
        k.system_state = _ISR
        try:
            handler()
        finally:
            k.system_state = saved


def _tx_interrupt_control(new_posture: int) -> int:
    """``tx_interrupt_control``: set the caller's interrupt posture to ``new_posture``
    (TX_INT_DISABLE or TX_INT_ENABLE) and return the previous one. Enabling runs the ISRs
    held meanwhile (module docstring). There are no error statuses: the return value is
    the old posture. A posture other than the two is taken as TX_INT_ENABLE when it is 0
    and TX_INT_DISABLE otherwise."""
    k = kernel()
    posture = TX_INT_DISABLE if new_posture else TX_INT_ENABLE
    if k.in_init or k.in_isr:
        return TX_INT_DISABLE
    thread = k.current_ptr
    old = _posture(thread)
    if thread is not None:
        thread.tx_interrupt_posture = posture
    if posture == TX_INT_ENABLE and k.__dict__.get("held_isrs"):
        _run_held(k)
        k.preempt_check()
    return old


tx_interrupt_control = c_service(
    "UINT tx_interrupt_control(UINT new_posture)",
    service(_tx_interrupt_control, _tx_interrupt_control, "tx_interrupt_control"))


def _tx_thread_stack_error_notify(stack_error_handler: Callable[[Any], None] | None) -> int:
    """``tx_thread_stack_error_notify``: TX_FEATURE_NOT_ENABLED, as a ThreadX built
    without stack checking answers (module docstring), whatever the handler."""
    return TX_FEATURE_NOT_ENABLED


tx_thread_stack_error_notify = c_service(
    "UINT tx_thread_stack_error_notify(VOID (*stack_error_handler)(TX_THREAD *thread_ptr))",
    service(_tx_thread_stack_error_notify, _tx_thread_stack_error_notify, "tx_thread_stack_error_notify"))
