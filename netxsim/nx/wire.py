"""Frame formats of the simulated Ethernet segment, as real bytes (sans-IO).

Frames on the simulated wire are exactly what NetX would hand a real MAC
: Ethernet II without padding or FCS, ARP, IPv4, ICMP echo and
TCP with correct checksums, so a pcap of a run opens cleanly in Wireshark.
This module only turns headers into bytes and back; which values NetX puts in
each field is decided by the NetX model that calls it.

Conventions:
- IPv4 addresses are ints (the ULONG NetX stores), MAC addresses 6 ``bytes``;
  ``mac_from_msw_lsw``/``mac_to_msw_lsw`` convert to NetX's (msw, lsw) pair.
- A header whose ``checksum`` (or IPv4 ``total_length``) is ``None`` gets the
  correct value when packed; an explicit value is written as given, so tests
  and fault injection can put a wrong one on the wire.
- Parsing never trusts its input: a short buffer or an impossible length
  raises ``WireFormatError``, never ``IndexError`` or ``struct.error``.
  Checksums are not checked by the parsers (NetX drops such frames silently,
  a decision for the model): call the ``verify_*`` functions.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from typing import ClassVar, TypeAlias

BytesLike: TypeAlias = bytes | bytearray | memoryview

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_ARP = 0x0806
ETHERTYPE_RARP = 0x8035
ETHERTYPE_IPV6 = 0x86DD

BROADCAST_MAC = b"\xff" * 6
ZERO_MAC = b"\x00" * 6

ARP_HTYPE_ETHERNET = 1
ARP_OP_REQUEST = 1
ARP_OP_REPLY = 2

IP_PROTO_ICMP = 1
IP_PROTO_TCP = 6
IP_PROTO_UDP = 17

# Flags of the 3-bit IPv4 flags field (NetX's NX_DONT_FRAGMENT 0x4000 is DF << 13).
IPV4_FLAG_DF = 0x2
IPV4_FLAG_MF = 0x1

ICMP_ECHO_REPLY = 0
ICMP_ECHO_REQUEST = 8

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10
TCP_URG = 0x20

TCP_OPT_EOL = 0
TCP_OPT_NOP = 1
TCP_OPT_MSS = 2


class WireFormatError(ValueError):
    """Bytes that cannot be parsed as the header asked for."""


def _need(data: BytesLike, size: int, what: str) -> None:
    if len(data) < size:
        raise WireFormatError(f"{what}: need {size} bytes, got {len(data)}")


def _check_uint(name: str, value: int, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name}={value!r} does not fit in {bits} bits")


def _check_mac(name: str, mac: BytesLike) -> None:
    if len(mac) != 6:
        raise ValueError(f"{name} must be 6 bytes, got {len(mac)}")


# ---------------------------------------------------------------------------
# Internet checksum (RFC 1071), the one implementation every protocol uses.


def ones_complement_sum(data: BytesLike, initial: int = 0) -> int:
    """Folded 16-bit one's-complement sum of ``data`` plus a partial sum ``initial``.

    An odd trailing byte is padded with zero, as RFC 1071 says. Partial sums
    chain: ``ones_complement_sum(b, ones_complement_sum(a))`` covers a + b when
    ``a`` has even length (the pseudo-header case).
    """
    # Read the data as one big-endian integer: 2**16 = 1 (mod 0xFFFF), so the sum of
    # its 16-bit words is that integer mod 0xFFFF. End-around-carry folding of a
    # non-zero sum never gives 0, hence the (x - 1) % 0xFFFF + 1 form.
    total = int.from_bytes(data, "big")
    if len(data) & 1:
        total <<= 8
    total += initial
    if total == 0:
        return 0
    return (total - 1) % 0xFFFF + 1


def internet_checksum(data: BytesLike, initial: int = 0) -> int:
    """RFC 1071 checksum: the value to store in a zeroed checksum field.

    Over data that already holds its checksum the result is 0 exactly when the
    checksum is correct, which is how every ``verify_*`` works.
    """
    # ones_complement_sum inlined: one call per checksum on every packet's path.
    total = int.from_bytes(data, "big")
    if len(data) & 1:
        total <<= 8
    total += initial
    if total == 0:
        return 0xFFFF
    return ~((total - 1) % 0xFFFF + 1) & 0xFFFF


def word_sum(data: bytes | bytearray, start: int, end: int) -> int:
    """A number congruent (mod 0xFFFF) to the sum of the big-endian 16-bit words of
    ``data[start:end]`` (an odd trailing byte padded with zero, as RFC 1071 says), zero
    exactly when those bytes are all zero: what ``int.from_bytes`` of them (shifted by 8
    when odd) gives, for cheaper folding. A long run is read as four numbers whose
    later three have an even byte length, so each stands 2**(16 k) = 1 (mod 0xFFFF)
    times higher in the whole: their sum is congruent, and its remainder costs a
    quarter of the division of the whole (CPython divides a long integer digit by
    digit)."""
    length = end - start
    if length < 256:
        total = int.from_bytes(data[start:end], "big")
    else:
        quarter = (length >> 2) & ~1
        third, second, first = end - quarter, end - 2 * quarter, end - 3 * quarter
        total = (int.from_bytes(data[start:first], "big") + int.from_bytes(data[first:second], "big")
                 + int.from_bytes(data[second:third], "big") + int.from_bytes(data[third:end], "big"))
    return total << 8 if length & 1 else total


def checksum_adjust(checksum: int, old_word: int, new_word: int) -> int:
    """Incremental update after one 16-bit word changed (RFC 1624, eqn. 3).

    NetX answers an echo request this way, patching type 8 -> 0 in place and
    carrying the request's checksum over rather than recomputing it.
    """
    total = (~checksum & 0xFFFF) + (~old_word & 0xFFFF) + new_word
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4_pseudo_header_sum(src: int, dst: int, protocol: int, length: int) -> int:
    """Partial sum of the IPv4 pseudo-header that TCP and UDP checksums cover."""
    _check_uint("src", src, 32)
    _check_uint("dst", dst, 32)
    _check_uint("protocol", protocol, 8)
    _check_uint("length", length, 16)
    return ones_complement_sum(struct.pack("!IIBBH", src, dst, 0, protocol, length))


# ---------------------------------------------------------------------------
# Addresses


def mac_from_msw_lsw(msw: int, lsw: int) -> bytes:
    """6-byte MAC from NetX's pair: upper 16 bits in ``msw``, lower 32 in ``lsw``."""
    if not (0 <= msw <= 0xFFFF and 0 <= lsw <= 0xFFFFFFFF):  # the checks, inlined for the hot path
        _check_uint("msw", msw, 16)
        _check_uint("lsw", lsw, 32)
    return struct.pack("!HI", msw, lsw)


def mac_to_msw_lsw(mac: BytesLike) -> tuple[int, int]:
    """NetX's (msw, lsw) pair from a 6-byte MAC."""
    _check_mac("mac", mac)
    msw, lsw = struct.unpack("!HI", mac)
    return msw, lsw


def mac_to_str(mac: BytesLike) -> str:
    _check_mac("mac", mac)
    return ":".join(f"{b:02x}" for b in mac)


def ipv4_to_str(address: int) -> str:
    _check_uint("address", address, 32)
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def ipv4_from_str(text: str) -> int:
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
        raise ValueError(f"not a dotted-quad IPv4 address: {text!r}")
    a, b, c, d = (int(p) for p in parts)
    return (a << 24) | (b << 16) | (c << 8) | d


# ---------------------------------------------------------------------------
# Ethernet II


@dataclass(frozen=True, slots=True)
class EthernetHeader:
    """14-byte Ethernet II header; the RAM driver adds no VLAN tag and no FCS."""

    dst: bytes
    src: bytes
    ethertype: int

    SIZE: ClassVar[int] = 14

    def __post_init__(self) -> None:
        _check_mac("dst", self.dst)
        _check_mac("src", self.src)
        _check_uint("ethertype", self.ethertype, 16)
        # Normalise so equality and hashing do not depend on the buffer type.
        object.__setattr__(self, "dst", bytes(self.dst))
        object.__setattr__(self, "src", bytes(self.src))

    def pack(self) -> bytes:
        return struct.pack("!6s6sH", self.dst, self.src, self.ethertype)

    @classmethod
    def unpack(cls, data: BytesLike) -> EthernetHeader:
        _need(data, cls.SIZE, "Ethernet header")
        dst, src, ethertype = struct.unpack_from("!6s6sH", data)
        return cls(dst, src, ethertype)


def build_ethernet_frame(dst: BytesLike, src: BytesLike, ethertype: int, payload: BytesLike) -> bytes:
    """Frame as the RAM driver emits it: header + payload, no padding to 60 bytes."""
    return EthernetHeader(bytes(dst), bytes(src), ethertype).pack() + bytes(payload)


def parse_ethernet_frame(frame: BytesLike) -> tuple[EthernetHeader, bytes]:
    header = EthernetHeader.unpack(frame)
    return header, bytes(frame[EthernetHeader.SIZE :])


# ---------------------------------------------------------------------------
# ARP


@dataclass(frozen=True, slots=True)
class ArpPacket:
    """28-byte ARP body for Ethernet/IPv4.

    ``unpack`` reads the fixed Ethernet/IPv4 layout without judging htype,
    ptype, hlen, plen or op, because NetX does not either (it checks only the
    length and, itself, the op); trailing padding is ignored.
    """

    op: int
    sender_mac: bytes
    sender_ip: int
    target_mac: bytes
    target_ip: int
    htype: int = ARP_HTYPE_ETHERNET
    ptype: int = ETHERTYPE_IPV4
    hlen: int = 6
    plen: int = 4

    SIZE: ClassVar[int] = 28
    _FORMAT: ClassVar[str] = "!HHBBH6sI6sI"

    def __post_init__(self) -> None:
        _check_uint("op", self.op, 16)
        _check_mac("sender_mac", self.sender_mac)
        _check_mac("target_mac", self.target_mac)
        _check_uint("sender_ip", self.sender_ip, 32)
        _check_uint("target_ip", self.target_ip, 32)
        _check_uint("htype", self.htype, 16)
        _check_uint("ptype", self.ptype, 16)
        _check_uint("hlen", self.hlen, 8)
        _check_uint("plen", self.plen, 8)
        object.__setattr__(self, "sender_mac", bytes(self.sender_mac))
        object.__setattr__(self, "target_mac", bytes(self.target_mac))

    @classmethod
    def request(cls, sender_mac: BytesLike, sender_ip: int, target_ip: int) -> ArpPacket:
        """Who-has ``target_ip``: target MAC all zero."""
        return cls(ARP_OP_REQUEST, bytes(sender_mac), sender_ip, ZERO_MAC, target_ip)

    def reply(self, replier_mac: BytesLike, replier_ip: int) -> ArpPacket:
        """The answer NetX builds by rewriting this request in place.

        Only op, sender and target change; htype..plen are left as received.
        """
        return replace(
            self,
            op=ARP_OP_REPLY,
            sender_mac=bytes(replier_mac),
            sender_ip=replier_ip,
            target_mac=self.sender_mac,
            target_ip=self.sender_ip,
        )

    @property
    def is_ethernet_ipv4(self) -> bool:
        return (self.htype, self.ptype, self.hlen, self.plen) == (ARP_HTYPE_ETHERNET, ETHERTYPE_IPV4, 6, 4)

    def pack(self) -> bytes:
        return struct.pack(
            self._FORMAT,
            self.htype,
            self.ptype,
            self.hlen,
            self.plen,
            self.op,
            self.sender_mac,
            self.sender_ip,
            self.target_mac,
            self.target_ip,
        )

    @classmethod
    def unpack(cls, data: BytesLike) -> ArpPacket:
        _need(data, cls.SIZE, "ARP packet")
        htype, ptype, hlen, plen, op, smac, sip, tmac, tip = struct.unpack_from(cls._FORMAT, data)
        return cls(op, smac, sip, tmac, tip, htype, ptype, hlen, plen)


# ---------------------------------------------------------------------------
# IPv4


@dataclass(frozen=True, slots=True)
class Ipv4Header:
    """IPv4 header; NetX sends 20 bytes (no options) for TCP and ICMP.

    ``tos`` is the header byte: NetX's type_of_service argument carries it in
    bits 16-23 (``NX_IP_MIN_DELAY`` = 0x00100000), so pass ``tos >> 16``.
    ``flags`` is the 3-bit field (``IPV4_FLAG_DF``); ``fragment_offset`` is in
    8-byte units.
    """

    src: int
    dst: int
    protocol: int
    identification: int = 0
    ttl: int = 128
    tos: int = 0
    flags: int = 0
    fragment_offset: int = 0
    total_length: int | None = None
    checksum: int | None = None
    options: bytes = b""

    MIN_SIZE: ClassVar[int] = 20

    def __post_init__(self) -> None:
        _check_uint("src", self.src, 32)
        _check_uint("dst", self.dst, 32)
        _check_uint("protocol", self.protocol, 8)
        _check_uint("identification", self.identification, 16)
        _check_uint("ttl", self.ttl, 8)
        _check_uint("tos", self.tos, 8)
        _check_uint("flags", self.flags, 3)
        _check_uint("fragment_offset", self.fragment_offset, 13)
        if self.total_length is not None:
            _check_uint("total_length", self.total_length, 16)
        if self.checksum is not None:
            _check_uint("checksum", self.checksum, 16)
        if len(self.options) % 4 or len(self.options) > 40:
            raise ValueError(f"IPv4 options: {len(self.options)} bytes, not a multiple of 4 up to 40")
        object.__setattr__(self, "options", bytes(self.options))

    @property
    def header_length(self) -> int:
        return self.MIN_SIZE + len(self.options)

    @property
    def dont_fragment(self) -> bool:
        return bool(self.flags & IPV4_FLAG_DF)

    @property
    def more_fragments(self) -> bool:
        return bool(self.flags & IPV4_FLAG_MF)

    def pack(self, payload_length: int = 0) -> bytes:
        """Header bytes; ``payload_length`` is used only when ``total_length`` is None."""
        total_length = self.total_length
        if total_length is None:
            total_length = self.header_length + payload_length
            _check_uint("total_length", total_length, 16)
        header = bytearray(
            struct.pack(
                "!BBHHHBBHII",
                0x40 | (self.header_length // 4),
                self.tos,
                total_length,
                self.identification,
                (self.flags << 13) | self.fragment_offset,
                self.ttl,
                self.protocol,
                0,
                self.src,
                self.dst,
            )
        )
        header += self.options
        checksum = internet_checksum(header) if self.checksum is None else self.checksum
        struct.pack_into("!H", header, 10, checksum)
        return bytes(header)

    @classmethod
    def unpack(cls, data: BytesLike) -> Ipv4Header:
        """Header only; the datagram may be longer or (see parse_ipv4_datagram) not."""
        _need(data, cls.MIN_SIZE, "IPv4 header")
        vihl, tos, total_length, ident, frag, ttl, proto, checksum, src, dst = struct.unpack_from(
            "!BBHHHBBHII", data
        )
        if vihl >> 4 != 4:
            raise WireFormatError(f"IPv4 header: version {vihl >> 4}, expected 4")
        header_length = (vihl & 0x0F) * 4
        if header_length < cls.MIN_SIZE:
            raise WireFormatError(f"IPv4 header: IHL {vihl & 0x0F} is below 5")
        _need(data, header_length, "IPv4 header with options")
        if total_length < header_length:
            raise WireFormatError(f"IPv4 header: total length {total_length} < header length {header_length}")
        return cls(
            src=src,
            dst=dst,
            protocol=proto,
            identification=ident,
            ttl=ttl,
            tos=tos,
            flags=frag >> 13,
            fragment_offset=frag & 0x1FFF,
            total_length=total_length,
            checksum=checksum,
            options=bytes(data[cls.MIN_SIZE : header_length]),
        )


def build_ipv4_datagram(header: Ipv4Header, payload: BytesLike) -> bytes:
    return header.pack(len(payload)) + bytes(payload)


def parse_ipv4_datagram(data: BytesLike) -> tuple[Ipv4Header, bytes]:
    """Header and payload, the payload trimmed to the total length (drops link padding)."""
    header = Ipv4Header.unpack(data)
    assert header.total_length is not None  # always set by unpack
    if header.total_length > len(data):
        raise WireFormatError(f"IPv4 datagram: total length {header.total_length} > {len(data)} bytes")
    return header, bytes(data[header.header_length : header.total_length])


def verify_ipv4_checksum(data: BytesLike) -> bool:
    """True if the header at the start of ``data`` (options included) checks out."""
    _need(data, Ipv4Header.MIN_SIZE, "IPv4 header")
    header_length = (data[0] & 0x0F) * 4
    if header_length < Ipv4Header.MIN_SIZE:
        raise WireFormatError(f"IPv4 header: IHL {data[0] & 0x0F} is below 5")
    _need(data, header_length, "IPv4 header with options")
    return internet_checksum(data[:header_length]) == 0


# ---------------------------------------------------------------------------
# ICMP echo


@dataclass(frozen=True, slots=True)
class IcmpEcho:
    """ICMP echo request (type 8) or reply (type 0), header and data.

    NetX's ping uses the low 16 bits of the interface address as identifier
    and a per-IP counter as sequence; that choice belongs to the model.
    """

    type: int
    identifier: int
    sequence: int
    data: bytes = b""
    code: int = 0
    checksum: int | None = None

    HEADER_SIZE: ClassVar[int] = 8

    def __post_init__(self) -> None:
        if self.type not in (ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY):
            raise ValueError(f"ICMP type {self.type} is not an echo request or reply")
        _check_uint("code", self.code, 8)
        _check_uint("identifier", self.identifier, 16)
        _check_uint("sequence", self.sequence, 16)
        if self.checksum is not None:
            _check_uint("checksum", self.checksum, 16)
        object.__setattr__(self, "data", bytes(self.data))

    def pack(self) -> bytes:
        """The whole ICMP message (header + data)."""
        message = bytearray(
            struct.pack("!BBHHH", self.type, self.code, 0, self.identifier, self.sequence)
        )
        message += self.data
        checksum = internet_checksum(message) if self.checksum is None else self.checksum
        struct.pack_into("!H", message, 2, checksum)
        return bytes(message)

    @classmethod
    def unpack(cls, data: BytesLike) -> IcmpEcho:
        _need(data, cls.HEADER_SIZE, "ICMP echo")
        icmp_type, code, checksum, identifier, sequence = struct.unpack_from("!BBHHH", data)
        if icmp_type not in (ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY):
            raise WireFormatError(f"ICMP echo: type {icmp_type} is not 0 or 8")
        return cls(icmp_type, identifier, sequence, bytes(data[cls.HEADER_SIZE :]), code, checksum)

    def reply(self) -> IcmpEcho:
        """The echo reply NetX makes of this request: type patched, checksum adjusted.

        The checksum is carried over incrementally, so a request with a wrong
        checksum (if it got through) yields a reply with a wrong one too.
        """
        old = self.checksum
        if old is None:
            (old,) = struct.unpack_from("!H", self.pack(), 2)
        adjusted = checksum_adjust(old, (self.type << 8) | self.code, (ICMP_ECHO_REPLY << 8) | self.code)
        return replace(self, type=ICMP_ECHO_REPLY, checksum=adjusted)


def verify_icmp_checksum(message: BytesLike) -> bool:
    """True if the ICMP message (header + data, no pseudo-header) checks out."""
    _need(message, 4, "ICMP message")
    return internet_checksum(message) == 0


# ---------------------------------------------------------------------------
# TCP


@dataclass(frozen=True, slots=True)
class TcpHeader:
    """TCP header with options.

    ``flags`` holds all 12 bits after the data offset (reserved, NS, CWR ...
    FIN) so odd bytes survive a round trip; NetX uses only the low six.
    ``pack()`` cannot compute the checksum (it needs the addresses and the
    payload): use ``build_tcp_segment``.
    """

    src_port: int
    dst_port: int
    seq: int
    ack: int
    flags: int
    window: int
    options: bytes = b""
    urgent: int = 0
    checksum: int | None = None

    MIN_SIZE: ClassVar[int] = 20

    def __post_init__(self) -> None:
        _check_uint("src_port", self.src_port, 16)
        _check_uint("dst_port", self.dst_port, 16)
        _check_uint("seq", self.seq, 32)
        _check_uint("ack", self.ack, 32)
        _check_uint("flags", self.flags, 12)
        _check_uint("window", self.window, 16)
        _check_uint("urgent", self.urgent, 16)
        if self.checksum is not None:
            _check_uint("checksum", self.checksum, 16)
        if len(self.options) % 4 or len(self.options) > 40:
            raise ValueError(f"TCP options: {len(self.options)} bytes, not a multiple of 4 up to 40")
        object.__setattr__(self, "options", bytes(self.options))

    @property
    def header_length(self) -> int:
        return self.MIN_SIZE + len(self.options)

    @property
    def data_offset(self) -> int:
        """In 32-bit words, as on the wire (5 plain, 7 for a NetX SYN)."""
        return self.header_length // 4

    def pack(self) -> bytes:
        """Header bytes with the checksum as given (0 when None)."""
        return (
            struct.pack(
                "!HHIIHHHH",
                self.src_port,
                self.dst_port,
                self.seq,
                self.ack,
                (self.data_offset << 12) | self.flags,
                self.window,
                self.checksum or 0,
                self.urgent,
            )
            + self.options
        )

    @classmethod
    def unpack(cls, data: BytesLike) -> TcpHeader:
        _need(data, cls.MIN_SIZE, "TCP header")
        src_port, dst_port, seq, ack, offset_flags, window, checksum, urgent = struct.unpack_from(
            "!HHIIHHHH", data
        )
        header_length = (offset_flags >> 12) * 4
        if header_length < cls.MIN_SIZE:
            raise WireFormatError(f"TCP header: data offset {offset_flags >> 12} is below 5")
        _need(data, header_length, "TCP header with options")
        return cls(
            src_port,
            dst_port,
            seq,
            ack,
            offset_flags & 0x0FFF,
            window,
            bytes(data[cls.MIN_SIZE : header_length]),
            urgent,
            checksum,
        )


def tcp_checksum(src_ip: int, dst_ip: int, segment: BytesLike) -> int:
    """Checksum over pseudo-header + segment (whose checksum field must be 0)."""
    return internet_checksum(segment, ipv4_pseudo_header_sum(src_ip, dst_ip, IP_PROTO_TCP, len(segment)))


def verify_tcp_checksum(src_ip: int, dst_ip: int, segment: BytesLike) -> bool:
    _need(segment, TcpHeader.MIN_SIZE, "TCP segment")
    return tcp_checksum(src_ip, dst_ip, segment) == 0


def build_tcp_segment(header: TcpHeader, payload: BytesLike, src_ip: int, dst_ip: int) -> bytes:
    """Header + payload, checksummed over the IPv4 pseudo-header unless the header fixes it."""
    segment = bytearray(header.pack())
    segment += payload
    if header.checksum is None:
        struct.pack_into("!H", segment, 16, tcp_checksum(src_ip, dst_ip, segment))
    return bytes(segment)


def parse_tcp_segment(segment: BytesLike) -> tuple[TcpHeader, bytes]:
    header = TcpHeader.unpack(segment)
    return header, bytes(segment[header.header_length :])


def netx_syn_options(mss: int) -> bytes:
    """NetX's 8 option bytes on SYN and SYN+ACK: MSS, three NOPs, EOL."""
    _check_uint("mss", mss, 16)
    return struct.pack("!BBHBBBB", TCP_OPT_MSS, 4, mss, TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_EOL)


def parse_tcp_options(options: BytesLike) -> list[tuple[int, bytes]]:
    """Strict RFC 793 walk: (kind, value) pairs up to EOL; NOP appears as (1, b'')."""
    result: list[tuple[int, bytes]] = []
    i = 0
    while i < len(options):
        kind = options[i]
        if kind == TCP_OPT_EOL:
            break
        if kind == TCP_OPT_NOP:
            result.append((kind, b""))
            i += 1
            continue
        if i + 1 >= len(options):
            raise WireFormatError(f"TCP option {kind} at offset {i}: no length byte")
        length = options[i + 1]
        if length < 2 or i + length > len(options):
            raise WireFormatError(f"TCP option {kind} at offset {i}: bad length {length}")
        result.append((kind, bytes(options[i + 2 : i + length])))
        i += length
    return result


def netx_mss_option_get(options: BytesLike) -> tuple[bool, int]:
    """(valid, mss) exactly as NetX reads a peer's options (nx_tcp_mss_option_get.c).

    Differs from a strict parser: it scans only while 4 or more bytes remain,
    stops at the first MSS option or EOL, rejects an MSS whose length byte is
    not 4 or any option with length 0 or running past the area, and accepts
    length 1. mss is 0 when no MSS option is found (the caller then uses 536).
    """
    i, remaining = 0, len(options)
    # Invariant i + remaining == len(options), so options[i + 3] exists below.
    while remaining >= 4:
        kind = options[i]
        if kind == TCP_OPT_MSS:
            if options[i + 1] != 4:
                return False, 0
            return True, (options[i + 2] << 8) | options[i + 3]
        if kind == TCP_OPT_EOL:
            break
        if kind == TCP_OPT_NOP:
            i += 1
            remaining -= 1
            continue
        length = options[i + 1]
        if length == 0 or length > remaining:
            return False, 0
        i += length
        remaining -= length
    return True, 0


def tcp_flags_to_str(flags: int) -> str:
    """tcpdump-style flags: 'S', 'S.', 'P.', 'F.', 'R', '.' (ACK alone)."""
    letters = ((TCP_FIN, "F"), (TCP_SYN, "S"), (TCP_RST, "R"), (TCP_PSH, "P"), (TCP_URG, "U"))
    text = "".join(letter for bit, letter in letters if flags & bit)
    return (text + ("." if flags & TCP_ACK else "")) or "none"


# ---------------------------------------------------------------------------
# One-line frame description for traces and test failure messages


def describe_frame(frame: BytesLike) -> str:
    """tcpdump-like one-line summary; never raises, flags bad checksums."""
    try:
        eth, payload = parse_ethernet_frame(frame)
        link = f"{mac_to_str(eth.src)} > {mac_to_str(eth.dst)}"
        if eth.ethertype == ETHERTYPE_ARP:
            arp = ArpPacket.unpack(payload)
            if arp.op == ARP_OP_REQUEST:
                what = f"who-has {ipv4_to_str(arp.target_ip)} tell {ipv4_to_str(arp.sender_ip)}"
            elif arp.op == ARP_OP_REPLY:
                what = f"reply {ipv4_to_str(arp.sender_ip)} is-at {mac_to_str(arp.sender_mac)}"
            else:
                what = f"op {arp.op}"
            return f"{link} ARP {what}"
        if eth.ethertype != ETHERTYPE_IPV4:
            return f"{link} ethertype 0x{eth.ethertype:04x} length {len(payload)}"
        ip, body = parse_ipv4_datagram(payload)
        notes = "" if verify_ipv4_checksum(payload) else " [bad ip cksum]"
        src, dst = ipv4_to_str(ip.src), ipv4_to_str(ip.dst)
        if ip.protocol == IP_PROTO_TCP:
            tcp, data = parse_tcp_segment(body)
            if not verify_tcp_checksum(ip.src, ip.dst, body):
                notes += " [bad tcp cksum]"
            valid, mss = netx_mss_option_get(tcp.options)
            opt = f" mss {mss}" if valid and mss else ""
            return (
                f"{src}:{tcp.src_port} > {dst}:{tcp.dst_port} TCP [{tcp_flags_to_str(tcp.flags)}] "
                f"seq {tcp.seq} ack {tcp.ack} win {tcp.window}{opt} len {len(data)} "
                f"id {ip.identification}{notes}"
            )
        if ip.protocol == IP_PROTO_ICMP:
            if not verify_icmp_checksum(body):
                notes += " [bad icmp cksum]"
            if body[0] not in (ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY):
                return f"{src} > {dst} ICMP type {body[0]} code {body[1]} len {len(body)}{notes}"
            echo = IcmpEcho.unpack(body)
            kind = "request" if echo.type == ICMP_ECHO_REQUEST else "reply"
            return (
                f"{src} > {dst} ICMP echo {kind} id 0x{echo.identifier:04x} seq {echo.sequence} "
                f"len {len(echo.data)} id {ip.identification}{notes}"
            )
        return f"{src} > {dst} proto {ip.protocol} length {len(body)}{notes}"
    except (WireFormatError, ValueError) as error:
        return f"malformed frame ({len(frame)} bytes): {error}"
