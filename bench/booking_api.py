"""booking_api: throughput of non-conflicting bookings through
``POST /api/v1/scheduling/appointments`` (Bearer token) from 8 concurrent clients against gunicorn
(2 workers x 4 threads), against two baselines measured in the same run, each from 8 threads
with psycopg (PostgreSQL) or sqlite3, one connection per thread and one transaction per row:

- ``raw_booking`` (the ``baseline`` and ``ratio``): the database work that DESIGN.md's rules make
  every booking do, written by hand - PostgreSQL: the provider's advisory lock, the overlap read
  (active statuses, ``start`` bounded below by the longest visit, as the service's selector),
  the appointment INSERT, its history row and the audit event's INSERT (no lock and no read:
  the worker's sealer chains events later, docs/adr/0003); SQLite: the same inside
  ``BEGIN IMMEDIATE``.
- ``raw_insert`` (``raw_insert_rps``, ``raw_insert_ratio``): one plain appointment INSERT per
  transaction - the only baseline before; kept so results compare with earlier runs.

- ``api_floor`` (``api_floor_rps``, ``api_floor_ratio``, ``floor_over_raw_booking``): the same
  clients and token sending ``GET /api/v1/me`` - authentication and the permission read that
  every API call pays, no booking work - in a round after each booking round. It says how much
  of the gap to ``raw_booking`` is the web stack rather than the booking (docs/adr/0002).

Why two: a single INSERT is not the floor of a booking. No double booking (a lock and an
overlap check before the insert), record history and the audit trail are rules of the system,
not costs the API adds. Measured against bare INSERTs, the API could not reach the target even
if Praxis did nothing but authenticate: on the 2-core dev box ``GET /api/v1/me`` (token and
permission read only) answered 420/s (SQLite) and 309/s (PostgreSQL) against 2,000-5,000 raw
INSERTs/s. Both
baselines set the PRAGMAs the application's SQLite connections use (WAL, synchronous=NORMAL,
foreign_keys=ON); on PostgreSQL both run at the server's default isolation (read committed),
as Django does.

The timed load is split into rounds (3 x 1 s small, 5 x 2 s full); after each API round both
baselines write as many rows as that round booked, so a busy neighbour on the machine weighs on
the API and its baselines alike. Each client books its own provider's consecutive 30-minute
slots (weekdays 08:00-17:00 local, from next week on), so no booking conflicts with another;
each baseline writes the same number of rows for 8 other providers of its own. Afterwards the
number of appointments of the API's providers must equal the number of 201 answers, with no 5xx.
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
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
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
# The timed load is split into rounds that alternate API, raw_insert and raw_booking, so a busy
# neighbour on the machine slows the API and its baselines alike.
ROUNDS = {"small": 3, "full": 5}
TZ = ZoneInfo("America/New_York")
PATH = "/api/v1/scheduling/appointments"
FLOOR_PATH = "/api/v1/me"


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
            results.append(_run_one(db, url, data_dir, size))
        finally:
            if url:
                drop_pg_database(url)
            shutil.rmtree(data_dir, ignore_errors=True)
    return results


def _run_one(db: str, url: str, data_dir: Path, size: str) -> dict[str, Any]:
    duration, rounds = DURATION_S[size], ROUNDS[size]
    env = server_env(data_dir, url)
    bin_dir = Path(sys.executable).parent
    log(f"{NAME}: {db}: migrate + fixture")
    ids = run_worker("bench._booking_api_worker", ["setup", str(3 * CLIENTS)], env, data_dir)
    api_providers = ids["providers"][:CLIENTS]
    insert_providers = ids["providers"][CLIENTS : 2 * CLIENTS]
    booking_providers = ids["providers"][2 * CLIENTS :]
    server_log = data_dir / "gunicorn.log"
    port = free_port()
    # Each client and baseline thread walks its own provider's slots across all rounds.
    api_slots, insert_slots, booking_slots = ([_slots() for _ in range(CLIENTS)] for _ in "abc")
    book_next = _booking_request(ids, api_providers, api_slots)
    api: dict[str, Any] = {"latencies": [], "statuses": Counter(), "failures": []}
    elapsed = {"api": 0.0, "insert": 0.0, "booking": 0.0}
    floor = {"answers": 0, "elapsed": 0.0, "bad": Counter()}
    server = start_gunicorn(bin_dir, env, data_dir, port, server_log, tag=NAME)
    try:
        wait_healthy(server, port, server_log)
        for _ in range(rounds):
            one = _api_load(port, ids["token"], duration / rounds, book_next, ok=201)
            for key in ("latencies", "statuses", "failures"):
                api[key] += one[key]
            elapsed["api"] += one["elapsed_s"]
            bare = _api_load(port, ids["token"], duration / rounds, _floor_request, ok=200)
            floor["answers"] += len(bare["latencies"])
            floor["elapsed"] += bare["elapsed_s"]
            floor["bad"].update({k: v for k, v in bare["statuses"].items() if k != "200"})
            n = one["statuses"].get("201", 0)
            if n:
                elapsed["insert"] += _raw(
                    db, url, data_dir, ids, insert_providers, n, insert_slots, booking=False
                )
                elapsed["booking"] += _raw(
                    db, url, data_dir, ids, booking_providers, n, booking_slots, booking=True
                )
    finally:
        stop(server, tag=NAME)
    created = api["statuses"].get("201", 0)
    count = run_worker(
        "bench._booking_api_worker", ["count", ",".join(map(str, api_providers))], env, data_dir
    )["count"]
    server_errors = sum(v for k, v in api["statuses"].items() if k.startswith("5"))
    if count != created or server_errors or api["failures"] or floor["bad"]:
        log_tail(server_log)
        raise RuntimeError(
            f"{NAME}: {db}: {created} answers 201 but {count} appointments; "
            f"statuses {dict(api['statuses'])}, failures {api['failures']}, "
            f"floor answers not 200: {dict(floor['bad'])}"
        )
    rps = created / elapsed["api"]
    insert_rps = created / elapsed["insert"]
    booking_rps = created / elapsed["booking"]
    floor_rps = floor["answers"] / floor["elapsed"]
    log(
        f"{NAME}: {db}: api {created} bookings, {rps:.0f}/s; raw_booking {booking_rps:.0f}/s; "
        f"raw_insert {insert_rps:.0f}/s; floor (GET /me) {floor_rps:.0f}/s"
    )
    return {
        "n": created,
        "db": db,
        "median_s": seconds(median(api["latencies"])),
        "rps": round(rps, 1),
        "baseline": "raw_booking",
        "baseline_rps": round(booking_rps, 1),
        "ratio": round(rps / booking_rps, 3),
        "raw_insert_rps": round(insert_rps, 1),
        "raw_insert_ratio": round(rps / insert_rps, 3),
        "api_floor_rps": round(floor_rps, 1),
        "api_floor_ratio": round(rps / floor_rps, 3),
        "floor_over_raw_booking": round(floor_rps / booking_rps, 3),
        "statuses": dict(api["statuses"]),
        "clients": CLIENTS,
        "duration_s": duration,
        "rounds": rounds,
        "server": "gunicorn --workers 2 --threads 4",
        "size": size,
    }


def _booking_request(
    ids: dict[str, Any], providers: list[int], slot_iters: list[Iterator[datetime]]
) -> Callable[[int], tuple[str, str, str | None]]:
    """Client ``i``'s next booking: its own provider's next slot."""

    def request(i: int) -> tuple[str, str, str | None]:
        body = {
            "patient": ids["patients"][i % len(ids["patients"])],
            "provider": providers[i],
            "location": ids["location"],
            "type": ids["type"],
            "start": next(slot_iters[i]).isoformat(),
            # each client books its patient slot after slot: meant, not a slip
            "allow_duplicate": True,
        }
        return "POST", PATH, json.dumps(body)

    return request


def _floor_request(i: int) -> tuple[str, str, str | None]:
    """The floor: the same token's ``GET /api/v1/me`` (authentication and the permission read
    every API call pays, no booking work at all)."""
    return "GET", FLOOR_PATH, None


def _api_load(
    port: int,
    token: str,
    duration: float,
    request_for: Callable[[int], tuple[str, str, str | None]],
    ok: int,
) -> dict[str, Any]:
    """CLIENTS keep-alive clients sending ``request_for(i)`` until the deadline; latencies of
    the answers with status ``ok``."""
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    ready = threading.Barrier(CLIENTS + 1)
    clock: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(i: int) -> None:
        mine: list[float] = []
        seen: Counter[str] = Counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            ready.wait()
            while time.perf_counter() < clock["deadline"]:
                method, path, body = request_for(i)
                t = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    failures.append(type(exc).__name__)
                    conn.close()
                    continue
                done = time.perf_counter()
                seen[str(response.status)] += 1
                if response.status == ok:
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


def _raw(
    db: str,
    url: str,
    data_dir: Path,
    ids: dict[str, Any],
    providers: list[int],
    total: int,
    slot_iters: list[Iterator[datetime]],
    *,
    booking: bool,
) -> float:
    """``total`` rows from CLIENTS threads, one connection each and one transaction per row:
    a plain appointment INSERT, or (``booking``) the database work of one booking (see the
    module docstring). Seconds from the first to the last."""
    per = [total // CLIENTS + (1 if i < total % CLIENTS else 0) for i in range(CLIENTS)]
    ready = threading.Barrier(CLIENTS + 1)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            conn = _RawConnection(db, url, data_dir, ids)
            ready.wait()
            for _ in range(per[i]):
                start = next(slot_iters[i])
                end = start + timedelta(minutes=30)
                patient = ids["patients"][i % len(ids["patients"])]
                if booking:
                    conn.book(providers[i], patient, start, end)
                else:
                    conn.insert(providers[i], patient, start, end)
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
        raise RuntimeError(f"raw {'bookings' if booking else 'inserts'} failed: {errors[0]!r}")
    return elapsed


_APPOINTMENT_COLS = (
    "practice_id, patient_id, provider_id, location_id, appointment_type_id, "
    'start, "end", status, cancel_reason, late_cancel, created_at'
)
_HISTORY_COLS = (
    'id, start, "end", status, cancel_reason, late_cancel, created_at, history_date, '
    "history_type, history_user_id, practice_id, patient_id, provider_id, location_id, "
    "appointment_type_id, booked_by_id"
)
_AUDIT_COLS = (
    "occurred_at, actor_id, actor_email, action, object_type, object_id, patient_id, ip, "
    "request_id, details"
)


class _RawConnection:
    """One baseline thread's connection and statements (PostgreSQL ids bound ``::int``)."""

    def __init__(self, db: str, url: str, data_dir: Path, ids: dict[str, Any]) -> None:
        self.pg = db == "postgresql"
        self.ids = ids
        self.active = list(ids["active_statuses"])
        self.longest = timedelta(minutes=ids["max_appointment_minutes"])
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(url, autocommit=True)
            self.p = "%s"
        else:
            self.conn = sqlite3.connect(
                data_dir / "praxis.sqlite3", timeout=20, isolation_level=None
            )
            # The PRAGMAs of the application's connections (config/env.py); WAL is persistent.
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.p = "?"

    def _ts(self, value: datetime) -> Any:
        return value if self.pg else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def _int(self) -> str:
        return "%s::int" if self.pg else "?"

    def _values(self, n_ints: int, rest: int) -> str:
        return ", ".join([self._int()] * n_ints + [self.p] * rest)

    def _appointment(self, provider: int, patient: int, start: datetime, end: datetime) -> tuple:
        ids = self.ids
        row = (ids["practice"], patient, provider, ids["location"], ids["type"])
        return (*row, self._ts(start), self._ts(end), "scheduled", "", False, self._ts(_now()))

    def insert(self, provider: int, patient: int, start: datetime, end: datetime) -> None:
        sql = (
            f"INSERT INTO scheduling_appointment ({_APPOINTMENT_COLS}) "
            f"VALUES ({self._values(5, 6)})"
        )
        row = self._appointment(provider, patient, start, end)
        if self.pg:
            self.conn.execute(sql, row)
        else:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(sql, row)
            self.conn.execute("COMMIT")

    def book(self, provider: int, patient: int, start: datetime, end: datetime) -> None:
        c, p, ids = self.conn, self.p, self.ids
        statuses = ", ".join([p] * len(self.active))
        if self.pg:
            c.execute("BEGIN")
            c.execute(
                "SELECT pg_advisory_xact_lock(%s::int, %s::int)", (ids["lock_provider"], provider)
            )
        else:
            c.execute("BEGIN IMMEDIATE")
        busy = c.execute(
            'SELECT provider_id, start, "end" FROM scheduling_appointment '
            f"WHERE provider_id = {self._int()} AND status IN ({statuses}) "
            f'AND start >= {p} AND start < {p} AND "end" > {p}',
            (
                provider,
                *self.active,
                self._ts(start - self.longest),
                self._ts(end),
                self._ts(start),
            ),
        ).fetchall()
        if busy:
            raise RuntimeError(f"raw_booking: provider {provider} is busy at {start}")
        row = self._appointment(provider, patient, start, end)
        pk = c.execute(
            f"INSERT INTO scheduling_appointment ({_APPOINTMENT_COLS}) "
            f"VALUES ({self._values(5, 6)}) RETURNING id",
            row,
        ).fetchone()[0]
        now = self._ts(_now())
        c.execute(
            f"INSERT INTO scheduling_historicalappointment ({_HISTORY_COLS}) "
            f"VALUES ({self._values(1, 8)}, {self._values(7, 0)})",
            (pk, *row[5:], now, "+", ids["manager"], *row[:5], ids["manager"]),
        )
        # The audit event is one plain INSERT: writers take no lock and read nothing for the
        # trail (the worker's sealer chains it later, outside the booking).
        details = json.dumps(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "provider": provider,
                "location": ids["location"],
                "type": ids["type"],
                "resources": [],
            }
        )
        c.execute(
            f"INSERT INTO core_auditevent ({_AUDIT_COLS}) "
            f"VALUES ({p}, {self._int()}, {', '.join([p] * 7)}, {'%s::jsonb' if self.pg else p})",
            (
                now,
                ids["manager"],
                "bench.manager@bench.example",
                "praxis.scheduling.appointment.booked",
                "scheduling.appointment",
                str(pk),
                str(patient),
                "127.0.0.1",
                uuid.uuid4().hex,
                details,
            ),
        )
        c.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _now() -> datetime:
    return datetime.now(UTC)
