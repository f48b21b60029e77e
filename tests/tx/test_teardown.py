"""The end of a run: a finished run gives all its memory back (its kernel is collected
once the user drops it), a run stopped at ``until`` stays resumable until it is closed,
leftover threads are unwound without running the code after their blocking call, and
the deadlock report goes through the "netxsim" logger.
"""
from __future__ import annotations

import gc
import logging
import weakref

import pytest

from netxsim import (
    TX_AUTO_START, TX_SEMAPHORE, TX_SUCCESS, TX_THREAD, TX_WAIT_FOREVER, tx_kernel_enter,
    tx_semaphore_create, tx_semaphore_get, tx_semaphore_put, tx_thread_create, tx_thread_sleep,
    tx_thread_terminate, tx_time_get,
)
from netxsim.tx.kernel import KernelError, ThreadUnwound, kernel


def blocked_for_ever(log: list | None = None, until: int | None = None, kernels: list | None = None):
    """The issue's two-object program: one thread blocked for ever on a semaphore.
    ``kernels`` gets a weak reference to the run's kernel."""
    thread, semaphore = TX_THREAD(), TX_SEMAPHORE()

    def entry(_: int) -> None:
        try:
            status = tx_semaphore_get(semaphore, TX_WAIT_FOREVER)
            if log is not None:
                log.append(("returned", status))  # C never gets here
        except Exception as error:  # an application's catch-all does not see the unwinding
            if log is not None:
                log.append(("caught", error))

    def define(memory) -> None:
        if kernels is not None:
            kernels.append(weakref.ref(kernel()))
        assert tx_semaphore_create(semaphore, "gate", 0) == TX_SUCCESS
        assert tx_thread_create(thread, "waiter", entry, 0, memory, 1024, 1, 1, 0, TX_AUTO_START) == TX_SUCCESS

    return tx_kernel_enter(define, until=until)


def gone(ref: weakref.ref) -> bool:
    gc.collect()
    return ref() is None


def test_a_deadlocked_run_is_collected_and_its_result_stays_readable() -> None:
    kernels: list = []
    run = blocked_for_ever(kernels=kernels)
    [ref] = kernels
    assert (run.reason, run.ticks, run.blocked) == ("deadlock", 0, [("waiter", "TX_SEMAPHORE_SUSP", "gate")])
    assert run.finished and run.kernel is ref()  # only a weak reference: None once collected
    assert gone(ref)
    assert run.kernel is None and run.report().startswith("run ended at tick 0: deadlock")


def test_unwinding_runs_no_code_after_the_blocking_call() -> None:
    log: list = []
    run = blocked_for_ever(log)
    assert run.reason == "deadlock" and log == []


def test_a_finally_block_sees_thread_unwound() -> None:
    """The documented exception: Python's ``finally`` (C has none) runs at teardown and
    sees :class:`ThreadUnwound`; the services it could call belong to a finished run."""
    seen: list = []
    semaphore, thread = TX_SEMAPHORE(), TX_THREAD()

    def entry(_: int) -> None:
        try:
            tx_semaphore_get(semaphore, TX_WAIT_FOREVER)
        except BaseException as error:
            seen.append(type(error))
            raise

    def define(memory) -> None:
        tx_semaphore_create(semaphore, "gate", 0)
        tx_thread_create(thread, "waiter", entry, 0, memory, 1024, 1, 1, 0, TX_AUTO_START)

    run = tx_kernel_enter(define)
    assert run.reason == "deadlock" and seen == [ThreadUnwound]
    assert issubclass(ThreadUnwound, BaseException) and not issubclass(ThreadUnwound, Exception)


def test_terminated_and_sleeping_threads_and_a_completed_run_are_collected() -> None:
    threads = [TX_THREAD() for _ in range(3)]

    def sleeper(_: int) -> None:
        tx_thread_sleep(1000)

    def killer(_: int) -> None:
        tx_thread_sleep(5)
        tx_thread_terminate(threads[0])
        tx_thread_terminate(threads[2])  # itself: its body never returns

    def define(memory) -> None:
        tx_thread_create(threads[0], "sleeper", sleeper, 0, memory, 1024, 3, 3, 0, TX_AUTO_START)
        tx_thread_create(threads[1], "ticker", lambda _: tx_thread_sleep(7), 0, memory + 1024, 1024,
                         3, 3, 0, TX_AUTO_START)
        tx_thread_create(threads[2], "killer", killer, 0, memory + 2048, 1024, 2, 2, 0, TX_AUTO_START)

    run = tx_kernel_enter(define)
    assert (run.reason, run.ticks) == ("completed", 7)
    ref = weakref.ref(run.kernel)
    del run, threads
    assert gone(ref)


def test_the_smtp_demo_run_is_collected_and_its_mailbox_kept() -> None:
    """Two IP instances with their helper threads, ARP, TCP, the simulated SMTP server
    host and its threads, the client thread: all collected once the demo object goes."""
    from demos.demo_netx_smtp_client import NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, Demo

    demo = Demo(NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, None)
    run = demo.run()
    assert run.reason == "completed" and demo.delivered
    assert [name for _, name, _ in demo.calls] == ["nx_smtp_client_create", "nx_smtp_mail_send",
                                                   "nx_smtp_client_delete"]
    assert all(status == TX_SUCCESS for _, _, status in demo.calls)
    server = demo.server
    assert server is not None
    mailbox = server.mailbox
    ref = weakref.ref(run.kernel)
    assert len(ref().greenlets) == 0  # every thread body unwound or finished
    del run, demo, server
    assert len(mailbox) == 1 and mailbox[0].recipients == ["your@yourcompany.com"]
    assert gone(ref)


def test_the_e2e_harness_run_is_collected() -> None:
    from tests.smtp_client.e2e import run as e2e_run

    result = e2e_run()
    assert result.run.reason == "completed" and result.status == TX_SUCCESS
    result.assert_no_leak()  # pools stay readable after the teardown
    ref = weakref.ref(result.run.kernel)
    del result
    assert gone(ref)


def test_a_run_stopped_at_until_stays_resumable_until_closed() -> None:
    thread = TX_THREAD()
    log: list = []

    def entry(_: int) -> None:
        while True:
            tx_thread_sleep(10)
            log.append(tx_time_get())

    def define(memory) -> None:
        tx_thread_create(thread, "ticker", entry, 0, memory, 1024, 1, 1, 0, TX_AUTO_START)

    run = tx_kernel_enter(define, until=25)
    assert (run.reason, run.ticks, run.finished) == ("until", 25, False)
    k = run.kernel
    assert k is not None and not k.closed and kernel() is k
    again = k.run(45)  # continue where it stopped
    assert (again.reason, again.ticks) == ("until", 45) and log == [10, 20, 30, 40]
    ref = weakref.ref(k)
    with again:
        pass  # closing it: the run is torn down
    assert k.closed
    with pytest.raises(KernelError, match="run is over"):
        k.run(100)
    del run, again, k, thread  # the thread control block refers to its kernel
    assert gone(ref)


def test_the_next_run_tears_down_one_left_at_until() -> None:
    first = blocked_for_ever(until=5)
    assert first.reason == "deadlock"  # before tick 5: nothing can ever run again
    stopped = tx_kernel_enter(lambda memory: tx_thread_create(
        TX_THREAD(), "sleeper", lambda _: tx_thread_sleep(100), 0, memory, 1024, 1, 1, 0, TX_AUTO_START),
        until=50)
    assert stopped.reason == "until" and not stopped.kernel.closed
    ref = weakref.ref(stopped.kernel)
    del stopped
    assert not gone(ref)  # resumable: the module keeps it until the next run starts
    second = blocked_for_ever()
    assert second.reason == "deadlock"
    assert gone(ref)


def test_kernel_answers_after_a_finished_run_only_while_it_is_held() -> None:
    thread = TX_THREAD()
    run = tx_kernel_enter(lambda memory: tx_thread_create(thread, "t", lambda _: tx_thread_sleep(3), 0, memory,
                                                          1024, 1, 1, 0, TX_AUTO_START))
    assert run.reason == "completed"
    assert kernel() is thread.kernel is run.kernel and thread.kernel.closed  # the control block holds it
    ref = weakref.ref(thread.kernel)
    del thread
    assert gone(ref)
    assert run.kernel is None
    with pytest.raises(KernelError):
        kernel()


def test_close_from_inside_the_run_is_refused() -> None:
    errors: list = []

    def entry(_: int) -> None:
        try:
            kernel().close()
        except KernelError as error:
            errors.append(str(error))

    run = tx_kernel_enter(lambda memory: tx_thread_create(TX_THREAD(), "t", entry, 0, memory, 1024,
                                                          1, 1, 0, TX_AUTO_START))
    assert run.reason == "completed" and errors == ["a kernel cannot be torn down from inside its own run"]


# ------------------------------------------------------------------ the deadlock report
def test_the_deadlock_report_is_a_netxsim_warning(caplog, capsys) -> None:
    with caplog.at_level(logging.WARNING, logger="netxsim"):
        run = blocked_for_ever()
    [record] = [r for r in caplog.records if r.name == "netxsim"]
    assert record.levelno == logging.WARNING and record.getMessage() == run.report()
    assert run.report() in capsys.readouterr().err  # no logging configured: on stderr too


def test_the_deadlock_report_is_quiet_when_the_level_is_raised(caplog, capsys) -> None:
    logger = logging.getLogger("netxsim")
    saved = logger.level
    logger.setLevel(logging.ERROR)  # what a campaign does
    try:
        run = blocked_for_ever()
    finally:
        logger.setLevel(saved)
    assert run.reason == "deadlock"
    assert capsys.readouterr().err == "" and not [r for r in caplog.records if r.name == "netxsim"]


def test_the_deadlock_report_is_printed_once_when_logging_goes_to_stderr(capsys) -> None:
    import sys
    handler = logging.StreamHandler(sys.stderr)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        run = blocked_for_ever()
    finally:
        root.removeHandler(handler)
    assert capsys.readouterr().err.count("run ended at tick 0: deadlock") == 1
    assert run.reason == "deadlock"


def test_kept_results_do_not_keep_their_runs() -> None:
    """A campaign that keeps every KernelRun keeps their data, not their kernels: a
    finished run's ``kernel`` is a weak reference (None once collected), and so is a
    run left at ``until`` once the next run has torn it down."""
    refs: list = []
    kept = [blocked_for_ever(kernels=refs) for _ in range(3)]
    kept.append(tx_kernel_enter(lambda memory: tx_thread_create(
        TX_THREAD(), "sleeper", lambda _: tx_thread_sleep(100), 0, memory, 1024, 1, 1, 0, TX_AUTO_START),
        until=50))
    refs.append(weakref.ref(kept[-1].kernel))
    gc.collect()
    assert [ref() is None for ref in refs] == [True, True, True, False]  # the resumable run is held
    assert kept[-1].kernel is refs[-1]()
    blocked_for_ever()  # tears the stopped run down
    gc.collect()
    assert all(ref() is None for ref in refs)
    assert [(run.reason, run.ticks, run.kernel) for run in kept] == [("deadlock", 0, None)] * 3 + [("until", 50, None)]
    assert kept[0].blocked == [("waiter", "TX_SEMAPHORE_SUSP", "gate")]
    assert "deadlock" in kept[0].report()


def test_a_traced_run_is_collected_and_its_trace_kept() -> None:
    """The trace's per-kernel state (object addresses) must not keep a finished run."""
    from netxsim import TX_THREAD as Thread, tx_thread_create as create, tx_thread_sleep as sleep
    from netxsim.tx.trace import TRACE_BUILD, with_trace
    thread = Thread()

    def define(memory) -> None:
        create(thread, "sleeper", lambda _: sleep(2), 0, memory, 1024, 3, 3, 0, TX_AUTO_START)

    run = tx_kernel_enter(with_trace(define), config=TRACE_BUILD)
    buffer = run.trace_buffer
    assert run.reason == "completed" and buffer[:4] == b"BTXT"
    ref = weakref.ref(run.kernel)
    del run, thread
    assert gone(ref)
    assert buffer[:4] == b"BTXT"
