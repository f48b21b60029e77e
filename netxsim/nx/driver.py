"""The NetX driver interface: the ``NX_IP_DRIVER`` request block and its command codes
(``nx_api.h``). A driver is a function taking one ``NX_IP_DRIVER``, as in C."""
from __future__ import annotations

from typing import Any

NX_LINK_PACKET_SEND = 0
NX_LINK_INITIALIZE = 1
NX_LINK_ENABLE = 2
NX_LINK_DISABLE = 3
NX_LINK_PACKET_BROADCAST = 4
NX_LINK_ARP_SEND = 5
NX_LINK_ARP_RESPONSE_SEND = 6
NX_LINK_RARP_SEND = 7
NX_LINK_MULTICAST_JOIN = 8
NX_LINK_MULTICAST_LEAVE = 9
NX_LINK_GET_STATUS = 10
NX_LINK_GET_SPEED = 11
NX_LINK_GET_DUPLEX_TYPE = 12
NX_LINK_GET_ERROR_COUNT = 13
NX_LINK_GET_RX_COUNT = 14
NX_LINK_GET_TX_COUNT = 15
NX_LINK_GET_ALLOC_ERRORS = 16
NX_LINK_UNINITIALIZE = 17
NX_LINK_DEFERRED_PROCESSING = 18
NX_LINK_INTERFACE_ATTACH = 19
NX_LINK_SET_PHYSICAL_ADDRESS = 20
NX_INTERFACE_CAPABILITY_GET = 21
NX_INTERFACE_CAPABILITY_SET = 22
NX_LINK_INTERFACE_DETACH = 23
NX_LINK_FACTORY_ADDRESS_GET = 24
NX_LINK_RX_ENABLE = 25
NX_LINK_RX_DISABLE = 26
NX_LINK_6LOWPAN_COMMAND = 27
NX_LINK_GET_INTERFACE_TYPE = 28
NX_LINK_RAW_PACKET_SEND = 29
NX_LINK_USER_COMMAND = 50


class NX_IP_DRIVER:
    """``NX_IP_DRIVER``: one request to a network driver, with the C field names.

    ``nx_ip_driver_return_ptr`` is a one-element list standing for C's ``ULONG *``:
    GET_* commands write their result into ``[0]``.
    """

    __slots__ = ("nx_ip_driver_command", "nx_ip_driver_status", "nx_ip_driver_physical_address_msw",
                 "nx_ip_driver_physical_address_lsw", "nx_ip_driver_packet", "nx_ip_driver_return_ptr",
                 "nx_ip_driver_ptr", "nx_ip_driver_interface")

    def __init__(self) -> None:
        self.nx_ip_driver_command = 0
        self.nx_ip_driver_status = 0
        self.nx_ip_driver_physical_address_msw = 0
        self.nx_ip_driver_physical_address_lsw = 0
        self.nx_ip_driver_packet: Any = None
        self.nx_ip_driver_return_ptr: list[int] | None = None
        self.nx_ip_driver_ptr: Any = None
        self.nx_ip_driver_interface: Any = None


__all__ = [name for name in dir() if name.startswith(("NX_LINK_", "NX_INTERFACE_CAPABILITY"))] \
    + ["NX_IP_DRIVER"]
