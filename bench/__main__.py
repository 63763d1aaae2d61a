"""The benchmark runner: ``python -m bench [--size small|full] [--only NAME]``.

Prints each result as one JSON line on stdout; progress and failures go to stderr. Exits 1 when a
benchmark raised (the others still run), 2 on a bad command line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
from typing import Any

from . import SIZES, discover, log


def _json_safe(value: Any) -> Any:
    """NaN and infinity are not JSON: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    benchmarks = discover()
    names = [b.name for b in benchmarks]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="small",
        help="small (the whole run well under 3 minutes) or full",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=names,
        help=f"run only this benchmark (repeatable); one of: {', '.join(names)}",
    )
    parser.add_argument(
        "--clients",
        type=int,
        metavar="N",
        help="concurrent clients of the load benchmarks that take it (http_load; 50 for the "
        "fast-pages target)",
    )
    args = parser.parse_args(argv)
    if args.clients:
        os.environ["PRAXIS_BENCH_CLIENTS"] = str(args.clients)

    selected = [b for b in benchmarks if not args.only or b.name in args.only]
    failed: list[str] = []
    started = time.monotonic()
    for bench in selected:
        log(f"{bench.name}: starting (size {args.size})")
        t0 = time.monotonic()
        try:
            results = bench.run(args.size)
        except KeyboardInterrupt:
            log(f"{bench.name}: interrupted")
            return 130
        except Exception:
            failed.append(bench.name)
            log(f"{bench.name}: FAILED")
            traceback.print_exc(file=sys.stderr)
            continue
        for result in results:
            line = {"bench": bench.name, **result}
            print(json.dumps(_json_safe(line), allow_nan=False), flush=True)
        log(f"{bench.name}: done in {time.monotonic() - t0:.1f}s")
    log(
        f"{len(selected)} benchmark(s) in {time.monotonic() - started:.1f}s"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
