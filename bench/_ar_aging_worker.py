"""Worker of the ar_aging benchmark: ``python -m bench._ar_aging_worker <charge lines> <reps>``.

Runs in its own process with Django configured from the environment (PRAXIS_DATABASE_URL names a
throwaway database): migrates, loads the fixture with set-based INSERT ... SELECT statements (no
services, no audit: it is a bench), checks that the selector and the hand-written SQL agree to the
cent, times both alternately and prints one JSON line.

The fixture: the practice of ``bench._fixture`` with 1,000 patients and 20 payers; N charge lines
(two per encounter) over the last 400 days, one open item each; one in ten self-pay (owed by the
patient), four in ten unpaid, four in ten part-paid by the insurance, one in ten paid with a $20
copay left to the patient. Journal lines: one charge line per charge line and, for eight in ten,
one payment or adjustment line (the receivable side only: the aging reads the open items, never
the journal; the lines are there so the database is the size the issue names).
"""

from __future__ import annotations

import json
import statistics
import sys
import time as clock
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import _fixture as fx

PAYERS = 20
PATIENTS = 1000
DAYS = 400

# One row per line i in 0..n-1 (1-based ids follow). k = i % 10 decides who owes what.
_AMOUNT = "(50 + (i % 200))"
_INSURANCE = (
    f"CASE WHEN i % 10 = 0 OR i % 10 = 9 THEN 0 WHEN i % 10 >= 5 THEN {_AMOUNT} / 2.0 "
    f"ELSE {_AMOUNT} END"
)
_PATIENT = f"CASE WHEN i % 10 = 0 THEN {_AMOUNT} WHEN i % 10 = 9 THEN 20 ELSE 0 END"


def _series(vendor: str, n: int) -> str:
    """A row source of ``i`` from 0 to n - 1."""
    if vendor == "postgresql":
        return f"(SELECT generate_series(0, {n - 1}) AS i) s"
    return (
        f"(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {n - 1}) "
        "SELECT i FROM s) s"
    )


def _day(vendor: str, base: date, expr: str) -> str:
    if vendor == "postgresql":
        return f"(DATE '{base.isoformat()}' + ({expr})::int)"
    return f"date('{base.isoformat()}', '+' || ({expr}) || ' days')"


def load(n: int, ids: dict[str, Any], payers: list[int], code: int, today: date) -> None:
    from django.db import connection, transaction

    vendor = connection.vendor
    base = today - timedelta(days=DAYS)
    enc = n // 2
    patients = ids["patients"]
    p0, np_ = patients[0], len(patients)
    pay0 = payers[0]
    provider = ids["providers"][0]
    dos = _day(vendor, base, f"(i * 7) % {DAYS}")
    line_dos = _day(vendor, base, f"((i / 2) * 7) % {DAYS}")
    billed = _day(vendor, base, f"((i / 2) * 7) % {DAYS} + 2")
    payer = f"CASE WHEN i % 10 = 0 THEN NULL ELSE {pay0} + (i % {PAYERS}) END"
    now = "now()" if vendor == "postgresql" else "datetime('now')"
    statements = [
        f"""INSERT INTO billing_encounter (id, practice_id, patient_id, date_of_service,
            rendering_provider_id, billing_provider_id, location_id, place_of_service, status,
            created_at)
            SELECT i + 1, {ids["practice"]}, {p0} + (i % {np_}), {dos}, {provider}, {provider},
            {ids["location"]}, '11', 'ready', {now} FROM {_series(vendor, enc)}""",
        f"""INSERT INTO billing_chargeline (id, encounter_id, line_number, procedure_code_id,
            modifiers, units, diagnosis_pointers, unit_fee, amount, ndc)
            SELECT i + 1, (i / 2) + 1, (i % 2) + 1, {code}, '[]', 1, '[1]', {_AMOUNT},
            {_AMOUNT}, '' FROM {_series(vendor, n)}""",
        f"""INSERT INTO billing_openitem (id, practice_id, charge_line_id, patient_id, payer_id,
            date_of_service, billed_on, patient_balance, insurance_balance)
            SELECT i + 1, {ids["practice"]}, i + 1, {p0} + ((i / 2) % {np_}), {payer},
            {line_dos}, {billed}, {_PATIENT}, {_INSURANCE} FROM {_series(vendor, n)}""",
        f"""INSERT INTO billing_journalentry (id, practice_id, kind, posted_at, effective_date,
            memo) SELECT i + 1, {ids["practice"]}, 'charge', {now}, {_day(vendor, base, "0")},
            'bench' FROM {_series(vendor, n // 1000 + 2)}""",
        f"""INSERT INTO billing_journalline (entry_id, account, amount, patient_id, payer_id,
            charge_line_id) SELECT (i / 1000) + 1,
            CASE WHEN i % 10 = 0 THEN 'ar_patient' ELSE 'ar_insurance' END, {_AMOUNT},
            {p0} + ((i / 2) % {np_}), {payer}, i + 1 FROM {_series(vendor, n)}""",
        f"""INSERT INTO billing_journalline (entry_id, account, amount, patient_id, payer_id,
            charge_line_id) SELECT (i / 1000) + 1, 'ar_insurance', -{_AMOUNT} / 2.0,
            {p0} + ((i / 2) % {np_}), {payer}, i + 1 FROM {_series(vendor, n)}
            WHERE i % 10 >= 2""",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            # Rows made to fit: skip the per-row foreign-key trigger events (millions queued
            # until commit otherwise). The bench's own throwaway database, as its superuser.
            cursor.execute("SET LOCAL session_replication_role = replica")
        for sql in statements:
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if vendor == "postgresql":
            for table in ("billing_encounter", "billing_chargeline", "billing_openitem"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )


def open_items_sql(practice: int, as_of: date) -> list[tuple[Any, ...]]:
    """The hand-written aggregate: insurance balances by payer in the five buckets."""
    from django.db import connection

    cuts = [as_of - timedelta(days=d) for d in (30, 60, 90, 120)]
    sql = """
        SELECT o.payer_id, p.name,
          SUM(CASE WHEN o.date_of_service >= %s THEN o.insurance_balance ELSE 0 END),
          SUM(CASE WHEN o.date_of_service < %s AND o.date_of_service >= %s
              THEN o.insurance_balance ELSE 0 END),
          SUM(CASE WHEN o.date_of_service < %s AND o.date_of_service >= %s
              THEN o.insurance_balance ELSE 0 END),
          SUM(CASE WHEN o.date_of_service < %s AND o.date_of_service >= %s
              THEN o.insurance_balance ELSE 0 END),
          SUM(CASE WHEN o.date_of_service < %s THEN o.insurance_balance ELSE 0 END),
          SUM(o.insurance_balance), COUNT(*)
        FROM billing_openitem o LEFT JOIN patients_payer p ON p.id = o.payer_id
        WHERE o.practice_id = %s AND o.insurance_balance > 0 AND o.date_of_service <= %s
        GROUP BY o.payer_id, p.name ORDER BY p.name, o.payer_id"""
    params = [cuts[0], cuts[0], cuts[1], cuts[1], cuts[2], cuts[2], cuts[3], cuts[3]]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, practice, as_of])
        return list(cursor.fetchall())


def main(argv: list[str]) -> int:
    n, reps = int(argv[0]), int(argv[1])
    fx.django_setup()
    from django.db import connection

    from praxis.billing import aging
    from praxis.billing.models import ProcedureCode
    from praxis.billing.selectors import cents
    from praxis.core.models import Practice
    from praxis.patients.models import Payer

    def say(msg: str) -> None:
        print(f"  [ar_aging {connection.vendor}] {msg}", file=sys.stderr, flush=True)

    t0 = clock.perf_counter()
    fx.migrate()
    ids = fx.build_practice(2, n_patients=PATIENTS)
    practice = Practice.objects.get(pk=ids["practice"])
    payers = [
        p.pk
        for p in Payer.objects.bulk_create(
            Payer(practice=practice, name=f"Payer {k:02d}", edi_payer_id=f"B{k:04d}")
            for k in range(PAYERS)
        )
    ]
    assert payers == list(range(payers[0], payers[0] + PAYERS)), "payer ids are not consecutive"
    code = ProcedureCode.objects.create(
        practice=practice, code="99213", description="Visit", active_from=date(2020, 1, 1)
    )
    today = aging.practice_today(practice)
    t1 = clock.perf_counter()
    load(n, ids, payers, code.pk, today)
    say(f"migrated in {t1 - t0:.1f}s; {n} charge lines loaded in {clock.perf_counter() - t1:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # DESIGN.md: faster on 2-core boxes, for both sides
            cursor.execute("SET jit = off")
            cursor.execute("SET max_parallel_workers_per_gather = 0")

    filters = aging.AgingFilters.of(practice=practice, by="payer", as_of=today)

    def service() -> list[aging.AgingRow]:
        return aging.aging_rows(filters)

    def baseline() -> list[tuple[Any, ...]]:
        return open_items_sql(practice.pk, today)

    def money(value: Any) -> Decimal:  # SQLite's driver sums decimals as floats
        return cents(Decimal(str(value)))

    got, want = service(), baseline()
    assert [(r.group, r.total, r.lines) for r in got] == [
        (row[0] or 0, money(row[7]), row[8]) for row in want
    ], "the selector and open_items_sql disagree"
    assert [[a for _, a in r.cells] for r in got] == [
        [money(x) for x in row[2:7]] for row in want
    ], "the buckets disagree"
    for _ in range(2):  # warm-up: caches, plans
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
                "db": connection.vendor,
                "median_s": round(med, 6),
                "baseline": "open_items_sql",
                "baseline_median_s": round(base, 6),
                "ratio": round(med / base, 2) if base else None,
                "reps": reps,
                "payment_lines": n * 8 // 10,
                "payers": PAYERS,
                "total": str(sum((r.total for r in got), cents(None))),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
