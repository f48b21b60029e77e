"""World.run(until=...) continues the same kernel: a run cut into many pieces must
schedule exactly as the same run in one piece (time slicing, CPU work, sleeps, timers)."""
from hypothesis import given, strategies as st

from netxsim import *  # noqa: F403
from netxsim.testing import World


def program(log):
    threads = [TX_THREAD() for _ in range(3)]
    timer = TX_TIMER()

    def worker(name, work, nap):
        def entry(_):
            for round_ in range(4):
                cpu_work(work)
                log.append((tx_time_get(), name, round_))
                tx_thread_sleep(nap)
        return entry

    def define(memory):
        tx_timer_create(timer, "tick", lambda _: log.append((tx_time_get(), "timer", 0)), 0, 7, 7, TX_AUTO_ACTIVATE)
        for i, (work, nap, slice_) in enumerate(((5, 3, 2), (4, 1, 2), (9, 2, 0))):
            tx_thread_create(threads[i], f"t{i}", worker(f"t{i}", work, nap), 0, memory + 2048 * i, 2048,
                             10 if i < 2 else 8, 10 if i < 2 else 8, slice_, TX_AUTO_START)
    return define


def whole():
    log, trace = [], []
    run = World(trace=trace).run(program(log))
    return log, trace, run.reason, run.ticks


@given(cuts=st.lists(st.integers(0, 100), max_size=8))
def test_a_run_cut_at_any_ticks_schedules_as_one_run(cuts):
    expected = whole()
    assert expected[2:] == ("completed", 80)
    log, trace = [], []
    world = World(trace=trace)
    pieces = sorted(set(cuts)) + [None]
    run = world.run(program(log), until=pieces[0])
    for cut in pieces[1:]:
        if run.reason != "until":
            break
        run = world.run(until=cut)
    assert (log, trace, run.reason, run.ticks) == expected


def test_a_continued_run_keeps_its_build_in_force():
    """The build stated at tx_kernel_enter is in force again in every continuation."""
    from netxsim.tx.config import TxConfig
    seen = []
    thread = TX_THREAD()

    def entry(_):
        for _ in range(3):
            seen.append((tx_time_get(), TxConfig.active.TX_DISABLE_ERROR_CHECKING))
            tx_thread_sleep(10)

    def define(memory):
        tx_thread_create(thread, "t", entry, 0, memory, 2048, 5, 5, 0, TX_AUTO_START)

    world = World(config={"TX_DISABLE_ERROR_CHECKING": True})
    world.run(define, until=5)
    assert TxConfig.active.TX_DISABLE_ERROR_CHECKING is False  # between pieces: site defaults
    world.run(until=25)
    assert seen == [(0, True), (10, True), (20, True)]
