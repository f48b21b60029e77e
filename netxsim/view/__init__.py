"""Views of a recorded run for people without TraceX: a self-contained HTML page (thread
timeline, pool occupancy, TCP ladders with the application dialogue) and Chrome Trace
Event JSON for Perfetto. The simulated stack never imports this package.

From the command line: ``python -m netxsim.view run.trx -o run.html [--pcap run.pcap]``
or ``--format chrome -o run.json``. From Python: :func:`write_html` and
:func:`chrome_trace` take the bytes of a trace buffer (``KernelRun.trace_buffer``) or the
run itself (then the frames its Ethernet segments logged are used too: :func:`run_frames`).
"""
from __future__ import annotations

from typing import Any

from .chrome import chrome_trace
from .html import render_html, write_html
from .model import build_connections, build_pools, build_timeline, frames_from
from .trx import Trace, TraceEvent, TraceObject, TrxFormatError, parse_trx


def run_frames(run: Any) -> list:
    """The frames every Ethernet segment of ``run``'s kernel logged (enable a segment's
    frame log before the frames are sent: ``segment_for(kernel(), driver).enable_frame_log()``)."""
    from netxsim.nx.segment import segments_of
    frames: list = []
    for segment in segments_of(run.kernel):
        frames.extend(segment.frame_log or [])
    return frames


__all__ = ["parse_trx", "render_html", "write_html", "chrome_trace", "run_frames", "build_timeline",
           "build_pools", "build_connections", "frames_from", "Trace", "TraceEvent", "TraceObject",
           "TrxFormatError"]
