"""Bulk TCP transfers between two NetX IP instances on the RAM driver (one kernel):
byte-exact delivery through small pools, the same under seeded link faults (hypothesis
draws the probabilities and the seed), and a pcap of a session checked by an independent
parser (dpkt): checksums, and every sequence/ack number against the bytes received.

The transfer itself is netxsim.testing.tcp.bulk_transfer: A (client, port 1024) sends, B (server,
port 80) receives until the stream ends (NX_NOT_CONNECTED after A's FIN), both close.
"""
from __future__ import annotations

import struct

import dpkt
import pytest
from hypothesis import given, settings, strategies as st

import netxsim.nx as nx
from netxsim.nx.constants import NX_SUCCESS
from netxsim.nx.faults import LinkFaults

from netxsim.testing.tcp import A_ADDR, B_ADDR, bulk_transfer

MB = 1 << 20
FAULT_SIZE = 200 * 1024
FAULT_EXAMPLES = max(4, settings.default.max_examples // 4)   # quick: 10, deep: 500

# Outcomes NetX documents for a blocking call that does not succeed on a bad link
# reset after retries → NX_NOT_CONNECTED; wait expired → NX_NO_PACKET,
# NX_WINDOW_OVERFLOW, NX_TX_QUEUE_DEPTH, NX_DISCONNECT_FAILED, NX_NOT_CONNECTED.
DOCUMENTED = {0x01, 0x38, 0x39, 0x41, 0x49}


def assert_clean_end(result) -> None:
    assert result.run.reason == "completed", result.run.report()
    result.net.assert_pools_full()
    deletes = [what for _, who, what in result.log if who.endswith("delete")]
    assert deletes == [NX_SUCCESS, NX_SUCCESS], result.log


def test_one_megabyte_through_sixteen_packet_pools() -> None:
    result = bulk_transfer(MB, pool_packets=16)
    assert_clean_end(result)
    assert sorted(who for _, who, _ in result.log) == ["client delete", "server delete"]
    assert len(result.received) == MB
    assert result.received == result.sent
    assert result.segments == -(-MB // 1460)     # every segment a full MSS but the last


def test_transfer_through_eight_packet_pools_small_window() -> None:
    result = bulk_transfer(256 * 1024, pool_packets=8, window=4096)
    assert_clean_end(result)
    assert result.received == result.sent


def test_transfer_with_small_chunks_from_an_application_pool() -> None:
    """Application writes of 100 bytes: one segment each (NetX does not coalesce)."""
    result = bulk_transfer(50_000, chunk=100, app_pool_packets=16, app_payload=256)
    assert_clean_end(result)
    assert result.received == result.sent
    assert result.segments == 500


def test_sender_owning_the_whole_default_pool_starves_its_acks() -> None:
    """C behaviour kept: 100-byte writes from A's 16-packet default pool put all 16
    buffers in the transmit queue (1600 bytes < cwnd 4380); B's ACKs find A's default
    pool empty and are dropped by the RAM driver's copy, so A retransmits at 100, 200,
    ... 1000 (RTO set at tick 1) and resets at the 11th expiry: send → NX_NOT_CONNECTED
    at 1100. B got the 16 segments; its receive times out (wait 3000 from tick 1 →
    3001, NX_NO_PACKET: B never heard of the reset); its FIN is answered by A's RST (no
    socket) → disconnect NX_DISCONNECT_FAILED at once."""
    result = bulk_transfer(50_000, chunk=100)
    assert result.run.reason == "completed", result.run.report()
    assert result.log == [(1100, "send", 0x38), (1100, "client disconnect", 0x38), (1100, "client delete", 0),
                          (3001, "receive", 0x01), (3001, "server disconnect", 0x41), (3001, "server delete", 0)]
    assert result.received == result.sent[:1600]
    result.net.assert_pools_full()


@settings(max_examples=FAULT_EXAMPLES)
@given(seed=st.integers(0, 2**32 - 1),
       drop=st.floats(0.0, 0.08), duplicate=st.floats(0.0, 0.08),
       reorder=st.floats(0.0, 0.08), corrupt=st.floats(0.0, 0.08))
def test_transfer_under_link_faults(seed: int, drop: float, duplicate: float, reorder: float,
                                    corrupt: float) -> None:
    """Loss, duplication, reordering and bit flips: the receiver gets a byte-exact prefix
    of what was sent, all of it unless a blocking call ended with a documented status;
    pools full; the run completes (``until`` is only a safety net)."""
    faults = LinkFaults(seed=seed, drop=drop, duplicate=duplicate, reorder=reorder, corrupt=corrupt)
    result = bulk_transfer(FAULT_SIZE, faults=faults, until=400_000, wait=6000)
    assert result.run.reason == "completed", result.run.report()
    assert result.sent.startswith(result.received)
    failures = [(who, what) for _, who, what in result.log if not who.endswith("delete")]
    assert all(what in DOCUMENTED for _, what in failures), failures
    if not failures:
        assert result.received == result.sent
    result.net.assert_pools_full()


# ============================================================================ pcap
def _ones_complement(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


@pytest.mark.parametrize("drop", [0.0, 0.1])
def test_pcap_of_session_reassembled_by_dpkt(tmp_path, drop: float) -> None:
    """The capture tap sees what receivers get (dropped frames never appear); with loss
    the retransmissions appear and carry the same bytes at the same offsets."""
    path = tmp_path / "tcp.pcap"
    result = bulk_transfer(40_000, capture=str(path), faults=LinkFaults(seed=3, drop=drop))
    assert_clean_end(result)
    assert result.received == result.sent
    retransmitted = nx.nx_tcp_info_get(result.net.ip["A"])[11]
    assert (retransmitted > 0) == (drop > 0)      # seed 3 loses data segments: resent

    with open(path, "rb") as f:
        records = list(dpkt.pcap.Reader(f))
    a_to_b: dict[int, bytes] = {}
    acks_from_b: list[int] = []
    a_isn = b_isn = None
    a_fin = b_fin = None
    for _, frame in records:
        eth = dpkt.ethernet.Ethernet(frame)
        if eth.type != dpkt.ethernet.ETH_TYPE_IP:
            continue
        ip = eth.data
        raw_ip = bytes(frame[14:14 + ip.len])
        assert _ones_complement(raw_ip[:20]) == 0xFFFF, "IPv4 header checksum"
        assert ip.p == dpkt.ip.IP_PROTO_TCP
        segment = raw_ip[20:]
        pseudo = struct.pack("!4s4sBBH", ip.src, ip.dst, 0, 6, len(segment))
        assert _ones_complement(pseudo + segment) == 0xFFFF, "TCP checksum"
        tcp = ip.data
        src = struct.unpack("!I", ip.src)[0]
        if tcp.flags & dpkt.tcp.TH_SYN:
            if src == A_ADDR:
                a_isn = tcp.seq
            else:
                b_isn = tcp.seq
                assert tcp.ack == (a_isn + 1) & 0xFFFFFFFF
            continue
        if src == A_ADDR:
            if tcp.data:
                offset = (tcp.seq - a_isn - 1) & 0xFFFFFFFF
                # Every data segment (first copy or retransmission) carries exactly the
                # bytes at its sequence offset.
                assert bytes(tcp.data) == result.sent[offset:offset + len(tcp.data)]
                a_to_b[offset] = bytes(tcp.data)
            if tcp.flags & dpkt.tcp.TH_FIN:
                a_fin = (tcp.seq + len(tcp.data) - a_isn - 1) & 0xFFFFFFFF
        else:
            assert src == B_ADDR
            acks_from_b.append((tcp.ack - a_isn - 1) & 0xFFFFFFFF)
            if tcp.flags & dpkt.tcp.TH_FIN:
                b_fin = tcp.seq
    # Reassemble A's stream from the capture and compare with what B's application got.
    stream = b""
    for offset in sorted(a_to_b):
        assert offset == len(stream)
        stream += a_to_b[offset]
    assert stream == result.received
    assert a_fin == len(result.sent)
    # B never acknowledges bytes it did not get; its acks only grow; the last covers the FIN.
    assert all(ack <= len(result.received) + 1 for ack in acks_from_b)
    assert acks_from_b == sorted(acks_from_b)
    assert acks_from_b[-1] == len(result.sent) + 1
    assert b_isn is not None and b_fin is not None
