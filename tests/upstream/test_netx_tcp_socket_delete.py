"""Port of netxduo ``test/regression/netxduo_test/netx_tcp_socket_delete_test.c``.

A socket deletes when unbound; while bound, delete is NX_STILL_BOUND.
"""
from netxsim import *  # noqa: F403
from netxsim.testing import test_control_return
from netxsim.testing.ram_test_driver import _nx_ram_network_driver_256

DEMO_STACK_SIZE = 2048

thread_0 = TX_THREAD()
pool_0 = NX_PACKET_POOL()
ip_0 = NX_IP()
client_socket = NX_TCP_SOCKET()
error_counter = 0


def netx_tcp_socket_delete_test_application_define(first_unused_memory):
    global error_counter
    pointer = first_unused_memory
    error_counter = 0
    tx_thread_create(thread_0, "thread 0", thread_0_entry, 0,
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
    status = nx_tcp_enable(ip_0)
    if status:
        error_counter += 1


def thread_0_entry(thread_input):
    if error_counter:
        test_control_return(1)
    status = nx_tcp_socket_create(ip_0, client_socket, "Client Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 100, NX_NULL, NX_NULL)
    if status:
        test_control_return(1)
    status = nx_tcp_socket_delete(client_socket)
    if status:
        test_control_return(1)
    status = nx_tcp_socket_create(ip_0, client_socket, "Client Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 100, NX_NULL, NX_NULL)
    if status:
        test_control_return(1)
    status = nx_tcp_client_socket_bind(client_socket, 80, 0)   # the C passes NX_NULL, 0 in C
    if status:
        test_control_return(1)
    status = nx_tcp_socket_delete(client_socket)
    if status != NX_STILL_BOUND:
        test_control_return(1)
    status = nx_tcp_client_socket_unbind(client_socket)
    if status:
        test_control_return(1)
    status = nx_tcp_socket_delete(client_socket)
    if status:
        test_control_return(1)
    test_control_return(0)


def test_netx_tcp_socket_delete():
    run = tx_kernel_enter(netx_tcp_socket_delete_test_application_define)
    assert (run.reason, run.status) == ("stopped", 0), run.report()
