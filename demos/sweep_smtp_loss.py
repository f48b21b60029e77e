"""At what loss rate does my device stop sending mail? The guide's SMTP demo
(``demos/demo_netx_smtp_client.py``) swept over the wire's frame loss rate × the size
of the SMTP client's packet pool, many seeds each, on a local Dask cluster.

Every run is the demo, unchanged but for two things: the RAM driver's segment drops
each frame with probability ``loss`` (``LinkFaults(seed=seed, drop=loss)``: the seed
fixes which frames), and the "SMTP Client Packet Pool" holds ``pool`` packets of 800
bytes (the guide's 10 * 800 bytes hold 9). A run is a success when the server's
mailbox has the mail; otherwise its outcome is the status ``nx_smtp_mail_send``
returned (or what stopped the run).

Run: ``python -m demos.sweep_smtp_loss [--runs 10000] [--workers 2] [--compare N]``
(``--workers 0`` runs in this process). Writes ``sweep_smtp_loss.csv``, its summary,
and the plot ``docs/images/sweep_smtp_loss.png``. Replay any run with the command the
summary prints, e.g.
``python -m netxsim.sweep replay demos.sweep_smtp_loss:scenario --params '{"loss": 0.3, "pool": 2}' --seed 5``.
"""
from __future__ import annotations

import argparse
import time
from typing import Any

from netxsim import _nx_ram_network_driver, tx_kernel_enter
from netxsim.nx.constants import NX_STATUS_NAMES
from netxsim.nx.faults import LinkFaults
from netxsim.nx.packet import SIZEOF_NX_PACKET
from netxsim.nx.segment import segment_for
from netxsim.tx.kernel import kernel
from smtp_client import constants as smtp_constants

from .demo_netx_smtp_client import GUIDE_IP_POOL_PAYLOAD, Demo

LOSS_RATES = [0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6]
POOL_PACKETS = [1, 2, 4, 9]
CLIENT_PAYLOAD = 800  # the demo's SMTP client pool payload
SAFETY_NET = 2_000_000  # ticks; a run ends long before (every wait in the client is bounded)

STATUS_NAMES = dict(NX_STATUS_NAMES)
STATUS_NAMES.update({value: name for name, value in vars(smtp_constants).items()
                     if name.startswith("NX_SMTP_") and isinstance(value, int) and 0xA0 <= value <= 0xB2})


class LossyDemo(Demo):
    """The guide's demo on a lossy wire with a client pool of ``pool`` packets."""

    def __init__(self, loss: float, pool: int, seed: int) -> None:
        super().__init__(GUIDE_IP_POOL_PAYLOAD, None)
        self.client_pool_size = pool * (CLIENT_PAYLOAD + SIZEOF_NX_PACKET)
        self.faults = LinkFaults(seed=seed, drop=loss)

    def tx_application_define(self, first_unused_memory: Any) -> None:
        segment_for(kernel(), _nx_ram_network_driver).faults = self.faults
        super().tx_application_define(first_unused_memory)


def scenario(loss: float, pool: int, seed: int) -> dict[str, Any]:
    """One demo run: the sweep's scenario (``demos.sweep_smtp_loss:scenario``)."""
    demo = LossyDemo(loss, pool, seed)
    with tx_kernel_enter(demo.tx_application_define, until=SAFETY_NET) as run:
        sends = [status for _, name, status in demo.calls if name == "nx_smtp_mail_send"]
        send_tick = next((tick for tick, name, _ in demo.calls if name == "nx_smtp_mail_send"), None)
        delivered = demo.delivered
        if delivered:
            outcome = "delivered"
        elif sends:
            outcome = STATUS_NAMES.get(sends[0], f"status 0x{sends[0]:02X}")
        else:
            outcome = f"no mail_send ({run.reason})"
        segment = segment_for(demo.client_ip.kernel, _nx_ram_network_driver)
        pools = {}
        for label, packet_pool in (("ip_pool", demo.ip_packet_pool), ("client_pool", demo.client_packet_pool)):
            pools[f"{label}_empty_requests"] = packet_pool.nx_packet_pool_empty_requests
            pools[f"{label}_free"] = packet_pool.nx_packet_pool_available
        return {"outcome": outcome, "ok": delivered, "reason": run.reason, "ticks": run.ticks,
                "send_status": sends[0] if sends else None, "send_done_tick": send_tick,
                "frames": segment.counters.frames, "dropped": segment.counters.dropped, **pools}


def main(argv: Any = None) -> None:
    from netxsim.sweep import grid, plan, run_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="about this many runs in all")
    parser.add_argument("--workers", type=int, default=2, help="local cluster workers (0: this process)")
    parser.add_argument("--scheduler", help="a Dask scheduler address instead of a local cluster")
    parser.add_argument("--out", default="sweep_smtp_loss.csv")
    parser.add_argument("--plot", default="docs/images/sweep_smtp_loss.png")
    parser.add_argument("--compare", type=int, default=0, metavar="N",
                        help="also run the first N runs in this process and print both per-run rates")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    args = parser.parse_args(argv)

    points = grid(loss=LOSS_RATES, pool=POOL_PACKETS)
    runs = plan(points, max(-(-args.runs // len(points)), 1))  # at least --runs in all
    result = run_sweep(scenario, runs, workers=args.workers, scheduler=args.scheduler, out=args.out,
                       progress=args.progress)
    summary_path = args.out.rsplit(".", 1)[0] + ".summary.txt"
    with open(summary_path, "w", encoding="utf-8") as handle:
        handle.write(result.summary() + "\n")
    print(result.summary(failures_shown=10))
    print(f"\nresults: {args.out}   summary with every failure: {summary_path}")
    print("\nAt what loss rate does the device stop sending mail? (share of runs delivered)")
    for pool in POOL_PACKETS:
        shares = []
        for loss in LOSS_RATES:
            chosen = [r for r in result.records if r["params"] == {"loss": loss, "pool": pool}]
            shares.append(sum(r["ok"] for r in chosen) / len(chosen))
        last_99 = max((loss for loss, share in zip(LOSS_RATES, shares) if share >= 0.99), default=None)
        first_half = next((loss for loss, share in zip(LOSS_RATES, shares) if share < 0.5), None)
        print(f"  pool {pool} packets: " + " ".join(f"{loss:g}:{share:.0%}" for loss, share in zip(LOSS_RATES, shares)))
        print(f"    >= 99% delivered up to loss {last_99}; under half delivered from loss {first_half}")
    if args.plot:
        path = result.plot(args.plot, x="loss", series="pool", success_label="mail delivered",
                           title=f"The guide's SMTP demo on a lossy wire: {len(result.records)} runs "
                                 f"({len(runs) // len(points)} seeds per point)")
        print(f"plot: {path}")
    if args.compare:
        from netxsim.sweep.record import execute
        sample = runs[:: max(len(runs) // args.compare, 1)][:args.compare]
        started = time.perf_counter()
        for run in sample:
            execute(scenario, run)
        single = len(sample) / (time.perf_counter() - started)
        print(f"\nper-run rate: cluster ({result.where}) {result.runs_per_second:.0f} runs/s (whole sweep, "
              f"start-up included), one process {single:.0f} runs/s (same mix, {len(sample)} runs): "
              f"{result.runs_per_second / single:.2f}x (expected close to 2x on 2 free cores)")


if __name__ == "__main__":
    main()
