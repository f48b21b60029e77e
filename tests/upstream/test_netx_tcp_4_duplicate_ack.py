"""Port of netxduo ``test/regression/netxduo_test/netx_tcp_4_duplicate_ack_test.c``.

The first of five data segments is dropped by the test driver's advanced_packet_process
hook, so the receiver answers the next ones with duplicate ACKs; the sender's IP gets
its TCP receive entry replaced by a wrapper that counts ACKs of the first sequence
number and passes every segment on to ``_nx_tcp_packet_receive``. All five segments
must still arrive intact and both sides close cleanly.
"""
from netxsim import *  # noqa: F403
from netxsim.testing import internals, ram_test_driver, test_control_return
from netxsim.testing.ram_test_driver import NX_RAMDRIVER_OP_DROP, _nx_ram_network_driver_256

DEMO_STACK_SIZE = 2048

thread_0, thread_1 = TX_THREAD(), TX_THREAD()
pool_0 = NX_PACKET_POOL()
ip_0, ip_1 = NX_IP(), NX_IP()
client_socket, server_socket = NX_TCP_SOCKET(), NX_TCP_SOCKET()
error_counter = 0
duplicate_ack = 0
ack_number = 0


def netx_tcp_4_duplicate_ack_test_application_define(first_unused_memory):
    global error_counter, duplicate_ack, ack_number
    pointer = first_unused_memory
    error_counter = 0
    duplicate_ack = 0
    ack_number = 0
    tx_thread_create(thread_0, "thread 0", thread_0_entry, 0,
                     pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)
    pointer = pointer + DEMO_STACK_SIZE
    tx_thread_create(thread_1, "thread 1", thread_1_entry, 0,
                     pointer, DEMO_STACK_SIZE, 3, 3, TX_NO_TIME_SLICE, TX_AUTO_START)
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
                           _nx_ram_network_driver_256, pointer, 2048, 2)
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
    global error_counter, ack_number
    if error_counter:
        test_control_return(1)
    status = nx_tcp_socket_create(ip_0, client_socket, "Client Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 200, NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_bind(client_socket, 0x88, NX_WAIT_FOREVER)
    if status:
        error_counter += 1
    status = nx_tcp_client_socket_connect(client_socket, IP_ADDRESS(1, 2, 3, 5), 12, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    status, old_threshold = tx_thread_preemption_change(thread_0, 2)
    ack_number = client_socket.nx_tcp_socket_tx_sequence
    ram_test_driver.advanced_packet_process_callback = packet_process
    ip_0.nx_ip_tcp_packet_receive = tcp_packet_receive
    for i in range(5):
        status, my_packet = nx_packet_allocate(pool_0, NX_TCP_PACKET, NX_WAIT_FOREVER)
        if status:
            error_counter += 1
        status = nx_packet_data_append(my_packet, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ  ", 28, pool_0, NX_NO_WAIT)
        if status:
            error_counter += 1
        status = nx_tcp_socket_send(client_socket, my_packet, 5 * NX_IP_PERIODIC_RATE)
        if status:
            error_counter += 1
            nx_packet_release(my_packet)
    status = nx_tcp_socket_disconnect(client_socket, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    status, old_threshold = tx_thread_preemption_change(thread_0, old_threshold)
    status = nx_tcp_client_socket_unbind(client_socket)
    if status:
        error_counter += 1
    status = nx_tcp_socket_delete(client_socket)
    if status:
        error_counter += 1
    if error_counter:
        test_control_return(1)
    else:
        test_control_return(0)


def thread_1_entry(thread_input):
    global error_counter
    status, actual_status = nx_ip_status_check(ip_1, NX_IP_INITIALIZE_DONE, NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    status = nx_tcp_socket_create(ip_1, server_socket, "Server Socket",
                                  NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 65535, NX_NULL, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_listen(ip_1, 12, server_socket, 5, NX_NULL)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_accept(server_socket, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    for i in range(5):
        status, packet_ptr = nx_tcp_socket_receive(server_socket, 5 * NX_IP_PERIODIC_RATE)
        if status:
            error_counter += 1
        else:
            if packet_ptr.nx_packet_prepend_ptr.read(28) != b"ABCDEFGHIJKLMNOPQRSTUVWXYZ  ":
                error_counter += 1
            nx_packet_release(packet_ptr)
    status = nx_tcp_socket_disconnect(server_socket, 5 * NX_IP_PERIODIC_RATE)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_unaccept(server_socket)
    if status:
        error_counter += 1
    status = nx_tcp_server_socket_unlisten(ip_1, 12)
    if status:
        error_counter += 1
    status = nx_tcp_socket_delete(server_socket)
    if status:
        error_counter += 1


def packet_process(ip_ptr, packet_ptr, operation_ptr, delay_ptr):
    operation_ptr[0] = NX_RAMDRIVER_OP_DROP
    ram_test_driver.advanced_packet_process_callback = NX_NULL
    return NX_TRUE


def tcp_packet_receive(ip_ptr, packet_ptr):
    global duplicate_ack
    # tcp_header_ptr->nx_tcp_acknowledgment_number, in network byte order at offset 8
    acknowledgment_number = int.from_bytes((packet_ptr.nx_packet_prepend_ptr + 8).read(4), "big")
    if acknowledgment_number == ack_number:
        duplicate_ack += 1
    internals._nx_tcp_packet_receive(ip_ptr, packet_ptr)


def test_netx_tcp_4_duplicate_ack():
    run = tx_kernel_enter(netx_tcp_4_duplicate_ack_test_application_define)
    assert (run.reason, run.status, error_counter) == ("stopped", 0, 0), run.report()
    # The C test only counts; the four segments after the lost one are ACKed with it.
    assert duplicate_ack == 4
