"""audit_append: what the audit trail costs a busy practice, on PostgreSQL.

16 writer clients change patients through ``PATCH /api/v1/patients/<id>`` (Bearer token; each
change is audited) while 32 reader clients open patient pages (``GET /patients/<id>/``, a signed-in
session each; every page view is an audited PHI read), all at once, closed loop, against gunicorn.
The same load runs against a second gunicorn on the same database with auditing switched off
(``PRAXIS_AUDIT_DISABLED``, a switch settings refuse in production), in alternating rounds of the
same run, so a busy neighbour on the machine weighs on both alike. ``ratio`` is the patient
page's p95 latency audited over unaudited: what the audit trail adds to a PHI page under load.

PostgreSQL only: SQLite serializes every writing transaction anyway (``BEGIN IMMEDIATE``), so how
audit events are appended cannot change who waits there. Skipped when PostgreSQL is unreachable.
Afterwards the trail must verify (``praxis audit verify``'s walk) and the unaudited rounds must
have written no event, or the benchmark fails.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import log, median, percentile, seconds
from .server import (
    HOST,
    create_pg_database,
    drop_pg_database,
    finish_worker,
    free_port,
    log_tail,
    pg_reachable,
    run_worker,
    server_env,
    start_gunicorn,
    start_worker,
    stop,
    wait_healthy,
)

NAME = "audit_append"

WRITERS = 16
READERS = 32
DURATION_S = {"small": 4.5, "full": 20.0}  # timed load per mode (audited, unaudited)
ROUNDS = {"small": 3, "full": 5}
WARMUP_S = 0.5
GUNICORN = {"workers": 2, "threads": 8}
MODES = ("audited", "unaudited")


@dataclass
class Traffic:
    """What one kind of client (writers or readers) saw in one mode."""

    latencies: list[float] = field(default_factory=list)  # 200 responses only
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, other: Traffic) -> None:
        self.latencies.extend(other.latencies)
        self.requests += other.requests
        self.errors.update(other.errors)


@dataclass
class Mode:
    writes: Traffic = field(default_factory=Traffic)
    reads: Traffic = field(default_factory=Traffic)
    events: int = 0
    elapsed_s: float = 0.0


def run(size: str) -> list[dict[str, Any]]:
    if not pg_reachable():
        log(f"{NAME}: PostgreSQL is not reachable; skipped")
        return []
    data_dir = Path(tempfile.mkdtemp(prefix="praxis-bench-audit-"))
    url = ""
    try:
        url = create_pg_database("audit")
        return [_run(url, data_dir, size)]
    finally:
        if url:
            drop_pg_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)


def _run(url: str, data_dir: Path, size: str) -> dict[str, Any]:
    duration, rounds = DURATION_S[size], ROUNDS[size]
    env = server_env(data_dir, url)
    bin_dir = Path(sys.executable).parent
    log(f"{NAME}: migrate + fixture")
    ids = run_worker(
        "bench._audit_append_worker", ["setup", str(WRITERS), str(READERS)], env, data_dir
    )
    envs = {"audited": env, "unaudited": {**env, "PRAXIS_AUDIT_DISABLED": "true"}}
    servers: dict[str, tuple[subprocess.Popen[bytes], int, Path]] = {}
    measured = {mode: Mode() for mode in MODES}
    try:
        for mode in MODES:
            port, server_log = free_port(), data_dir / f"gunicorn-{mode}.log"
            servers[mode] = (
                start_gunicorn(
                    bin_dir,
                    envs[mode],
                    data_dir,
                    port,
                    server_log,
                    tag=f"{NAME} {mode}",
                    **GUNICORN,
                ),
                port,
                server_log,
            )
        for mode in MODES:
            wait_healthy(*servers[mode][:2], servers[mode][2])
            log(f"{NAME}: warm-up {mode} {WARMUP_S:g}s")
            _load(servers[mode][1], ids, WARMUP_S)
        log(
            f"{NAME}: {rounds} rounds of {duration / rounds:g}s per mode, "
            f"{WRITERS} writers + {READERS} readers"
        )
        # The worker's sealer runs all along, as in production (the unaudited rounds give it
        # nothing to seal).
        stop_sealer = data_dir / "stop-sealer"
        sealer = start_worker(
            "bench._audit_append_worker", ["sealer", str(stop_sealer)], env, data_dir
        )
        try:
            for round_no in range(rounds):
                for mode in MODES if round_no % 2 == 0 else MODES[::-1]:
                    before = _event_count(url)
                    one = _load(servers[mode][1], ids, duration / rounds)
                    measured[mode].events += _event_count(url) - before
                    measured[mode].writes.add(one["writes"])
                    measured[mode].reads.add(one["reads"])
                    measured[mode].elapsed_s += one["elapsed_s"]
        finally:
            stop_sealer.touch()
            sealing = finish_worker(sealer)
    finally:
        for mode, (server, _, _) in servers.items():
            stop(server, tag=f"{NAME} {mode}")
    _check(measured, servers, env, data_dir)
    return {
        **_result(measured, size, duration, rounds),
        **{f"sealer_{k}": v for k, v in sealing.items()},
    }


def _check(
    measured: dict[str, Mode],
    servers: dict[str, tuple[subprocess.Popen[bytes], int, Path]],
    env: dict[str, str],
    data_dir: Path,
) -> None:
    failures = [
        f"{mode} {kind}: {dict(traffic.errors)}"
        for mode, m in measured.items()
        for kind, traffic in (("writes", m.writes), ("reads", m.reads))
        if traffic.errors
    ]
    if measured["unaudited"].events:
        failures.append(f"the unaudited rounds wrote {measured['unaudited'].events} events")
    check = run_worker("bench._audit_append_worker", ["check"], env, data_dir)
    if not check["ok"]:
        failures.append(f"the audit trail does not verify: {check['problem']}")
    if failures:
        for _, _, server_log in servers.values():
            log_tail(server_log)
        raise RuntimeError(f"{NAME}: " + "; ".join(failures))


def _result(measured: dict[str, Mode], size: str, duration: float, rounds: int) -> dict[str, Any]:
    audited, unaudited = measured["audited"], measured["unaudited"]
    page_p95 = percentile(audited.reads.latencies, 95)
    base_p95 = percentile(unaudited.reads.latencies, 95)

    def per_s(count: int, mode: Mode) -> float:
        return round(count / mode.elapsed_s, 1) if mode.elapsed_s else 0.0

    result = {
        "db": "postgresql",
        "events_per_s": per_s(audited.events, audited),
        "page_p95_s": seconds(page_p95),
        "baseline": "unaudited",
        "baseline_page_p95_s": seconds(base_p95),
        "ratio": round(page_p95 / base_p95, 3) if base_p95 else None,
        "page_median_s": seconds(median(audited.reads.latencies)),
        "baseline_page_median_s": seconds(median(unaudited.reads.latencies)),
        "reads_per_s": per_s(audited.reads.requests, audited),
        "baseline_reads_per_s": per_s(unaudited.reads.requests, unaudited),
        "write_p95_s": seconds(percentile(audited.writes.latencies, 95)),
        "baseline_write_p95_s": seconds(percentile(unaudited.writes.latencies, 95)),
        "writes_per_s": per_s(audited.writes.requests, audited),
        "baseline_writes_per_s": per_s(unaudited.writes.requests, unaudited),
        "events": audited.events,
        "writers": WRITERS,
        "readers": READERS,
        "duration_s": duration,
        "rounds": rounds,
        "server": f"gunicorn --workers {GUNICORN['workers']} --threads {GUNICORN['threads']}",
        "size": size,
    }
    log(
        f"{NAME}: {result['events_per_s']} events/s; page p95 {result['page_p95_s']}s audited, "
        f"{result['baseline_page_p95_s']}s unaudited (ratio {result['ratio']})"
    )
    return result


def _event_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM core_auditevent").fetchone()
    return int(row[0]) if row else 0


def _load(port: int, ids: dict[str, Any], duration: float) -> dict[str, Any]:
    """WRITERS + READERS closed-loop clients on keep-alive connections for ``duration``."""
    lock = threading.Lock()
    writes, reads = Traffic(), Traffic()
    ready = threading.Barrier(WRITERS + READERS + 1)
    clock: dict[str, float] = {}
    token = {"Authorization": f"Bearer {ids['token']}", "Content-Type": "application/json"}
    patients = ids["patients"]

    def writer(i: int) -> tuple[str, str, dict[str, str], Any]:
        body = json.dumps({"preferred_name": f"W{i}-{time.perf_counter_ns() % 1_000_000}"})
        return "PATCH", f"/api/v1/patients/{patients[i]}", token, body

    def reader(i: int) -> tuple[str, str, dict[str, str], Any]:
        cookie = {"Cookie": f"praxis_session={ids['sessions'][i]}"}
        return "GET", f"/patients/{patients[WRITERS + i]}/", cookie, None

    def client(i: int, make: Any, into: Traffic) -> None:
        seen = Traffic()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            ready.wait()
            while time.perf_counter() < clock["deadline"]:
                method, path, headers, body = make(i)
                started = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    seen.requests += 1
                    seen.errors[type(exc).__name__] += 1
                    conn.close()
                    continue
                done = time.perf_counter()
                seen.requests += 1
                if response.status == 200:
                    seen.latencies.append(done - started)
                else:
                    seen.errors[str(response.status)] += 1
                with lock:
                    clock["last"] = max(clock.get("last", 0.0), done)
        finally:
            conn.close()
            with lock:
                into.add(seen)

    threads = [
        threading.Thread(target=client, args=(i, writer, writes), daemon=True)
        for i in range(WRITERS)
    ] + [
        threading.Thread(target=client, args=(i, reader, reads), daemon=True)
        for i in range(READERS)
    ]
    for thread in threads:
        thread.start()
    clock["start"] = time.perf_counter()
    clock["deadline"] = clock["start"] + duration
    ready.wait(timeout=60)
    for thread in threads:
        thread.join()
    elapsed = max(clock.get("last", clock["deadline"]) - clock["start"], 1e-9)
    return {"writes": writes, "reads": reads, "elapsed_s": elapsed}
