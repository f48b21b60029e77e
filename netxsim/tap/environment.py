"""``NETXSIM_TAP=<address/prefix>``: bridge any program's first segment to a Linux peer.

Like ``NETXSIM_PCAP``, read when a kernel's first segment is created: a Linux peer
(:func:`netxsim.tap.linux_peer`) is made at that address, once per process, the
segment is bridged to it and the run paced to real time. One line on stderr names
the namespace (``ip netns exec <name> <command>`` reaches the simulated hosts from
another shell); ``NETXSIM_TAP_COMMAND`` runs a command in it as soon as the bridge
is up (its output goes to this process's stdout). At exit the pacing report of the
last run is printed on stderr and the namespace is removed.

Remember the run is real time and a peer may always send: a run whose threads wait
forever ends only at ``until`` or with Ctrl-C (which cleans up too).
"""
from __future__ import annotations

import atexit
import os
import shlex
import sys

from netxsim.nx.segment import EthernetSegment

from .bridge import TapBridge
from .netns import tap_unavailable_reason
from .peer import LinuxPeer, TapUnavailable, make_linux_peer

TAP_ENVIRONMENT_VARIABLE = "NETXSIM_TAP"
TAP_COMMAND_ENVIRONMENT_VARIABLE = "NETXSIM_TAP_COMMAND"

_peer: LinuxPeer | None = None


def environment_peer() -> LinuxPeer | None:
    """The Linux peer ``NETXSIM_TAP`` made in this process, if any."""
    return _peer


def bridge_from_environment(segment: EthernetSegment) -> TapBridge | None:
    """Bridge ``segment`` (a kernel's first) to the peer ``NETXSIM_TAP`` asks for."""
    global _peer
    value = os.environ.get(TAP_ENVIRONMENT_VARIABLE, "")
    if not value or segment.index != 0:
        return None
    reason = tap_unavailable_reason()
    if reason is not None:
        raise TapUnavailable(f"{TAP_ENVIRONMENT_VARIABLE}: {reason}")
    if _peer is None or _peer.closed:
        _peer = make_linux_peer(value)
        atexit.register(_close)
        print(f"netxsim: {TAP_ENVIRONMENT_VARIABLE}: segment bridged to {_peer.ifname} ({_peer.interface}) in "
              f"network namespace {_peer.namespace}; reach it with: ip netns exec {_peer.namespace} <command>",
              file=sys.stderr)
    bridge = _peer.bridge(segment)
    command = os.environ.get(TAP_COMMAND_ENVIRONMENT_VARIABLE, "")
    if command:
        _peer.popen(shlex.split(command))
    return bridge


def _close() -> None:
    global _peer
    peer, _peer = _peer, None
    if peer is None:
        return
    try:
        for process in peer.processes:
            try:
                process.wait(timeout=0.5)  # let a finished command's output drain
            except Exception:
                pass
        report = peer.pacing_report()
        if report is not None:
            print(f"netxsim: {report}", file=sys.stderr)
    finally:
        peer.close()


__all__ = ["TAP_ENVIRONMENT_VARIABLE", "TAP_COMMAND_ENVIRONMENT_VARIABLE", "bridge_from_environment",
           "environment_peer"]
