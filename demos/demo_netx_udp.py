"""UDP echo and a fragmented ping between two NetX IP instances on the RAM driver.

Instance 0 (1.2.3.4) sends five datagrams to an echo service on instance 1 (1.2.3.5,
port 7) and prints each echo; then both enable IP fragmentation and instance 0 pings
instance 1 with 4000 bytes of data, more than the 1500-byte MTU: the request and the
reply each cross the wire as three fragments. The program is written as the C would be.

Run: ``python -m demos.demo_netx_udp``; add ``NETXSIM_PCAP=udp.pcap`` before it to keep
every frame for Wireshark, which reassembles the ping.
"""
from __future__ import annotations

from netxsim import *  # noqa: F403
from netxsim.nx.ram_driver import _nx_ram_network_driver

DEMO_STACK_SIZE = 2048
ECHO_PORT = 7

thread_client, thread_echo = TX_THREAD(), TX_THREAD()
pool_0 = NX_PACKET_POOL()
ip_0, ip_1 = NX_IP(), NX_IP()
client_socket, echo_socket = NX_UDP_SOCKET(), NX_UDP_SOCKET()
lines: list[str] = []


def echo_entry(thread_input: int) -> None:
    nx_udp_socket_create(ip_1, echo_socket, "Echo Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 5)
    nx_udp_socket_bind(echo_socket, ECHO_PORT, TX_WAIT_FOREVER)
    while True:
        status, packet = nx_udp_socket_receive(echo_socket, TX_WAIT_FOREVER)
        if status != NX_SUCCESS:
            nx_udp_socket_delete(echo_socket)
            break
        status, source_ip, source_port = nx_udp_source_extract(packet)
        # The received packet goes back as it is: its prepend pointer is at the data.
        if nx_udp_socket_send(echo_socket, packet, source_ip, source_port) != NX_SUCCESS:
            nx_packet_release(packet)


def client_entry(thread_input: int) -> None:
    nx_udp_socket_create(ip_0, client_socket, "Client Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                         NX_IP_TIME_TO_LIVE, 5)
    nx_udp_socket_bind(client_socket, NX_ANY_PORT, TX_WAIT_FOREVER)
    for count in range(5):
        status, packet = nx_packet_allocate(pool_0, NX_UDP_PACKET, TX_WAIT_FOREVER)
        message = f"hello {count}"
        nx_packet_data_append(packet, message, len(message), pool_0, TX_WAIT_FOREVER)
        nx_udp_socket_send(client_socket, packet, IP_ADDRESS(1, 2, 3, 5), ECHO_PORT)
        status, echo = nx_udp_socket_receive(client_socket, NX_IP_PERIODIC_RATE)
        text = echo.chain_bytes().decode() if status == NX_SUCCESS else f"status 0x{status:02X}"
        lines.append(f"tick {tx_time_get():4}: echo {text!r}")
        if status == NX_SUCCESS:
            nx_packet_release(echo)
        tx_thread_sleep(10)
    nx_ip_fragment_enable(ip_0)
    nx_ip_fragment_enable(ip_1)
    data = bytes(i & 0xFF for i in range(4000))
    status, response = nx_icmp_ping(ip_0, IP_ADDRESS(1, 2, 3, 5), data, len(data), NX_IP_PERIODIC_RATE)
    if status == NX_SUCCESS:
        lines.append(f"tick {tx_time_get():4}: ping of {len(data)} bytes answered, data intact: "
                     f"{response.chain_bytes() == data}")
        nx_packet_release(response)
    else:
        lines.append(f"tick {tx_time_get():4}: ping status 0x{status:02X}")
    status, *info = nx_ip_info_get(ip_0)
    lines.append(f"ip 0: {info[0]} packets sent, {info[8]} of them fragments; "
                 f"{info[9]} fragments received")
    nx_udp_socket_unbind(echo_socket)       # the echo thread's receive ends: NX_SOCKET_UNBOUND


def tx_application_define(first_unused_memory: Pointer) -> None:
    pointer = first_unused_memory
    tx_thread_create(thread_echo, "echo", echo_entry, 0, pointer, DEMO_STACK_SIZE, 4, 4, TX_NO_TIME_SLICE,
                     TX_AUTO_START)
    pointer += DEMO_STACK_SIZE
    tx_thread_create(thread_client, "client", client_entry, 0, pointer, DEMO_STACK_SIZE, 5, 5, TX_NO_TIME_SLICE,
                     TX_AUTO_START)
    pointer += DEMO_STACK_SIZE
    nx_system_initialize()
    nx_packet_pool_create(pool_0, "Packet Pool", 1536, pointer, 32 * (1536 + 60))
    pointer += 32 * (1536 + 60)
    for ip, address in ((ip_0, IP_ADDRESS(1, 2, 3, 4)), (ip_1, IP_ADDRESS(1, 2, 3, 5))):
        nx_ip_create(ip, "IP", address, 0xFFFFFF00, pool_0, _nx_ram_network_driver, pointer, 2048, 1)
        pointer += 2048
        nx_arp_enable(ip, pointer, 1024)
        pointer += 1024
        nx_icmp_enable(ip)
        nx_udp_enable(ip)


def main() -> list[str]:
    lines.clear()
    for block in (thread_client, thread_echo, pool_0, ip_0, ip_1, client_socket, echo_socket):
        block.__init__()
    tx_kernel_enter(tx_application_define)
    for line in lines:
        print(line)
    return list(lines)


if __name__ == "__main__":
    main()
