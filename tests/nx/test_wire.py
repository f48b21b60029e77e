"""Wire formats: known answers, real captured frames, an independent parser (dpkt), properties."""

from __future__ import annotations

import struct
from dataclasses import replace

import dpkt
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from netxsim.nx.wire import (
    ARP_OP_REPLY,
    ARP_OP_REQUEST,
    BROADCAST_MAC,
    ETHERTYPE_ARP,
    ETHERTYPE_IPV4,
    ICMP_ECHO_REPLY,
    ICMP_ECHO_REQUEST,
    IP_PROTO_ICMP,
    IP_PROTO_TCP,
    IPV4_FLAG_DF,
    TCP_ACK,
    TCP_FIN,
    TCP_PSH,
    TCP_RST,
    TCP_SYN,
    ZERO_MAC,
    ArpPacket,
    EthernetHeader,
    IcmpEcho,
    Ipv4Header,
    TcpHeader,
    WireFormatError,
    build_ethernet_frame,
    build_ipv4_datagram,
    build_tcp_segment,
    checksum_adjust,
    describe_frame,
    internet_checksum,
    ipv4_from_str,
    ipv4_to_str,
    mac_from_msw_lsw,
    mac_to_msw_lsw,
    mac_to_str,
    netx_mss_option_get,
    netx_syn_options,
    ones_complement_sum,
    parse_ethernet_frame,
    parse_ipv4_datagram,
    parse_tcp_options,
    parse_tcp_segment,
    tcp_checksum,
    tcp_flags_to_str,
    verify_icmp_checksum,
    verify_ipv4_checksum,
    verify_tcp_checksum,
)

# Frames a Linux 6.x kernel sent through a TAP device (captured for these tests): an ARP
# request, an ICMP echo request from a ping socket and the SYN of connect(). The
# kernel computed every checksum in software, so they are independent known answers.
LINUX_ARP_REQUEST = bytes.fromhex(
    "ffffffffffff020000000001080600010800060400010200000000010a0900010000000000000a090002"
)
LINUX_ICMP_ECHO_REQUEST = bytes.fromhex(
    "02000000000202000000000108004500002cf46040004001325c0a0900010a090002"
    "0800c26c40f500016e65747873696d2070696e6720313233"
)
LINUX_TCP_SYN = bytes.fromhex(
    "02000000000202000000000108004500003cb30f4000400673980a0900010a090002"
    "bfda0019954aa03b00000000a002faf05e320000020405b40402080a574a8e01000000000103030a"
)

CLIENT_IP = ipv4_from_str("1.2.3.5")
SERVER_IP = ipv4_from_str("1.2.3.4")
CLIENT_MAC = bytes.fromhex("001122334456")  # RAM driver slot 0
SERVER_MAC = bytes.fromhex("001122334457")  # slot 1


def naive_checksum(data: bytes) -> int:
    """A second, deliberately different RFC 1071 implementation: 2**16 == 1 (mod 0xFFFF)."""
    if len(data) % 2:
        data += b"\x00"
    residue = int.from_bytes(data, "big") % 0xFFFF
    # The folded sum is congruent to the residue, and is 0 only when every byte is.
    folded = residue or (0xFFFF if any(data) else 0)
    return ~folded & 0xFFFF


# --- checksum known answers ----------------------------------------------------------------


def test_rfc1071_worked_example() -> None:
    data = bytes.fromhex("0001f203f4f5f6f7")  # RFC 1071 section 3
    assert ones_complement_sum(data) == 0xDDF2
    assert internet_checksum(data) == 0x220D


def test_ipv4_header_checksum_known_answer() -> None:
    header = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    assert internet_checksum(header) == 0xB861
    with_sum = header[:10] + b"\xb8\x61" + header[12:]
    assert verify_ipv4_checksum(with_sum)
    assert internet_checksum(with_sum) == 0


def test_odd_length_is_padded_with_zero() -> None:
    assert internet_checksum(b"\x01") == internet_checksum(b"\x01\x00") == 0xFEFF
    assert internet_checksum(b"") == 0xFFFF


def test_partial_sums_chain() -> None:
    a, b = bytes(range(40)), bytes(range(100, 131))
    assert internet_checksum(b, ones_complement_sum(a)) == internet_checksum(a + b)


@given(st.binary(max_size=300))
def test_checksum_agrees_with_independent_implementations(data: bytes) -> None:
    assert internet_checksum(data) == naive_checksum(data)
    assert internet_checksum(data) == dpkt.in_cksum(data)


def test_rfc1624_adjust_matches_recomputation() -> None:
    message = bytearray(bytes.fromhex("0800000012340001") + b"payload!")
    struct.pack_into("!H", message, 2, internet_checksum(message))
    adjusted = checksum_adjust(struct.unpack_from("!H", message, 2)[0], 0x0800, 0x0000)
    message[0] = 0
    struct.pack_into("!H", message, 2, 0)
    assert adjusted == internet_checksum(message)


# --- real captured frames --------------------------------------------------------------------


def test_linux_arp_request_parses() -> None:
    eth, body = parse_ethernet_frame(LINUX_ARP_REQUEST)
    assert eth == EthernetHeader(BROADCAST_MAC, bytes.fromhex("020000000001"), ETHERTYPE_ARP)
    arp = ArpPacket.unpack(body)
    assert arp == ArpPacket.request(bytes.fromhex("020000000001"), ipv4_from_str("10.9.0.1"),
                                    ipv4_from_str("10.9.0.2"))
    assert arp.is_ethernet_ipv4
    assert eth.pack() + arp.pack() == LINUX_ARP_REQUEST  # 42 bytes, no padding, like NetX


def test_linux_icmp_echo_checksums() -> None:
    _, datagram = parse_ethernet_frame(LINUX_ICMP_ECHO_REQUEST)
    ip, message = parse_ipv4_datagram(datagram)
    assert (ip.identification, ip.flags, ip.ttl, ip.protocol, ip.checksum) == (0xF460, IPV4_FLAG_DF, 64, 1, 0x325C)
    assert verify_ipv4_checksum(datagram) and verify_icmp_checksum(message)
    echo = IcmpEcho.unpack(message)
    assert (echo.type, echo.identifier, echo.sequence, echo.data) == (8, 0x40F5, 1, b"netxsim ping 123")
    # Recomputed from scratch, three ways, the checksums are the kernel's.
    assert replace(echo, checksum=None).pack() == message
    assert naive_checksum(message[:2] + b"\0\0" + message[4:]) == 0xC26C
    assert replace(ip, checksum=None).pack() == datagram[:20]
    assert naive_checksum(datagram[:10] + b"\0\0" + datagram[12:20]) == 0x325C


def test_linux_tcp_syn_checksums() -> None:
    _, datagram = parse_ethernet_frame(LINUX_TCP_SYN)
    ip, segment = parse_ipv4_datagram(datagram)
    assert verify_ipv4_checksum(datagram)
    assert verify_tcp_checksum(ip.src, ip.dst, segment)
    tcp, payload = parse_tcp_segment(segment)
    assert (tcp.src_port, tcp.dst_port, tcp.seq, tcp.ack) == (49114, 25, 0x954AA03B, 0)
    assert (tcp.flags, tcp.window, tcp.checksum, tcp.data_offset, payload) == (TCP_SYN, 64240, 0x5E32, 10, b"")
    assert netx_mss_option_get(tcp.options) == (True, 1460)
    assert [kind for kind, _ in parse_tcp_options(tcp.options)] == [2, 4, 8, 1, 3]
    assert build_tcp_segment(replace(tcp, checksum=None), payload, ip.src, ip.dst) == segment
    pseudo = struct.pack("!IIBBH", ip.src, ip.dst, 0, 6, len(segment))
    assert naive_checksum(pseudo + segment[:16] + b"\0\0" + segment[18:]) == 0x5E32
    assert describe_frame(LINUX_TCP_SYN) == (
        "10.9.0.1:49114 > 10.9.0.2:25 TCP [S] seq 2504695867 ack 0 win 64240 mss 1460 len 0 id 45839"
    )


# --- frames shaped as NetX sends them -------------------------------------------------------


def netx_syn_frame() -> bytes:
    """The demo client's SYN: ISN 0x67FE9869 from port 50535, window and MSS 1460, IP id 1."""
    tcp = TcpHeader(50535, 25, 0x67FE9869, 0, TCP_SYN, 1460, netx_syn_options(1460))
    ip = Ipv4Header(CLIENT_IP, SERVER_IP, IP_PROTO_TCP, identification=1, ttl=128)
    segment = build_tcp_segment(tcp, b"", CLIENT_IP, SERVER_IP)
    return build_ethernet_frame(SERVER_MAC, CLIENT_MAC, ETHERTYPE_IPV4, build_ipv4_datagram(ip, segment))


def test_netx_syn_bytes() -> None:
    expected = bytes.fromhex(
        "001122334457" "001122334456" "0800"
        "4500" "0030" "0001" "0000" "8006" "32bb" "01020305" "01020304"
        "c567" "0019" "67fe9869" "00000000" "7002" "05b4" "b278" "0000"
        "020405b4" "01010100"
    )
    frame = netx_syn_frame()
    assert frame == expected and len(frame) == 62
    assert dpkt.in_cksum(expected[14:34]) == 0  # independent verdict on both checksums
    pseudo = struct.pack("!IIBBH", CLIENT_IP, SERVER_IP, 0, 6, 28)
    assert dpkt.in_cksum(pseudo + expected[34:]) == 0


def test_netx_arp_request_and_reply_bytes() -> None:
    request = ArpPacket.request(CLIENT_MAC, CLIENT_IP, SERVER_IP)
    frame = build_ethernet_frame(BROADCAST_MAC, CLIENT_MAC, ETHERTYPE_ARP, request.pack())
    assert frame == bytes.fromhex(
        "ffffffffffff" "001122334456" "0806"
        "0001" "0800" "06" "04" "0001" "001122334456" "01020305" "000000000000" "01020304"
    )
    reply = request.reply(SERVER_MAC, SERVER_IP)
    assert reply == ArpPacket(ARP_OP_REPLY, SERVER_MAC, SERVER_IP, CLIENT_MAC, CLIENT_IP)
    assert reply.pack() == bytes.fromhex("000108000604" "0002" "001122334457" "01020304" "001122334456" "01020305")


def test_netx_bare_ack_is_54_bytes() -> None:
    tcp = TcpHeader(50535, 25, 0x67FE986A, 1000, TCP_ACK, 1460)
    segment = build_tcp_segment(tcp, b"", CLIENT_IP, SERVER_IP)
    frame = build_ethernet_frame(SERVER_MAC, CLIENT_MAC, ETHERTYPE_IPV4,
                                 build_ipv4_datagram(Ipv4Header(CLIENT_IP, SERVER_IP, IP_PROTO_TCP), segment))
    assert len(frame) == 54 and frame[46:48] == b"\x50\x10"


def test_tcp_checksum_odd_payload() -> None:
    tcp = TcpHeader(25, 50535, 1, 2, TCP_ACK | TCP_PSH, 8192)
    segment = build_tcp_segment(tcp, b"220 ready\r\n", SERVER_IP, CLIENT_IP)
    assert len(segment) % 2 == 1 and verify_tcp_checksum(SERVER_IP, CLIENT_IP, segment)
    pseudo = struct.pack("!IIBBH", SERVER_IP, CLIENT_IP, 0, 6, len(segment))
    assert dpkt.in_cksum(pseudo + segment) == 0
    assert not verify_tcp_checksum(CLIENT_IP + 1, CLIENT_IP, segment)  # pseudo-header counts


def test_netx_echo_reply_keeps_checksum_incrementally() -> None:
    request = IcmpEcho(ICMP_ECHO_REQUEST, CLIENT_IP & 0xFFFF, 0, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert request.identifier == 0x0305  # NetX: low 16 bits of the interface address
    reply = IcmpEcho.unpack(request.pack()).reply()
    assert reply.type == ICMP_ECHO_REPLY and reply.pack() == replace(reply, checksum=None).pack()
    assert verify_icmp_checksum(reply.pack())


def test_all_zero_echo_reply_gets_negative_zero_checksum() -> None:
    # RFC 1624 eqn 3 as NetX applies it yields 0x0000 where recomputation gives 0xFFFF;
    # only an echo with identifier 0, sequence 0 and all-zero data can hit it.
    reply = IcmpEcho(ICMP_ECHO_REQUEST, 0, 0, bytes(4)).reply()
    assert reply.checksum == 0x0000
    assert replace(reply, checksum=None).pack()[2:4] == b"\xff\xff"
    assert not verify_icmp_checksum(reply.pack())


# --- addresses and options ------------------------------------------------------------------


def test_mac_msw_lsw_conversion() -> None:
    assert mac_from_msw_lsw(0x0011, 0x22334456) == CLIENT_MAC
    assert mac_to_msw_lsw(CLIENT_MAC) == (0x0011, 0x22334456)
    assert mac_to_msw_lsw(BROADCAST_MAC) == (0xFFFF, 0xFFFFFFFF)
    assert mac_to_str(mac_from_msw_lsw(0x0011, 0x22334456 + 3)) == "00:11:22:33:44:59"
    with pytest.raises(ValueError):
        mac_from_msw_lsw(0x10000, 0)
    with pytest.raises(ValueError):
        mac_to_msw_lsw(b"\x00" * 5)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF))
def test_mac_pair_round_trip(msw: int, lsw: int) -> None:
    assert mac_to_msw_lsw(mac_from_msw_lsw(msw, lsw)) == (msw, lsw)


def test_ipv4_text() -> None:
    assert ipv4_from_str("1.2.3.4") == 0x01020304
    assert ipv4_to_str(0xC0A80001) == "192.168.0.1"
    for bad in ("1.2.3", "1.2.3.256", "a.b.c.d", "1.2.3.4.5"):
        with pytest.raises(ValueError):
            ipv4_from_str(bad)


def test_netx_syn_options_layout() -> None:
    assert netx_syn_options(1460) == bytes.fromhex("020405b401010100")
    assert parse_tcp_options(netx_syn_options(536)) == [(2, b"\x02\x18"), (1, b""), (1, b""), (1, b"")]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (b"", (True, 0)),
        (bytes.fromhex("020405b401010100"), (True, 1460)),
        (bytes.fromhex("01010402020405b4"), (True, 1460)),  # NOPs, SACK-permitted, MSS
        (bytes.fromhex("0103030a020405b4"), (True, 1460)),  # NOP, window scale, MSS
        (bytes.fromhex("00000000020405b4"), (True, 0)),  # EOL first: MSS never seen
        (bytes.fromhex("020505b4"), (False, 0)),  # MSS with length 5
        (bytes.fromhex("08000000"), (False, 0)),  # length 0
        (bytes.fromhex("080a0000"), (False, 0)),  # runs past the option area
        (bytes.fromhex("0101020405b4"), (True, 1460)),  # exactly 4 bytes left at the MSS
        (bytes.fromhex("0201"), (True, 0)),  # under 4 bytes: not even looked at
    ],
)
def test_netx_mss_option_get(options: bytes, expected: tuple[bool, int]) -> None:
    assert netx_mss_option_get(options) == expected


def test_netx_mss_option_get_is_laxer_than_rfc_parsing() -> None:
    # After the NOP 3 bytes remain, so NetX never sees the overlong option a strict parser rejects.
    assert netx_mss_option_get(bytes.fromhex("01080a00")) == (True, 0)
    with pytest.raises(WireFormatError):
        parse_tcp_options(bytes.fromhex("01080a00"))
    # A length-1 option is accepted: NetX steps one byte, so its length byte is read as a kind.
    # Here kind 8 "length 1" is followed by its length byte 01 read as a NOP, then the MSS.
    assert netx_mss_option_get(bytes.fromhex("0801020405b4")) == (True, 1460)


def test_strict_option_parser_rejects_bad_lengths() -> None:
    for bad in (b"\x02", b"\x02\x01", b"\x02\x08\x05\xb4"):
        with pytest.raises(WireFormatError):
            parse_tcp_options(bad)


def test_tcp_flag_strings() -> None:
    assert [tcp_flags_to_str(f) for f in (TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_PSH | TCP_ACK,
                                          TCP_FIN | TCP_ACK, TCP_RST, TCP_RST | TCP_ACK, 0)] == [
        "S", "S.", ".", "P.", "F.", "R", "R.", "none"]


# --- malformed input --------------------------------------------------------------------------


def test_short_buffers_raise_wire_format_error() -> None:
    frame = netx_syn_frame()
    for cut in range(len(frame)):
        with pytest.raises(WireFormatError):
            eth, datagram = parse_ethernet_frame(frame[:cut])
            ip, segment = parse_ipv4_datagram(datagram)
            parse_tcp_segment(segment)
    with pytest.raises(WireFormatError):
        ArpPacket.unpack(bytes(27))
    with pytest.raises(WireFormatError):
        IcmpEcho.unpack(bytes.fromhex("08000000000000"))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("6500003c00000000400600000a0900010a090002", "version 6"),
        ("4400003c00000000400600000a0900010a090002", "IHL 4"),
        ("4600003c00000000400600000a0900010a090002", "need 24"),
        ("4500001300000000400600000a0900010a090002", "total length 19"),
    ],
)
def test_bad_ipv4_headers(header: str, message: str) -> None:
    with pytest.raises(WireFormatError, match=message):
        Ipv4Header.unpack(bytes.fromhex(header))


def test_truncated_datagram_and_bad_tcp_offset() -> None:
    datagram = build_ipv4_datagram(Ipv4Header(1, 2, IP_PROTO_TCP), bytes(20))
    with pytest.raises(WireFormatError, match="total length 40 > 39"):
        parse_ipv4_datagram(datagram[:-1])
    header, payload = parse_ipv4_datagram(datagram + b"\0" * 6)  # Ethernet padding dropped
    assert len(payload) == 20
    with pytest.raises(WireFormatError, match="data offset 4"):
        TcpHeader.unpack(bytes(12) + b"\x40" + bytes(7))
    with pytest.raises(WireFormatError, match="need 24"):
        TcpHeader.unpack(bytes(12) + b"\x60" + bytes(7))
    with pytest.raises(WireFormatError, match="type 3"):
        IcmpEcho.unpack(bytes.fromhex("0301000000000000"))


def test_construction_rejects_out_of_range_fields() -> None:
    with pytest.raises(ValueError):
        TcpHeader(70000, 1, 0, 0, 0, 0)
    with pytest.raises(ValueError):
        TcpHeader(1, 1, 0, 0, 0, 0, options=b"\x01\x01\x01")
    with pytest.raises(ValueError):
        Ipv4Header(1, 2, 6, ttl=256)
    with pytest.raises(ValueError):
        EthernetHeader(b"\x00" * 5, ZERO_MAC, 0x0800)


@given(st.binary(max_size=80))
def test_parsers_raise_only_wire_format_error(data: bytes) -> None:
    for parse in (parse_ethernet_frame, ArpPacket.unpack, parse_ipv4_datagram, Ipv4Header.unpack,
                  IcmpEcho.unpack, parse_tcp_segment, netx_mss_option_get):
        try:
            parse(data)
        except WireFormatError:
            pass
    try:
        parse_tcp_options(data)
    except WireFormatError:
        pass
    assert isinstance(describe_frame(data), str)


# --- properties: round trips and corruption ---------------------------------------------------

u8, u16, u32 = st.integers(0, 0xFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF)
macs = st.binary(min_size=6, max_size=6)
words = st.integers(0, 10).flatmap(lambda n: st.binary(min_size=4 * n, max_size=4 * n))

ipv4_headers = st.builds(
    Ipv4Header, src=u32, dst=u32, protocol=u8, identification=u16, ttl=u8, tos=u8,
    flags=st.integers(0, 7), fragment_offset=st.integers(0, 0x1FFF), options=words,
    total_length=st.none() | st.integers(60, 0xFFFF),
)
tcp_headers = st.builds(
    TcpHeader, src_port=u16, dst_port=u16, seq=u32, ack=u32, flags=st.integers(0, 0xFFF),
    window=u16, options=words, urgent=u16,
)
echoes = st.builds(
    IcmpEcho, type=st.sampled_from([ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY]), identifier=u16, sequence=u16,
    data=st.binary(max_size=64), code=u8,
)
arps = st.builds(ArpPacket, op=u16, sender_mac=macs, sender_ip=u32, target_mac=macs, target_ip=u32,
                 htype=u16, ptype=u16, hlen=u8, plen=u8)


@given(macs, macs, u16, st.binary(max_size=64))
def test_ethernet_round_trip(dst: bytes, src: bytes, ethertype: int, payload: bytes) -> None:
    header, body = parse_ethernet_frame(build_ethernet_frame(dst, src, ethertype, payload))
    assert header == EthernetHeader(dst, src, ethertype) and body == payload


@given(arps)
def test_arp_round_trip(arp: ArpPacket) -> None:
    assert ArpPacket.unpack(arp.pack() + b"\0" * 18) == arp  # padding to 60 bytes ignored


@given(ipv4_headers, st.binary(max_size=40))
def test_ipv4_round_trip_and_checksum(header: Ipv4Header, payload: bytes) -> None:
    packed = header.pack(len(payload))
    parsed = Ipv4Header.unpack(packed)
    assert replace(parsed, checksum=None, total_length=header.total_length) == header
    assert parsed.total_length == (header.total_length or header.header_length + len(payload))
    assert verify_ipv4_checksum(packed) and parsed.pack() == packed
    assert dpkt.in_cksum(packed) == 0


@given(tcp_headers, st.binary(max_size=64), u32, u32)
def test_tcp_round_trip_and_checksum(header: TcpHeader, payload: bytes, src: int, dst: int) -> None:
    segment = build_tcp_segment(header, payload, src, dst)
    parsed, body = parse_tcp_segment(segment)
    assert replace(parsed, checksum=None) == header and body == payload
    assert verify_tcp_checksum(src, dst, segment)
    assert parsed.checksum == tcp_checksum(src, dst, header.pack() + payload)


@given(echoes)
def test_icmp_round_trip_and_reply(echo: IcmpEcho) -> None:
    message = echo.pack()
    parsed = IcmpEcho.unpack(message)
    assert replace(parsed, checksum=None) == echo and verify_icmp_checksum(message)
    reply = parsed.reply()
    assume(any(reply.pack()[4:]) or reply.code)  # see test_all_zero_echo_reply_...
    assert reply.pack() == replace(reply, checksum=None).pack()


@given(st.binary(min_size=20, max_size=60), st.binary(max_size=20))
def test_any_valid_header_bytes_survive_parse_and_pack(raw: bytes, payload: bytes) -> None:
    options = len(raw) - 20 - (len(raw) - 20) % 4
    ip_raw = bytes([0x45 + options // 4]) + raw[1:2] + struct.pack("!H", 20 + options) + raw[4:20 + options]
    assert Ipv4Header.unpack(ip_raw).pack() == ip_raw
    tcp_raw = raw[:12] + bytes([((5 + options // 4) << 4) | (raw[12] & 0x0F)]) + raw[13:20 + options]
    assert TcpHeader.unpack(tcp_raw).pack() == tcp_raw


def _corrupt(data: bytes, index: int, value: int) -> bytes:
    assume(data[index] != value)
    return data[:index] + bytes([value]) + data[index + 1:]


@given(ipv4_headers, st.data())
def test_ipv4_corruption_detected(header: Ipv4Header, data: st.DataObject) -> None:
    packed = header.pack()
    bad = _corrupt(packed, data.draw(st.integers(0, len(packed) - 1)), data.draw(u8))
    assume(bad[0] & 0x0F == packed[0] & 0x0F)  # a changed IHL is a parse error, not a checksum one
    assert not verify_ipv4_checksum(bad)


@given(tcp_headers, st.binary(max_size=64), u32, u32, st.data())
def test_tcp_corruption_detected(header: TcpHeader, payload: bytes, src: int, dst: int,
                                 data: st.DataObject) -> None:
    segment = build_tcp_segment(header, payload, src, dst)
    bad = _corrupt(segment, data.draw(st.integers(0, len(segment) - 1)), data.draw(u8))
    assert not verify_tcp_checksum(src, dst, bad)


@given(echoes, st.data())
def test_icmp_corruption_detected(echo: IcmpEcho, data: st.DataObject) -> None:
    message = echo.pack()
    bad = _corrupt(message, data.draw(st.integers(0, len(message) - 1)), data.draw(u8))
    assert not verify_icmp_checksum(bad)


# --- dpkt, an independent parser, reads what we build -----------------------------------------


@given(tcp_headers, st.binary(max_size=64), u16, u8)
def test_dpkt_agrees_on_tcp_frames(header: TcpHeader, payload: bytes, ident: int, ttl: int) -> None:
    segment = build_tcp_segment(header, payload, CLIENT_IP, SERVER_IP)
    datagram = build_ipv4_datagram(
        Ipv4Header(CLIENT_IP, SERVER_IP, IP_PROTO_TCP, identification=ident, ttl=ttl), segment)
    eth = dpkt.ethernet.Ethernet(build_ethernet_frame(SERVER_MAC, CLIENT_MAC, ETHERTYPE_IPV4, datagram))
    ip, tcp = eth.data, eth.data.data
    assert (eth.dst, eth.src, eth.type) == (SERVER_MAC, CLIENT_MAC, ETHERTYPE_IPV4)
    assert (ip.v, ip.hl, ip.len, ip.id, ip.ttl, ip.p) == (4, 5, len(datagram), ident, ttl, 6)
    assert (tcp.sport, tcp.dport, tcp.seq, tcp.ack) == (header.src_port, header.dst_port, header.seq, header.ack)
    assert (tcp.flags, tcp.win, tcp.off, tcp.urp) == (header.flags & 0x1FF, header.window, header.data_offset,
                                                      header.urgent)
    assert (bytes(tcp.opts), bytes(tcp.data)) == (header.options, payload)
    sums = (ip.sum, tcp.sum)
    ip.sum = tcp.sum = 0
    dpkt.ethernet.Ethernet(bytes(eth))  # re-packing with zero sums makes dpkt compute them
    assert (ip.sum, tcp.sum) == sums


def test_dpkt_agrees_on_arp_and_icmp() -> None:
    arp = dpkt.ethernet.Ethernet(build_ethernet_frame(
        BROADCAST_MAC, CLIENT_MAC, ETHERTYPE_ARP, ArpPacket.request(CLIENT_MAC, CLIENT_IP, SERVER_IP).pack())).data
    assert (arp.hrd, arp.pro, arp.hln, arp.pln, arp.op) == (1, 0x0800, 6, 4, ARP_OP_REQUEST)
    assert (arp.sha, arp.spa, arp.tha, arp.tpa) == (CLIENT_MAC, bytes([1, 2, 3, 5]), ZERO_MAC, bytes([1, 2, 3, 4]))
    message = IcmpEcho(ICMP_ECHO_REQUEST, 0x0305, 7, b"ping data").pack()
    header = Ipv4Header(CLIENT_IP, SERVER_IP, IP_PROTO_ICMP, identification=9)
    ip = dpkt.ip.IP(build_ipv4_datagram(header, message))
    icmp = ip.data
    assert (icmp.type, icmp.code, icmp.data.id, icmp.data.seq, icmp.data.data) == (8, 0, 0x0305, 7, b"ping data")
    sums = (ip.sum, icmp.sum)
    ip.sum = icmp.sum = 0
    dpkt.ip.IP(bytes(ip))
    assert (ip.sum, icmp.sum) == sums


def test_we_parse_what_dpkt_builds() -> None:
    tcp = dpkt.tcp.TCP(sport=25, dport=50535, seq=5, ack=6, flags=dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK,
                       win=1460, opts=netx_syn_options(1460), data=b"")
    tcp.off = 7
    ip = dpkt.ip.IP(src=bytes([1, 2, 3, 4]), dst=bytes([1, 2, 3, 5]), p=6, ttl=128, id=3, data=tcp)
    datagram = bytes(ip)
    header, segment = parse_ipv4_datagram(datagram)
    assert (header.src, header.dst, header.identification, header.ttl) == (SERVER_IP, CLIENT_IP, 3, 128)
    assert verify_ipv4_checksum(datagram) and verify_tcp_checksum(SERVER_IP, CLIENT_IP, segment)
    parsed, _ = parse_tcp_segment(segment)
    assert (parsed.flags, parsed.window, netx_mss_option_get(parsed.options)) == (0x12, 1460, (True, 1460))
