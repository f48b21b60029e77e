"""Real peers: a simulated segment bridged to a Linux TAP device in a network namespace.

The stack never imports this package. See ``docs/real_peers.md``.

* :class:`TapBridge` — a promiscuous port on a segment moving frames to and from a TAP fd.
* :class:`RealTimePacer` — the kernel's real-time pacing hook (tick N at start + N/100 s).
* :func:`linux_peer` — a context manager making a namespace with the TAP and an address,
  running commands in it, and removing everything on every exit path.
* :class:`LinuxCapture` — a pure-Python capture on the Linux side.
"""
from .bridge import BRIDGE_MAC, BridgeCounters, TapBridge
from .capture import CapturedFrame, LinuxCapture
from .netns import NetnsError, tap_unavailable_reason
from .pacing import PacingReport, RealTimePacer
from .peer import DEFAULT_IFNAME, LinuxPeer, TapUnavailable, linux_peer, make_linux_peer

__all__ = ["TapBridge", "BridgeCounters", "BRIDGE_MAC", "LinuxCapture", "CapturedFrame", "NetnsError",
           "tap_unavailable_reason", "PacingReport", "RealTimePacer", "LinuxPeer", "TapUnavailable",
           "linux_peer", "make_linux_peer", "DEFAULT_IFNAME"]
