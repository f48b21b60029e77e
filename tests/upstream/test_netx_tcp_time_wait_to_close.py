"""Port of netxduo ``test/regression/netxduo_test/netx_tcp_time_wait_to_close_test.c``.

The side that closes first ends in TIMED_WAIT and, ``_nx_tcp_2MSL_timer_rate`` ticks
(plus a second) later, in CLOSED.
"""
from netxsim import *  # noqa: F403
from netxsim.testing import internals, test_control_return
from netxsim.testing.ram_test_driver import _nx_ram_network_driver_256

DEMO_STACK_SIZE = 2048

thread_0, thread_1 = TX_THREAD(), TX_THREAD()
pool_0 = NX_PACKET_POOL()
ip_0, ip_1 = NX_IP(), NX_IP()
client_socket, server_socket = NX_TCP_SOCKET(), NX_TCP_SOCKET()
error_counter = 0


def netx_tcp_time_wait_to_close_test_application_define(first_unused_memory):
    global error_counter
    pointer = first_unused_memory
    error_counter = 0
    tx_thread_create(thread_0, "thread 0", thread_0_entry, 0,
                     pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
    pointer = pointer + DEMO_STACK_SIZE
    tx_thread_create(thread_1, "thread 1", thread_1_entry, 0,
                     pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
    pointer = pointer + DEMO_STACK_SIZE
    nx_system_initialize()
    status = nx_packet_pool_create(pool_0, "NetX Main Packet Pool", 256, pointer, 8192)
    pointer = pointer + 8192
    if status:
        error_counter += 1
    status = nx_ip_create(ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00, pool_0,
                          _nx_ram_network_driver_256, pointer, 2048, 1)
    pointer = pointer + 2048
    status += nx_ip_create(ip_1, "NetX IP Instance 1", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00, pool_0,
                           _nx_ram_network_driver_256, pointer, 2048, 1)
    pointer = pointer + 2048
    if status:
        error_counter += 1
    status = nx_arp_enable(ip_0, pointer, 1024)
    pointer = pointer + 1024
    status += nx_arp_enable(ip_1, pointer, 1024)
    pointer = pointer + 1024
    if status:
        error_counter += 1
    status = nx_tcp_enable(ip_0)
    status += nx_tcp_enable(ip_1)
    if status:
        error_counter += 1


def thread_0_entry(thread_input):
    global error_counter
    if error_counter:
        test_control_return(1)
    tx_thread_relinquish()
    status = nx_tcp_socket_create(ip_0, client_socket, "Client Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 1024, NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_bind(client_socket, NX_ANY_PORT, NX_WAIT_FOREVER)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_connect(client_socket, IP_ADDRESS(1, 2, 3, 5), 12, 5 * NX_IP_PERIODIC_RATE)
    status = nx_tcp_socket_disconnect(client_socket, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    if client_socket.nx_tcp_socket_state != NX_TCP_TIMED_WAIT:
        test_control_return(1)
    tx_thread_sleep(internals._nx_tcp_2MSL_timer_rate + NX_IP_PERIODIC_RATE)
    if client_socket.nx_tcp_socket_state != NX_TCP_CLOSED:
        error_counter += 1
    if error_counter:
        test_control_return(1)
    else:
        test_control_return(0)


def thread_1_entry(thread_input):
    global error_counter
    status = nx_tcp_socket_create(ip_1, server_socket, "Server Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 100, NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_listen(ip_1, 12, server_socket, 5, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_accept(server_socket, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    tx_thread_relinquish()
    status = nx_tcp_socket_disconnect(server_socket, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1


def test_netx_tcp_time_wait_to_close():
    run = tx_kernel_enter(netx_tcp_time_wait_to_close_test_application_define)
    assert (run.reason, run.status, error_counter) == ("stopped", 0, 0), run.report()
    assert run.ticks > internals._nx_tcp_2MSL_timer_rate
