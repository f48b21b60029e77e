"""Application timers and the clock (``tx_timer*.c``, ``txe_timer_*.c``, ``tx_time_get/set.c``):
expiry ticks (one-shot, periodic, hops past the 32-slot wheel), activate/deactivate/change
semantics, every argument and context error, and timer-context rules.
"""
from __future__ import annotations


from netxsim.tx import (
    TX_ACTIVATE_ERROR, TX_AUTO_ACTIVATE, TX_CALLER_ERROR, TX_DONT_START, TX_NO_ACTIVATE,
    TX_SUCCESS, TX_THREAD, TX_TICK_ERROR, TX_TIMER, TX_TIMER_ERROR, cpu_work,
    tx_thread_create, tx_thread_identify, tx_thread_resume, tx_thread_sleep, tx_thread_suspend,
    tx_time_get, tx_time_set, tx_timer_activate, tx_timer_change, tx_timer_create,
    tx_timer_deactivate, tx_timer_delete, tx_timer_info_get,
)
from netxsim.tx.kernel import kernel

from netxsim.testing.eventlog import Program, keeper


# -------------------------------------------------------------------------- expiry ticks
def test_one_shot_timers_fire_exactly_after_their_initial_ticks():
    p = Program()
    lengths = [1, 5, 31, 32, 33, 64, 65, 100]

    def a(_):
        tx_thread_sleep(7)
        p.timer("from thread", 5)

    def define():
        for n in lengths:
            p.timer(f"t{n}", n)
        p.thread("A", a, 10)
        p.thread("keeper", keeper(120), 20)

    p.run(define)
    for n in lengths:
        assert p.expiries(f"t{n}") == [n]
    assert p.expiries("from thread") == [12]


def test_periodic_timers_have_no_drift():
    p = Program()

    def define():
        p.timer("short", 3, 5)
        p.timer("long", 40, 40)
        p.timer("mixed", 10, 33)
        p.thread("keeper", keeper(130), 20)

    p.run(define)
    assert p.expiries("short") == list(range(3, 131, 5))
    assert p.expiries("long") == [40, 80, 120]
    assert p.expiries("mixed") == [10, 43, 76, 109]


def test_periodic_timer_waking_a_busy_worker_has_no_drift():
    p = Program()

    def callback(_):
        p.event("timer", ("cpu_work in callback", cpu_work(3)))
        tx_thread_resume(p.threads["W"])

    def w(_):
        while True:
            p.event("W", "start")
            cpu_work(4)  # most of the period
            p.event("W", "done")
            tx_thread_suspend(p.threads["W"])

    def define():
        p.thread("W", w, 5, auto_start=TX_DONT_START)
        p.timer("timer", 5, 5, callback=callback)

    run = p.run(define, until=17)
    assert run.reason == "until" and run.ticks == 17
    assert p.log == [
        (5, "timer", ("cpu_work in callback", TX_CALLER_ERROR)), (5, "W", "start"),
        (9, "W", "done"),
        (10, "timer", ("cpu_work in callback", TX_CALLER_ERROR)), (10, "W", "start"),
        (14, "W", "done"),
        (15, "timer", ("cpu_work in callback", TX_CALLER_ERROR)), (15, "W", "start"),
    ]


def test_expirations_of_one_tick_run_in_arming_order_after_hops():
    # A 40-tick timer armed at 0 re-enters the wheel at its 32-tick hop, after a timer
    # armed at 10 for the same tick: ThreadX then expires it second.
    p = Program()

    def a(_):
        tx_thread_sleep(10)
        p.timer("B", 30)
        p.timer("C", 30)

    def define():
        p.timer("A", 40)
        p.thread("A", a, 10)
        p.thread("keeper", keeper(50), 20)

    p.run(define)
    assert [who for tick, who, _ in p.log if tick == 40] == ["B", "C", "A"]


def test_all_expirations_of_a_tick_run_before_the_threads_they_ready():
    p = Program()

    def first(_):
        p.event("T1", ("resume H", tx_thread_resume(p.threads["H"])))

    def s(_):
        tx_thread_sleep(5)
        p.event("S", "woke")

    def c(_):
        p.timer("T2", 5)

    def define():
        p.timer("T1", 5, callback=first)
        p.thread("H", lambda _: p.event("H", "run"), 1, auto_start=TX_DONT_START)
        p.thread("S", s, 2)  # arms its sleep after T1
        p.thread("C", c, 3)  # arms T2 after S's sleep

    p.run(define)
    assert p.log == [(5, "T1", ("resume H", TX_SUCCESS)), (5, "T2", "expired"), (5, "H", "run"),
                     (5, "S", "woke")]


# ------------------------------------------------------------ timer callback context
def test_callbacks_run_in_timer_context():
    p = Program()
    other = TX_TIMER()
    got = {}

    def callback(value):
        me = tx_thread_identify()
        got["input"] = value
        got["identify"] = me
        got["sleep"] = tx_thread_sleep(1)
        got["cpu_work"] = cpu_work(1)
        got["timer create"] = tx_timer_create(TX_TIMER(), "x", callback, 0, 5, 0,
                                              TX_AUTO_ACTIVATE)
        got["timer delete"] = tx_timer_delete(other)
        got["thread create"] = tx_thread_create(TX_THREAD(), "x", callback, 0, p.stack(), 1024,
                                                5, 5, 0, TX_DONT_START)
        got["tick error first"] = tx_timer_create(TX_TIMER(), "x", callback, 0, 0, 0,
                                                  TX_AUTO_ACTIVATE)
        got["change"] = tx_timer_change(other, 9, 0)
        got["activate"] = tx_timer_activate(other)
        got["time"] = tx_time_get()

    def define():
        timer = TX_TIMER()
        assert tx_timer_create(timer, "t", callback, 0x1234, 4, 0, TX_AUTO_ACTIVATE) == TX_SUCCESS
        assert tx_timer_create(other, "other", lambda _: p.event("other", "expired"), 0, 50, 0,
                               TX_NO_ACTIVATE) == TX_SUCCESS
        p.thread("keeper", keeper(20), 20)

    p.run(define)
    assert got == {
        "input": 0x1234, "identify": kernel().timer_thread, "sleep": TX_CALLER_ERROR,
        "cpu_work": TX_CALLER_ERROR, "timer create": TX_CALLER_ERROR,
        "timer delete": TX_CALLER_ERROR, "thread create": TX_CALLER_ERROR,
        "tick error first": TX_TICK_ERROR, "change": TX_SUCCESS, "activate": TX_SUCCESS,
        "time": 4,
    }
    assert p.log == [(13, "other", "expired")]  # changed and activated from the callback


# --------------------------------------------------------------- activate / deactivate
def test_deactivate_and_activate_resume_the_countdown():
    p = Program()
    got = {}

    def a(_):
        short, long_, periodic = (p.timers[n] for n in ("short", "long", "periodic"))
        tx_thread_sleep(4)
        got["deactivate"] = [tx_timer_deactivate(t) for t in (short, long_, periodic)]
        got["info 4"] = [tx_timer_info_get(t)[2:5] for t in (short, long_, periodic)]
        got["again"] = tx_timer_deactivate(short)  # inactive: still TX_SUCCESS
        tx_thread_sleep(16)
        got["activate"] = [tx_timer_activate(t) for t in (short, long_, periodic)]
        got["info 20"] = [tx_timer_info_get(t)[2:5] for t in (short, long_, periodic)]

    def define():
        p.timer("short", 10)
        p.timer("long", 50)
        p.timer("periodic", 10, 7)
        p.thread("A", a, 10)
        p.thread("keeper", keeper(75), 20)

    p.run(define)
    assert got == {
        "deactivate": [TX_SUCCESS] * 3, "again": TX_SUCCESS,
        "info 4": [(0, 6, 0), (0, 46, 0), (0, 6, 7)],
        "activate": [TX_SUCCESS] * 3,
        "info 20": [(1, 6, 0), (1, 46, 0), (1, 6, 7)],
    }
    assert p.expiries("short") == [26]
    assert p.expiries("long") == [66]
    assert p.expiries("periodic") == [26, 33, 40, 47, 54, 61, 68, 75]


def test_remaining_ticks_of_a_long_timer_across_its_hops():
    p = Program()
    got = []

    def a(_):
        timer = p.timers["t"]
        for sleep in (10, 30, 20):
            tx_thread_sleep(sleep)
            got.append((tx_time_get(), tx_timer_info_get(timer)[2:4]))
        tx_timer_deactivate(timer)
        got.append(("deactivated", tx_timer_info_get(timer)[2:4]))
        tx_thread_sleep(5)
        tx_timer_activate(timer)

    def define():
        p.timer("t", 100)
        p.thread("A", a, 10)
        p.thread("keeper", keeper(110), 20)

    p.run(define)
    assert got == [(10, (1, 90)), (40, (1, 60)), (60, (1, 40)), ("deactivated", (0, 40))]
    assert p.expiries("t") == [105]


def test_activate_errors():
    p = Program()
    got = {}

    def a(_):
        timers = p.timers
        got["active"] = tx_timer_activate(timers["periodic"])
        tx_thread_sleep(5)
        got["expired one-shot"] = tx_timer_activate(timers["one-shot"])
        got["None"] = tx_timer_activate(None)
        got["never created"] = tx_timer_activate(TX_TIMER())
        tx_timer_deactivate(timers["periodic"])

    def define():
        p.timer("one-shot", 2)
        p.timer("periodic", 3, 3)
        p.timer("later", 4, auto_activate=TX_NO_ACTIVATE)
        got["init"] = tx_timer_activate(p.timers["later"])  # allowed from init
        p.thread("A", a, 10)

    p.run(define)
    assert got == {"init": TX_SUCCESS, "active": TX_ACTIVATE_ERROR,
                   "expired one-shot": TX_ACTIVATE_ERROR, "None": TX_TIMER_ERROR,
                   "never created": TX_TIMER_ERROR}
    assert p.expiries("later") == [4]
    assert p.expiries("periodic") == [3]


def test_deactivate_from_its_own_callback_stops_a_periodic_timer():
    p = Program()
    got = {}

    def callback(_):
        timer = p.timers["t"]
        p.event("t", "expired")
        got["deactivate"] = tx_timer_deactivate(timer)
        got["info"] = tx_timer_info_get(timer)[2:5]

    def a(_):
        tx_thread_sleep(20)
        got["activate"] = tx_timer_activate(p.timers["t"])

    def define():
        p.timer("t", 5, 4, callback=callback)
        p.thread("A", a, 10)
        p.thread("keeper", keeper(26), 20)

    p.run(define)
    # Reactivated at 20, it counts a full period (ThreadX reloads the reschedule value).
    assert p.expiries("t") == [5, 24]
    assert got == {"deactivate": TX_SUCCESS, "info": (0, 4, 4), "activate": TX_SUCCESS}


def test_in_its_own_callback_a_periodic_timer_is_still_active():
    p = Program()
    got = []

    def callback(_):
        timer = p.timers["t"]
        got.append((tx_time_get(), tx_timer_activate(timer), tx_timer_change(timer, 2, 2)))

    def define():
        p.timer("t", 3, 5, callback=callback)
        p.thread("keeper", keeper(14), 20)

    p.run(define)
    # activate: TX_ACTIVATE_ERROR (still active); change: ignored, TX_SUCCESS.
    assert got == [(3, TX_ACTIVATE_ERROR, TX_SUCCESS), (8, TX_ACTIVATE_ERROR, TX_SUCCESS),
                   (13, TX_ACTIVATE_ERROR, TX_SUCCESS)]


def test_one_shot_timer_rearms_itself_from_its_callback():
    p = Program()
    got = []

    def callback(_):
        timer = p.timers["t"]
        got.append((tx_time_get(), tx_timer_info_get(timer)[2:5], tx_timer_activate(timer)))
        if len(got) == 1:
            got.append(("change", tx_timer_change(timer, 6, 0), tx_timer_activate(timer)))

    def define():
        p.timer("t", 3, callback=callback)
        p.thread("keeper", keeper(20), 20)

    p.run(define)
    assert got == [(3, (0, 0, 0), TX_ACTIVATE_ERROR), ("change", TX_SUCCESS, TX_SUCCESS),
                   (9, (0, 0, 0), TX_ACTIVATE_ERROR)]


def test_info_get_in_a_periodic_timers_own_callback():
    p = Program()
    got = []

    def callback(_):
        got.append(tx_timer_info_get(p.timers["t"])[2:5])

    def define():
        p.timer("t", 3, 7, callback=callback)
        p.thread("keeper", keeper(5), 20)

    p.run(define)
    assert got == [(1, 0, 7)]


def test_deactivate_a_periodic_timer_due_later_in_the_same_tick():
    p = Program()
    got = {}

    def first(_):
        second = p.timers["second"]
        got["deactivate"] = tx_timer_deactivate(second)
        got["info"] = tx_timer_info_get(second)[2:5]
        got["activate"] = tx_timer_activate(second)

    def define():
        p.timer("first", 30, callback=first)
        p.timer("second", 30, 4)
        p.thread("keeper", keeper(42), 20)

    p.run(define)
    assert got == {"deactivate": TX_SUCCESS, "info": (0, 4, 4), "activate": TX_SUCCESS}
    assert p.expiries("second") == [34, 38, 42]


def test_deactivate_a_one_shot_due_later_in_the_same_tick():
    p = Program()
    got = {}

    def first(_):
        second = p.timers["second"]
        got["deactivate"] = tx_timer_deactivate(second)
        got["info"] = tx_timer_info_get(second)[2:5]
        got["activate"] = tx_timer_activate(second)

    def define():
        p.timer("first", 30, callback=first)
        p.timer("second", 30)
        p.thread("keeper", keeper(40), 20)

    p.run(define)
    assert got == {"deactivate": TX_SUCCESS, "info": (0, 0, 0), "activate": TX_ACTIVATE_ERROR}
    assert p.expiries("second") == []


# ------------------------------------------------------------------------------ change
def test_change_of_an_active_timer_is_ignored_but_succeeds():
    p = Program()
    got = {}

    def a(_):
        timer = p.timers["t"]
        tx_thread_sleep(2)
        got["active change"] = tx_timer_change(timer, 20, 20)
        got["info"] = tx_timer_info_get(timer)[2:5]
        tx_thread_sleep(10)  # the one-shot expired at 10
        got["inactive change"] = tx_timer_change(timer, 3, 6)
        got["info after"] = tx_timer_info_get(timer)[2:5]
        got["activate"] = tx_timer_activate(timer)

    def define():
        p.timer("t", 10)
        got["init"] = tx_timer_change(p.timers["t"], 5, 0)
        got["init tick"] = tx_timer_change(p.timers["t"], 0, 0)  # ticks checked first
        got["None"] = tx_timer_change(None, 5, 0)
        p.thread("A", a, 10)
        p.thread("keeper", keeper(30), 20)

    p.run(define)
    assert got == {
        "init": TX_CALLER_ERROR, "init tick": TX_TICK_ERROR, "None": TX_TIMER_ERROR,
        "active change": TX_SUCCESS, "info": (1, 8, 0),
        "inactive change": TX_SUCCESS, "info after": (0, 3, 6), "activate": TX_SUCCESS,
    }
    assert p.expiries("t") == [10, 15, 21, 27]


def test_change_with_zero_initial_ticks_is_a_tick_error():
    p = Program()
    got = {}

    def a(_):
        got["zero"] = tx_timer_change(p.timers["t"], 0, 5)
        got["never created"] = tx_timer_change(TX_TIMER(), 5, 5)
        got["info"] = tx_timer_info_get(p.timers["t"])[2:5]

    def define():
        p.timer("t", 10, auto_activate=TX_NO_ACTIVATE)
        p.thread("A", a, 10)

    p.run(define)
    assert got == {"zero": TX_TICK_ERROR, "never created": TX_TIMER_ERROR, "info": (0, 10, 0)}


# ------------------------------------------------------------------------------ create
def test_create_errors_in_c_check_order():
    p = Program()
    got = {}
    timer = TX_TIMER()

    def cb(_):
        pass

    def define():
        got["ok"] = tx_timer_create(timer, "t", cb, 0, 5, 0, TX_NO_ACTIVATE)
        fresh = TX_TIMER()
        got["None"] = tx_timer_create(None, "x", cb, 0, 5, 0, TX_AUTO_ACTIVATE)
        got["again"] = tx_timer_create(timer, "x", cb, 0, 0, 0, 2)  # created is checked first
        got["initial 0"] = tx_timer_create(fresh, "x", cb, 0, 0, 0, 2)  # then the ticks
        got["auto_activate 2"] = tx_timer_create(fresh, "x", cb, 0, 5, 0, 2)
        got["not created"] = tx_timer_info_get(fresh)[0]
        got["one-shot"] = tx_timer_create(fresh, "fresh", cb, 0, 5, 0, TX_AUTO_ACTIVATE)
        got["info"] = tx_timer_info_get(fresh)
        got["next of first"] = tx_timer_info_get(timer)[5] is fresh
        got["info None"] = tx_timer_info_get(None)
        p.thread("keeper", keeper(1), 20)

    p.run(define)
    fresh_info = got.pop("info")
    assert got == {"ok": TX_SUCCESS, "None": TX_TIMER_ERROR, "again": TX_TIMER_ERROR,
                   "initial 0": TX_TICK_ERROR, "auto_activate 2": TX_ACTIVATE_ERROR,
                   "not created": TX_TIMER_ERROR, "one-shot": TX_SUCCESS,
                   "next of first": True, "info None": (TX_TIMER_ERROR,) + (None,) * 5}
    # The created list is circular: timer -> fresh -> timer.
    assert fresh_info == (TX_SUCCESS, "fresh", 1, 5, 0, timer)


def test_delete():
    p = Program()
    got = {}

    def a(_):
        timer = p.timers["t"]
        tx_thread_sleep(3)
        got["delete"] = tx_timer_delete(timer)
        got["again"] = tx_timer_delete(timer)
        got["info"] = tx_timer_info_get(timer)[0]
        got["activate"] = tx_timer_activate(timer)
        got["None"] = tx_timer_delete(None)
        got["recreate"] = tx_timer_create(timer, "t", lambda _: p.event("t", "recreated"), 0, 4,
                                          0, TX_AUTO_ACTIVATE)

    def define():
        p.timer("t", 5, 5)
        got["init"] = tx_timer_delete(p.timers["t"])
        p.thread("A", a, 10)
        p.thread("keeper", keeper(20), 20)

    p.run(define)
    assert got == {"init": TX_CALLER_ERROR, "delete": TX_SUCCESS, "again": TX_TIMER_ERROR,
                   "info": TX_TIMER_ERROR, "activate": TX_TIMER_ERROR, "None": TX_TIMER_ERROR,
                   "recreate": TX_SUCCESS}
    assert p.log == [(7, "t", "recreated")]  # the deleted timer never fired at 5


# --------------------------------------------------------------------------------- clock
def test_time_get_and_set_do_not_move_timers():
    p = Program()

    def a(_):
        p.event("A", "start")
        tx_thread_sleep(3)
        tx_time_set(1000)
        p.event("A", "set")
        tx_thread_sleep(4)  # wakes at simulated tick 7
        p.event("A", "woke")
        tx_time_set(2**32 - 2)
        tx_thread_sleep(5)  # the timer armed at 0 still expires at simulated tick 10
        p.event("A", "wrapped")
        tx_time_set(2**32 + 9)  # a ULONG argument: truncated to 32 bits
        p.event("A", "truncated")

    def define():
        p.event("init", "define")
        p.thread("A", a, 10)
        p.timer("timer", 10)

    p.run(define)
    assert p.log == [(0, "init", "define"), (0, "A", "start"), (1000, "A", "set"),
                     (1004, "A", "woke"), (1, "timer", "expired"), (3, "A", "wrapped"),
                     (9, "A", "truncated")]


def test_time_set_in_init():
    p = Program()

    def define():
        tx_time_set(500)
        p.thread("A", lambda _: (tx_thread_sleep(5), p.event("A", "woke")), 10)

    run = p.run(define)
    assert p.log == [(505, "A", "woke")]
    assert run.ticks == 5  # simulated time is unaffected


# ------------------------------------------------------------- holding off the timer thread
def test_timer_wheel_stalls_while_the_timer_thread_is_held_off():
    """While the timer thread is held off, ThreadX's tick ISR stops advancing the timer
    wheel (tx_timer_interrupt.c): timers armed before the hold-off are delayed by its
    length, timers armed after it are on time."""
    p = Program()

    def s1(_):
        tx_thread_sleep(3)
        p.event("S1", "wake")
        tx_thread_sleep(5)  # armed after the stall: on time
        p.event("S1", "wake again")

    def s2(_):
        tx_thread_sleep(6)
        p.event("S2", "wake")

    def h(_):
        p.event("H", "start")
        cpu_work(10)
        p.event("H", "done")

    def define():
        p.thread("S1", s1, 5)
        p.thread("S2", s2, 5)
        p.thread("H", h, 10, threshold=0)

    p.run(define)
    # Slot 3 waits for the timer thread from tick 3 to 10: the wheel is 7 ticks behind,
    # so S2's slot 6 comes round at tick 13.
    assert p.log == [(0, "H", "start"), (10, "H", "done"), (10, "S1", "wake"), (13, "S2", "wake"),
                     (15, "S1", "wake again")]
