"""Interrupt posture (netxsim/tx/interrupt.py): tx_interrupt_control holds ISRs raised
with Kernel.interrupt_after while the running thread has interrupts disabled, and runs
them, in order, when it enables them; tx_thread_stack_error_notify's build answer."""
from __future__ import annotations

from typing import Any

from netxsim.tx import (
    TX_AUTO_START, TX_FEATURE_NOT_ENABLED, TX_INT_DISABLE, TX_INT_ENABLE, TX_SEMAPHORE, TX_THREAD,
    TX_WAIT_FOREVER, cpu_work, tx_interrupt_control, tx_kernel_enter, tx_semaphore_create, tx_semaphore_get,
    tx_semaphore_put, tx_thread_create, tx_thread_stack_error_notify, tx_time_get,
)
from netxsim.tx.kernel import kernel


def test_isrs_held_while_disabled_then_run_in_order_and_preempt() -> None:
    log: list = []
    sem = TX_SEMAPHORE()
    worker, waiter = TX_THREAD(), TX_THREAD()

    def isr(name: str) -> Any:
        def handler() -> None:
            log.append((tx_time_get(), name, kernel().in_isr))
            if name == "second":
                tx_semaphore_put(sem)
        return handler

    def worker_entry(_: int) -> None:
        cpu_work(5)                                   # ISR "zero" at 3 runs at once
        log.append((tx_time_get(), "disable", tx_interrupt_control(TX_INT_DISABLE)))
        cpu_work(20)                                  # ISRs at 10 and 15 are held
        log.append((tx_time_get(), "enable", tx_interrupt_control(TX_INT_ENABLE)))
        log.append((tx_time_get(), "worker continues", None))

    def waiter_entry(_: int) -> None:
        tx_semaphore_get(sem, TX_WAIT_FOREVER)
        log.append((tx_time_get(), "waiter woken", None))

    def define(memory: Any) -> None:
        log.append(("init", tx_interrupt_control(TX_INT_ENABLE)))
        tx_semaphore_create(sem, "s", 0)
        tx_thread_create(worker, "worker", worker_entry, 0, memory, 1024, 10, 10, 0, TX_AUTO_START)
        tx_thread_create(waiter, "waiter", waiter_entry, 0, memory + 1024, 1024, 5, 5, 0, TX_AUTO_START)
        k = kernel()
        k.interrupt_after(3, isr("zero"))
        k.interrupt_after(10, isr("first"))
        k.interrupt_after(15, isr("second"))

    tx_kernel_enter(define)
    assert log == [
        ("init", TX_INT_DISABLE),                     # interrupts are off during initialisation
        (3, "zero", True),
        (5, "disable", TX_INT_ENABLE),
        (25, "first", True),                          # held from 10 and 15 until enabled at 25
        (25, "second", True),
        (25, "waiter woken", None),                   # readied by the held ISR: preempts at once
        (25, "enable", TX_INT_DISABLE),
        (25, "worker continues", None),
    ]


def test_stack_error_notify_is_a_build_without_stack_checking() -> None:
    results: list = []

    def define(memory: Any) -> None:
        results.append(tx_thread_stack_error_notify(lambda thread: None))
        results.append(tx_thread_stack_error_notify(None))

    tx_kernel_enter(define)
    assert results == [TX_FEATURE_NOT_ENABLED, TX_FEATURE_NOT_ENABLED]
