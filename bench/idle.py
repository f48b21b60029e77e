"""Quiet time: what an idle simulated second and a long timeout cost, with the
quiet-time shortcut (netxsim.tx.quiet) on and off, side by side in one run.

* quiet second: two IP instances (RAM driver, ARP/TCP/ICMP enabled) with one idle
  established TCP connection between them; a thread sleeps ``--seconds`` simulated
  seconds; the wall time of that sleep divided by the seconds. Target (issue): at most
  10 us per quiet simulated second (at least 100,000x real time).
* message timeout: the NetX SMTP client against a simulated server that reads the
  message and never answers (netxsim.testing.peers.silent_from), so mail_send waits out
  NX_SMTP_MESSAGE_TIMEOUT (30 s); wall time of the whole run against its simulated
  time. Target (issue): at least 10,000x real time.

Median of ``--repeat`` runs each. The shortcut-off figures are the cost of the same runs
through every wake-up (what the shortcut saves).

Run: ``python -m bench.idle [--seconds N] [--repeat N]``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import netxsim.nx as nx
from bench import variants
from netxsim import TX_AUTO_START, TX_THREAD, tx_thread_create, tx_thread_sleep
from netxsim.nx.constants import NX_SUCCESS, NX_WAIT_FOREVER
from netxsim.testing.peers import good_smtp_script, silent_from
from netxsim.testing.smtp_regression import run as smtp_run
from netxsim.testing.tcp import make_packet, receive_bytes
from netxsim.testing.world import two_host_world
from netxsim.tx import quiet

TICKS_PER_SECOND = 100


def quiet_second(seconds: int) -> float:
    """Wall seconds per quiet simulated second (two IPs, one idle connection)."""
    world = two_host_world()
    server, client = TX_THREAD(), TX_THREAD()
    ss, cs = nx.NX_TCP_SOCKET(), nx.NX_TCP_SOCKET()
    box: dict[str, Any] = {}

    def server_entry(_: int) -> None:
        ip = world.B.ip
        assert nx.nx_tcp_socket_create(ip, ss, "ss", 0, 0, 0x80, 8192, None, None) == NX_SUCCESS
        assert nx.nx_tcp_server_socket_listen(ip, 80, ss, 5, None) == NX_SUCCESS
        assert nx.nx_tcp_server_socket_accept(ss, NX_WAIT_FOREVER) == NX_SUCCESS
        status, data = receive_bytes(ss, NX_WAIT_FOREVER)
        assert status == NX_SUCCESS and data == b"hello"

    def client_entry(_: int) -> None:
        ip = world.A.ip
        assert nx.nx_tcp_socket_create(ip, cs, "cs", 0, 0, 0x80, 8192, None, None) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_bind(cs, 5000, NX_WAIT_FOREVER) == NX_SUCCESS
        assert nx.nx_tcp_client_socket_connect(cs, world.B.address, 80, 300) == NX_SUCCESS
        assert nx.nx_tcp_socket_send(cs, make_packet(world.A.ip_pool, b"hello"), 100) == NX_SUCCESS
        tx_thread_sleep(100)   # the delayed ACK goes out: from here on the connection is idle
        start = time.perf_counter()
        tx_thread_sleep(seconds * TICKS_PER_SECOND)
        box["wall"] = time.perf_counter() - start

    def define(memory: Any) -> None:
        tx_thread_create(server, "server", server_entry, 0, memory, 4096, 5, 5, 0, TX_AUTO_START)
        tx_thread_create(client, "client", client_entry, 0, memory + 4096, 4096, 6, 6, 0, TX_AUTO_START)

    run = world.run(define)
    assert run.reason == "completed", run.report()
    return box["wall"] / seconds


def message_timeout() -> tuple[float, int, int]:
    """(wall seconds, simulated ticks of the run, status) of the 30 s timeout path."""
    start = time.perf_counter()
    result = smtp_run(silent_from(good_smtp_script(), "message"))
    wall = time.perf_counter() - start
    assert result.run.reason == "completed", result.run.report()
    return wall, result.run.ticks, result.status


def _median(repeat: int, measure: Any) -> Any:
    values = [measure() for _ in range(repeat)]
    return statistics.median(values)


def measure(argv: Any = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="quiet time with the shortcut on and off")
    parser.add_argument("--seconds", type=int, default=1000, help="quiet simulated seconds (shortcut on)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    off_seconds = max(1, min(args.seconds, 20))
    try:
        quiet.enabled = False
        second_off = _median(args.repeat, lambda: quiet_second(off_seconds))
        timeouts_off = [message_timeout() for _ in range(args.repeat)]
    finally:
        quiet.enabled = True
    second_on = _median(args.repeat, lambda: quiet_second(args.seconds))
    timeouts_on = [message_timeout() for _ in range(args.repeat)]
    assert {t[1:] for t in timeouts_on} == {t[1:] for t in timeouts_off}, "the timeout path changed"
    _, ticks, status = timeouts_on[0]
    return {"repeat": args.repeat, "second_off": second_off, "second_on": second_on, "ticks": ticks,
            "status": status, "wall_off": statistics.median(t[0] for t in timeouts_off),
            "wall_on": statistics.median(t[0] for t in timeouts_on), "label": variants.label()}


def _print(figures: dict[str, Any]) -> None:
    second_off, second_on = figures["second_off"], figures["second_on"]
    wall_off, wall_on = figures["wall_off"], figures["wall_on"]
    simulated = figures["ticks"] / TICKS_PER_SECOND
    print(f"[{figures['label']}] median of {figures['repeat']}")
    print(f"quiet simulated second, 2 IPs + 1 idle connection: shortcut off {second_off * 1e6:9.2f} us, "
          f"on {second_on * 1e6:7.2f} us  ({1 / second_on:,.0f}x real time; "
          f"{second_off / second_on:,.0f}x faster)   (target: <= 10.00 us: "
          f"{'met' if second_on <= 10e-6 else 'not met'})")
    print(f"30 s message-timeout path (status 0x{figures['status']:02X}, {simulated:.2f} simulated s): "
          f"shortcut off {wall_off * 1e3:7.2f} ms ({simulated / wall_off:,.0f}x real time), "
          f"on {wall_on * 1e3:7.2f} ms ({simulated / wall_on:,.0f}x real time)   (target: >= 10,000x: "
          f"{'met' if simulated / wall_on >= 10_000 else 'not met'})")


def main(argv: Any = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if variants.compiled_present():
        _print(variants.pure_figures("bench.idle", argv))
    _print(measure(argv))


if __name__ == "__main__":
    main()
