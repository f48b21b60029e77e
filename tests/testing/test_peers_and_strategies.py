"""Misbehaving-server vocabulary, hypothesis strategies, call records and C-named internals."""
import types

import pytest
from hypothesis import given

from netxsim import *  # noqa: F403
from netxsim.nx.faults import LinkFaults
from netxsim.peers.smtp_server import Close, Garbage, Reset, Send, Silence
from netxsim.testing import (
    CallRecorder, close_at, garbage_at, good_smtp_script, internals, long_reply, reply_at, reset_at,
    silent_from, slow, split_every_byte,
)
from netxsim.testing.peers import AUTH_REJECTED, GREETING, SMTP_LOGIN_STEPS, SMTP_STEPS, step_index
from netxsim.testing.strategies import fault_schedules, hostile_smtp_scripts


def actions(script):
    return [step.action for step in script]


def test_good_scripts_name_their_steps():
    assert len(good_smtp_script()) == len(SMTP_STEPS)
    assert len(good_smtp_script("LOGIN")) == len(SMTP_LOGIN_STEPS)
    assert actions(good_smtp_script())[0].parts == (GREETING,)
    assert step_index(good_smtp_script(), "message") == 7
    with pytest.raises(ValueError, match="unknown step"):
        step_index(good_smtp_script(), "helo")


def test_cut_the_dialogue():
    good = good_smtp_script()
    for spoil, kind in ((silent_from, Silence), (close_at, Close), (reset_at, Reset)):
        script = spoil(good, "mail")
        assert len(script) == 5 and isinstance(script[-1].action, kind)
        assert actions(script[:4]) == actions(good[:4])
    assert len(good) == 9      # the original is untouched


def test_slow_split_long_garbage_reply():
    good = good_smtp_script()
    assert [s.delay for s in slow(good, 30, steps=["rcpt"])] == [0, 0, 0, 0, 0, 30, 0, 0, 0]
    split = split_every_byte(good, gap=2)
    parts = split[0].action.parts
    assert b"".join(p for p in parts if isinstance(p, bytes)) == GREETING
    assert parts[:3] == (b"2", 2, b"2") and len([p for p in parts if isinstance(p, bytes)]) == len(GREETING)
    long = long_reply(good, "ehlo", 2000)[1].action
    assert len(long.parts[0]) >= 2000 and long.parts[0].endswith(good[1].action.parts[0])
    assert all(line.startswith(b"250") for line in long.parts[0].split(b"\r\n")[:-1])
    assert isinstance(garbage_at(good, "data", 10, seed=3)[6].action, Garbage)
    assert reply_at(good, "credentials", AUTH_REJECTED)[3].action.parts == (AUTH_REJECTED,)
    with pytest.raises(ValueError, match="beyond the script"):
        close_at(silent_from(good, "mail"), "quit")


@given(script=hostile_smtp_scripts())
def test_hostile_scripts_are_spoiled_good_scripts(script):
    assert 1 <= len(script) <= 9
    assert all(step.action is None or isinstance(step.action, (Send, Silence, Reset, Close)) for step in script)
    describe = lambda steps: [(repr(step.action), step.delay) for step in steps]  # noqa: E731
    assert describe(script) != describe(good_smtp_script())     # at least one misbehaviour applied


@given(faults=fault_schedules(corruption=True))
def test_fault_schedules_are_valid_seeded_link_faults(faults):
    assert isinstance(faults, LinkFaults)
    faults.validate()
    assert 0 <= faults.drop <= 0.3


def test_call_recorder_wraps_and_restores():
    namespace = types.SimpleNamespace(service=lambda x: (NX_SUCCESS, x * 2), other=lambda: 0x38)
    original = namespace.service
    thread = TX_THREAD()
    with CallRecorder().install(namespace, "service", "other") as calls:
        def entry(_):
            tx_thread_sleep(3)
            namespace.service(21)
            namespace.other()
        tx_kernel_enter(lambda m: tx_thread_create(thread, "caller", entry, 0, m, 2048, 10, 10, 0, TX_AUTO_START))
    assert namespace.service is original
    record = calls.one("service")
    assert (record.status, record.result, record.thread, record.start, record.end) == (0, (0, 42), "caller", 3, 3)
    assert calls.statuses("other") == [0x38] and len(calls) == 2
    with pytest.raises(AssertionError, match="0 calls of missing"):
        calls.one("missing")


def test_internals_are_live_and_read_only():
    seen = []
    thread = TX_THREAD()

    def entry(_):
        seen.append((internals._tx_thread_preempt_disable, internals._tx_thread_current_ptr is thread,
                     internals._tx_timer_system_clock))
    tx_kernel_enter(lambda m: tx_thread_create(thread, "t", entry, 0, m, 2048, 10, 10, 0, TX_AUTO_START))
    assert seen == [(0, True, 0)]
    assert (internals._nx_tcp_fast_timer_rate, internals._nx_tcp_ack_timer_rate,
            internals._nx_tcp_transmit_timer_rate, internals._nx_tcp_2MSL_timer_rate) == (10, 20, 100, 24000)
    assert internals.NX_TCP_ID == 0x54435020
    with pytest.raises(AttributeError, match="read-only"):
        internals._tx_thread_preempt_disable = 1
