"""ar_aging: A/R aging by payer over N charge lines with payments and adjustments, through the
selector the page, the CSV and the API share (``praxis.billing.aging.aging_rows``), against
``open_items_sql`` (the hand-written aggregate over the open-items table) measured in the same
process on the same data.

Per database a worker process (``bench._ar_aging_worker``) gets a throwaway database (a
temporary SQLite file, and ``praxis_bench_<pid>_aging`` on the local PostgreSQL when it answers),
migrates it, bulk-loads the charge lines and prints one JSON line. Sizes: PostgreSQL 5,000,000
charge lines at full (the issue's), SQLite 500,000; small: 50,000 and 30,000.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import log
from .server import create_pg_database, drop_pg_database, pg_reachable, run_worker, server_env

NAME = "ar_aging"

CHARGE_LINES = {
    "postgresql": {"small": 50_000, "full": 5_000_000},
    "sqlite": {"small": 30_000, "full": 500_000},
}
REPS = {"small": 25, "full": 7}
TIMEOUT_S = {"small": 600, "full": 7200}


def run(size: str) -> list[dict[str, Any]]:
    results = []
    databases = ["sqlite"] + (["postgresql"] if pg_reachable() else [])
    if "postgresql" not in databases:
        log(f"{NAME}: PostgreSQL not reachable; SQLite only")
    for db in databases:
        n = CHARGE_LINES[db][size]
        data_dir = Path(tempfile.mkdtemp(prefix="praxis-bench-aging-"))
        url = ""
        try:
            if db == "postgresql":
                url = create_pg_database("aging")
            log(f"{NAME}: {db}, {n} charge lines")
            result = run_worker(
                "bench._ar_aging_worker",
                [str(n), str(REPS[size])],
                server_env(data_dir, url),
                data_dir,
                timeout_s=TIMEOUT_S[size],
            )
            result["size"] = size
            log(
                f"{NAME}: {db}: selector {result['median_s']}s, open_items_sql "
                f"{result['baseline_median_s']}s, ratio {result['ratio']}"
            )
            results.append(result)
        finally:
            if url:
                drop_pg_database(url)
            shutil.rmtree(data_dir, ignore_errors=True)
    return results
