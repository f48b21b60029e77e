"""Port of netxduo ``test/regression/netxduo_test/netx_tcp_small_packet_test.c``.

On the 256-byte-MTU test driver, a pool of NX_IP_PACKET (56-byte) payloads cannot hold
a SYN, so the connect must fail without any packet reaching the driver (the
advanced_packet_process hook counts what does).
"""
from netxsim import *  # noqa: F403
from netxsim.testing import ram_test_driver, test_control_return
from netxsim.testing.ram_test_driver import _nx_ram_network_driver_256

DEMO_STACK_SIZE = 2048

thread_0 = TX_THREAD()
pool_0 = NX_PACKET_POOL()
ip_0 = NX_IP()
client_socket = NX_TCP_SOCKET()
error_counter = 0
syn_packet_counter = 0


def netx_tcp_small_packet_test_application_define(first_unused_memory):
    global error_counter, syn_packet_counter
    pointer = first_unused_memory
    error_counter = 0
    syn_packet_counter = 0
    tx_thread_create(thread_0, "thread 0", thread_0_entry, 0,
                     pointer, DEMO_STACK_SIZE,
                     4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
    pointer = pointer + DEMO_STACK_SIZE
    nx_system_initialize()
    status = nx_packet_pool_create(pool_0, "NetX Main Packet Pool", NX_IP_PACKET, pointer, 8192)
    pointer = pointer + 8192
    if status:
        error_counter += 1
    status = nx_ip_create(ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00, pool_0,
                          _nx_ram_network_driver_256, pointer, 2048, 1)
    pointer = pointer + 2048
    status = nx_arp_enable(ip_0, pointer, 1024)
    pointer = pointer + 1024
    if status:
        error_counter += 1
    status = nx_tcp_enable(ip_0)
    if status:
        error_counter += 1


def thread_0_entry(thread_input):
    global error_counter
    if error_counter:
        test_control_return(1)
    ram_test_driver.advanced_packet_process_callback = my_packet_process
    status = nx_tcp_socket_create(ip_0, client_socket, "Client Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 300,
                                  NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_bind(client_socket, 12, NX_WAIT_FOREVER)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_connect(client_socket, IP_ADDRESS(1, 2, 3, 5), 12, 5 * NX_IP_PERIODIC_RATE)
    if status == NX_SUCCESS or syn_packet_counter != 0:
        test_control_return(1)
    test_control_return(0)


def my_packet_process(ip_ptr, packet_ptr, operation_ptr, delay_ptr):
    global syn_packet_counter
    syn_packet_counter += 1
    return NX_TRUE


def test_netx_tcp_small_packet():
    run = tx_kernel_enter(netx_tcp_small_packet_test_application_define)
    assert (run.reason, run.status, error_counter) == ("stopped", 0, 0), run.report()
