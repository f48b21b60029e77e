"""Valid arguments for every public service, built fresh in the running kernel.

The bad-argument table (tests/test_service_arguments.py) calls each service once per
row with one parameter replaced by a bad value; the others come from here: a created
object of the declared control-block type, a valid integer for the parameter's name,
memory, text, data or a callback.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim import (
    IP_ADDRESS, NX_IP, NX_IP_INITIALIZE_DONE, NX_PACKET_POOL, NX_SUCCESS, NX_TCP_PACKET, NX_TCP_SOCKET, NXD_ADDRESS,
    TX_BLOCK_POOL, TX_BYTE_POOL, TX_DONT_START, TX_EVENT_FLAGS_GROUP, TX_MUTEX, TX_NO_WAIT, TX_QUEUE,
    TX_SEMAPHORE, TX_THREAD, TX_TIMER, _nx_ram_network_driver as driver,
    nx_arp_enable, nx_icmp_enable, nx_ip_create, nx_ip_delete, nx_packet_allocate, nx_packet_pool_create,
    nx_packet_pool_delete, nx_packet_release, nx_tcp_enable, nx_tcp_socket_create, nx_tcp_socket_delete,
    NX_UDP_SOCKET, nx_udp_enable, nx_udp_socket_create, nx_udp_socket_delete,
    tx_block_allocate, tx_block_pool_create, tx_block_pool_delete, tx_byte_allocate, tx_byte_pool_create,
    tx_byte_pool_delete, tx_event_flags_create, tx_event_flags_delete, tx_mutex_create, tx_mutex_delete,
    tx_queue_create, tx_queue_delete, tx_semaphore_create, tx_semaphore_delete, tx_thread_create,
    tx_thread_delete, tx_thread_terminate, tx_timer_create, tx_timer_delete,
)
from netxsim.boundary import Parameter, Prototype
from netxsim.nx.packet import NX_PACKET
from netxsim.tx.kernel import kernel
from smtp_client import NX_SMTP_CLIENT, NX_SMTP_CLIENT_AUTH_PLAIN, nx_smtp_client_create, nx_smtp_client_delete

SERVER = IP_ADDRESS(10, 0, 0, 1)
HOST = IP_ADDRESS(10, 0, 0, 2)
BODY = b"hello\r\n"


def nothing(*_: Any) -> None:
    """A callback that does nothing."""


# A valid value for each integer parameter, by name (then by service and name).
INTEGERS: dict[str, int] = {
    "wait_option": TX_NO_WAIT, "priority": 16, "preempt_threshold": 16, "stack_size": 1024, "time_slice": 0,
    "auto_start": TX_DONT_START, "initial_count": 0, "inherit": 0, "block_size": 32, "pool_size": 1024,
    "memory_size": 32, "message_size": 1, "queue_size": 64, "requested_flags": 1, "get_option": 0,
    "flags_to_set": 1, "set_option": 0, "ceiling": 5, "new_threshold": 16, "new_priority": 16,
    "new_time_slice": 0, "timer_ticks": 0, "new_time": 0, "initial_ticks": 10, "reschedule_ticks": 0,
    "auto_activate": 0, "ip_address": SERVER, "network_mask": 0xFFFFFF00, "physical_msw": 0x0011,
    "physical_lsw": 0x22334499, "arp_cache_size": 520, "interface_index": 0,
    "needed_status": NX_IP_INITIALIZE_DONE, "packet_type": NX_TCP_PACKET, "data_size": 4, "offset": 0,
    "buffer_length": 4, "payload_size": 256, "port": 0x1234, "server_ip": SERVER, "server_port": 25,
    "listen_queue_size": 5, "type_of_service": 0, "fragment": 0, "time_to_live": 0x80, "window_size": 1000,
    "mss": 500, "desired_state": 1, "max_queue_depth": 10, "timeout": 10, "max_retries": 3,
    "timeout_shift": 0, "authentication_type": NX_SMTP_CLIENT_AUTH_PLAIN, "server_ip_address": SERVER,
    "mail_body_length": len(BODY), "entry_input": 0, "expiration_input": 0,
    "low_watermark": 2, "receive_queue_maximum": 5, "interface_capability_flag": 0,
    "trace_buffer_size": 4096, "registry_entries": 4, "event_filter_bits": 0, "event_unfilter_bits": 0,
    "event_id": 5000, "info_field_1": 1, "info_field_2": 2, "info_field_3": 3, "info_field_4": 4, "isr_id": 1,
    "new_posture": 0, "queue_maximum": 4, "address_index": 0, "network_address": IP_ADDRESS(10, 9, 0, 0),
    "net_mask": 0xFFFF0000, "next_hop": SERVER, "if_index": 0, "src_port": 0x1234, "dest_port": 0x4321,
    "protocol": 17, "command": 10, "mtu_size": 1000, "update_driver": 0, "mapping_needed": 1, "index": 0,
    "additional_info": 0,
}
SERVICE_INTEGERS: dict[tuple[str, str], int] = {
    ("nx_ip_create", "ip_address"): HOST, ("nx_ip_create", "memory_size"): 1024,
    ("nx_ip_create", "priority"): 1, ("nx_packet_pool_create", "memory_size"): 4 * 320,
    ("nx_smtp_mail_send", "priority"): 2, ("nx_arp_static_entry_create", "ip_address"): IP_ADDRESS(10, 0, 0, 7),
    ("tx_semaphore_ceiling_put", "ceiling"): 5,
}
TEXTS = {"data_ptr": b"ping"}
MEMORY_SIZES = {"stack_start": 1024, "pool_start": 1024, "queue_start": 64, "memory_ptr": 4 * 320,
                "arp_cache_memory": 520, "trace_buffer_start": 4096}


class World:
    """Makes objects in the running kernel: created, uncreated, deleted, from a run."""

    def __init__(self, memory: Any) -> None:
        self.free = memory + 0
        self.shared_ip: NX_IP | None = None
        self.shared_pool: NX_PACKET_POOL | None = None
        self.previous: dict[type, Any] = {}
        self.index = 0

    def take(self, size: int) -> Any:
        pointer = self.free
        self.free = self.free + ((size + 3) // 4 * 4)
        return pointer

    def name(self, prefix: str) -> str:
        self.index += 1
        return f"{prefix} {self.index}"

    # ---- shared NetX host
    def pool(self) -> NX_PACKET_POOL:
        pool = NX_PACKET_POOL()
        assert nx_packet_pool_create(pool, self.name("pool"), 256, self.take(8 * 320), 8 * 320) == NX_SUCCESS
        return pool

    def ip(self, protocols: bool = True) -> NX_IP:
        ip = NX_IP()
        address = IP_ADDRESS(10, 0, 1, self.index % 250 + 1)
        # Its own default pool: receivers sharing one pool would empty it and leave the
        # sender non-preemptible (the RAM driver's C quirk).
        assert nx_ip_create(ip, self.name("ip"), address, 0xFFFF0000, self.pool(), driver, self.take(1024),
                            1024, 1) == NX_SUCCESS
        if protocols:
            assert nx_arp_enable(ip, self.take(520), 520) == NX_SUCCESS
            assert nx_icmp_enable(ip) == NX_SUCCESS
            assert nx_tcp_enable(ip) == NX_SUCCESS
            assert nx_udp_enable(ip) == NX_SUCCESS
        return ip

    def host_pool(self) -> NX_PACKET_POOL:
        if self.shared_pool is None:
            self.shared_pool = self.pool()
        return self.shared_pool

    def host_ip(self) -> NX_IP:
        if self.shared_ip is None:
            self.shared_ip = self.ip()
        return self.shared_ip

    # ---- objects by type
    def created(self, cls: type) -> Any:
        maker = getattr(self, "make_" + cls.__name__)
        return maker()

    def make_TX_THREAD(self) -> TX_THREAD:
        thread = TX_THREAD()
        assert tx_thread_create(thread, self.name("thread"), nothing, 0, self.take(1024), 1024, 16, 16, 0,
                                TX_DONT_START) == NX_SUCCESS
        return thread

    def make_TX_TIMER(self) -> TX_TIMER:
        timer = TX_TIMER()
        assert tx_timer_create(timer, self.name("timer"), nothing, 0, 10, 0, 0) == NX_SUCCESS
        return timer

    def make_TX_SEMAPHORE(self) -> TX_SEMAPHORE:
        semaphore = TX_SEMAPHORE()
        assert tx_semaphore_create(semaphore, self.name("semaphore"), 0) == NX_SUCCESS
        return semaphore

    def make_TX_MUTEX(self) -> TX_MUTEX:
        mutex = TX_MUTEX()
        assert tx_mutex_create(mutex, self.name("mutex"), 0) == NX_SUCCESS
        return mutex

    def make_TX_EVENT_FLAGS_GROUP(self) -> TX_EVENT_FLAGS_GROUP:
        group = TX_EVENT_FLAGS_GROUP()
        assert tx_event_flags_create(group, self.name("group")) == NX_SUCCESS
        return group

    def make_TX_QUEUE(self) -> TX_QUEUE:
        queue = TX_QUEUE()
        assert tx_queue_create(queue, self.name("queue"), 1, self.take(64), 64) == NX_SUCCESS
        return queue

    def make_TX_BLOCK_POOL(self) -> TX_BLOCK_POOL:
        pool = TX_BLOCK_POOL()
        assert tx_block_pool_create(pool, self.name("blocks"), 32, self.take(1024), 1024) == NX_SUCCESS
        return pool

    def make_TX_BYTE_POOL(self) -> TX_BYTE_POOL:
        pool = TX_BYTE_POOL()
        assert tx_byte_pool_create(pool, self.name("bytes"), self.take(1024), 1024) == NX_SUCCESS
        return pool

    def make_NX_PACKET_POOL(self) -> NX_PACKET_POOL:
        return self.pool()

    def make_NX_PACKET(self) -> NX_PACKET:
        status, packet = nx_packet_allocate(self.pool(), NX_TCP_PACKET, TX_NO_WAIT)
        assert status == NX_SUCCESS
        return packet

    def make_NX_IP(self) -> NX_IP:
        return self.ip()

    def make_NX_TCP_SOCKET(self) -> NX_TCP_SOCKET:
        socket = NX_TCP_SOCKET()
        assert nx_tcp_socket_create(self.host_ip(), socket, self.name("socket"), 0, 0, 0x80, 1000, None,
                                    None) == NX_SUCCESS
        return socket

    def make_NX_UDP_SOCKET(self) -> NX_UDP_SOCKET:
        socket = NX_UDP_SOCKET()
        assert nx_udp_socket_create(self.host_ip(), socket, self.name("udp"), 0, 0, 0x80, 4) == NX_SUCCESS
        return socket

    def make_NXD_ADDRESS(self) -> NXD_ADDRESS:
        return NXD_ADDRESS(4, SERVER)

    def make_NX_SMTP_CLIENT(self) -> NX_SMTP_CLIENT:
        client = NX_SMTP_CLIENT()
        assert nx_smtp_client_create(client, self.host_ip(), self.host_pool(), "user", "pass", "a@b.c", "b.c",
                                     NX_SMTP_CLIENT_AUTH_PLAIN, SERVER, 25) == NX_SUCCESS
        return client

    def deleted(self, cls: type) -> Any:
        """A created-then-deleted object (a released packet for NX_PACKET)."""
        block = self.created(cls)
        delete: dict[type, Callable[[Any], Any]] = {
            TX_THREAD: lambda t: (tx_thread_terminate(t), tx_thread_delete(t))[1],
            TX_TIMER: tx_timer_delete, TX_SEMAPHORE: tx_semaphore_delete, TX_MUTEX: tx_mutex_delete,
            TX_EVENT_FLAGS_GROUP: tx_event_flags_delete, TX_QUEUE: tx_queue_delete,
            TX_BLOCK_POOL: tx_block_pool_delete, TX_BYTE_POOL: tx_byte_pool_delete,
            NX_PACKET_POOL: nx_packet_pool_delete, NX_PACKET: nx_packet_release, NX_IP: nx_ip_delete,
            NX_TCP_SOCKET: nx_tcp_socket_delete, NX_SMTP_CLIENT: nx_smtp_client_delete,
            NX_UDP_SOCKET: nx_udp_socket_delete,
        }
        assert delete[cls](block) == NX_SUCCESS
        return block

    # ---- arguments
    def value(self, service: str, parameter: Parameter, creates: str | None) -> Any:
        """A valid argument for ``parameter`` of ``service``."""
        name, kind = parameter.name, parameter.kind
        if kind in ("int", "opaque"):
            if name == "port" and service.startswith(("nx_tcp", "nx_udp_socket_bind")):
                return 0x1234 + self.index    # a port no earlier row left bound or listening
            return SERVICE_INTEGERS.get((service, name), INTEGERS[name])
        if kind == "text":
            return TEXTS.get(name, b"text" if name not in ("mail_body",) else BODY)
        if kind == "callback":
            return nothing
        if kind == "message":
            return [1]
        if kind == "data":
            if name == "block_ptr":
                return tx_block_allocate(self.make_TX_BLOCK_POOL(), TX_NO_WAIT)[1]
            if name == "memory_ptr" and service == "tx_byte_release":
                return tx_byte_allocate(self.make_TX_BYTE_POOL(), 32, TX_NO_WAIT)[1]
            if name == "buffer_start":
                return bytearray(64)
            if name == "data_start":
                return b"data"
            return self.take(MEMORY_SIZES[name])
        cls = parameter.cls
        if name == creates:
            return cls()
        if service in ("nx_arp_enable", "nx_icmp_enable", "nx_tcp_enable", "nx_udp_enable"):
            return self.ip(protocols=False)       # the protocol is not enabled yet
        return self.created(cls)

    def arguments(self, prototype: Prototype, creates: str | None) -> list[Any]:
        return [self.value(prototype.name, parameter, creates) for parameter in prototype.parameters]


def current_memory() -> Any:
    return kernel().memory.first_unused
