"""NetX Duo constants with the values of ``nx_api.h`` / ``nx_packet.h`` (NetX Duo 6.4.2).

The configuration is the default one the demo gets: IPv4 and IPv6 compiled in
(``FEATURE_NX_IPV6``), no IPsec, packet chaining on. The packet "types" (prepend
offsets) therefore take their IPv6 values: ``NX_IP_PACKET`` is 56 and
``NX_TCP_PACKET`` 76; the explicit ``NX_IPv4_*`` offsets are what an
IPv4-only user (the SMTP client) asks for.
"""
from __future__ import annotations

# ------------------------------------------------------------ basic values (nx_api.h)
NX_NO_WAIT = 0
NX_WAIT_FOREVER = 0xFFFFFFFF
NX_TRUE = 1
NX_FALSE = 0
NX_NULL = None
NX_IP_PERIODIC_RATE = 100   # = TX_TIMER_TICKS_PER_SECOND of the simulated target
NX_ANY_PORT = 0
NX_SEARCH_PORT_START = 0xC000
NX_IP_VERSION_V4 = 4
NX_IP_VERSION_V6 = 6

# ---------------------------------------------------- packets and pools (nx_api.h)
NX_PACKET_ALIGNMENT = 4     # sizeof(ULONG)
NX_PHYSICAL_HEADER = 16     # 14-byte Ethernet header, keeping the IP header 4-aligned
NX_PHYSICAL_TRAILER = 4
NX_IPSEC_MAX_HEADER_SIZE = 0  # NX_IPSEC_ENABLE off

# Prepend offsets ("packet types") for nx_packet_allocate.
NX_RECEIVE_PACKET = 0
NX_IPv4_PACKET = NX_PHYSICAL_HEADER + 20            # 36
NX_IPv4_TCP_PACKET = NX_IPv4_PACKET + 20            # 56
NX_IPv4_UDP_PACKET = NX_IPv4_PACKET + 8             # 44
NX_IPv4_ICMP_PACKET = NX_IPv4_PACKET                # 36
NX_IPv4_IGMP_PACKET = NX_IPv4_PACKET                # 36
NX_IPv6_PACKET = NX_PHYSICAL_HEADER + 40            # 56
NX_IPv6_UDP_PACKET = NX_IPv6_PACKET + 8             # 64
NX_IPv6_TCP_PACKET = NX_IPv6_PACKET + 20            # 76
NX_IPv6_ICMP_PACKET = NX_IPv6_PACKET                # 56
# With IPv6 compiled in (the default) the generic offsets leave room for an IPv6 header.
NX_IP_PACKET = NX_IPv6_PACKET                                   # 56
NX_TCP_PACKET = NX_IPv6_TCP_PACKET + NX_IPSEC_MAX_HEADER_SIZE   # 76
NX_UDP_PACKET = NX_IPv6_UDP_PACKET + NX_IPSEC_MAX_HEADER_SIZE   # 64
NX_ICMP_PACKET = NX_IPv6_ICMP_PACKET + NX_IPSEC_MAX_HEADER_SIZE  # 56
NX_IGMP_PACKET = NX_IPv4_IGMP_PACKET                            # 36

# Control-block ID and packet ownership markers (nx_packet.h).
NX_PACKET_POOL_ID = 0x5041434B       # "PACK"
NX_PACKET_FREE = 0xFFFFFFFF          # nx_packet_tcp_queue_next: in the pool
NX_PACKET_ALLOCATED = 0xAAAAAAAA     # owned by the application or the stack
NX_PACKET_ENQUEUED = 0xEEEEEEEE      # tail of a TCP transmit or receive queue
NX_DRIVER_TX_DONE = 0xDDDDDDDD       # nx_packet_queue_next: driver finished with a TCP segment
NX_PACKET_READY = 0xBBBBBBBB         # nx_packet_queue_next: in-order data on a TCP receive queue

# -------------------------------------------------- status codes (nx_api.h:1278-1342)
NX_SUCCESS = 0x00
NX_NO_PACKET = 0x01
NX_UNDERFLOW = 0x02
NX_OVERFLOW = 0x03
NX_NO_MAPPING = 0x04
NX_DELETED = 0x05
NX_POOL_ERROR = 0x06
NX_PTR_ERROR = 0x07
NX_WAIT_ERROR = 0x08
NX_SIZE_ERROR = 0x09
NX_OPTION_ERROR = 0x0A
NX_DELETE_ERROR = 0x10
NX_CALLER_ERROR = 0x11
NX_INVALID_PACKET = 0x12
NX_INVALID_SOCKET = 0x13
NX_NOT_ENABLED = 0x14
NX_ALREADY_ENABLED = 0x15
NX_ENTRY_NOT_FOUND = 0x16
NX_NO_MORE_ENTRIES = 0x17
NX_ARP_TIMER_ERROR = 0x18
NX_RESERVED_CODE0 = 0x19
NX_WAIT_ABORTED = 0x1A
NX_IP_INTERNAL_ERROR = 0x20
NX_IP_ADDRESS_ERROR = 0x21
NX_ALREADY_BOUND = 0x22
NX_PORT_UNAVAILABLE = 0x23
NX_NOT_BOUND = 0x24
NX_RESERVED_CODE1 = 0x25
NX_SOCKET_UNBOUND = 0x26
NX_NOT_CREATED = 0x27
NX_SOCKETS_BOUND = 0x28
NX_NO_RESPONSE = 0x29
NX_POOL_DELETED = 0x30
NX_ALREADY_RELEASED = 0x31   # defined, never returned by this NetX version
NX_RESERVED_CODE2 = 0x32
NX_MAX_LISTEN = 0x33
NX_DUPLICATE_LISTEN = 0x34
NX_NOT_CLOSED = 0x35
NX_NOT_LISTEN_STATE = 0x36
NX_IN_PROGRESS = 0x37
NX_NOT_CONNECTED = 0x38
NX_WINDOW_OVERFLOW = 0x39
NX_ALREADY_SUSPENDED = 0x40
NX_DISCONNECT_FAILED = 0x41
NX_STILL_BOUND = 0x42
NX_NOT_SUCCESSFUL = 0x43
NX_UNHANDLED_COMMAND = 0x44
NX_NO_FREE_PORTS = 0x45
NX_INVALID_PORT = 0x46
NX_INVALID_RELISTEN = 0x47
NX_CONNECTION_PENDING = 0x48
NX_TX_QUEUE_DEPTH = 0x49
NX_NOT_IMPLEMENTED = 0x4A
NX_NOT_SUPPORTED = 0x4B
NX_INVALID_INTERFACE = 0x4C
NX_INVALID_PARAMETERS = 0x4D
NX_NOT_FOUND = 0x4E
NX_CANNOT_START = 0x4F
NX_NO_INTERFACE_ADDRESS = 0x50
NX_INVALID_MTU_DATA = 0x51
NX_DUPLICATED_ENTRY = 0x52
NX_PACKET_OFFSET_ERROR = 0x53
NX_OPTION_HEADER_ERROR = 0x54
NX_CONTINUE = 0x55
NX_TCPIP_OFFLOAD_ERROR = 0x56

_STATUS_FIRST, _STATUS_LAST = "NX_SUCCESS", "NX_TCPIP_OFFLOAD_ERROR"


def _status_names() -> dict[int, str]:
    names: dict[int, str] = {}
    inside = False
    for name, value in globals().items():
        if name == _STATUS_FIRST:
            inside = True
        if inside:
            names.setdefault(value, name)
        if name == _STATUS_LAST:
            break
    return names


#: Status names by value, for readable logs (the first name wins where values collide).
NX_STATUS_NAMES: dict[int, str] = _status_names()

__all__ = [name for name in dir() if name.startswith("NX_")]
