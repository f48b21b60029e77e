"""The build configuration (netxsim.tx.config): stating a build, reading it back,
freezing it during a run, the legacy module switches, and every ThreadX option's effect
both ways (threadx ``tx_thread_create.c``, ``txe_thread_create.c``,
``tx_thread_preemption_change.c``, ``tx_timer_interrupt.c``, ``tx_api.h``)."""
from __future__ import annotations

from typing import Any

import pytest

import netxsim.nx.tcp as nx_tcp
import netxsim.tx.config as tx_config
from netxsim.nx.config import NxConfig
from netxsim.tx import (
    TX_PRIORITY_ERROR, TX_SIZE_ERROR, TX_SUCCESS, TX_THREAD, TX_THRESH_ERROR, cpu_work,
    tx_kernel_enter, tx_thread_create, tx_thread_identify, tx_thread_preemption_change,
    tx_thread_resume, tx_thread_sleep,
)
from netxsim.tx.config import BuildConfig, ConfigFrozenError, TxConfig, UnknownOptionError
from netxsim.tx.kernel import kernel

from .eventlog import Program, nothing


def _empty(_: Any) -> None:
    pass


# ------------------------------------------------------------ stating and reading a build
def test_no_config_is_the_default_build_and_the_run_reports_it() -> None:
    run = tx_kernel_enter(_empty)
    assert run.config.tx == TxConfig() and run.config.nx == NxConfig()
    assert run.config.changes() == {}
    assert (run.config.TX_TIMER_TICKS_PER_SECOND, run.config.TX_MAX_PRIORITIES, run.config.TX_MINIMUM_STACK,
            run.config.NX_ENABLE_LOW_WATERMARK, run.config.NX_TCP_MAX_OUT_OF_ORDER_PACKETS) == (100, 32, 200, False,
                                                                                               None)


def test_a_build_from_objects_or_a_dict_of_defines() -> None:
    by_objects = tx_kernel_enter(_empty, config=[TxConfig(TX_MINIMUM_STACK=100),
                                                 NxConfig(NX_ENABLE_LOW_WATERMARK=True)]).config
    by_dict = tx_kernel_enter(_empty, config={"TX_MINIMUM_STACK": 100, "NX_ENABLE_LOW_WATERMARK": True}).config
    assert by_objects == by_dict
    assert by_dict.changes() == {"TX_MINIMUM_STACK": 100, "NX_ENABLE_LOW_WATERMARK": True}
    assert by_dict.nx.NX_TCP_MAXIMUM_RX_QUEUE == 20
    assert repr(by_dict) == "BuildConfig(TX_MINIMUM_STACK=100, NX_ENABLE_LOW_WATERMARK=True)"


def test_unknown_options_and_bad_values_are_refused_by_name() -> None:
    with pytest.raises(UnknownOptionError, match="NX_ENABLE_LOW_WATERMARKS"):
        tx_kernel_enter(_empty, config={"NX_ENABLE_LOW_WATERMARKS": True})
    with pytest.raises(UnknownOptionError):
        TxConfig(NX_ENABLE_LOW_WATERMARK=True)            # a NetX option on the ThreadX object
    with pytest.raises(ValueError, match="multiple of 32"):
        TxConfig(TX_MAX_PRIORITIES=40)
    with pytest.raises(ValueError, match="positive"):
        NxConfig(NX_TCP_MAXIMUM_TX_QUEUE=0)
    with pytest.raises(TypeError):
        tx_kernel_enter(_empty, config=42)


def test_a_build_cannot_change_during_or_after_its_run() -> None:
    mine = NxConfig(NX_ENABLE_TCP_KEEPALIVE=True)
    seen: dict[str, Any] = {}

    def define(_: Any) -> None:
        for name, change in (("run", lambda: setattr(kernel().config.tx, "TX_MINIMUM_STACK", 1)),
                             ("mine", lambda: setattr(mine, "NX_ENABLE_TCP_KEEPALIVE", False)),
                             ("build", lambda: setattr(kernel().config, "TX_MINIMUM_STACK", 1)),
                             ("legacy", lambda: setattr(nx_tcp, "NX_ENABLE_TCP_KEEPALIVE", False))):
            with pytest.raises(ConfigFrozenError):
                change()
            seen[name] = "refused"
        seen["legacy view"] = nx_tcp.NX_ENABLE_TCP_KEEPALIVE   # the build in force

    run = tx_kernel_enter(define, config=mine)
    assert seen == {"run": "refused", "mine": "refused", "build": "refused", "legacy": "refused",
                    "legacy view": True}
    with pytest.raises(ConfigFrozenError):
        run.config.nx.NX_ENABLE_TCP_KEEPALIVE = False
    assert mine.replace(NX_ENABLE_TCP_KEEPALIVE=False) == NxConfig()
    assert nx_tcp.NX_ENABLE_TCP_KEEPALIVE is False              # back to the site default


def test_a_change_from_a_thread_in_the_middle_of_a_run_raises() -> None:
    seen = []

    def thread(_: Any) -> None:
        tx_thread_sleep(5)
        try:
            tx_config.TX_DISABLE_ERROR_CHECKING = True
        except ConfigFrozenError as error:
            seen.append(str(error))

    def define() -> None:
        p.thread("T", thread, 10)

    p = Program()
    p.run(define)
    assert len(seen) == 1 and "TX_DISABLE_ERROR_CHECKING cannot change during a run" in seen[0]
    assert tx_config.TX_DISABLE_ERROR_CHECKING is False


def test_legacy_switch_outside_a_run_sets_the_site_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nx_tcp, "NX_TCP_MAXIMUM_RETRIES", 3)
    assert tx_kernel_enter(_empty).config.NX_TCP_MAXIMUM_RETRIES == 3
    # What the run's config names wins over the site default.
    assert tx_kernel_enter(_empty, config={"NX_TCP_MAXIMUM_RETRIES": 7}).config.NX_TCP_MAXIMUM_RETRIES == 7
    # A stack's configuration object is that stack's whole header: its defaults win too.
    assert tx_kernel_enter(_empty, config=NxConfig()).config.NX_TCP_MAXIMUM_RETRIES == 10


def test_the_site_defaults_are_back_after_an_initialisation_that_raised() -> None:
    def define(_: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        tx_kernel_enter(define, config={"TX_MINIMUM_STACK": 1})
    assert not tx_config.in_run()
    assert TxConfig.active == TxConfig()


def test_build_config_reads_options_by_define_name() -> None:
    build = BuildConfig.of({"TX_TIMER_TICKS_PER_SECOND": 1000})
    assert build.TX_TIMER_TICKS_PER_SECOND == 1000 and build.tx.frozen
    with pytest.raises(AttributeError):
        build.TX_NO_SUCH_OPTION


# ----------------------------------------------------------------- each ThreadX option
def _create_status(config: Any, stack_size: int = 1024, priority: int = 10, threshold: int | None = None) -> int:
    out = {}

    def define(first_unused: Any) -> None:
        out["status"] = tx_thread_create(TX_THREAD(), "t", nothing, 0, first_unused, stack_size, priority,
                                         priority if threshold is None else threshold, 0, 1)
    tx_kernel_enter(define, config=config)
    return out["status"]


def test_tx_disable_error_checking_skips_the_txe_checks() -> None:
    # A stack below TX_MINIMUM_STACK: the _txe_ layer refuses it; the core takes it.
    assert _create_status(None, stack_size=100) == TX_SIZE_ERROR
    assert _create_status(TxConfig(TX_DISABLE_ERROR_CHECKING=True), stack_size=100) == TX_SUCCESS


def test_tx_minimum_stack_is_the_smallest_stack_accepted() -> None:
    assert _create_status(None, stack_size=150) == TX_SIZE_ERROR
    assert _create_status(TxConfig(TX_MINIMUM_STACK=100), stack_size=150) == TX_SUCCESS
    assert _create_status(TxConfig(TX_MINIMUM_STACK=400), stack_size=300) == TX_SIZE_ERROR


def test_tx_max_priorities_bounds_the_priority() -> None:
    assert _create_status(None, priority=40) == TX_PRIORITY_ERROR
    assert _create_status(TxConfig(TX_MAX_PRIORITIES=64), priority=40) == TX_SUCCESS
    assert _create_status(TxConfig(TX_MAX_PRIORITIES=64), priority=64) == TX_PRIORITY_ERROR

    # And the scheduler runs priority 63 below 40.
    p = Program()

    def define() -> None:
        p.thread("low", lambda _: p.event("low", "run"), 63)
        p.thread("high", lambda _: p.event("high", "run"), 40)

    p.run(define, config=TxConfig(TX_MAX_PRIORITIES=64))
    assert p.log == [(0, "high", "run"), (0, "low", "run")]


def _threshold_program(config: Any) -> tuple[list, list]:
    """L (priority 10, threshold 5) resumes H (priority 3), then M (priority 7)."""
    p = Program()
    changes = []

    def low(_: Any) -> None:
        p.event("L", "resume H")
        tx_thread_resume(p.threads["H"])
        p.event("L", "resume M")
        tx_thread_resume(p.threads["M"])
        p.event("L", "done")
        changes.append(tx_thread_preemption_change(p.threads["L"], 8))
        changes.append(tx_thread_preemption_change(p.threads["L"], 12))

    def define() -> None:
        p.thread("L", low, 10, threshold=5)
        p.thread("H", lambda _: p.event("H", "run"), 3, auto_start=0)
        p.thread("M", lambda _: p.event("M", "run"), 7, auto_start=0)

    p.run(define, config=config)
    return [(who, what) for _, who, what in p.log], changes


def test_tx_disable_preemption_threshold_turns_a_threshold_into_no_preemption() -> None:
    log, changes = _threshold_program(None)
    # Threshold 5: H (3) preempts, M (7) does not.
    assert log == [("L", "resume H"), ("H", "run"), ("L", "resume M"), ("L", "done"), ("M", "run")]
    assert changes == [(TX_SUCCESS, 5), (TX_THRESH_ERROR, None)]
    log, changes = _threshold_program(TxConfig(TX_DISABLE_PREEMPTION_THRESHOLD=True))
    # The threshold became 0: nothing preempts L; a new threshold 8 becomes 0 as well.
    assert log == [("L", "resume H"), ("L", "resume M"), ("L", "done"), ("H", "run"), ("M", "run")]
    assert changes == [(TX_SUCCESS, 0), (TX_THRESH_ERROR, None)]


def _timer_program(config: Any) -> tuple[list, Any]:
    """H (threshold 0) works 10 ticks while a timer armed for tick 3 is due."""
    p = Program()

    def callback(_: Any) -> None:
        who = tx_thread_identify()
        p.event("timer", who.tx_thread_name if who is not None else None)

    def h(_: Any) -> None:
        p.event("H", "start")
        cpu_work(10)
        p.event("H", "done")

    def define() -> None:
        p.thread("H", h, 10, threshold=0)
        p.timer("t", 3, callback=callback)

    run = p.run(define, config=config)
    return p.log, run


def test_tx_timer_process_in_isr_runs_expirations_in_the_tick_interrupt() -> None:
    log, run = _timer_program(None)
    # The timer thread is held off by H's threshold 0: the expiry waits until tick 10.
    assert log == [(0, "H", "start"), (10, "H", "done"), (10, "timer", "System Timer Thread")]
    assert run.kernel.timer_thread is not None
    log, run = _timer_program(TxConfig(TX_TIMER_PROCESS_IN_ISR=True))
    # In the ISR: on time, interrupting H (tx_thread_identify gives the interrupted thread).
    assert log == [(0, "H", "start"), (3, "timer", "H"), (10, "H", "done")]
    assert run.kernel.timer_thread is None
    assert all(t.tx_thread_name != "System Timer Thread" for t in run.kernel.created["thread"])


def test_tx_timer_ticks_per_second_is_netx_periodic_rate_and_the_capture_clock() -> None:
    from netxsim.nx.config import nx_ip_periodic_rate
    from netxsim.nx.ram_driver import _nx_ram_network_driver
    from netxsim.nx.segment import segment_for
    seen = {}

    def define(_: Any) -> None:
        seen["rate"] = nx_ip_periodic_rate()
        seen["tcp"] = NxConfig.tcp_rates
        seen["wire"] = segment_for(kernel(), _nx_ram_network_driver).ticks_per_second

    tx_kernel_enter(define)
    assert seen == {"rate": 100, "tcp": (10, 20, 100, 24000), "wire": 100}
    tx_kernel_enter(define, config=TxConfig(TX_TIMER_TICKS_PER_SECOND=1000))
    assert seen == {"rate": 1000, "tcp": (100, 200, 1000, 240000), "wire": 1000}


def test_tx_enable_event_trace_is_recorded_for_the_trace_services() -> None:
    seen = []

    def define(_: Any) -> None:
        seen.append(TxConfig.active.TX_ENABLE_EVENT_TRACE)

    assert tx_kernel_enter(define).config.TX_ENABLE_EVENT_TRACE is False
    assert tx_kernel_enter(define, config={"TX_ENABLE_EVENT_TRACE": True}).config.TX_ENABLE_EVENT_TRACE is True
    assert seen == [False, True]
