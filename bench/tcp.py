"""TCP bulk-transfer cost against bare simpy, measured side by side in one run.

* tcp: a 1 MB transfer (MSS 1460, application writes of 1460 bytes) from IP A to IP B
  on the RAM driver in one kernel (netxsim.testing.tcp.bulk_transfer: 16-packet pools,
  window 16384); wall time divided by the data segments B's socket accepted.
* bare simpy: two processes hand control back and forth (bench.kernel.bench_simpy);
  wall time per round trip.

Prints both and their ratio. Target (issue): at most 10x a bare simpy round trip per
delivered TCP segment.

Run: ``python -m bench.tcp [--size BYTES]``.
"""
from __future__ import annotations

import argparse
import time

from bench.kernel import bench_simpy
from netxsim.testing.tcp import bulk_transfer


def bench_tcp(size: int) -> tuple[float, int]:
    start = time.perf_counter()
    result = bulk_transfer(size, pool_packets=16, window=16384, chunk=1460)
    elapsed = time.perf_counter() - start
    assert result.run.reason == "completed", result.run.report()
    assert result.received == result.sent, "transfer incomplete"
    return elapsed / result.segments, result.segments


def main() -> None:
    parser = argparse.ArgumentParser(description="TCP bulk transfer vs bare simpy")
    parser.add_argument("--size", type=int, default=1 << 20)
    parser.add_argument("--round-trips", type=int, default=100_000)
    args = parser.parse_args()
    best_tcp, best_simpy, segments = float("inf"), float("inf"), 0
    for _ in range(3):  # best of three, interleaved so both see the same machine state
        best_simpy = min(best_simpy, bench_simpy(args.round_trips))
        per_segment, segments = bench_tcp(args.size)
        best_tcp = min(best_tcp, per_segment)
    print(f"bare simpy round trip:       {best_simpy * 1e6:9.2f} us")
    print(f"TCP, per delivered segment:  {best_tcp * 1e6:9.2f} us  ({segments} segments, "
          f"{args.size} bytes, {1 / best_tcp:,.0f} segments/s)")
    print(f"ratio: {best_tcp / best_simpy:.2f}x   (target: <= 10.00x)")


if __name__ == "__main__":
    main()
