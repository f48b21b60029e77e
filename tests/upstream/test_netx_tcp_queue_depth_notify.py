"""Port of NetX Duo's ``test/regression/netxduo_test/netx_tcp_queue_depth_notify_test.c``
(built with NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY): a server socket with a transmit
queue of 2 loses its first segment on the wire; its third send finds the queue full
(NX_TX_QUEUE_DEPTH) and waits on a semaphore that the queue-depth notify gives when the
retransmission gets both segments acknowledged; the send is then retried.

The NetX suite's ``_nx_ram_network_driver_1500`` with ``advanced_packet_process_callback``
is written inline: the minimum this test needs, a callback that chooses per packet
whether the driver sends it or drops it.
"""
from __future__ import annotations

from typing import Any

from netxsim import *  # noqa: F403
from netxsim.nx.ram_driver import _nx_ram_network_driver

DEMO_STACK_SIZE = 2048
MSG = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"
NX_RAMDRIVER_OP_BYPASS, NX_RAMDRIVER_OP_DROP = 0, 1


def test_netx_tcp_queue_depth_notify() -> None:
    ntest_0, ntest_1 = TX_THREAD(), TX_THREAD()
    pool_0 = NX_PACKET_POOL()
    ip_0, ip_1 = NX_IP(), NX_IP()
    client_socket, server_socket = NX_TCP_SOCKET(), NX_TCP_SOCKET()
    sema_0 = TX_SEMAPHORE()
    s: dict[str, Any] = {"errors": 0, "op": NX_RAMDRIVER_OP_BYPASS, "notified": [], "callback": None,
                         "result": None, "dropped": 0}

    def error() -> None:
        s["errors"] += 1

    def _nx_ram_network_driver_1500(driver_req: Any) -> None:
        if s["callback"] is not None and driver_req.nx_ip_driver_command == NX_LINK_PACKET_SEND \
                and s["op"] == NX_RAMDRIVER_OP_DROP:
            s["dropped"] += 1
            nx_packet_transmit_release(driver_req.nx_ip_driver_packet)   # lost on the wire
            return
        _nx_ram_network_driver(driver_req)

    def my_queue_depth_notify(socket_ptr: Any) -> None:
        s["notified"].append(tx_time_get())
        tx_semaphore_put(sema_0)

    def ntest_0_entry(_: int) -> None:
        if nx_ip_status_check(ip_1, NX_IP_INITIALIZE_DONE, NX_IP_PERIODIC_RATE)[0] != NX_SUCCESS:
            error()
        if nx_tcp_socket_create(ip_0, server_socket, "Server Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, 200, None, None):
            error()
        # _nx_tcp_transmit_timer_rate (100 ticks), NX_TCP_MAXIMUM_RETRIES, NX_TCP_RETRY_SHIFT
        nx_tcp_socket_transmit_configure(server_socket, 2, 100, 10, 0)
        if nx_tcp_socket_queue_depth_notify_set(server_socket, my_queue_depth_notify):
            error()
        if nx_tcp_server_socket_listen(ip_0, 12, server_socket, 5, None):
            error()
        if nx_tcp_server_socket_accept(server_socket, NX_IP_PERIODIC_RATE):
            error()
        if nx_tcp_socket_queue_depth_notify_set(server_socket, my_queue_depth_notify):
            error()
        s["callback"] = True
        i = 0
        while i < 3:
            s["op"] = NX_RAMDRIVER_OP_DROP if i == 0 else NX_RAMDRIVER_OP_BYPASS
            status, my_packet = nx_packet_allocate(pool_0, NX_TCP_PACKET, NX_IP_PERIODIC_RATE)
            if status:
                error()
            if nx_packet_data_append(my_packet, MSG, 20, pool_0, NX_IP_PERIODIC_RATE):
                error()
            status = nx_tcp_socket_send(server_socket, my_packet, 0)
            if status:
                if status == NX_TX_QUEUE_DEPTH:
                    if tx_semaphore_get(sema_0, 5 * NX_IP_PERIODIC_RATE):
                        error()
                    else:
                        i -= 1
                else:
                    error()
                nx_packet_release(my_packet)
            i += 1
        if nx_tcp_socket_disconnect(server_socket, 5 * NX_IP_PERIODIC_RATE):
            error()
        if nx_tcp_server_socket_unaccept(server_socket):
            error()
        nx_tcp_server_socket_unlisten(ip_0, 12)
        if nx_tcp_socket_delete(server_socket):
            error()

    def ntest_1_entry(_: int) -> None:
        if nx_tcp_socket_create(ip_1, client_socket, "Client Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, 300, None, None):
            error()
        if nx_tcp_client_socket_bind(client_socket, 12, NX_IP_PERIODIC_RATE):
            error()
        if nx_tcp_client_socket_connect(client_socket, IP_ADDRESS(1, 2, 3, 4), 12, 5 * NX_IP_PERIODIC_RATE):
            error()
        received = b""
        while True:
            status, my_packet = nx_tcp_socket_receive(client_socket, 5 * NX_IP_PERIODIC_RATE)
            if status:
                break
            received += my_packet.chain_bytes()
            nx_packet_release(my_packet)
        s["received"] = received
        if nx_tcp_socket_disconnect(client_socket, 5 * NX_IP_PERIODIC_RATE):
            error()
        if nx_tcp_client_socket_unbind(client_socket):
            error()
        if nx_tcp_socket_delete(client_socket):
            error()
        s["result"] = "ERROR" if s["errors"] or not s["notified"] else "SUCCESS"

    def define(first_unused_memory: Any) -> None:
        pointer = first_unused_memory
        tx_thread_create(ntest_0, "thread 0", ntest_0_entry, 0, pointer, DEMO_STACK_SIZE, 3, 3,
                         TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer += DEMO_STACK_SIZE
        tx_thread_create(ntest_1, "thread 1", ntest_1_entry, 0, pointer, DEMO_STACK_SIZE, 4, 4,
                         TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer += DEMO_STACK_SIZE
        nx_system_initialize()
        if nx_packet_pool_create(pool_0, "NetX Main Packet Pool", 256, pointer, 8192):
            error()
        pointer += 8192
        status = nx_ip_create(ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00, pool_0,
                              _nx_ram_network_driver_1500, pointer, 2048, 1)
        pointer += 2048
        status += nx_ip_create(ip_1, "NetX IP Instance 1", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00, pool_0,
                               _nx_ram_network_driver, pointer, 2048, 1)
        pointer += 2048
        if status:
            error()
        for ip in (ip_0, ip_1):
            if nx_arp_enable(ip, pointer, 1024):
                error()
            pointer += 1024
            if nx_tcp_enable(ip):
                error()
        if tx_semaphore_create(sema_0, "Semaphore 0", 0):
            error()

    tx_kernel_enter(define, config=NxConfig(NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY=True))
    assert s["result"] == "SUCCESS", s
    assert s["dropped"] == 1 and len(s["notified"]) == 1
    assert s["received"] == MSG[:20] * 3      # the lost segment was retransmitted, in order
