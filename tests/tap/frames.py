"""Checks on the frames of both ends of a bridge (segment pcap and Linux-side capture).

dpkt parses (an independent parser); checksums are verified with the project's wire
helpers against the bytes as captured.
"""
from __future__ import annotations

from dataclasses import dataclass

import dpkt

from netxsim.nx.pcap import read_pcap
from netxsim.nx.wire import verify_icmp_checksum, verify_ipv4_checksum, verify_tcp_checksum
from netxsim.tap import BRIDGE_MAC, LinuxCapture


@dataclass
class Summary:
    """What a list of frames holds."""

    frames: int = 0
    arp: int = 0
    icmp_requests: int = 0
    icmp_replies: int = 0
    tcp: int = 0
    bad_checksums: int = 0
    syn: int = 0
    fin: int = 0
    rst: int = 0


def summarize(frames: list[bytes]) -> Summary:
    summary = Summary()
    for frame in frames:
        summary.frames += 1
        ethernet = dpkt.ethernet.Ethernet(frame)
        if ethernet.type == dpkt.ethernet.ETH_TYPE_ARP:
            summary.arp += 1
            continue
        if ethernet.type != dpkt.ethernet.ETH_TYPE_IP:
            continue
        datagram = bytes(frame[14:])
        ip = dpkt.ip.IP(datagram)
        header_length = ip.hl * 4
        if not verify_ipv4_checksum(datagram[:header_length]):
            summary.bad_checksums += 1
        body = datagram[header_length:ip.len]
        if ip.p == dpkt.ip.IP_PROTO_ICMP:
            if not verify_icmp_checksum(body):
                summary.bad_checksums += 1
            summary.icmp_requests += body[0] == 8
            summary.icmp_replies += body[0] == 0
        elif ip.p == dpkt.ip.IP_PROTO_TCP:
            summary.tcp += 1
            source, destination = int.from_bytes(ip.src, "big"), int.from_bytes(ip.dst, "big")
            if not verify_tcp_checksum(source, destination, body):
                summary.bad_checksums += 1
            flags = dpkt.tcp.TCP(body).flags
            summary.syn += bool(flags & dpkt.tcp.TH_SYN)
            summary.fin += bool(flags & dpkt.tcp.TH_FIN)
            summary.rst += bool(flags & dpkt.tcp.TH_RST)
    return summary


def tcp_payload(frames: list[bytes], source_port: int) -> bytes:
    """The byte stream a TCP sender put in these frames, reassembled by sequence number
    (each byte once, however often it was retransmitted)."""
    chunks: dict[int, bytes] = {}
    for frame in frames:
        ethernet = dpkt.ethernet.Ethernet(frame)
        if ethernet.type != dpkt.ethernet.ETH_TYPE_IP or not isinstance(ethernet.data, dpkt.ip.IP):
            continue
        ip = ethernet.data
        if not isinstance(ip.data, dpkt.tcp.TCP) or ip.data.sport != source_port:
            continue
        segment = ip.data
        if segment.flags & dpkt.tcp.TH_SYN:
            chunks[-1] = segment.seq + 1  # type: ignore[assignment]
        elif segment.data:
            chunks.setdefault(segment.seq, bytes(segment.data))
    start = chunks.pop(-1, None)
    if start is None:
        return b""
    stream = bytearray()
    position = start
    while True:
        candidates = [(seq, data) for seq, data in chunks.items()
                      if ((seq - position) & 0xFFFFFFFF) > 0x7FFFFFFF or seq == position]
        best = None
        for seq, data in candidates:
            behind = (position - seq) & 0xFFFFFFFF
            if behind < len(data) and (best is None or len(data) - behind > len(best)):
                best = data[behind:]
        if not best:
            return bytes(stream)
        stream += best
        position = (position + len(best)) & 0xFFFFFFFF


def segment_frames(path: str) -> list[bytes]:
    return [record.frame for record in read_pcap(path)]


def split_by_sender(frames: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """(frames Linux sent, frames the simulation sent), by source MAC."""
    from_linux = [frame for frame in frames if frame[6:12] == BRIDGE_MAC]
    return from_linux, [frame for frame in frames if frame[6:12] != BRIDGE_MAC]


def linux_frames(capture: LinuxCapture) -> tuple[list[bytes], list[bytes]]:
    """(frames Linux sent, frames Linux received) on its TAP."""
    frames = capture.stop()
    return ([f.frame for f in frames if f.direction == "out"], [f.frame for f in frames if f.direction == "in"])


def assert_both_ends_agree(segment_path: str, capture: LinuxCapture) -> tuple[Summary, Summary]:
    """With no faults on the bridge, each side saw exactly the other's frames, in order,
    byte for byte, with valid checksums (Linux may send a few more after the run ended,
    which nothing read). Returns the summaries (segment, Linux)."""
    sent, received = linux_frames(capture)
    from_linux, from_sim = split_by_sender(segment_frames(segment_path))
    assert from_linux == sent[:len(from_linux)], "frames Linux sent differ from what reached the segment"
    assert len(sent) - len(from_linux) <= 4, f"{len(sent) - len(from_linux)} frames from Linux never read"
    assert from_sim == received, "frames the simulation sent differ from what Linux received"
    on_segment, on_linux = summarize(from_linux + from_sim), summarize(sent + received)
    assert on_segment.bad_checksums == 0 and on_linux.bad_checksums == 0
    return on_segment, on_linux
