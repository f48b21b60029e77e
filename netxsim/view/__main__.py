"""``python -m netxsim.view run.trx -o run.html [--pcap run.pcap] [--format html|chrome]``."""
from __future__ import annotations

import argparse
import json
import sys

from .chrome import chrome_trace
from .html import write_html
from .trx import TrxFormatError, parse_trx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netxsim.view",
                                     description="Views of a ThreadX trace buffer (.trx) for people without TraceX")
    parser.add_argument("trx", help="the trace buffer file")
    parser.add_argument("-o", "--output", required=True, help="the HTML (or JSON) file to write")
    parser.add_argument("--format", choices=("html", "chrome"), default="html",
                        help="html: one self-contained page; chrome: Chrome Trace Event JSON (Perfetto)")
    parser.add_argument("--pcap", help="frames of the run (for the TCP ladders and the application dialogue)")
    parser.add_argument("--cycles-per-tick", type=int, default=10_000,
                        help="trace clock cycles per tick (netxsim's default: 10000)")
    args = parser.parse_args(argv)
    with open(args.trx, "rb") as trx:
        data = trx.read()
    try:
        trace = parse_trx(data)
    except TrxFormatError as error:
        print(f"{args.trx}: {error}", file=sys.stderr)
        return 2
    if args.format == "chrome":
        with open(args.output, "w", encoding="utf-8") as out:
            json.dump(chrome_trace(trace, args.cycles_per_tick), out)
    else:
        frames = None
        if args.pcap:
            from netxsim.nx.pcap import read_pcap
            frames = read_pcap(args.pcap)
        write_html(trace, args.output, frames, title=args.trx, cycles_per_tick=args.cycles_per_tick)
    print(f"{len(trace.events)} events, {len(trace.objects)} objects: wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
