"""What event tracing costs: the TCP bulk transfer and the SMTP demo mail, each measured
with tracing off and on, side by side in one run.

* off: the benchmarks exactly as ``bench.tcp`` and ``bench.smtp`` run them (no
  ``tx_trace_enable``; every insertion site then tests one attribute against None).
* on: the same runs with ``tx_trace_enable`` called first in ``tx_application_define``,
  a 64 KiB buffer at the top of simulated RAM (32 registry entries), so every ThreadX
  and NetX event is recorded, wrapping around the buffer as a long run does on target.

The cost of tracing *off* against code without any trace hooks cannot be measured in
one run (it is the same code); compare ``python -m bench.tcp`` and ``python -m
bench.smtp`` before and after the hooks for that (the README gives the figures).

Run: ``python -m bench.trace [--size BYTES] [--mails N]``.
"""
from __future__ import annotations

import argparse
import contextlib
import time
from typing import Any, Callable, Iterator

from netxsim.tx.trace import TRACE_BUILD, with_trace

TRACE_SIZE = 64 * 1024
REGISTRY_ENTRIES = 32


@contextlib.contextmanager
def tracing(module: Any) -> Iterator[list[bytes]]:
    """Make ``module.tx_kernel_enter`` enable tracing at the start of every run; yields
    the list the runs' trace buffers are appended to."""
    original: Callable[..., Any] = module.tx_kernel_enter
    buffers: list[bytes] = []

    def traced_enter(define: Callable[[Any], None], *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("config") is None:
            kwargs["config"] = TRACE_BUILD
        run = original(with_trace(define, TRACE_SIZE, REGISTRY_ENTRIES), *args, **kwargs)
        buffers.append(run.trace_buffer)
        return run

    module.tx_kernel_enter = traced_enter
    try:
        yield buffers
    finally:
        module.tx_kernel_enter = original


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description="tracing off vs on: TCP bulk transfer and SMTP mail")
    parser.add_argument("--size", type=int, default=1 << 20, help="TCP transfer size in bytes")
    parser.add_argument("--mails", type=int, default=200, help="simulated mails per round")
    args = parser.parse_args(argv)
    import demos.demo_netx_smtp_client as smtp_demo
    import netxsim.testing.tcp as harness   # where bench_tcp's bulk_transfer enters the kernel
    from bench.smtp import bench_simulated
    from bench.tcp import bench_tcp
    from demos.demo_netx_smtp_client import GUIDE_IP_POOL_PAYLOAD

    best = {"tcp off": float("inf"), "tcp on": float("inf"), "smtp off": float("inf"), "smtp on": float("inf")}
    for _ in range(3):  # best of three, interleaved so all see the same machine state
        best["tcp off"] = min(best["tcp off"], bench_tcp(args.size)[0])
        with tracing(harness) as buffers:
            best["tcp on"] = min(best["tcp on"], bench_tcp(args.size)[0])
        assert buffers and buffers[-1] is not None
        best["smtp off"] = min(best["smtp off"], bench_simulated(args.mails, GUIDE_IP_POOL_PAYLOAD).loop_seconds_per_mail)
        with tracing(smtp_demo) as buffers:
            best["smtp on"] = min(best["smtp on"], bench_simulated(args.mails, GUIDE_IP_POOL_PAYLOAD).loop_seconds_per_mail)
        assert buffers and buffers[-1] is not None
    print(f"TCP bulk transfer, per delivered segment: off {best['tcp off'] * 1e6:8.2f} us, "
          f"on {best['tcp on'] * 1e6:8.2f} us   ratio on/off {best['tcp on'] / best['tcp off']:.2f}x")
    print(f"SMTP demo mail, send loop per mail:       off {best['smtp off'] * 1e3:8.3f} ms, "
          f"on {best['smtp on'] * 1e3:8.3f} ms   ratio on/off {best['smtp on'] / best['smtp off']:.2f}x")
    print("(target: tracing off within 2 % of the code without trace hooks: see bench.tcp and "
          "bench.smtp before/after; tracing on has no target)")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
