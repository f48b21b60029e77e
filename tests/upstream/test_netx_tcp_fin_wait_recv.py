"""Port of netxduo ``test/regression/netxduo_test/netx_tcp_fin_wait_recv_test.c``.

The client's data segment is dropped by the test driver's advanced_packet_process
hook and the client disconnects at once: the retransmitted data must still reach the
server while the client is in FIN_WAIT, byte for byte.
"""
from netxsim import *  # noqa: F403
from netxsim.testing import ram_test_driver, test_control_return
from netxsim.testing.ram_test_driver import NX_RAMDRIVER_OP_DROP, _nx_ram_network_driver_256

DEMO_STACK_SIZE = 2048

thread_0, thread_1, thread_2 = TX_THREAD(), TX_THREAD(), TX_THREAD()
pool_0, pool_1 = NX_PACKET_POOL(), NX_PACKET_POOL()
ip_0, ip_1 = NX_IP(), NX_IP()
client_socket = NX_TCP_SOCKET()
server_socket = NX_TCP_SOCKET()
operation_packet = None
test_buffer = b"ABCDEFGH"
recv_buffer = bytearray(10)
recv_len = 0
error_counter = 0


def netx_tcp_fin_wait_recv_test_application_define(first_unused_memory):
    global error_counter, recv_len, operation_packet
    pointer = first_unused_memory
    error_counter = 0
    recv_len = 0
    operation_packet = NX_NULL
    tx_thread_create(thread_0, "thread 0", thread_0_entry, 0,
                     pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
    pointer = pointer + DEMO_STACK_SIZE
    tx_thread_create(thread_1, "thread 1", thread_1_entry, 0,
                     pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
    pointer = pointer + DEMO_STACK_SIZE
    tx_thread_create(thread_2, "thread 2", thread_2_entry, 0,
                     pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_DONT_START)
    pointer = pointer + DEMO_STACK_SIZE
    nx_system_initialize()
    pool_size = (sizeof(NX_PACKET) + 256) * 16
    status = nx_packet_pool_create(pool_0, "NetX Main Packet Pool", 256, pointer, pool_size)
    pointer = pointer + pool_size
    if status:
        error_counter += 1
    pool_size = (sizeof(NX_PACKET) + 256) * 16
    status = nx_packet_pool_create(pool_1, "NetX Main Packet Pool", 256, pointer, pool_size)
    pointer = pointer + pool_size
    if status:
        error_counter += 1
    status = nx_ip_create(ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00, pool_0,
                          _nx_ram_network_driver_256, pointer, 2048, 1)
    pointer = pointer + 2048
    status += nx_ip_create(ip_1, "NetX IP Instance 1", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00, pool_1,
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
    global error_counter, operation_packet
    if error_counter:
        test_control_return(1)
    status = nx_tcp_socket_create(ip_0, client_socket, "Client Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 300, NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_bind(client_socket, 12, NX_WAIT_FOREVER)
    if status:
        error_counter += 1
    tx_thread_relinquish()
    status = nx_tcp_client_socket_connect(client_socket, IP_ADDRESS(1, 2, 3, 5), 12, 500)
    if status:
        error_counter += 1
    ram_test_driver.advanced_packet_process_callback = my_packet_process
    _, my_packet = nx_packet_allocate(pool_0, NX_TCP_PACKET, NX_WAIT_FOREVER)
    nx_packet_data_append(my_packet, test_buffer, len(test_buffer), pool_0, NX_WAIT_FOREVER)
    operation_packet = my_packet
    nx_tcp_socket_send(client_socket, my_packet, NX_WAIT_FOREVER)
    tx_thread_relinquish()
    nx_tcp_socket_disconnect(client_socket, NX_WAIT_FOREVER)


def thread_1_entry(thread_input):
    global error_counter
    status = nx_tcp_socket_create(ip_1, server_socket, "Server Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 200, NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_listen(ip_1, 12, server_socket, 5, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_accept(server_socket, 500)
    if status:
        error_counter += 1
    tx_thread_resume(thread_2)
    nx_tcp_socket_disconnect(server_socket, NX_WAIT_FOREVER)
    if recv_len != len(test_buffer):
        error_counter += 1
    elif test_buffer != bytes(recv_buffer[:recv_len]):
        error_counter += 1
    if error_counter:
        test_control_return(1)
    else:
        test_control_return(0)


def thread_2_entry(thread_input):
    global error_counter, recv_len
    status, packet_ptr = nx_tcp_socket_receive(server_socket, NX_WAIT_FOREVER)
    if status:
        error_counter += 1
    else:
        _, recv_len = nx_packet_data_retrieve(packet_ptr, recv_buffer)
        nx_packet_release(packet_ptr)


def my_packet_process(ip_ptr, packet_ptr, operation_ptr, delay_ptr):
    global operation_packet
    if packet_ptr is operation_packet:
        operation_packet = NX_NULL
        operation_ptr[0] = NX_RAMDRIVER_OP_DROP
    return NX_TRUE


def test_netx_tcp_fin_wait_recv():
    run = tx_kernel_enter(netx_tcp_fin_wait_recv_test_application_define)
    assert (run.reason, run.status, error_counter) == ("stopped", 0, 0), run.report()
    assert operation_packet is None       # the hook saw and dropped the data segment
    assert recv_len == 8 and bytes(recv_buffer[:8]) == test_buffer
