"""Praxis benchmarks: ``python -m bench [--size small|full] [--only NAME]``.

Every module in this package whose name does not start with an underscore is a benchmark. It
exposes ``NAME`` (a string) and ``run(size: str) -> list[dict]``; each dict becomes one JSON line
on stdout. Progress messages go to stderr (see :func:`log`), so stdout carries results only.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SIZES = ("small", "full")

_STARTED = time.monotonic()


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str
    run: Callable[[str], list[dict[str, Any]]]


def log(message: str) -> None:
    """A progress line on stderr, stamped with the seconds since the runner started."""
    print(f"[bench {time.monotonic() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def discover() -> list[Benchmark]:
    """The benchmark modules of this package, sorted by NAME."""
    found: list[Benchmark] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "NAME", None)
        run = getattr(module, "run", None)
        if not isinstance(name, str) or not callable(run):
            continue  # a helper module, not a benchmark
        found.append(Benchmark(name=name, module=module.__name__, run=run))
    return sorted(found, key=lambda b: b.name)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100): an observed value, never an interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def seconds(value: float) -> float | None:
    """A duration rounded for the JSON line (microseconds are plenty); NaN becomes null."""
    return None if math.isnan(value) else round(value, 6)
