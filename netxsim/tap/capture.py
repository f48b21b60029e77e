"""A capture on the Linux side of a TAP bridge, in pure Python (AF_PACKET, no tcpdump).

:class:`LinuxCapture` opens an AF_PACKET socket inside the peer's namespace, bound to
the TAP device, and records every frame in both directions with its wall time and
direction ("in": the simulation sent it to Linux; "out": Linux sent it), from a
background thread. ``write_pcap(path)`` saves it in the classic pcap format.
"""
from __future__ import annotations

import select
import socket
import threading
import time
from typing import NamedTuple

from netxsim.nx.pcap import PcapWriter

from .netns import packet_socket

SO_RCVBUFFORCE = 33
PACKET_OUTGOING = 4  # sll_pkttype of a frame the interface sends


class CapturedFrame(NamedTuple):
    wall: float  # time.time() when read
    direction: str  # "in" (toward Linux) or "out" (from Linux)
    frame: bytes


class LinuxCapture:
    """Every frame on ``ifname`` in ``namespace``, both ways, while it runs."""

    def __init__(self, namespace: str, ifname: str) -> None:
        self.namespace = namespace
        self.ifname = ifname
        self.frames: list[CapturedFrame] = []
        self._socket = packet_socket(namespace, ifname)
        try:  # room for a burst while this thread waits for the GIL (root may exceed rmem_max)
            self._socket.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        except OSError:
            pass
        self._socket.setblocking(False)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"capture {ifname}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sock = self._socket
        while not self._stop.is_set():
            readable, _, _ = select.select([sock], [], [], 0.05)
            if not readable:
                continue
            while True:
                try:
                    data, address = sock.recvfrom(65536)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    return
                direction = "out" if address[2] == PACKET_OUTGOING else "in"
                self.frames.append(CapturedFrame(time.time(), direction, data))

    def stop(self) -> list[CapturedFrame]:
        """Stop capturing (after reading what is already queued); returns the frames."""
        if not self._stop.is_set():
            # Let frames already sent reach the socket: wait for 0.1 s without a new one.
            deadline = time.monotonic() + 2.0
            count = -1
            while count != len(self.frames) and time.monotonic() < deadline:
                count = len(self.frames)
                time.sleep(0.1)
            self._stop.set()
            self._thread.join()
            self._socket.close()
        return self.frames

    def write_pcap(self, path: str) -> None:
        """Save the capture (timestamps are wall time relative to the first frame)."""
        origin = self.frames[0].wall if self.frames else 0.0
        with PcapWriter(path, ticks_per_second=1_000_000) as writer:
            for record in self.frames:
                writer.write_frame(round((record.wall - origin) * 1_000_000), record.frame)

    def __enter__(self) -> LinuxCapture:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


__all__ = ["LinuxCapture", "CapturedFrame"]
