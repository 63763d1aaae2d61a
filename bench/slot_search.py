"""slot_search: the first 20 free slots for one provider over 30 days, through the service
``praxis.scheduling.slots.slot_search``, against ``raw_sql`` (one hand-written query:
candidate starts inside the provider's hours, minus overlapping active appointments) measured in
the same process on the same data.

Per database a worker process (``bench._slot_search_worker``) gets a throwaway database (a
temporary SQLite file, and ``praxis_bench_<pid>_slots`` on the local PostgreSQL when it answers),
migrates it, loads 100 providers and N appointments over a year, and prints one JSON line.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import log
from .server import create_pg_database, drop_pg_database, pg_reachable, run_worker, server_env

NAME = "slot_search"

APPOINTMENTS = {
    "postgresql": {"small": 50_000, "full": 1_000_000},
    "sqlite": {"small": 20_000, "full": 200_000},
}
REPS = {"small": 40, "full": 50}


def run(size: str) -> list[dict[str, Any]]:
    results = []
    databases = ["sqlite"] + (["postgresql"] if pg_reachable() else [])
    if "postgresql" not in databases:
        log(f"{NAME}: PostgreSQL not reachable; SQLite only")
    for db in databases:
        n = APPOINTMENTS[db][size]
        data_dir = Path(tempfile.mkdtemp(prefix="praxis-bench-slots-"))
        url = ""
        try:
            if db == "postgresql":
                url = create_pg_database("slots")
            log(f"{NAME}: {db}, {n} appointments")
            result = run_worker(
                "bench._slot_search_worker",
                [str(n), str(REPS[size])],
                server_env(data_dir, url),
                data_dir,
            )
            result["size"] = size
            log(
                f"{NAME}: {db}: service {result['median_s']}s, raw_sql "
                f"{result['baseline_median_s']}s, ratio {result['ratio']}"
            )
            results.append(result)
        finally:
            if url:
                drop_pg_database(url)
            shutil.rmtree(data_dir, ignore_errors=True)
    return results
