"""``linux_peer()``: a Linux network namespace holding the TAP end of a bridge.

::

    with linux_peer("1.2.3.10/24") as peer:           # namespace + TAP + address
        server = peer.popen(["python3", "-m", "http.server", "80"])  # runs inside it
        def tx_application_define(memory):
            ...                                         # NetX IP instance(s) on 1.2.3.0/24
            peer.bridge()                               # TapBridge on the RAM driver's segment
        run = tx_kernel_enter(tx_application_define, until=500)
        print(peer.pacing_report())
    # namespace, TAP device and every process started through the peer are gone here

The namespace is called ``netxsim-<pid>-<n>``; it gets the TAP (``nxtap0`` unless
told otherwise) with the address given, a MAC of 02:4e:58:00:00:01, IPv6 turned
off (no router solicitations on the capture), loopback up, and no route but the
subnet's: nothing in it can reach the host's network. Leaving the ``with`` block by
any path (return, exception, Ctrl-C, SIGTERM while the block runs in the main
thread) kills the processes started with :meth:`LinuxPeer.popen` (by process
group), stops captures, closes the TAP fd and deletes the namespace by name; an
``atexit`` hook repeats the namespace deletion, and each new ``linux_peer`` removes
namespaces left by processes that no longer exist (e.g. killed with SIGKILL).
"""
from __future__ import annotations

import atexit
import ipaddress
import os
import signal
import socket
import subprocess
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from netxsim.nx.faults import LinkFaults
from netxsim.nx.segment import EthernetSegment

from .bridge import BRIDGE_MAC, TapBridge
from .capture import LinuxCapture
from .netns import (create_namespace, delete_namespace, ip, namespace_socket, new_namespace_name, open_tap,
                    sweep_stale_namespaces, tap_unavailable_reason, write_sysctl)
from .pacing import PacingReport

DEFAULT_IFNAME = "nxtap0"
_live_namespaces: set[str] = set()


class TapUnavailable(RuntimeError):
    """This machine cannot make a Linux peer (the message says what is missing, in one line)."""


class LinuxPeer:
    """A namespace with a TAP device and an address (module docstring)."""

    def __init__(self, namespace: str, ifname: str, interface: ipaddress.IPv4Interface, mac: bytes) -> None:
        self.namespace = namespace
        self.ifname = ifname
        self.interface = interface
        self.mac = mac
        self.tap_fd = -1
        self.processes: list[subprocess.Popen[Any]] = []
        self.captures: list[LinuxCapture] = []
        self.bridges: list[TapBridge] = []
        self.closed = False

    @property
    def address(self) -> str:
        return str(self.interface.ip)

    # --------------------------------------------------------------- commands
    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` wrapped to run inside the namespace (``ip netns exec``)."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def run(self, argv: Sequence[str], *, timeout: float = 60, **options: Any) -> subprocess.CompletedProcess[Any]:
        """Run ``argv`` in the namespace to completion (``subprocess.run`` options)."""
        return subprocess.run(self.command(argv), timeout=timeout, **options)

    def popen(self, argv: Sequence[str], **options: Any) -> subprocess.Popen[Any]:
        """Start ``argv`` in the namespace, in its own process group; ended at close."""
        process = subprocess.Popen(self.command(argv), start_new_session=True, **options)
        self.processes.append(process)
        return process

    def socket(self, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM, protocol: int = 0) -> socket.socket:
        """A socket created inside the namespace (usable from any thread of this process)."""
        return namespace_socket(self.namespace, family, kind, protocol)

    def capture(self) -> LinuxCapture:
        """Start capturing every frame on the TAP, both ways (stopped at close)."""
        capture = LinuxCapture(self.namespace, self.ifname)
        self.captures.append(capture)
        return capture

    # ----------------------------------------------------------------- bridge
    def bridge(self, segment: EthernetSegment | None = None, *, faults: LinkFaults | None = None) -> TapBridge:
        """Cable the TAP to ``segment`` (default: the running kernel's RAM-driver segment).

        Call it from ``tx_application_define``; the run is paced to real time from then on.
        """
        if self.closed:
            raise RuntimeError(f"linux peer {self.namespace} is closed")
        bridge = TapBridge.attach(segment, self.ifname, fd=self.tap_fd, faults=faults, mac=self.mac)
        self.bridges.append(bridge)
        return bridge

    def pacing_report(self) -> PacingReport | None:
        """Lateness of the last run this peer was bridged into (None if never bridged)."""
        return self.bridges[-1].pacer.report() if self.bridges else None

    # ------------------------------------------------------------------ close
    def close(self) -> None:
        """Kill its processes, stop captures, close the TAP and delete the namespace."""
        if self.closed:
            return
        self.closed = True
        try:
            for bridge in self.bridges:
                bridge.close()
            for process in self.processes:
                _end_process(process)
            for capture in self.captures:
                capture.stop()
            if self.tap_fd >= 0:
                os.close(self.tap_fd)
                self.tap_fd = -1
        finally:
            delete_namespace(self.namespace)
            _live_namespaces.discard(self.namespace)

    def __repr__(self) -> str:
        return f"<LinuxPeer {self.interface} on {self.ifname} in netns {self.namespace}>"


def _end_process(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the group is its own
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=3)


def make_linux_peer(address: str = "1.2.3.10/24", *, ifname: str = DEFAULT_IFNAME,
                    mac: bytes = BRIDGE_MAC) -> LinuxPeer:
    """Create a :class:`LinuxPeer` (prefer :func:`linux_peer`; call ``close()`` yourself)."""
    reason = tap_unavailable_reason()
    if reason is not None:
        raise TapUnavailable(reason)
    interface = ipaddress.IPv4Interface(address if "/" in address else address + "/24")
    sweep_stale_namespaces()
    name = new_namespace_name()
    peer = LinuxPeer(name, ifname, interface, mac)
    _live_namespaces.add(name)
    try:
        create_namespace(name)
        for key in ("net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6"):
            try:
                write_sysctl(name, key, "1")
            except OSError:
                pass  # a kernel without IPv6: nothing to silence
        peer.tap_fd = open_tap(name, ifname)
        ip("link", "set", "lo", "up", namespace=name)
        ip("link", "set", ifname, "address", mac.hex(":"), "mtu", "1500", "up", namespace=name)
        ip("addr", "add", str(interface), "dev", ifname, namespace=name)
    except BaseException:
        peer.close()
        raise
    return peer


@contextmanager
def linux_peer(address: str = "1.2.3.10/24", *, ifname: str = DEFAULT_IFNAME,
               mac: bytes = BRIDGE_MAC) -> Iterator[LinuxPeer]:
    """A Linux host at ``address`` (CIDR) in a fresh namespace, removed on every exit path.

    Raises :class:`TapUnavailable` (one line: what is missing) without root,
    ``/dev/net/tun`` or ``ip``. Fixture-friendly: ``yield from``-able in a pytest fixture.
    """
    previous = _trap_sigterm()
    peer = make_linux_peer(address, ifname=ifname, mac=mac)
    try:
        yield peer
    finally:
        try:
            peer.close()
        finally:
            _restore_sigterm(previous)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _trap_sigterm() -> Any:
    """While a peer lives, SIGTERM unwinds (so cleanup runs) instead of killing outright."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None
    return signal.signal(signal.SIGTERM, _raise_exit)


def _restore_sigterm(previous: Any) -> None:
    if previous is not None and not _live_namespaces:
        signal.signal(signal.SIGTERM, previous)


@atexit.register
def _delete_live_namespaces() -> None:
    for name in list(_live_namespaces):
        delete_namespace(name)
        _live_namespaces.discard(name)


__all__ = ["linux_peer", "make_linux_peer", "LinuxPeer", "TapUnavailable", "DEFAULT_IFNAME"]
