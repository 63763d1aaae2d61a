"""x12_835_read: reading a generated 835 into claims and lines, next to two baselines.

The file has N claims (10,000 full, 1,000 small), each with two service lines, four CAS
segments, dates and references: the shape of a real ERA. Timed, each as the median of a few
runs in the same process:

- ``praxis.x12.remittance.read_835``: the full reader (dataclasses, ``Decimal`` amounts, balancing);
- ``naive_loops``: split on the ISA's delimiters into minimal claim/line dicts (strings only), the
  floor any reader pays;
- ``pyx12``: pyx12's ``X12ContextReader`` walking the file's 2100 loops (skipped when pyx12 is
  not installed; on a smaller file at size small, scaled per claim).

Issue 11's targets: at most 1.5 x naive_loops and at most 0.1 x pyx12's time.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

from praxis.x12.remittance import read_835

from . import log, median, seconds

NAME = "x12_835_read"
CLAIMS = {"small": 1_000, "full": 10_000}
PYX12_CLAIMS = {"small": 200, "full": 2_000}
RUNS = 5


def generate_835(claims: int) -> str:
    """An 835 paying ``claims`` claims of 150.00 each (100.00 paid, 30.00 CO-45, 20.00 PR-2)."""
    out = [
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *261207*1200*^*"
        "00501*000000001*0*P*:~GS*HP*PAYER*CLINIC*20261207*1200*1*X*005010X221A1~ST*835*0001~",
        f"BPR*I*{claims * 100}*C*ACH*CCP*01*123456789*DA*12345*1234567890**01*987654321*DA*"
        "98765*20261207~TRN*1*EFT123*1234567890~DTM*405*20261207~N1*PR*ACME HEALTH~"
        "N3*1 MAIN ST~N4*SPRINGFIELD*IL*62701~N1*PE*CLINIC*XX*1234567893~LX*1~",
    ]
    for i in range(claims):
        out.append(
            f"CLP*PCN{i}*1*150*100*20*12*PAYER{i}*11*1~NM1*QC*1*DOE*JANE****MI*M{i}~"
            f"DTM*232*20261201~SVC*HC:99213*100*70**1~DTM*472*20261201~CAS*CO*45*20~"
            f"CAS*PR*2*10~REF*6R*L{i}A~AMT*B6*80~SVC*HC:83036*50*30**1~DTM*472*20261201~"
            f"CAS*CO*45*10~CAS*PR*2*10~REF*6R*L{i}B~AMT*B6*40~"
        )
    segments = sum(chunk.count("~") for chunk in out) - 2  # from ST, before SE
    out.append(f"SE*{segments + 1}*0001~GE*1*1~IEA*1*000000001~")
    return "".join(out)


def naive_loops(text: str) -> list[dict[str, Any]]:
    element, terminator = text[3], text[105]
    claims: list[dict[str, Any]] = []
    claim: dict[str, Any] | None = None
    for segment in text.split(terminator):
        parts = segment.strip().split(element)
        tag = parts[0]
        if tag == "CLP":
            claim = {
                "id": parts[1],
                "status": parts[2],
                "charge": parts[3],
                "paid": parts[4],
                "lines": [],
            }
            claims.append(claim)
        elif tag == "SVC" and claim is not None:
            claim["lines"].append({"procedure": parts[1], "charge": parts[2], "paid": parts[3]})
    return claims


def pyx12_loops(text: str) -> int:
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context

    reader = pyx12.x12context.X12ContextReader(
        pyx12.params.params(), pyx12.error_handler.errh_null(), io.StringIO(text)
    )
    return sum(1 for _ in reader.iter_segments("2100"))


def _median_time(function: Callable[[str], Any], text: str, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - started)
    return median(times)


def run(size: str) -> list[dict[str, Any]]:
    claims = CLAIMS[size]
    text = generate_835(claims)
    log(f"{NAME}: {claims} claims, {len(text):,} characters")
    ours = _median_time(read_835, text)
    naive = _median_time(naive_loops, text)
    results = [
        {
            "n": claims,
            "median_s": seconds(ours),
            "baseline": "naive_loops",
            "baseline_median_s": seconds(naive),
            "ratio": round(ours / naive, 2),
        }
    ]
    try:
        import pyx12  # noqa: F401
    except ImportError:
        log(f"{NAME}: pyx12 is not installed; its baseline is skipped")
        return results
    small = generate_835(PYX12_CLAIMS[size])
    scale = claims / PYX12_CLAIMS[size]
    theirs = _median_time(pyx12_loops, small, runs=3) * scale
    results.append(
        {
            "n": claims,
            "median_s": seconds(ours),
            "baseline": "pyx12",
            "baseline_median_s": seconds(theirs),
            "baseline_n": PYX12_CLAIMS[size],
            "ratio": round(ours / theirs, 3),
        }
    )
    return results
