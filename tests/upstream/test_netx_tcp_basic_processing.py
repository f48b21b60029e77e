"""Port of NetX Duo's ``test/regression/netxduo_test/netx_tcp_basic_processing_test.c``:
1000 connect / send 28 bytes / disconnect cycles between two IP instances sharing one
pool of 256-byte packets, over the RAM driver with a 256-byte MTU, with the receive,
establish, disconnect-complete, timed-wait and window-update notifies installed; the
final TCP counters are checked as the C test checks them.

The NetX suite's ``_nx_ram_network_driver_256`` comes from ``netxsim.testing``. The C test is
built without NX_ENABLE_DUAL_PACKET_POOL, so ``nx_ip_auxiliary_packet_pool_set`` must
answer NX_NOT_SUPPORTED.
"""
from __future__ import annotations

from typing import Any

from netxsim import *  # noqa: F403  (the C test includes tx_api.h and nx_api.h)
from netxsim.testing.ram_test_driver import _nx_ram_network_driver_256

CYCLES = 1000


def test_netx_tcp_basic_processing() -> None:
    thread_0, thread_1 = TX_THREAD(), TX_THREAD()
    pool_0, my_auxiliary_pool = NX_PACKET_POOL(), NX_PACKET_POOL()
    ip_0, ip_1 = NX_IP(), NX_IP()
    client_socket, server_socket = NX_TCP_SOCKET(), NX_TCP_SOCKET()
    c = {"thread_0": 0, "thread_1": 0, "errors": 0, "connections": 0, "disconnections": 0,
         "client_receives": 0, "server_receives": 0, "established": 0, "complete": 0, "timed_wait": 0}
    result: list[str] = []

    def error() -> None:
        c["errors"] += 1

    def thread_0_entry(_: int) -> None:
        window_size = 200
        status, client_port = nx_tcp_free_port_find(ip_0, 1)
        assert status == NX_SUCCESS
        while c["thread_0"] < CYCLES and c["errors"] == 0:
            c["thread_0"] += 1
            if nx_tcp_socket_create(ip_0, client_socket, "Client Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                    NX_IP_TIME_TO_LIVE, window_size, None, None):
                error()
            if nx_tcp_socket_receive_notify(client_socket, lambda s: c.__setitem__(
                    "client_receives", c["client_receives"] + 1)):
                error()
            if nx_tcp_socket_establish_notify(client_socket, lambda s: c.__setitem__(
                    "established", c["established"] + 1)):
                error()
            if nx_tcp_socket_disconnect_complete_notify(client_socket, lambda s: c.__setitem__(
                    "complete", c["complete"] + 1)):
                error()
            if nx_tcp_socket_timed_wait_callback(client_socket, lambda s: c.__setitem__(
                    "timed_wait", c["timed_wait"] + 1)):
                error()
            if nx_tcp_socket_window_update_notify_set(client_socket, lambda s: None):
                error()
            if nx_tcp_client_socket_bind(client_socket, client_port, NX_WAIT_FOREVER):
                error()
            status, compare_port = nx_tcp_client_socket_port_get(client_socket)
            assert status == NX_SUCCESS and compare_port == client_port
            assert nx_tcp_socket_peer_info_get(client_socket)[0] != NX_SUCCESS
            if nx_tcp_socket_mss_set(client_socket, 200):
                error()
            if nx_tcp_client_socket_connect(client_socket, IP_ADDRESS(1, 2, 3, 5), 12, 5 * NX_IP_PERIODIC_RATE):
                error()
            if nx_tcp_socket_state_wait(client_socket, NX_TCP_ESTABLISHED, 5 * NX_IP_PERIODIC_RATE):
                error()
            status, mss = nx_tcp_socket_mss_get(client_socket)
            if status:
                error()
            if nx_tcp_socket_mss_set(client_socket, mss - 1) == NX_SUCCESS:
                error()
            if nx_tcp_socket_mss_peer_get(client_socket)[0]:
                error()
            if nx_tcp_socket_bytes_available(client_socket)[0]:
                error()
            status, peer_ip_address, peer_port = nx_tcp_socket_peer_info_get(client_socket)
            if status or peer_ip_address != IP_ADDRESS(1, 2, 3, 5) or peer_port != 12:
                error()
            status, address, port = nxd_tcp_socket_peer_info_get(client_socket)
            if status or (address.nxd_ip_version, address.nxd_ip_address.v4, port) != (4, IP_ADDRESS(1, 2, 3, 5), 12):
                error()
            status, my_packet = nx_packet_allocate(pool_0, NX_TCP_PACKET, NX_WAIT_FOREVER)
            if status != NX_SUCCESS:
                break
            my_packet.nx_packet_prepend_ptr.write(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ  ")
            my_packet.nx_packet_length = 28
            my_packet.nx_packet_append_ptr = my_packet.nx_packet_prepend_ptr + 28
            if nx_tcp_socket_send(client_socket, my_packet, 5 * NX_IP_PERIODIC_RATE):
                error()
                nx_packet_release(my_packet)
            if nx_tcp_socket_disconnect(client_socket, 5 * NX_IP_PERIODIC_RATE):
                error()
            if nx_tcp_client_socket_unbind(client_socket):
                error()
            (status, packets_sent, bytes_sent, packets_received, bytes_received, retransmit_packets,
             packets_queued, checksum_errors, socket_state, transmit_queue_depth, transmit_window,
             receive_window) = nx_tcp_socket_info_get(client_socket)
            if (packets_sent, bytes_sent) != (1, 28):
                error()
            if c["errors"] or status or packets_received or bytes_received or retransmit_packets or packets_queued \
                    or checksum_errors or socket_state != NX_TCP_CLOSED or transmit_queue_depth \
                    or transmit_window != 100 or receive_window != window_size:
                result.append("ERROR in cycle %d" % c["thread_0"])
                return
            if nx_tcp_socket_delete(client_socket):
                error()
        (status, tcp_packets_sent, tcp_bytes_sent, tcp_packets_received, tcp_bytes_received,
         tcp_invalid_packets, tcp_receive_packets_dropped, tcp_checksum_errors, tcp_connections,
         tcp_disconnections, tcp_connections_dropped, tcp_retransmit_packets) = nx_tcp_info_get(ip_0)
        if (tcp_packets_sent, tcp_bytes_sent, tcp_connections, tcp_disconnections) != \
                (CYCLES, CYCLES * 28, CYCLES, 2 * CYCLES):
            error()
        if c["errors"] or status or c["thread_0"] != CYCLES or c["thread_1"] != CYCLES \
                or c["connections"] != CYCLES or c["disconnections"] or tcp_packets_received \
                or tcp_bytes_received or tcp_invalid_packets or tcp_receive_packets_dropped \
                or tcp_checksum_errors or tcp_connections_dropped or tcp_retransmit_packets:
            result.append("ERROR")
        else:
            result.append("SUCCESS")

    def connect_received(socket_ptr: Any, port: int) -> None:
        if socket_ptr is not server_socket or port != 12:
            error()
        else:
            c["connections"] += 1

    def disconnect_received(socket_ptr: Any) -> None:
        if socket_ptr is not server_socket:
            error()

    def thread_1_entry(_: int) -> None:
        status, _actual = nx_ip_status_check(ip_1, NX_IP_INITIALIZE_DONE, NX_IP_PERIODIC_RATE)
        assert status == NX_SUCCESS
        if nx_tcp_socket_create(ip_1, server_socket, "Server Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                NX_IP_TIME_TO_LIVE, 100, None, disconnect_received):
            error()
        if nx_tcp_socket_receive_notify(server_socket, lambda s: c.__setitem__(
                "server_receives", c["server_receives"] + 1)):
            error()
        if nx_tcp_socket_transmit_configure(server_socket, 10, 300, 10, 0):
            error()
        if nx_tcp_server_socket_listen(ip_1, 12, server_socket, 5, connect_received):
            error()
        nx_tcp_server_socket_accept(server_socket, 0)
        nx_tcp_socket_disconnect(server_socket, 5 * NX_IP_PERIODIC_RATE)
        while c["thread_1"] < CYCLES and c["errors"] == 0:
            c["thread_1"] += 1
            if nx_tcp_server_socket_accept(server_socket, 5 * NX_IP_PERIODIC_RATE):
                error()
            status, packet_ptr = nx_tcp_socket_receive(server_socket, 5 * NX_IP_PERIODIC_RATE)
            if status:
                error()
            else:
                nx_packet_release(packet_ptr)
            if nx_tcp_socket_disconnect(server_socket, 5 * NX_IP_PERIODIC_RATE):
                error()
            if nx_tcp_server_socket_unaccept(server_socket):
                error()
            if nx_tcp_server_socket_relisten(ip_1, 12, server_socket):
                error()
        if nx_tcp_server_socket_unlisten(ip_1, 12):
            error()

    def application_define(first_unused_memory: Any) -> None:
        pointer = first_unused_memory
        tx_thread_create(thread_0, "thread 0", thread_0_entry, 0, pointer, 2048, 4, 4, TX_NO_TIME_SLICE,
                         TX_AUTO_START)
        pointer += 2048
        tx_thread_create(thread_1, "thread 1", thread_1_entry, 0, pointer, 2048, 3, 3, TX_NO_TIME_SLICE,
                         TX_AUTO_START)
        pointer += 2048
        nx_system_initialize()
        if nx_packet_pool_create(pool_0, "NetX Main Packet Pool", 256, pointer, 8192):
            error()
        pointer += 8192
        if nx_packet_pool_create(my_auxiliary_pool, "NetX Auxiliary Packet Pool", 128, pointer, 1280):
            error()
        pointer += 1280
        status = nx_ip_create(ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00, pool_0,
                              _nx_ram_network_driver_256, pointer, 2048, 1)
        pointer += 2048
        status += nx_ip_create(ip_1, "NetX IP Instance 1", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00, pool_0,
                               _nx_ram_network_driver_256, pointer, 2048, 1)
        pointer += 2048
        if status:
            error()
        status = nx_arp_enable(ip_0, pointer, 1024)
        pointer += 1024
        status += nx_arp_enable(ip_1, pointer, 1024)
        pointer += 1024
        if status:
            error()
        if nx_tcp_enable(ip_0) + nx_tcp_enable(ip_1):
            error()
        # Built without NX_ENABLE_DUAL_PACKET_POOL, as the C test expects by default.
        if nx_ip_auxiliary_packet_pool_set(ip_0, my_auxiliary_pool) != NX_NOT_SUPPORTED:
            error()
        if nx_ip_auxiliary_packet_pool_set(ip_1, my_auxiliary_pool) != NX_NOT_SUPPORTED:
            error()

    tx_kernel_enter(application_define)
    assert result == ["SUCCESS"], (result, c)
    # The notifies fired once per cycle: each connection was established; the server
    # thread (more urgent) disconnects first, so the client closes passively through
    # LAST_ACK: disconnect complete, and never TIMED_WAIT (no timed-wait callback).
    assert (c["established"], c["timed_wait"], c["complete"]) == (CYCLES, 0, CYCLES)
    assert c["server_receives"] == CYCLES and c["client_receives"] == 0
