"""TCP between the simulated NetX stack and the Linux stack through the TAP bridge.

NetX's receive windows here are 8192 bytes (at most 6 full segments queued): netxsim
caps a socket's receive queue at 20 segments, a limit real NetX does not have, and
these tests must not depend on it.
"""
from __future__ import annotations

import socket
import threading

import pytest

from netxsim import *  # noqa: F403

from .frames import assert_both_ends_agree, segment_frames, tcp_payload
from .netx_host import LINUX_ADDRESS_INT, NETX_ADDRESS_TEXT, NetxHost, packet_with, receive

pytestmark = pytest.mark.tap

WINDOW = 8192
SIZE = 100 * 1024
ECHO_PORT = 7


def pattern(size: int, seed: int) -> bytes:
    return bytes((index * 7 + seed + index // 251) & 0xFF for index in range(size))


def tcp_socket(host: NetxHost, name: str) -> NX_TCP_SOCKET:
    sock = NX_TCP_SOCKET()
    assert nx_tcp_socket_create(host.ip, sock, name, NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, WINDOW,
                                None, None) == NX_SUCCESS
    return sock


def test_linux_client_echoes_100_kb_through_a_netx_server(linux_peer, pcap_dir):
    """Linux sends 100 KB; the NetX server sends every segment back; both byte-exact."""
    host = NetxHost()
    data = pattern(SIZE, 1)
    netx_received = bytearray()
    statuses: dict[str, int] = {}
    linux_received = bytearray()
    capture = linux_peer.capture()
    client = linux_peer.socket()
    client.settimeout(20)

    def linux_client() -> None:
        for _ in range(100):  # until the NetX server listens
            try:
                client.connect((NETX_ADDRESS_TEXT, ECHO_PORT))
                break
            except ConnectionRefusedError:
                threading.Event().wait(0.05)
        sender = threading.Thread(target=client.sendall, args=(data,))
        sender.start()
        while len(linux_received) < SIZE:
            chunk = client.recv(65536)
            if not chunk:
                break
            linux_received.extend(chunk)
        sender.join()
        client.close()

    linux = threading.Thread(target=linux_client)

    def server() -> None:
        sock = tcp_socket(host, "echo server")
        statuses["listen"] = nx_tcp_server_socket_listen(host.ip, ECHO_PORT, sock, 5, None)
        linux.start()
        statuses["accept"] = nx_tcp_server_socket_accept(sock, 500)
        while len(netx_received) < SIZE:
            status, chunk = receive(sock, 500)
            if status != NX_SUCCESS:
                statuses["receive"] = status
                break
            netx_received.extend(chunk)
            status = nx_tcp_socket_send(sock, packet_with(host.pool, chunk), 500)
            if status != NX_SUCCESS:
                statuses["send"] = status
                break
        statuses["disconnect"] = nx_tcp_socket_disconnect(sock, 300)
        nx_tcp_server_socket_unaccept(sock)
        nx_tcp_server_socket_unlisten(host.ip, ECHO_PORT)

    segment_pcap = f"{pcap_dir}/segment.pcap"

    def define(memory):
        host.define(memory)
        host.segment.capture_to(segment_pcap)
        linux_peer.bridge()
        host.thread("echo server", server)

    run = tx_kernel_enter(define, until=3000)
    linux.join(timeout=10)
    assert run.reason == "completed", run.report()
    assert statuses == {"listen": NX_SUCCESS, "accept": NX_SUCCESS, "disconnect": NX_SUCCESS}
    assert bytes(netx_received) == data
    assert bytes(linux_received) == data
    on_segment, on_linux = assert_both_ends_agree(segment_pcap, capture)
    for summary in (on_segment, on_linux):
        assert summary.syn == 2 and summary.fin >= 2 and summary.rst == 0
    frames = segment_frames(segment_pcap)
    assert tcp_payload(frames, client_port := frames_client_port(frames)) == data
    assert tcp_payload(frames, ECHO_PORT) == data
    assert client_port != ECHO_PORT


def frames_client_port(frames: list[bytes]) -> int:
    """The Linux client's ephemeral port: source port of the first SYN."""
    for frame in frames:
        if frame[12:14] == b"\x08\x00" and frame[23] == 6:
            offset = 14 + (frame[14] & 0x0F) * 4
            if frame[offset + 13] & 0x02:
                return int.from_bytes(frame[offset:offset + 2], "big")
    raise AssertionError("no SYN")


def test_netx_client_exchanges_100_kb_with_a_linux_server(linux_peer, pcap_dir):
    """NetX connects to a Linux echo server, sends 100 KB and reads it back, byte-exact."""
    host = NetxHost()
    data = pattern(SIZE, 2)
    listener = linux_peer.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((linux_peer.address, 5001))
    listener.listen(1)
    listener.settimeout(20)
    linux_received = bytearray()
    capture = linux_peer.capture()

    def linux_server() -> None:
        connection, _ = listener.accept()
        with connection:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                linux_received.extend(chunk)
                connection.sendall(chunk)
        listener.close()

    linux = threading.Thread(target=linux_server)
    linux.start()
    netx_received = bytearray()
    statuses: dict[str, int] = {}

    def client() -> None:
        sock = tcp_socket(host, "client")
        statuses["bind"] = nx_tcp_client_socket_bind(sock, NX_ANY_PORT, NX_WAIT_FOREVER)
        statuses["connect"] = nx_tcp_client_socket_connect(sock, LINUX_ADDRESS_INT, 5001, 500)
        sent = 0
        while sent < SIZE or len(netx_received) < SIZE:
            if sent < SIZE:
                chunk = data[sent:sent + 1460]
                status = nx_tcp_socket_send(sock, packet_with(host.pool, chunk), 500)
                if status != NX_SUCCESS:
                    statuses["send"] = status
                    break
                sent += len(chunk)
            while len(netx_received) < SIZE:  # what has come back so far; wait only once all is sent
                status, chunk = receive(sock, NX_NO_WAIT if sent < SIZE else 500)
                if status != NX_SUCCESS:
                    if sent >= SIZE:
                        statuses["receive"] = status
                    break
                netx_received.extend(chunk)
            if "receive" in statuses:
                break
        statuses["disconnect"] = nx_tcp_socket_disconnect(sock, 300)
        nx_tcp_client_socket_unbind(sock)

    segment_pcap = f"{pcap_dir}/segment.pcap"

    def define(memory):
        host.define(memory)
        host.segment.capture_to(segment_pcap)
        linux_peer.bridge()
        host.thread("client", client)

    run = tx_kernel_enter(define, until=3000)
    linux.join(timeout=10)
    assert run.reason == "completed", run.report()
    assert statuses == {"bind": NX_SUCCESS, "connect": NX_SUCCESS, "disconnect": NX_SUCCESS}
    assert bytes(linux_received) == data
    assert bytes(netx_received) == data
    on_segment, on_linux = assert_both_ends_agree(segment_pcap, capture)
    for summary in (on_segment, on_linux):
        assert summary.syn == 2 and summary.fin >= 2 and summary.rst == 0
    frames = segment_frames(segment_pcap)
    assert tcp_payload(frames, 5001) == data
