"""TCP header prediction (netxsim.nx.tcp_fast) changes nothing observable: the same runs
with the fast path switched off and on give the same bytes on the wire, the same ticks,
the same thread run counts, performance counters, IP/TCP statistics and pool states —
and the fast path really is the one taken on the common segments."""
from __future__ import annotations

import collections
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given, strategies as st

import netxsim.nx as nx
from netxsim.nx import tcp as nx_tcp, tcp_fast
from netxsim.nx.faults import LinkFaults
from netxsim.testing import smtp_regression
from netxsim.nx import NX_SUCCESS, nx_packet_release
from netxsim.testing.tcp import A_ADDR, A_MAC, B_ADDR, B_MAC, TcpNet, bulk_transfer, make_packet
from netxsim.tx import tx_thread_sleep
from netxsim.tx.kernel import last_kernel


def _kernel_state() -> dict[str, Any]:
    """Every integer field of every object the last run created (thread run counts,
    performance counters, IP and TCP statistics, pool counts, timer state)."""
    k = last_kernel()
    assert k is not None
    state: dict[str, Any] = {"system": dict(k.__dict__.get("tx_performance", {})), "tick": k.now}
    for kind, objects in k.created.items():
        for index, obj in enumerate(objects):
            state[f"{kind} {index}"] = {name: value for name, value in vars(obj).items()
                                        if isinstance(value, int) and not name.startswith("_")}
    return state


def _transfer(tmp_path: Path, name: str, **options: Any) -> dict[str, Any]:
    capture = tmp_path / f"{name}.pcap"
    result = bulk_transfer(capture=capture, **options)
    state = _kernel_state()
    state.update(reason=result.run.reason, ticks=result.run.ticks, done=result.done_tick,
                 segments=result.segments, log=result.log, intact=result.received == result.sent,
                 pcap=capture.read_bytes())
    return state


def _socket_state(socket: Any) -> tuple:
    """Every plain field of a socket and the shape of its queues."""
    fields = tuple(sorted((name, value) for name, value in vars(socket).items()
                          if isinstance(value, (int, type(None))) and name != "_netxsim_run"))
    queues = tuple((packet._tcp_seq, packet.nx_packet_length, packet.nx_packet_queue_next,
                    packet.nx_packet_tcp_queue_next if isinstance(packet.nx_packet_tcp_queue_next, int) else "next")
                   for packet in socket._tx_queue + socket._rx_queue)
    return fields, queues


def _both(run: Callable[[str], dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], collections.Counter]:
    """``run`` with the fast path off, then on (counting what the fast path did). Besides
    what ``run`` returns, the state of every socket after every segment processed (and
    the tick and the segment's IP instance) is compared."""
    taken: collections.Counter = collections.Counter()
    receive, send = tcp_fast.established_segment, tcp_fast.send_segment
    process = nx_tcp._nx_tcp_packet_process
    history: list[Any] = []

    def recorded_process(ip: Any, packet: Any) -> None:
        process(ip, packet)
        k = last_kernel()
        history.append((k.now if k is not None else None, ip.nx_ip_name,
                        tuple(_socket_state(socket) for socket in ip.nx_ip_tcp_created_sockets)))

    def recorded(name: str) -> dict[str, Any]:
        history.clear()
        state = run(name)
        state["history"] = list(history)
        assert history
        return state

    def counted_receive(*args: Any) -> bool:
        handled = receive(*args)
        taken["data" if args[-1] else "ack", handled] += 1
        return handled

    def counted_send(*args: Any) -> int | None:
        status = send(*args)
        taken["send", status is not None] += 1
        return status

    tcp_fast.enabled = False
    try:
        tcp_fast.established_segment, tcp_fast.send_segment = counted_receive, counted_send
        nx_tcp._nx_tcp_packet_process = recorded_process
        off = recorded("off")
        assert not taken, "the switch must keep every segment on the general path"
        tcp_fast.enabled = True
        on = recorded("on")
    finally:
        tcp_fast.enabled = True
        tcp_fast.established_segment, tcp_fast.send_segment = receive, send
        nx_tcp._nx_tcp_packet_process = process
    return off, on, taken


def test_a_clean_bulk_transfer_is_the_same_with_and_without_header_prediction(tmp_path: Path) -> None:
    off, on, taken = _both(lambda name: _transfer(tmp_path, name, size=1 << 17, pool_packets=16, window=16384,
                                                  chunk=1460))
    assert on == off
    assert off["reason"] == "completed" and off["intact"] and off["segments"] == 90
    # Every data segment and nearly every ACK took the fast path, and every send but
    # the few that found the window full (they wait, on the general path).
    assert taken["data", True] == 90 and taken["data", False] == 0
    assert taken["ack", True] >= 10
    assert taken["send", True] >= 80 and taken["send", True] + taken["send", False] == 90


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_lossy_transfer_is_the_same_with_and_without_header_prediction(tmp_path: Path, seed: int) -> None:
    """Losses, duplicates and reordering: retransmissions, duplicate ACKs, out-of-order
    queues and fast recovery send most segments back to the general path and back."""
    faults = lambda: LinkFaults(seed=seed, drop=0.05, duplicate=0.03, reorder=0.05)  # noqa: E731
    off, on, taken = _both(lambda name: _transfer(tmp_path, name, size=1 << 16, faults=faults()))
    assert on == off
    assert off["intact"]
    assert taken["data", True] > 0 and taken["data", False] > 0    # both paths on one connection
    assert taken["ack", False] > 0


@pytest.mark.parametrize("options", [
    dict(chunk=3000),                             # two segments per send: the general loop copies
    dict(chunk=700, window=2048),                 # a small window: senders block, window updates
    dict(chunk=1460, window=4096, pool_packets=8),
    dict(chunk=1460, app_pool_packets=4),         # the sender waits for its own pool
], ids=["split", "small-window", "small-pool", "app-pool"])
def test_other_transfer_shapes_are_the_same_with_and_without_header_prediction(tmp_path: Path,
                                                                               options: dict) -> None:
    off, on, taken = _both(lambda name: _transfer(tmp_path, name, size=40_000, **options))
    assert on == off
    assert off["reason"] == "completed" and off["intact"]
    assert taken["data", True] > 0


def _echo(tmp_path: Path, name: str, *, faults: Any = None, delay: int = 0, window: int = 4096,
          pieces: int = 40, piece: int = 1000) -> dict[str, Any]:
    """Traffic both ways on one connection: A sends ``pieces`` pieces while a second
    thread of A reads what B echoes back; B sleeps ``delay`` ticks before each receive
    (its window closes, zero-window probes, window updates); data segments carry the
    ACKs for the other direction."""
    net = TcpNet(("A", "B"), station=False, pool_packets=64, faults=faults)
    client, server = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()
    echoed: list[bytes] = []
    got: list[bytes] = []
    data = bytes(range(256)) * (pieces * piece // 256 + 1)

    def server_entry() -> None:
        ip = net.ip["B"]
        nx.nx_tcp_socket_create(ip, server, "server", 0, 0, 0x80, window, None, None)
        nx.nx_tcp_server_socket_listen(ip, 80, server, 5, None)
        net.event("accept", nx.nx_tcp_server_socket_accept(server, 500))
        while True:
            if delay:
                tx_thread_sleep(delay)
            status, packet = nx.nx_tcp_socket_receive(server, 600)
            if status != NX_SUCCESS:
                net.event("server receive", status)
                break
            got.append(packet.chain_bytes())
            reply = got[-1][:64]
            nx_packet_release(packet)
            status = nx.nx_tcp_socket_send(server, make_packet(net.pool["B"], reply, 300), 300)
            if status != NX_SUCCESS:
                net.event("server send", status)
        net.event("server disconnect", nx.nx_tcp_socket_disconnect(server, 300))
        nx.nx_tcp_server_socket_unaccept(server)
        nx.nx_tcp_server_socket_unlisten(ip, 80)

    def reader_entry() -> None:
        while client.nx_tcp_socket_state < 5:
            tx_thread_sleep(1)
        while True:
            status, packet = nx.nx_tcp_socket_receive(client, 600)
            if status != NX_SUCCESS:
                net.event("client receive", status)
                break
            echoed.append(packet.chain_bytes())
            nx_packet_release(packet)

    def client_entry() -> None:
        ip = net.ip["A"]
        nx.nx_tcp_socket_create(ip, client, "client", 0, 0, 0x80, window, None, None)
        tx_thread_sleep(1)
        nx.nx_tcp_client_socket_bind(client, 1024, 0)
        net.event("connect", nx.nx_tcp_client_socket_connect(client, B_ADDR, 80, 500))
        for index in range(pieces):
            status = nx.nx_tcp_socket_send(client, make_packet(net.pool["A"], data[index * piece:(index + 1) * piece],
                                                               300), 300)
            if status != NX_SUCCESS:
                net.event("client send", status)
                break
        tx_thread_sleep(200)
        net.event("client disconnect", nx.nx_tcp_socket_disconnect(client, 300))
        nx.nx_tcp_client_socket_unbind(client)

    def setup(n: TcpNet) -> None:
        for me, peer, peer_mac in (("A", B_ADDR, B_MAC), ("B", A_ADDR, A_MAC)):
            n.static_arp.append((me, peer, int.from_bytes(peer_mac[:2], "big"), int.from_bytes(peer_mac[2:], "big")))
        n.wire.capture_to(tmp_path / f"{name}.pcap")
        n.thread("server", server_entry, 3)
        n.thread("reader", reader_entry, 4)
        n.thread("client", client_entry, 5)

    result = net.run(setup, until=200_000)
    net.wire.stop_capture()
    state = _kernel_state()
    state.update(reason=result.reason, ticks=result.ticks, log=net.log, echoed=echoed,
                 intact=b"".join(got) == data[:pieces * piece],
                 pcap=(tmp_path / f"{name}.pcap").read_bytes())
    return state


@pytest.mark.parametrize("delay, seed, piece", [(0, None, 1000), (3, None, 1000), (40, None, 1024), (0, 5, 1000),
                                               (2, 6, 1000), (0, 7, 1000), (30, 8, 1024)])
def test_traffic_both_ways_is_the_same_with_and_without_header_prediction(tmp_path: Path, delay: int,
                                                                          seed: int | None, piece: int) -> None:
    """(1024-byte pieces fill the 4096-byte window exactly: zero windows and probes.)"""
    def faults() -> Any:
        return None if seed is None else LinkFaults(seed=seed, drop=0.08, duplicate=0.03, reorder=0.05)

    off, on, taken = _both(lambda name: _echo(tmp_path, name, delay=delay, faults=faults(), piece=piece))
    assert on == off
    assert off["intact"] and len(off["echoed"]) > 10, off["log"]
    assert taken["data", True] > 0 and taken["send", True] > 0


def test_a_transfer_with_heavy_loss_is_the_same_with_and_without_header_prediction(tmp_path: Path) -> None:
    """Time-outs and backed-off retransmissions, then recovery."""
    off, on, taken = _both(lambda name: _transfer(tmp_path, name, size=30_000, wait=6000,
                                                  faults=LinkFaults(seed=11, drop=0.25)))
    assert on == off
    assert off["intact"]
    assert taken["data", True] > 0


def test_the_smtp_regression_mail_is_the_same_with_and_without_header_prediction() -> None:
    def run(_: str) -> dict[str, Any]:
        e2e = smtp_regression.run()
        state = _kernel_state()
        state.update(status=e2e.status, reason=e2e.run.reason, ticks=e2e.run.ticks,
                     transcripts=[session.transcript for session in e2e.server.sessions])
        return state

    off, on, taken = _both(run)
    assert on == off
    assert off["status"] == 0
    assert taken["data", True] > 0 and taken["send", True] > 0


def test_a_traced_run_is_the_same_and_keeps_every_segment_on_the_general_path() -> None:
    """The fast path records no trace events, so it stands aside while a trace buffer is
    active: NetX Duo's TCP demo, traced, gives the same TraceX buffer either way."""
    from demos.demo_netx_tcp import run as demo_run

    def run(_: str) -> dict[str, Any]:
        demo, result = demo_run(2, trace=True)
        state = _kernel_state()
        state.update(trace=bytes(result.trace_buffer), ticks=result.ticks)
        return state

    off, on, taken = _both(run)
    assert on == off
    assert not taken


def test_the_untraced_tcp_demo_takes_the_fast_path() -> None:
    from demos.demo_netx_tcp import run as demo_run

    def run(_: str) -> dict[str, Any]:
        demo, result = demo_run(2)
        state = _kernel_state()
        state.update(ticks=result.ticks)
        return state

    off, on, taken = _both(run)
    assert on == off
    assert taken["data", True] > 0 and taken["send", True] > 0


@given(seed=st.integers(0, 10_000), drop=st.sampled_from([0.0, 0.03, 0.1, 0.2]),
       duplicate=st.sampled_from([0.0, 0.05]), reorder=st.sampled_from([0.0, 0.05, 0.15]),
       size=st.integers(1, 24_000), window=st.sampled_from([1024, 2920, 8192, 16384]),
       chunk=st.sampled_from([1, 100, 536, 1460, 2000]))
def test_any_lossy_transfer_is_the_same_with_and_without_header_prediction(
        seed: int, drop: float, duplicate: float, reorder: float, size: int, window: int, chunk: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        off, on, _ = _both(lambda name: _transfer(
            Path(directory), name, size=size, window=window, chunk=chunk, wait=6000,
            faults=LinkFaults(seed=seed, drop=drop, duplicate=duplicate, reorder=reorder)))
    assert on == off
