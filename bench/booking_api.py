"""booking_api: throughput of non-conflicting bookings through
``POST /api/v1/scheduling/appointments`` (Bearer token) from 8 concurrent clients against gunicorn
(2 workers x 4 threads), against ``raw``: the same number of plain appointment INSERTs from 8
threads with psycopg (PostgreSQL) or sqlite3, one transaction each, measured in the same run.

Each client books its own provider's consecutive 30-minute slots (weekdays 08:00-17:00 local,
from next week on), so no booking conflicts with another. Afterwards the number of appointments
of those providers must equal the number of 201 answers, with no 5xx.
"""

from __future__ import annotations

import http.client
import json
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import log, median, seconds
from .server import (
    HOST,
    create_pg_database,
    drop_pg_database,
    free_port,
    log_tail,
    pg_reachable,
    run_worker,
    server_env,
    start_gunicorn,
    stop,
    wait_healthy,
)

NAME = "booking_api"

CLIENTS = 8
DURATION_S = {"small": 3.0, "full": 10.0}
TZ = ZoneInfo("America/New_York")
PATH = "/api/v1/scheduling/appointments"


def _slots(offset_days: int = 7) -> Iterator[datetime]:
    """Consecutive 30-minute starts inside Mon-Fri 08:00-17:00 local, from a week ahead."""
    day = datetime.now(TZ).date() + timedelta(days=offset_days)
    while True:
        if day.weekday() < 5:
            for k in range(18):
                local = datetime.combine(day, dtime(8, 0), tzinfo=TZ) + timedelta(minutes=30 * k)
                yield local.astimezone(UTC)
        day += timedelta(days=1)


def run(size: str) -> list[dict[str, Any]]:
    results = []
    databases = ["sqlite"] + (["postgresql"] if pg_reachable() else [])
    for db in databases:
        data_dir = Path(tempfile.mkdtemp(prefix="praxis-bench-booking-"))
        url = ""
        try:
            if db == "postgresql":
                url = create_pg_database("booking")
            results.append(_run_one(db, url, data_dir, DURATION_S[size], size))
        finally:
            if url:
                drop_pg_database(url)
            shutil.rmtree(data_dir, ignore_errors=True)
    return results


def _run_one(db: str, url: str, data_dir: Path, duration: float, size: str) -> dict[str, Any]:
    env = server_env(data_dir, url)
    bin_dir = Path(sys.executable).parent
    log(f"{NAME}: {db}: migrate + fixture")
    ids = run_worker("bench._booking_api_worker", ["setup", str(2 * CLIENTS)], env, data_dir)
    api_providers = ids["providers"][:CLIENTS]
    raw_providers = ids["providers"][CLIENTS:]
    server_log = data_dir / "gunicorn.log"
    port = free_port()
    server = start_gunicorn(bin_dir, env, data_dir, port, server_log, tag=NAME)
    try:
        wait_healthy(server, port, server_log)
        api = _api_load(port, ids, api_providers, duration)
    finally:
        stop(server, tag=NAME)
    created = api["statuses"].get("201", 0)
    count = run_worker(
        "bench._booking_api_worker", ["count", ",".join(map(str, api_providers))], env, data_dir
    )["count"]
    server_errors = sum(v for k, v in api["statuses"].items() if k.startswith("5"))
    if count != created or server_errors or api["failures"]:
        log_tail(server_log)
        raise RuntimeError(
            f"{NAME}: {db}: {created} answers 201 but {count} appointments; "
            f"statuses {dict(api['statuses'])}, failures {api['failures']}"
        )
    raw_elapsed = _raw_inserts(db, url, data_dir, ids, raw_providers, created)
    rps = created / api["elapsed_s"]
    raw_rps = created / raw_elapsed
    log(f"{NAME}: {db}: api {created} bookings, {rps:.0f}/s; raw {raw_rps:.0f}/s")
    return {
        "n": created,
        "db": db,
        "median_s": seconds(median(api["latencies"])),
        "rps": round(rps, 1),
        "baseline": "raw",
        "baseline_rps": round(raw_rps, 1),
        "ratio": round(rps / raw_rps, 3),
        "statuses": dict(api["statuses"]),
        "clients": CLIENTS,
        "duration_s": duration,
        "server": "gunicorn --workers 2 --threads 4",
        "size": size,
    }


def _api_load(port: int, ids: dict[str, Any], providers: list[int], duration: float) -> dict:
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    ready = threading.Barrier(CLIENTS + 1)
    clock: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {ids['token']}", "Content-Type": "application/json"}

    def client(i: int) -> None:
        mine: list[float] = []
        seen: Counter[str] = Counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        slots = _slots()
        try:
            ready.wait()
            while time.perf_counter() < clock["deadline"]:
                body = json.dumps(
                    {
                        "patient": ids["patients"][i % len(ids["patients"])],
                        "provider": providers[i],
                        "location": ids["location"],
                        "type": ids["type"],
                        "start": next(slots).isoformat(),
                    }
                )
                t = time.perf_counter()
                try:
                    conn.request("POST", PATH, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    failures.append(type(exc).__name__)
                    conn.close()
                    continue
                done = time.perf_counter()
                seen[str(response.status)] += 1
                if response.status == 201:
                    mine.append(done - t)
                clock[f"last{i}"] = done
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                statuses.update(seen)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    clock["start"] = time.perf_counter()
    clock["deadline"] = clock["start"] + duration
    ready.wait(timeout=30)
    for thread in threads:
        thread.join()
    last = max((v for k, v in clock.items() if k.startswith("last")), default=clock["deadline"])
    return {
        "latencies": latencies,
        "statuses": statuses,
        "failures": failures,
        "elapsed_s": max(last - clock["start"], 1e-9),
    }


def _raw_inserts(
    db: str, url: str, data_dir: Path, ids: dict[str, Any], providers: list[int], total: int
) -> float:
    """``total`` appointment INSERTs from CLIENTS threads, one connection and one transaction
    each; seconds from the first to the last."""
    per = [total // CLIENTS + (1 if i < total % CLIENTS else 0) for i in range(CLIENTS)]
    ready = threading.Barrier(CLIENTS + 1)
    errors: list[BaseException] = []
    cols = (
        "practice_id, patient_id, provider_id, location_id, appointment_type_id, "
        'start, "end", status, cancel_reason, late_cancel, created_at'
    )

    def worker(i: int) -> None:
        slots = _slots()
        try:
            if db == "postgresql":
                import psycopg

                conn: Any = psycopg.connect(url, autocommit=True)
                sql = (
                    f"INSERT INTO scheduling_appointment ({cols}) VALUES "
                    "(%s::int, %s::int, %s::int, %s::int, %s::int, %s, %s, 'scheduled', '', "
                    "false, now())"
                )
            else:
                conn = sqlite3.connect(
                    data_dir / "praxis.sqlite3", timeout=20, isolation_level=None
                )
                conn.execute("PRAGMA synchronous=NORMAL")
                sql = (
                    f"INSERT INTO scheduling_appointment ({cols}) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, 'scheduled', '', 0, datetime('now'))"
                )
            ready.wait()
            for _ in range(per[i]):
                start = next(slots)
                end = start + timedelta(minutes=30)
                if db == "postgresql":
                    params: tuple[Any, ...] = (start, end)
                else:
                    params = tuple(v.replace(tzinfo=None).isoformat(" ") for v in (start, end))
                row = (
                    ids["practice"],
                    ids["patients"][i % len(ids["patients"])],
                    providers[i],
                    ids["location"],
                    ids["type"],
                    *params,
                )
                if db == "postgresql":
                    conn.execute(sql, row)
                else:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute(sql, row)
                    conn.execute("COMMIT")
            conn.close()
        except BaseException as exc:
            errors.append(exc)
            ready.abort()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=30)
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"raw inserts failed: {errors[0]!r}") from errors[0]
    return elapsed
