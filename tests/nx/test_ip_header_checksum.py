"""The IPv4 receive path's header checksum check (RFC 1071), end to end: any one flipped
bit of a received header is a checksum error, and a header altered but carrying a
correct checksum is accepted (the check neither misses damage nor refuses good headers)."""
from __future__ import annotations

from typing import Any

import pytest

from netxsim import *  # noqa: F401,F403  (the C view: tx_api.h + nx_api.h)
from netxsim.nx.faults import LinkFaults
from netxsim.nx.wire import ETHERTYPE_IPV4, internet_checksum

from .test_ip import B_ADDR, Lab, counters, info_counters, slot_mac, two_ips

_IP = 14  # the IPv4 header's offset in the Ethernet frame


def _ping_through(damage: Any) -> list:
    lab = Lab(faults=LinkFaults(on_frame=damage))

    def app() -> None:
        tx_thread_sleep(10)
        status, reply = nx_icmp_ping(lab.ip["A"], B_ADDR, b"sum", 3, 20)
        if reply is not None:
            nx_packet_release(reply)
        lab.event("app", status)
        lab.event("app", info_counters(lab, "B"))

    def setup(lab: Lab) -> None:
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    lab.assert_pools_full()
    return lab.log


# Every header byte whose damage the checks before the checksum do not catch first
# (version/IHL and total length are checked before it).
@pytest.mark.parametrize("byte", [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
def test_one_flipped_header_bit_is_a_checksum_error(byte: int) -> None:
    def damage(frame: Any) -> bytes | None:
        if frame.ethertype == ETHERTYPE_IPV4 and frame.src == slot_mac(0):
            data = bytearray(frame.data)
            data[_IP + byte] ^= 1 << (byte % 8)
            return bytes(data)
        return None

    assert _ping_through(damage) == [
        (30, "app", NX_NO_RESPONSE),
        (30, "app", counters(received=1, invalid=1, dropped=1, checksum_errors=1))]


def test_altered_header_with_correct_checksum_is_accepted() -> None:
    """The request's identification changed and its checksum recomputed: B answers."""
    def alter(frame: Any) -> bytes | None:
        if frame.ethertype == ETHERTYPE_IPV4 and frame.src == slot_mac(0):
            data = bytearray(frame.data)
            data[_IP + 4] ^= 0xA5
            data[_IP + 10:_IP + 12] = b"\x00\x00"
            data[_IP + 10:_IP + 12] = internet_checksum(bytes(data[_IP:_IP + 20])).to_bytes(2, "big")
            return bytes(data)
        return None

    log = _ping_through(alter)
    assert log[0][1:] == ("app", NX_SUCCESS)
    info = log[1][2]
    assert (info["received"], info["invalid"], info["checksum_errors"], info["dropped"]) == (1, 0, 0, 0)
