"""Linux ARPs for and pings the simulated NetX host through the TAP bridge."""
from __future__ import annotations

import socket
import struct
import threading
import time

import pytest

from netxsim import *  # noqa: F403
from netxsim.nx.wire import internet_checksum

from .frames import assert_both_ends_agree, segment_frames, split_by_sender
from .netx_host import NETX_ADDRESS_TEXT, NETX_MAC, NetxHost

pytestmark = pytest.mark.tap


def echo_request(identifier: int, sequence: int, payload: bytes) -> bytes:
    message = struct.pack("!BBHHH", 8, 0, 0, identifier, sequence) + payload
    return message[:2] + struct.pack("!H", internet_checksum(message)) + message[4:]


def test_linux_arps_and_pings_the_netx_host(linux_peer, pcap_dir):
    host = NetxHost()
    capture = linux_peer.capture()
    ping = linux_peer.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ping.settimeout(5)
    replies: list[tuple[str, bytes]] = []

    def pinger() -> None:
        for sequence in range(3):
            ping.sendto(echo_request(0x4E58, sequence, b"netxsim ping"), (NETX_ADDRESS_TEXT, 0))
            data, (address, _) = ping.recvfrom(2048)
            replies.append((address, data[20:]))
            time.sleep(0.05)

    linux = threading.Thread(target=pinger)
    linux.start()
    segment_pcap = f"{pcap_dir}/segment.pcap"

    def define(memory):
        host.define(memory)
        host.segment.capture_to(segment_pcap)
        linux_peer.bridge()

        def wait_for_linux() -> None:
            while linux.is_alive():
                tx_thread_sleep(5)
        host.thread("wait", wait_for_linux)

    run = tx_kernel_enter(define, until=1000)
    linux.join()
    ping.close()
    assert run.reason == "completed"
    # Three echo replies from NetX, each echoing the request's identifier, sequence and data.
    assert [address for address, _ in replies] == [NETX_ADDRESS_TEXT] * 3
    for sequence, (_, reply) in enumerate(replies):
        assert reply[:2] == b"\x00\x00"  # echo reply, code 0
        assert reply[4:] == struct.pack("!HH", 0x4E58, sequence) + b"netxsim ping"
        assert internet_checksum(reply) == 0
    on_segment, on_linux = assert_both_ends_agree(segment_pcap, capture)
    for summary in (on_segment, on_linux):
        assert summary.icmp_requests == 3 and summary.icmp_replies == 3
        assert summary.arp >= 2  # Linux's who-has 1.2.3.5 and NetX's reply (NetX may ask too)
    from_linux, from_sim = split_by_sender(segment_frames(segment_pcap))
    arp_reply = next(frame for frame in from_sim if frame[12:14] == b"\x08\x06")
    assert arp_reply[6:12] == NETX_MAC and arp_reply[20:22] == b"\x00\x02"  # NetX: is-at
    assert from_linux[0][:6] == b"\xff" * 6 and from_linux[0][12:14] == b"\x08\x06"  # Linux asked first
    report = linux_peer.pacing_report()
    assert report is not None and report.ticks == run.ticks and report.paced_ticks > 0
    assert report.reads >= 4  # ARP request + 3 echo requests, each read from the TAP
    counters = linux_peer.bridges[0].counters
    assert counters.from_linux == len(from_linux) and counters.to_linux == len(from_sim)
