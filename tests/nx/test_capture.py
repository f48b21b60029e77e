"""Packet capture of the RAM driver's segment (netxsim/nx/segment.py, pcap.py) read back
with dpkt: a ping between two IP instances as Wireshark would see it (valid Ethernet,
ARP request/reply then ICMP echo request/reply, checksums recomputed independently,
consistent lengths, timestamps = simulated ticks / 100), the NETXSIM_PCAP variable, and
byte-identical captures of a seeded lossy run. Uses the Lab harness of test_ip.py."""
from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

import dpkt
import pytest

from netxsim import *  # noqa: F401,F403
from netxsim.nx.faults import LinkFaults
from netxsim.nx.pcap import read_pcap
from netxsim.nx.segment import PCAP_ENVIRONMENT_VARIABLE

from .test_ip import A_ADDR, B_ADDR, Lab, dpkt_ip_checks, slot_mac, two_ips

PING_DATA = b"netxsim capture!"


def ping_once(lab: Lab, capture: Path | None = None) -> None:
    """A pings B at tick 10 over a wire with 2 ticks of propagation delay."""

    def app() -> None:
        tx_thread_sleep(10)
        status, response = nx_icmp_ping(lab.ip["A"], B_ADDR, PING_DATA, len(PING_DATA), 100)
        lab.event("app", (status, response.nx_packet_length))
        nx_packet_release(response)

    def setup(lab: Lab) -> None:
        if capture is not None:
            lab.wire.capture_to(capture)
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    lab.wire.stop_capture()
    assert lab.log == [(18, "app", (NX_SUCCESS, len(PING_DATA)))]
    lab.assert_pools_full()


def test_ping_capture_parsed_with_dpkt(tmp_path: Path) -> None:
    path = tmp_path / "ping.pcap"
    ping_once(Lab(propagation_delay=2), path)

    with open(path, "rb") as handle:
        reader = dpkt.pcap.Reader(handle)
        assert (reader.datalink(), reader.snaplen) == (dpkt.pcap.DLT_EN10MB, 65535)
        records = [(timestamp, bytes(buf)) for timestamp, buf in reader]
    raw = path.read_bytes()
    assert struct.unpack_from("<IHHiIII", raw) == (0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)

    # Record headers: captured length == original length == frame length.
    offset, lengths = 24, []
    while offset < len(raw):
        _, _, caplen, length = struct.unpack_from("<IIII", raw, offset)
        lengths.append((caplen, length))
        offset += 16 + caplen
    assert offset == len(raw)
    assert lengths == [(len(frame), len(frame)) for _, frame in records]

    ticks = [12, 14, 16, 18]
    assert [timestamp for timestamp, _ in read_pcap(path)] == [Fraction(tick, 100) for tick in ticks]
    assert [timestamp for timestamp, _ in records] == pytest.approx([tick / 100 for tick in ticks], abs=1e-9)

    frames = [dpkt.ethernet.Ethernet(frame) for _, frame in records]
    a_mac, b_mac = slot_mac(0), slot_mac(1)
    a_ip, b_ip = A_ADDR.to_bytes(4, "big"), B_ADDR.to_bytes(4, "big")
    # Every frame: a plain Ethernet II header, no padding, no FCS.
    assert [(bytes(eth.dst), bytes(eth.src), eth.type) for eth in frames] == [
        (b"\xff" * 6, a_mac, dpkt.ethernet.ETH_TYPE_ARP), (a_mac, b_mac, dpkt.ethernet.ETH_TYPE_ARP),
        (b_mac, a_mac, dpkt.ethernet.ETH_TYPE_IP), (a_mac, b_mac, dpkt.ethernet.ETH_TYPE_IP)]

    request, reply = frames[0].data, frames[1].data
    assert isinstance(request, dpkt.arp.ARP) and isinstance(reply, dpkt.arp.ARP)
    assert (request.hrd, request.pro, request.hln, request.pln, request.op) == \
        (1, 0x0800, 6, 4, dpkt.arp.ARP_OP_REQUEST)
    assert (bytes(request.sha), bytes(request.spa), bytes(request.tha), bytes(request.tpa)) == \
        (a_mac, a_ip, bytes(6), b_ip)
    assert reply.op == dpkt.arp.ARP_OP_REPLY
    assert (bytes(reply.sha), bytes(reply.spa), bytes(reply.tha), bytes(reply.tpa)) == (b_mac, b_ip, a_mac, a_ip)
    assert [len(frame) for _, frame in records[:2]] == [42, 42]

    for index, (eth, (_, frame)) in enumerate(zip(frames[2:], records[2:])):
        datagram = dpkt_ip_checks(frame)  # IP and ICMP checksums recomputed with dpkt
        echo = datagram.data
        assert datagram.len == len(frame) - 14 == 20 + 8 + len(PING_DATA)
        assert (datagram.id, datagram.ttl) == (1, 128)  # each side's first datagram
        assert (bytes(datagram.src), bytes(datagram.dst)) == ((a_ip, b_ip) if index == 0 else (b_ip, a_ip))
        assert echo.type == (dpkt.icmp.ICMP_ECHO if index == 0 else dpkt.icmp.ICMP_ECHOREPLY)
        assert (echo.code, echo.data.id, echo.data.seq, bytes(echo.data.data)) == (0, A_ADDR & 0xFFFF, 0, PING_DATA)


def test_netxsim_pcap_variable_captures_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NETXSIM_PCAP, read when the segment is created, gives the same file as capture_to."""
    explicit, from_variable = tmp_path / "explicit.pcap", tmp_path / "variable.pcap"
    ping_once(Lab(propagation_delay=2), explicit)
    monkeypatch.setenv(PCAP_ENVIRONMENT_VARIABLE, str(from_variable))
    ping_once(Lab(propagation_delay=2))
    assert from_variable.read_bytes() == explicit.read_bytes()
    assert len(read_pcap(from_variable)) == 4


def lossy_run(seed: int, path: Path) -> tuple[list[Any], Any]:
    """Eight pings from A to B over a seeded faulty wire, captured to ``path``."""
    faults = LinkFaults(seed=seed, drop=0.3, duplicate=0.2, delay=(0.3, (1, 5)), reorder=0.2, corrupt=0.1)
    lab = Lab(faults=faults)
    statuses: list[Any] = []

    def app() -> None:
        a = lab.ip["A"]
        tx_thread_sleep(10)
        for sequence in range(8):
            status, response = nx_icmp_ping(a, B_ADDR, bytes([sequence]) * 8, 8, 30)
            statuses.append((tx_time_get(), status))
            if response is not None:
                nx_packet_release(response)
        tx_thread_sleep(50)  # let delayed and held frames land
        nx_arp_dynamic_entries_invalidate(a)  # release pings still waiting for ARP
        nx_arp_dynamic_entries_invalidate(lab.ip["B"])

    def setup(lab: Lab) -> None:
        lab.wire.capture_to(path)
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    lab.wire.stop_capture()
    lab.assert_pools_full()
    return statuses, lab.wire.counters


def test_lossy_run_is_deterministic(tmp_path: Path) -> None:
    first, again, other = tmp_path / "seed9.pcap", tmp_path / "seed9-again.pcap", tmp_path / "seed2.pcap"
    statuses, counters = lossy_run(9, first)
    statuses_again, counters_again = lossy_run(9, again)
    statuses_other, _ = lossy_run(2, other)
    assert first.read_bytes() == again.read_bytes()
    assert statuses == statuses_again and counters == counters_again
    assert first.read_bytes() != other.read_bytes() and statuses_other != statuses
    # The run is a real test of the faults: some pings get through, some do not, and
    # each kind of fault happened at least once.
    assert {status for _, status in statuses} == {NX_SUCCESS, NX_NO_RESPONSE}
    assert min(counters.dropped, counters.duplicated, counters.delayed, counters.reordered, counters.corrupted) > 0
    # Every record is still an Ethernet frame with a sane header.
    for _, frame in read_pcap(first):
        eth = dpkt.ethernet.Ethernet(frame)
        assert eth.type in (dpkt.ethernet.ETH_TYPE_ARP, dpkt.ethernet.ETH_TYPE_IP)
        assert bytes(eth.src) in (slot_mac(0), slot_mac(1))


def test_everything_dropped_ping_times_out_at_the_exact_tick(tmp_path: Path) -> None:
    """drop=1.0: the who-has never reaches the wire, the ping ends NX_NO_RESPONSE exactly
    25 ticks after it was sent, and the capture holds no frame."""
    path = tmp_path / "silence.pcap"
    lab = Lab(faults=LinkFaults(seed=1, drop=1.0))

    def app() -> None:
        tx_thread_sleep(10)
        lab.event("app", nx_icmp_ping(lab.ip["A"], B_ADDR, b"void", 4, 25))
        nx_arp_dynamic_entries_invalidate(lab.ip["A"])

    def setup(lab: Lab) -> None:
        lab.wire.capture_to(path)
        two_ips(lab)
        lab.thread("app", app)

    lab.run(setup)
    lab.wire.stop_capture()
    assert lab.log == [(35, "app", (NX_NO_RESPONSE, None))]
    assert [(tick, fate) for tick, _, _, fate in lab.wire_log()] == [(10, "dropped")]
    assert len(path.read_bytes()) == 24 and read_pcap(path) == []
    with open(path, "rb") as handle:
        assert list(dpkt.pcap.Reader(handle)) == []
    lab.assert_pools_full()
