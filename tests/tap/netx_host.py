"""A NetX host on the RAM-driver segment for the TAP tests: pool, IP, ARP, ICMP, TCP."""
from __future__ import annotations

from typing import Any, Callable

from netxsim import *  # noqa: F403
from netxsim.nx.segment import EthernetSegment, segment_for
from netxsim.tx.kernel import kernel

NETX_ADDRESS = IP_ADDRESS(1, 2, 3, 5)
NETX_ADDRESS_TEXT = "1.2.3.5"
LINUX_ADDRESS = "1.2.3.10"
LINUX_ADDRESS_INT = IP_ADDRESS(1, 2, 3, 10)
NETX_MAC = bytes.fromhex("001122334456")


class NetxHost:
    """Objects of one NetX host; ``define`` builds them inside tx_application_define."""

    def __init__(self, pool_payload: int = 1536, pool_packets: int = 64) -> None:
        self.pool_payload = pool_payload
        self.pool_packets = pool_packets
        self.pool = NX_PACKET_POOL()
        self.ip = NX_IP()
        self.threads: list[TX_THREAD] = []
        self.segment: EthernetSegment | None = None
        self.memory: Any = None

    def take(self, size: int) -> Any:
        pointer = self.memory
        self.memory = pointer + size
        return pointer

    def define(self, first_unused: Any) -> None:
        self.memory = first_unused
        nx_system_initialize()
        pool_size = (self.pool_payload + 64) * self.pool_packets
        assert nx_packet_pool_create(self.pool, "netx pool", self.pool_payload, self.take(pool_size),
                                     pool_size) == NX_SUCCESS
        assert nx_ip_create(self.ip, "netx", NETX_ADDRESS, 0xFFFFFF00, self.pool, _nx_ram_network_driver,
                            self.take(4096), 4096, 1) == NX_SUCCESS
        assert nx_arp_enable(self.ip, self.take(1024), 1024) == NX_SUCCESS
        assert nx_icmp_enable(self.ip) == NX_SUCCESS
        assert nx_tcp_enable(self.ip) == NX_SUCCESS
        self.segment = segment_for(kernel(), _nx_ram_network_driver)

    def thread(self, name: str, entry: Callable[[], None], priority: int = 10) -> TX_THREAD:
        thread = TX_THREAD()
        assert tx_thread_create(thread, name, lambda _input: entry(), 0, self.take(4096), 4096, priority,
                                priority, TX_NO_TIME_SLICE, TX_AUTO_START) == TX_SUCCESS
        self.threads.append(thread)
        return thread


def packet_with(pool: Any, data: bytes) -> Any:
    status, packet = nx_packet_allocate(pool, NX_IPv4_TCP_PACKET, NX_WAIT_FOREVER)
    assert status == NX_SUCCESS, f"allocate 0x{status:02X}"
    if data:
        status = nx_packet_data_append(packet, data, len(data), pool, NX_WAIT_FOREVER)
        assert status == NX_SUCCESS, f"append 0x{status:02X}"
    return packet


def receive(socket: Any, wait: int) -> tuple[int, bytes]:
    status, packet = nx_tcp_socket_receive(socket, wait)
    if status != NX_SUCCESS:
        return status, b""
    data = packet.chain_bytes()
    nx_packet_release(packet)
    return status, data
