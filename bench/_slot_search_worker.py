"""Worker of the slot_search benchmark: ``python -m bench._slot_search_worker <n> <reps>``.

Runs in its own process with Django configured from the environment (PRAXIS_DATABASE_URL names a
throwaway database); migrates, loads the fixture, checks that the service and the raw query agree,
times both alternately and prints one JSON line. The busy-interval query's EXPLAIN (PostgreSQL)
goes to stderr.
"""

from __future__ import annotations

import json
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import _fixture as fx

LIMIT = 20
SEARCH_DAYS = 30
DATA_DAYS = 365
STATUS_LIST = ", ".join(f"'{s}'" for s in fx.ACTIVE)

PG_SQL = f"""
WITH days AS (
    SELECT d::date AS day FROM generate_series(%s::date, %s::date, interval '1 day') AS d
), windows AS (
    SELECT (days.day + t.start_time) AT TIME ZONE l.time_zone AS ws,
           (days.day + t.end_time) AT TIME ZONE l.time_zone AS we,
           t.location_id
    FROM days
    JOIN scheduling_availabilitytemplate t ON t.weekday = extract(isodow FROM days.day)::int - 1
    JOIN core_location l ON l.id = t.location_id
    WHERE t.provider_id = %s::int AND l.is_active
      AND t.effective_from <= days.day
      AND (t.effective_to IS NULL OR t.effective_to >= days.day)
      AND (NOT EXISTS (SELECT 1 FROM scheduling_availabilitytemplate_allowed_types x
                       WHERE x.availabilitytemplate_id = t.id)
           OR EXISTS (SELECT 1 FROM scheduling_availabilitytemplate_allowed_types x
                      WHERE x.availabilitytemplate_id = t.id AND x.appointmenttype_id = %s::int))
), candidates AS (
    SELECT s AS start, s + %s::interval AS finish, w.location_id
    FROM windows w, generate_series(w.ws, w.we - %s::interval, %s::interval) AS s
)
SELECT c.start FROM candidates c
WHERE c.start >= %s
  AND NOT EXISTS (
    SELECT 1 FROM scheduling_appointment a
    WHERE a.provider_id = %s::int AND a.status IN ({STATUS_LIST})
      AND a.start >= c.start - interval '720 minutes' AND a.start < c.finish
      AND a."end" > c.start)
  AND NOT EXISTS (
    SELECT 1 FROM scheduling_availabilityexception x
    WHERE x.provider_id = %s::int AND x.kind <> 'extra_session'
      AND (x.location_id IS NULL OR x.location_id = c.location_id)
      AND x.start < c.finish AND x."end" > c.start)
ORDER BY c.start
LIMIT %s
"""

# Days come as a JSON list of [local date, "+N minutes" to UTC]: SQLite has no time zones, so
# the runner supplies each day's offset (a DST change inside the range stays right).
SQLITE_SQL = f"""
WITH RECURSIVE days(day, to_utc) AS (
    SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(%s) AS j
), windows(ws, we, location_id) AS (
    SELECT datetime(days.day || ' ' || t.start_time, days.to_utc),
           datetime(days.day || ' ' || t.end_time, days.to_utc),
           t.location_id
    FROM days
    JOIN scheduling_availabilitytemplate t
      ON t.weekday = (CAST(strftime('%%w', days.day) AS INTEGER) + 6) %% 7
    JOIN core_location l ON l.id = t.location_id
    WHERE t.provider_id = %s AND l.is_active
      AND t.effective_from <= days.day
      AND (t.effective_to IS NULL OR t.effective_to >= days.day)
      AND (NOT EXISTS (SELECT 1 FROM scheduling_availabilitytemplate_allowed_types x
                       WHERE x.availabilitytemplate_id = t.id)
           OR EXISTS (SELECT 1 FROM scheduling_availabilitytemplate_allowed_types x
                      WHERE x.availabilitytemplate_id = t.id AND x.appointmenttype_id = %s))
), candidates(start, finish, we, location_id) AS (
    SELECT ws, datetime(ws, %s), we, location_id FROM windows WHERE datetime(ws, %s) <= we
    UNION ALL
    SELECT datetime(start, %s), datetime(finish, %s), we, location_id FROM candidates
    WHERE datetime(finish, %s) <= we
)
SELECT c.start FROM candidates c
WHERE c.start >= %s
  AND NOT EXISTS (
    SELECT 1 FROM scheduling_appointment a
    WHERE a.provider_id = %s AND a.status IN ({STATUS_LIST})
      AND a.start >= datetime(c.start, '-720 minutes') AND a.start < c.finish
      AND a."end" > c.start)
  AND NOT EXISTS (
    SELECT 1 FROM scheduling_availabilityexception x
    WHERE x.provider_id = %s AND x.kind <> 'extra_session'
      AND (x.location_id IS NULL OR x.location_id = c.location_id)
      AND x.start < c.finish AND x."end" > c.start)
ORDER BY c.start
LIMIT %s
"""


def raw_sql(
    vendor: str,
    *,
    provider: int,
    type_id: int,
    first: date,
    last: date,
    not_before: datetime,
    tz: ZoneInfo,
) -> list[datetime]:
    from django.db import connection

    duration = timedelta(minutes=fx.DURATION_MIN)
    step = duration  # the grid step of a 30-minute type (availability.grid_step)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                PG_SQL,
                (
                    first,
                    last,
                    provider,
                    type_id,
                    duration,
                    duration,
                    step,
                    not_before,
                    provider,
                    provider,
                    LIMIT,
                ),
            )
            return [row[0] for row in cursor.fetchall()]
        days = []
        day = first
        while day <= last:
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
            offset = noon.utcoffset() or timedelta()
            days.append([day.isoformat(), f"{-int(offset.total_seconds() // 60):+d} minutes"])
            day += timedelta(days=1)
        dur = f"+{fx.DURATION_MIN} minutes"
        st = f"+{fx.DURATION_MIN} minutes"
        cursor.execute(
            SQLITE_SQL,
            (
                json.dumps(days),
                provider,
                type_id,
                dur,
                dur,
                st,
                st,
                st,
                fx._sqlite_dt(not_before),
                provider,
                provider,
                LIMIT,
            ),
        )
        return [datetime.fromisoformat(row[0]).replace(tzinfo=UTC) for row in cursor.fetchall()]


def explain_busy_query(call: Any) -> str:
    """EXPLAIN (ANALYZE) of the service's busy-interval read, with the parameters it sent."""
    from django.db import connection

    captured: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "scheduling_appointment" in sql and '"end" >' in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        call()
    if not captured:
        return "(busy-interval query not seen)"
    sql, params = captured[0]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"{sql}\n  params: {params!r}\n{plan}"


def main(argv: list[str]) -> int:
    n, reps = int(argv[0]), int(argv[1])
    fx.django_setup()
    from django.db import connection

    from praxis.scheduling import slots
    from praxis.scheduling.models import AppointmentType, Provider

    def say(msg: str) -> None:
        print(f"  [slot_search {connection.vendor}] {msg}", file=sys.stderr, flush=True)

    t0 = clock.perf_counter()
    fx.migrate()
    ids = fx.build_practice(100)
    tz = ZoneInfo(fx.TZ)
    today = datetime.now(tz).date()
    rows = fx.appointment_rows(n, ids, first_day=today - timedelta(days=182), days=DATA_DAYS)
    t1 = clock.perf_counter()
    fx.insert_appointments(rows)
    say(
        f"migrated + fixture in {t1 - t0:.1f}s; {len(rows)} appointments loaded in "
        f"{clock.perf_counter() - t1:.1f}s"
    )
    del rows

    vendor = connection.vendor
    visit = AppointmentType.objects.select_related("practice").get(pk=ids["type"])
    provider = Provider.objects.get(pk=ids["providers"][len(ids["providers"]) // 2])
    first = today + timedelta(days=1)
    last = first + timedelta(days=SEARCH_DAYS - 1)
    now = datetime.now(UTC)
    not_before = now + slots.min_notice()

    def service() -> list[datetime]:
        found = slots.slot_search(
            appointment_type=visit,
            providers=[provider],
            start_date=first,
            end_date=last,
            limit=LIMIT,
            now=now,
        )
        return [s.start for s in found]

    def baseline() -> list[datetime]:
        return raw_sql(
            vendor,
            provider=provider.pk,
            type_id=visit.pk,
            first=first,
            last=last,
            not_before=not_before,
            tz=tz,
        )

    got, want = service(), baseline()
    assert len(want) == LIMIT, f"raw_sql found {len(want)} slots, expected {LIMIT}"
    assert got == want, f"service and raw_sql disagree:\n{got}\n{want}"

    plan = explain_busy_query(service) if vendor == "postgresql" else ""
    if plan:
        say("EXPLAIN of the service's busy-interval query:\n" + plan)

    for _ in range(3):  # warm-up: caches, plans, connection
        service()
        baseline()
    times: dict[str, list[float]] = {"service": [], "baseline": []}
    for i in range(reps):
        order = (("service", service), ("baseline", baseline))
        for name, fn in order if i % 2 == 0 else order[::-1]:
            t = clock.perf_counter()
            fn()
            times[name].append(clock.perf_counter() - t)
    med, base = statistics.median(times["service"]), statistics.median(times["baseline"])
    print(
        json.dumps(
            {
                "n": n,
                "db": vendor,
                "median_s": round(med, 6),
                "baseline": "raw_sql",
                "baseline_median_s": round(base, 6),
                "ratio": round(med / base, 2) if base else None,
                "reps": reps,
                "slots": LIMIT,
                "search_days": SEARCH_DAYS,
                "providers": len(ids["providers"]),
                "first_slot": want[0].isoformat(),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
