"""TCP bulk-transfer cost against bare simpy, measured side by side in one run.

* tcp: a 1 MB transfer (MSS 1460, application writes of 1460 bytes) from IP A to IP B
  on the RAM driver in one kernel (netxsim.testing.tcp.bulk_transfer: 16-packet pools,
  window 16384); wall time divided by the data segments B's socket accepted.
* bare simpy: two processes hand control back and forth (bench.kernel.bench_simpy);
  wall time per round trip.

Prints both and their ratio. Targets (issue): at most 20x a bare simpy round trip per
delivered TCP segment in pure Python, at most 10x with the optional compiled build
(``python -m netxsim.compile``); when the compiled build is present, the pure-Python
figures are measured too, in a child process (bench.variants), and printed beside.

Run: ``python -m bench.tcp [--size BYTES]``.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bench import variants
from bench.kernel import bench_simpy
from netxsim.testing.tcp import bulk_transfer


def bench_tcp(size: int) -> tuple[float, int]:
    start = time.perf_counter()
    result = bulk_transfer(size, pool_packets=16, window=16384, chunk=1460)
    elapsed = time.perf_counter() - start
    assert result.run.reason == "completed", result.run.report()
    assert result.received == result.sent, "transfer incomplete"
    return elapsed / result.segments, result.segments


def measure(argv: Any = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="TCP bulk transfer vs bare simpy")
    parser.add_argument("--size", type=int, default=1 << 20)
    parser.add_argument("--round-trips", type=int, default=100_000)
    args = parser.parse_args(argv)
    best_tcp, best_simpy, segments = float("inf"), float("inf"), 0
    for _ in range(3):  # best of three, interleaved so both see the same machine state
        best_simpy = min(best_simpy, bench_simpy(args.round_trips))
        per_segment, segments = bench_tcp(args.size)
        best_tcp = min(best_tcp, per_segment)
    return {"simpy": best_simpy, "tcp": best_tcp, "segments": segments, "size": args.size,
            "label": variants.label()}


def _print(figures: dict[str, Any]) -> None:
    target = 10.0 if figures["label"].startswith("compiled") else 20.0
    ratio = figures["tcp"] / figures["simpy"]
    print(f"[{figures['label']}]")
    print(f"  bare simpy round trip:       {figures['simpy'] * 1e6:9.2f} us")
    print(f"  TCP, per delivered segment:  {figures['tcp'] * 1e6:9.2f} us  ({figures['segments']} segments, "
          f"{figures['size']} bytes, {1 / figures['tcp']:,.0f} segments/s)")
    print(f"  ratio: {ratio:.2f}x   (target: <= {target:.2f}x: {'met' if ratio <= target else 'not met'})")


def main(argv: Any = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if variants.compiled_present():
        _print(variants.pure_figures("bench.tcp", argv))
    _print(measure(argv))


if __name__ == "__main__":
    main()
