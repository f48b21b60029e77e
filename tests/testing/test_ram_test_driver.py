"""NetX Duo's RAM test driver: MTU variants and advanced_packet_process, as in
nx_ram_network_driver_test_1500.c (drop, delay, duplicate, consumed; cleared at
NX_LINK_INITIALIZE)."""
import pytest

from netxsim import *  # noqa: F403
from netxsim.nx.segment import DELIVERED
from netxsim.testing import ram_test_driver, test_control_return, two_host_world
from netxsim.tx.kernel import KernelError
from netxsim.testing.ram_test_driver import (
    NX_RAMDRIVER_OP_DELAY, NX_RAMDRIVER_OP_DROP, NX_RAMDRIVER_OP_DUPLICATE, _nx_ram_network_driver_512,
    _nx_ram_network_driver_1500,
)

IP_PROTO_ICMP = 1


def is_icmp(packet):
    return packet.nx_packet_ip_version == 4 and (packet.nx_packet_prepend_ptr + 9).read(1)[0] == IP_PROTO_ICMP


def ping_world(hook, driver=_nx_ram_network_driver_1500, wait=100):
    """A pings B once (after ARP) with ``hook`` installed; returns (run, world, result)."""
    world = two_host_world(driver=driver, wire={"frame_log": True})
    thread, result = TX_THREAD(), {}

    def entry(_):
        result["mtu"] = world.A.ip.nx_ip_interface[0].nx_interface_ip_mtu_size
        result["hook after init"] = ram_test_driver.advanced_packet_process_callback
        ram_test_driver.advanced_packet_process_callback = hook
        status, response = nx_icmp_ping(world.A.ip, world.B.address, b"abcd", 4, wait)
        result["ping"] = (status, tx_time_get())
        if response is not None:
            nx_packet_release(response)

    def define(memory):
        ram_test_driver.advanced_packet_process_callback = lambda *a: NX_FALSE   # cleared by the driver
        tx_thread_create(thread, "pinger", entry, 0, memory, 2048, 10, 10, 0, TX_AUTO_START)
    run = world.run(define)
    return run, world, result


def icmp_frames(world):
    return [r for r in world.wire.frame_log if r.fate == DELIVERED and r.frame[12:14] == b"\x08\x00"]


def test_bypass_and_mtu_variant_and_hook_cleared_at_initialize():
    run, world, result = ping_world(None, driver=_nx_ram_network_driver_512)
    assert (run.reason, result["ping"], result["mtu"], result["hook after init"]) == \
        ("completed", (NX_SUCCESS, 0), 512, None)
    assert len(icmp_frames(world)) == 2


def test_drop():
    def hook(ip, packet, operation_ptr, delay_ptr):
        if is_icmp(packet):
            operation_ptr[0] = NX_RAMDRIVER_OP_DROP
        return NX_TRUE
    run, world, result = ping_world(hook)
    assert result["ping"] == (NX_NO_RESPONSE, 100)
    assert icmp_frames(world) == []
    assert world.A.ip_pool.nx_packet_pool_available == world.A.ip_pool.nx_packet_pool_total


def test_delay_sends_later_from_a_driver_timer():
    def hook(ip, packet, operation_ptr, delay_ptr):
        if ip is not None and is_icmp(packet) and ip.nx_ip_name == "A IP":
            operation_ptr[0], delay_ptr[0] = NX_RAMDRIVER_OP_DELAY, 30
        return NX_TRUE
    run, world, result = ping_world(hook)
    assert result["ping"] == (NX_SUCCESS, 30)
    assert [r.tick for r in icmp_frames(world)] == [30, 30]


def test_duplicate():
    def hook(ip, packet, operation_ptr, delay_ptr):
        if is_icmp(packet) and ip.nx_ip_name == "A IP":
            operation_ptr[0] = NX_RAMDRIVER_OP_DUPLICATE
        return NX_TRUE
    run, world, result = ping_world(hook)
    frames = icmp_frames(world)
    assert result["ping"] == (NX_SUCCESS, 0)
    ports = [r.port for r in frames]
    assert (ports.count("A IP"), ports.count("B IP")) == (2, 2)     # B answers both copies
    requests = [r.frame for r in frames if r.port == "A IP"]
    assert requests[0] == requests[1]


def test_consumed_packet_belongs_to_the_callback():
    kept = []

    def hook(ip, packet, operation_ptr, delay_ptr):
        if is_icmp(packet) and ip.nx_ip_name == "A IP":
            kept.append(packet)
            return NX_FALSE
        return NX_TRUE
    run, world, result = ping_world(hook)
    assert result["ping"] == (NX_NO_RESPONSE, 100) and len(kept) == 1 and icmp_frames(world) == []
    pool = world.A.ip_pool
    assert pool.nx_packet_pool_available == pool.nx_packet_pool_total - 1    # still the callback's
    # The run is over: releasing now is refused by name, and the packet stays leaked.
    with pytest.raises(KernelError, match="nx_packet_transmit_release: the run has ended"):
        nx_packet_transmit_release(kept[0])
    assert pool.nx_packet_pool_available == pool.nx_packet_pool_total - 1


def test_delay_of_zero_ticks_is_refused_loudly():
    def hook(ip, packet, operation_ptr, delay_ptr):
        operation_ptr[0] = NX_RAMDRIVER_OP_DELAY
        return NX_TRUE
    with pytest.raises(ValueError, match="delay_ptr > 0"):
        ping_world(hook)


def test_test_control_return_from_a_thread_ends_the_run():
    thread, after = TX_THREAD(), []

    def entry(_):
        tx_thread_sleep(5)
        test_control_return(3)
        after.append("never")

    def define(memory):
        tx_thread_create(thread, "t", entry, 0, memory, 2048, 10, 10, 0, TX_AUTO_START)
    run = tx_kernel_enter(define)
    assert (run.reason, run.status, run.ticks, after) == ("stopped", 3, 5, [])
    assert "stopped (status 0x3)" in run.report()


def test_test_control_return_from_an_isr_and_from_initialisation():
    from netxsim.tx.kernel import kernel
    thread = TX_THREAD()

    def define(memory):
        tx_thread_create(thread, "t", lambda _: tx_thread_sleep(1000), 0, memory, 2048, 10, 10, 0, TX_AUTO_START)
        kernel().interrupt_after(7, lambda: test_control_return(1))
    run = tx_kernel_enter(define)
    assert (run.reason, run.status, run.ticks) == ("stopped", 1, 7)
    run = tx_kernel_enter(lambda memory: test_control_return(0))
    assert (run.reason, run.status, run.ticks) == ("stopped", 0, 0)


def test_at_most_nx_max_timer_delays_then_packets_go_at_once():
    """Six data segments delayed by 50 ticks: the driver has 5 timers, so the sixth is
    sent at once (the C's "no available timer, just send bypass")."""
    world = two_host_world(driver=_nx_ram_network_driver_1500, wire={"frame_log": True})
    client, server, t0, t1 = NX_TCP_SOCKET(), NX_TCP_SOCKET(), TX_THREAD(), TX_THREAD()
    seen = []

    def delay_data(ip, packet, operation_ptr, delay_ptr):
        header = packet.nx_packet_prepend_ptr.read(4)      # an IPv4 header with 10 data bytes
        if ip is world.A.ip and header[0] == 0x45 and int.from_bytes(header[2:4], "big") == 50:
            operation_ptr[0], delay_ptr[0] = NX_RAMDRIVER_OP_DELAY, 50
        return NX_TRUE

    def simple(ip, packet):
        seen.append(ip.nx_ip_name)
        return NX_TRUE

    def server_entry(_):
        nx_tcp_socket_create(world.B.ip, server, "server", 0, 0, 0x80, 8192, None, None)
        nx_tcp_server_socket_listen(world.B.ip, 80, server, 5, None)
        nx_tcp_server_socket_accept(server, 100)
        for _ in range(6):
            status, packet = nx_tcp_socket_receive(server, 200)
            if status == NX_SUCCESS:
                nx_packet_release(packet)

    def client_entry(_):
        ram_test_driver.advanced_packet_process_callback = delay_data
        ram_test_driver.set_packet_process_callback(simple)
        nx_tcp_socket_create(world.A.ip, client, "client", 0, 0, 0x80, 8192, None, None)
        nx_tcp_client_socket_bind(client, 1024, NX_NO_WAIT)
        nx_tcp_client_socket_connect(client, world.B.address, 80, 100)
        for i in range(6):
            _, packet = nx_packet_allocate(world.A.ip_pool, NX_TCP_PACKET, NX_NO_WAIT)
            nx_packet_data_append(packet, bytes([65 + i]) * 10, 10, world.A.ip_pool, NX_NO_WAIT)
            nx_tcp_socket_send(client, packet, NX_NO_WAIT)

    def define(memory):
        tx_thread_create(t1, "server", server_entry, 0, memory, 2048, 3, 3, 0, TX_AUTO_START)
        tx_thread_create(t0, "client", client_entry, 0, memory + 2048, 2048, 4, 4, 0, TX_AUTO_START)
    world.run(define)
    data = [(r.tick, r.frame[-10:]) for r in world.wire.frame_log
            if r.fate == DELIVERED and r.port == "A IP" and len(r.frame) == 14 + 40 + 10]
    assert data == [(0, b"F" * 10)] + [(50, bytes([65 + i]) * 10) for i in range(5)]
    assert seen.count("A IP") >= 8 and "B IP" in seen     # the simple hook sees every transmit
