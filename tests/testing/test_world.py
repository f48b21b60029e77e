"""Worlds: builders, time control on one kernel, finished runs refused."""
import pytest

import smtp_client
from netxsim import *  # noqa: F403
from netxsim.testing import (
    WorldError, World, good_smtp_script, record_calls, smtp_clients_world, smtp_world, test_control_return,
    two_host_world,
)
from netxsim.testing.world import GUIDE_CLIENT_ADDRESS, GUIDE_SERVER_ADDRESS
from smtp_client import *  # noqa: F403


def mail_thread(world, host, thread, client, result, sleep=100):
    def entry(_):
        tx_thread_sleep(sleep)
        status = nx_smtp_client_create(client, host.ip, host.pools["smtp"], "myusername", "mypassword",
                                       "me@x.com", "x.com", NX_SMTP_CLIENT_AUTH_PLAIN, GUIDE_SERVER_ADDRESS, 25)
        assert status == NX_SUCCESS
        result.append(smtp_client.nx_smtp_mail_send(client, "you@y.com", NX_SMTP_MAIL_PRIORITY_NORMAL, "s",
                                                    "hello\r\n", 7))
        nx_smtp_client_delete(client)
    return entry


def test_smtp_world_delivers_with_guide_parameters_and_continues_between_runs():
    world = smtp_world()
    thread, client, result = TX_THREAD(), NX_SMTP_CLIENT(), []
    entry = mail_thread(world, world.client, thread, client, result)

    def define(memory):
        assert memory == world.first_unused_memory
        tx_thread_create(thread, "client", entry, 0, memory, 4096, 16, 16, 0, TX_AUTO_START)

    assert (world.client.address, world.client.pools["smtp"].nx_packet_pool_id) == (GUIDE_CLIENT_ADDRESS, 0)
    with record_calls(smtp_client, "nx_smtp_mail_send") as calls:
        assert world.run(define, until=60).reason == "until"
        assert (world.now, thread.tx_thread_state, result) == (60, TX_SLEEP, [])
        assert world.client.pools["smtp"].nx_packet_pool_payload_size == 800
        run = world.run(until=lambda: result != [], every=7)
    assert (run.reason, run.ticks, result) == ("completed", 100, [NX_SUCCESS])
    assert str(calls.one("nx_smtp_mail_send")) == "nx_smtp_mail_send in 'client': 0x00 at tick 100 (+0 from 100)"
    assert len(world.server.mailbox) == 1
    with pytest.raises(WorldError, match="the run is finished \\(completed at tick 100\\)"):
        world.run(until=200)


def test_three_clients_and_one_server():
    world = smtp_clients_world(3)
    threads = [TX_THREAD() for _ in range(3)]
    clients = [NX_SMTP_CLIENT() for _ in range(3)]
    result = []

    def define(memory):
        for i in range(3):
            entry = mail_thread(world, world.hosts[f"client{i}"], threads[i], clients[i], result, 100 + 10 * i)
            tx_thread_create(threads[i], f"client{i}", entry, 0, memory + 4096 * i, 4096, 16, 16, 0, TX_AUTO_START)
    assert world.run(define).reason == "completed"
    assert result == [NX_SUCCESS] * 3
    assert [mail.helo for mail in world.server.mailbox] == ["x.com"] * 3
    with pytest.raises(WorldError, match="at most 4 interfaces"):
        smtp_clients_world(4)


def test_a_world_cannot_continue_after_another_kernel_ran_or_after_a_stop():
    world = two_host_world()
    thread = TX_THREAD()

    def define(memory):
        tx_thread_create(thread, "t", lambda _: tx_thread_sleep(100), 0, memory, 2048, 10, 10, 0, TX_AUTO_START)
    world.run(define, until=10)
    tx_kernel_enter(lambda memory: None)
    with pytest.raises(WorldError, match="another tx_kernel_enter ran since"):
        world.run(until=20)
    with pytest.raises(WorldError, match="already built"):
        world.run(define)

    stopped = two_host_world()

    def stop_define(memory):
        tx_thread_create(thread, "t", lambda _: test_control_return(7), 0, memory, 2048, 10, 10, 0, TX_AUTO_START)
    assert (stopped.run(stop_define).reason, stopped.last_run.status) == ("stopped", 7)
    with pytest.raises(WorldError, match="stopped"):
        stopped.run(until=50)


def test_kernel_kwargs_pass_through_and_scripted_server():
    trace = []
    world = smtp_world(trace=trace, server_options={"script": good_smtp_script()})
    assert world.kernel_kwargs == {"trace": trace}
    thread, client, result = TX_THREAD(), NX_SMTP_CLIENT(), []
    entry = mail_thread(world, world.client, thread, client, result)
    world.run(lambda memory: tx_thread_create(thread, "client", entry, 0, memory, 4096, 16, 16, 0, TX_AUTO_START))
    assert result == [NX_SUCCESS] and trace
    assert world.server.received[1] == b"EHLO x.com\r\n"


def test_exception_in_a_simulated_thread_names_it_and_the_tick():
    world = two_host_world()
    thread = TX_THREAD()

    def entry(_):
        tx_thread_sleep(12)
        {}["missing"]
    with pytest.raises(KeyError) as caught:
        world.run(lambda memory: tx_thread_create(thread, "bad", entry, 0, memory, 2048, 10, 10, 0, TX_AUTO_START))
    assert caught.value.__notes__ == ["raised in simulated thread 'bad' at tick 12"]


def test_declaring_after_the_run_is_refused():
    world = World()
    world.add_host("solo", IP_ADDRESS(10, 0, 0, 1))
    world.run(None)
    with pytest.raises(WorldError):
        world.add_host("late", IP_ADDRESS(10, 0, 0, 2))
