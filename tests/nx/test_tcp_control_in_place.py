"""``_nx_tcp_packet_send_control`` builds its header-only segment in the packet's buffer in
place: every control segment of a connection's life (SYN with options, SYN+ACK, ACKs, FIN,
RST, the odd-length one-byte window probe) carries exactly the bytes of the segment built
apart (header, options, probe byte, ``tcp_segment_checksum``) as before."""
from __future__ import annotations

from typing import Any

import pytest

from netxsim.nx import ip as ip_module, tcp_output
from netxsim.nx.tcp_output import _HEADER, _M32, tcp_segment_checksum
from tests.nx import test_tcp_impl


def _built_apart(socket: Any, flags: int, tx_sequence: int, ack_number: int, options: bytes,
                 data: int | None) -> bytes:
    window = socket.nx_tcp_socket_rx_window_current
    segment = bytearray(_HEADER.pack(socket.nx_tcp_socket_port, socket.nx_tcp_socket_connect_port,
                                     tx_sequence & _M32, ack_number & _M32, ((20 + len(options)) // 4) << 4,
                                     flags, window if window <= 0xFFFF else 0xFFFF, 0, 0))
    segment += options
    if data is not None:
        segment.append(data & 0xFF)
    interface = socket.nx_tcp_socket_connect_interface
    checksum = tcp_segment_checksum(interface.nx_interface_ip_address,
                                    socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4, segment)
    segment[16:18] = checksum.to_bytes(2, "big")
    return bytes(segment)


@pytest.mark.parametrize("scenario", ["test_handshake_bytes_and_first_port_isn",
                                      "test_zero_window_probes_until_reader_opens",
                                      "test_data_transfer_bytes_and_pools_full"])
def test_control_segments_match_the_segment_built_apart(monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    expected: list[bytes] = []
    sent: list[bytes] = []
    in_control: list[bool] = []
    original_control = tcp_output._nx_tcp_packet_send_control
    original_send = ip_module._nx_ip_packet_send

    def control(socket: Any, flags: int, tx_sequence: int, ack_number: int, options: bytes = b"",
                data: int | None = None) -> None:
        expected.append(_built_apart(socket, flags, tx_sequence, ack_number, options, data))
        in_control.append(True)
        try:
            original_control(socket, flags, tx_sequence, ack_number, options, data)
        finally:
            in_control.pop()

    def ip_send(ip: Any, packet: Any, *rest: Any) -> None:
        if in_control:   # the segment as the control path hands it to IP
            sent.append(packet.nx_packet_prepend_ptr.read(packet.nx_packet_length))
        original_send(ip, packet, *rest)

    monkeypatch.setattr(tcp_output, "_nx_tcp_packet_send_control", control)
    monkeypatch.setattr(ip_module, "_nx_ip_packet_send", ip_send)
    getattr(test_tcp_impl, scenario)()
    assert len(expected) >= 3
    assert sent == expected
    lengths = {len(segment) for segment in sent}
    assert 28 in lengths   # a SYN with its options
    if scenario == "test_zero_window_probes_until_reader_opens":
        assert 21 in lengths   # the odd-length window probe
