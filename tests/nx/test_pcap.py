"""pcap writer: exact bytes, exact tick conversion, and files an independent reader (dpkt) accepts."""

from __future__ import annotations

import io
import struct
from fractions import Fraction
from pathlib import Path

import dpkt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netxsim.nx.pcap import PcapFormatError, PcapWriter, read_pcap, ticks_to_timestamp
from netxsim.nx.wire import (
    BROADCAST_MAC,
    ETHERTYPE_ARP,
    ETHERTYPE_IPV4,
    ICMP_ECHO_REQUEST,
    IP_PROTO_ICMP,
    IP_PROTO_TCP,
    TCP_ACK,
    TCP_FIN,
    TCP_PSH,
    TCP_SYN,
    ArpPacket,
    IcmpEcho,
    Ipv4Header,
    TcpHeader,
    build_ethernet_frame,
    build_ipv4_datagram,
    build_tcp_segment,
    ipv4_from_str,
    netx_syn_options,
)

CLIENT_IP, SERVER_IP = ipv4_from_str("1.2.3.5"), ipv4_from_str("1.2.3.4")
CLIENT_MAC, SERVER_MAC = bytes.fromhex("001122334456"), bytes.fromhex("001122334457")

GLOBAL_HEADER = bytes.fromhex("d4c3b2a1" "0200" "0400" "00000000" "00000000" "ffff0000" "01000000")


def netx_session() -> list[tuple[int, bytes]]:
    """(tick, frame) of an ARP exchange, a ping and a TCP handshake with data and FIN, NetX-style."""
    frames: list[tuple[int, bytes]] = []
    ip_id = {CLIENT_IP: 1, SERVER_IP: 1}  # per-IP counter, first value 1

    def ipv4(tick: int, src: int, dst: int, protocol: int, payload: bytes) -> None:
        src_mac, dst_mac = (CLIENT_MAC, SERVER_MAC) if src == CLIENT_IP else (SERVER_MAC, CLIENT_MAC)
        header = Ipv4Header(src, dst, protocol, identification=ip_id[src], ttl=128)
        ip_id[src] += 1
        frames.append((tick, build_ethernet_frame(dst_mac, src_mac, ETHERTYPE_IPV4,
                                                  build_ipv4_datagram(header, payload))))

    def tcp(tick: int, src: int, dst: int, seq: int, ack: int, flags: int, data: bytes = b"",
            options: bytes = b"") -> None:
        ports = (50535, 25) if src == CLIENT_IP else (25, 50535)
        header = TcpHeader(*ports, seq, ack, flags, 1460, options)
        ipv4(tick, src, dst, IP_PROTO_TCP, build_tcp_segment(header, data, src, dst))

    request = ArpPacket.request(CLIENT_MAC, CLIENT_IP, SERVER_IP)
    frames.append((100, build_ethernet_frame(BROADCAST_MAC, CLIENT_MAC, ETHERTYPE_ARP, request.pack())))
    frames.append((100, build_ethernet_frame(CLIENT_MAC, SERVER_MAC, ETHERTYPE_ARP,
                                             request.reply(SERVER_MAC, SERVER_IP).pack())))
    echo = IcmpEcho(ICMP_ECHO_REQUEST, CLIENT_IP & 0xFFFF, 0, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ipv4(100, CLIENT_IP, SERVER_IP, IP_PROTO_ICMP, echo.pack())
    ipv4(100, SERVER_IP, CLIENT_IP, IP_PROTO_ICMP, IcmpEcho.unpack(echo.pack()).reply().pack())
    c, s = 0x67FE9869, 0x1000
    tcp(101, CLIENT_IP, SERVER_IP, c, 0, TCP_SYN, options=netx_syn_options(1460))
    tcp(101, SERVER_IP, CLIENT_IP, s, c + 1, TCP_SYN | TCP_ACK, options=netx_syn_options(1460))
    tcp(101, CLIENT_IP, SERVER_IP, c + 1, s + 1, TCP_ACK)
    tcp(102, SERVER_IP, CLIENT_IP, s + 1, c + 1, TCP_PSH | TCP_ACK, b"220 ready\r\n")
    tcp(122, CLIENT_IP, SERVER_IP, c + 1, s + 12, TCP_ACK)
    tcp(123, CLIENT_IP, SERVER_IP, c + 1, s + 12, TCP_FIN | TCP_ACK)
    tcp(123, SERVER_IP, CLIENT_IP, s + 12, c + 2, TCP_FIN | TCP_ACK)
    tcp(123, CLIENT_IP, SERVER_IP, c + 2, s + 13, TCP_ACK)
    return frames


# --- timestamps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticks", "per_second", "expected"),
    [
        (0, 100, (0, 0)),
        (1, 100, (0, 10_000)),
        (150, 100, (1, 500_000)),
        (123_456_789, 100, (1_234_567, 890_000)),
        (1, 1024, (0, 977)),  # 976.5625 us rounds to nearest
        (3, 1024, (0, 2930)),  # 2929.6875
        (1024, 1024, (1, 0)),
        (1, 3, (0, 333_333)),
        (2, 3, (0, 666_667)),
        (12.3, 100, (0, 123_000)),  # a float is not truncated to 122999
        (Fraction(1, 2), 100, (0, 5_000)),
        (99.99999999, 100, (1, 0)),  # rounding carries into the seconds
    ],
)
def test_ticks_to_timestamp(ticks: int | float | Fraction, per_second: int, expected: tuple[int, int]) -> None:
    assert ticks_to_timestamp(ticks, per_second) == expected


def test_bad_timestamps() -> None:
    with pytest.raises(ValueError):
        ticks_to_timestamp(-1)
    with pytest.raises(ValueError):
        ticks_to_timestamp(1, 0)
    with pytest.raises(ValueError):
        ticks_to_timestamp(100 * (1 << 32))


@given(st.integers(0, 100 * (1 << 32) - 1))
def test_integer_ticks_are_exact(ticks: int) -> None:
    seconds, micros = ticks_to_timestamp(ticks)
    assert seconds * 100 + micros // 10_000 == ticks and micros % 10_000 == 0


# --- writer bytes ---------------------------------------------------------------------------


def test_exact_file_bytes() -> None:
    buffer = io.BytesIO()
    with PcapWriter(buffer) as writer:
        writer.write_frame(150, b"\xaa" * 14)
        writer.write_frame(0, b"")
    assert buffer.getvalue() == (
        GLOBAL_HEADER
        + struct.pack("<IIII", 1, 500_000, 14, 14) + b"\xaa" * 14
        + struct.pack("<IIII", 0, 0, 0, 0)
    )
    assert not buffer.closed  # the caller's file object is flushed, not closed
    assert writer.closed and writer.frames_written == 2


def test_path_writer_owns_and_closes_its_file(tmp_path: Path) -> None:
    path = tmp_path / "run.pcap"
    writer = PcapWriter(path, ticks_per_second=1000)
    writer.write_frame(1, b"\x01\x02")
    writer.close()
    writer.close()  # idempotent
    assert writer._file.closed
    assert read_pcap(path) == [(Fraction(1, 1000), b"\x01\x02")]
    with pytest.raises(ValueError):
        writer.write_frame(2, b"")


def test_flush_makes_frames_visible(tmp_path: Path) -> None:
    path = tmp_path / "live.pcap"
    with PcapWriter(str(path)) as writer:
        writer.write_frame(5, b"abc")
        writer.flush()
        assert read_pcap(path) == [(Fraction(5, 100), b"abc")]


def test_snaplen_cuts_frames_but_keeps_original_length() -> None:
    buffer = io.BytesIO()
    with PcapWriter(buffer, snaplen=16) as writer:
        writer.write_frame(1, bytes(range(20)))
    assert struct.unpack_from("<IIII", buffer.getvalue(), 24) == (0, 10_000, 16, 20)
    assert struct.unpack_from("<I", buffer.getvalue(), 16) == (16,)
    buffer.seek(0)
    assert read_pcap(buffer) == [(Fraction(1, 100), bytes(range(16)))]


# --- reader -----------------------------------------------------------------------------------


def test_reader_handles_big_endian_nanosecond_files() -> None:
    data = struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1)
    data += struct.pack(">IIII", 3, 250_000_001, 2, 2) + b"hi"
    assert read_pcap(io.BytesIO(data)) == [(3 + Fraction(250_000_001, 10**9), b"hi")]


@pytest.mark.parametrize(
    "data",
    [b"", GLOBAL_HEADER[:20], b"\x00" * 24, GLOBAL_HEADER + b"\x00" * 15,
     GLOBAL_HEADER + struct.pack("<IIII", 0, 0, 5, 5) + b"abcd"],
)
def test_reader_rejects_bad_files(data: bytes) -> None:
    with pytest.raises(PcapFormatError):
        read_pcap(io.BytesIO(data))


# --- an independent reader (dpkt) -------------------------------------------------------------


def test_dpkt_reads_a_netx_session(tmp_path: Path) -> None:
    path = tmp_path / "session.pcap"
    session = netx_session()
    with PcapWriter(path) as writer:
        for tick, frame in session:
            writer.write_frame(tick, frame)

    with open(path, "rb") as handle:
        reader = dpkt.pcap.Reader(handle)
        assert (reader.datalink(), reader.snaplen) == (dpkt.pcap.DLT_EN10MB, 65535)
        records = list(reader)
    assert [frame for _, frame in records] == [frame for _, frame in session]
    assert [round(ts * 100) for ts, _ in records] == [tick for tick, _ in session]
    assert read_pcap(path) == [(Fraction(tick, 100), frame) for tick, frame in session]

    kinds = []
    for _, frame in records:
        eth = dpkt.ethernet.Ethernet(frame)
        if isinstance(eth.data, dpkt.arp.ARP):
            kinds.append(f"arp{eth.data.op}")
            continue
        ip = eth.data
        assert isinstance(ip, dpkt.ip.IP)
        assert (ip.v, ip.hl, ip.ttl, ip.df, ip.mf, ip.offset) == (4, 5, 128, 0, 0, 0)
        transport = ip.data
        sums = (ip.sum, transport.sum)
        ip.sum = transport.sum = 0
        dpkt.ip.IP(bytes(ip))  # dpkt recomputes both checksums when they are zero
        assert (ip.sum, transport.sum) == sums, f"bad checksum in frame {len(kinds)}"
        if isinstance(transport, dpkt.icmp.ICMP):
            assert (transport.data.id, transport.data.seq) == (0x0305, 0)
            kinds.append(f"icmp{transport.type}")
        else:
            assert isinstance(transport, dpkt.tcp.TCP) and transport.win == 1460
            if transport.flags & dpkt.tcp.TH_SYN:
                assert transport.off == 7
                assert dpkt.tcp.parse_opts(transport.opts) == [(2, b"\x05\xb4"), (1, b""), (1, b""), (1, b""),
                                                              (0, b"")]
            kinds.append(dpkt.tcp.tcp_flags_to_str(transport.flags))
    assert kinds == ["arp1", "arp2", "icmp8", "icmp0", "SYN", "SYN,ACK", "ACK", "PUSH,ACK", "ACK",
                     "FIN,ACK", "FIN,ACK", "ACK"]
    # IP identification: one counter per IP instance, first value 1.
    ids = [dpkt.ethernet.Ethernet(f).data.id for _, f in records[2:]]
    assert ids == [1, 1, 2, 2, 3, 3, 4, 5, 4, 6]


@given(st.lists(st.tuples(st.integers(0, 10**9), st.binary(max_size=1600)), max_size=8))
def test_dpkt_reads_any_frames_we_write(entries: list[tuple[int, bytes]]) -> None:
    buffer = io.BytesIO()
    with PcapWriter(buffer) as writer:
        for tick, frame in entries:
            writer.write_frame(tick, frame)
    buffer.seek(0)
    records = list(dpkt.pcap.Reader(buffer))
    assert [frame for _, frame in records] == [frame for _, frame in entries]
    for (ts, _), (tick, _) in zip(records, entries):
        assert abs(ts - tick / 100) < 1e-6
    buffer.seek(0)
    assert read_pcap(buffer) == [(Fraction(tick, 100), frame) for tick, frame in entries]
