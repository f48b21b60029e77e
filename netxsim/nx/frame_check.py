"""Which received TCP segments are known to carry a correct checksum.

The fast send path (``tcp_fast.send_segment``) sums a data segment over bytes that
nothing changes before the RAM driver copies the frame out: no other thread runs
between the checksum and the hand-over to the IP layer (the IP mutex was not
contended), and only the IP and Ethernet headers are written in front of the segment.
While it hands the packet to the IP layer, ``sending`` names that packet and ``sender``
the sending thread. The RAM driver marks the frame it builds from exactly that packet
in exactly that thread (``WireFrame.tcp_checked``; not, say, a copy the IP thread sends
meanwhile), and the copy it puts into a receiver's buffer (``NX_PACKET._tcp_checked``).
A frame is immutable bytes: fault injection that changes one makes a new, unmarked
frame. The receiver's TCP checksum verification of a marked packet would sum the very
bytes the sender summed under the same pseudo-header (the same addresses and length),
and so pass: it is skipped (``enabled = False`` sums every segment again). Every other
segment (the general paths, stations, loopback, other drivers, a buffer reused after a
marked frame: allocation clears the mark) is verified as before.
"""
from __future__ import annotations

from typing import Any

# Set False to verify every received segment's checksum (to compare, or to debug).
enabled = True

# The packet the fast send path is handing to the IP layer right now, and its thread.
sending: Any = None
sender: Any = None
