"""Django-side set-up shared by the benchmark workers (``bench._slot_search_worker``,
``bench._booking_api_worker``). Import only in a worker process: :func:`django_setup` configures
Django from the environment (PRAXIS_PROFILE, PRAXIS_DATA_DIR, PRAXIS_DATABASE_URL) that the
runner gave it.

The fixture: one practice (America/New_York) with one location, one 30-minute visit type with no
rooms or equipment, ``n_providers`` providers who all offer it with weekly hours Mon-Fri
08:00-17:00 local, a handful of patients, and a Practice Manager who may use the API. Rows are
bulk-written (no audit events, no history): this is test data, not bookings.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

TZ = "America/New_York"
DURATION_MIN = 30
WORK_START, WORK_END = time(8, 0), time(17, 0)
WEEKDAYS = range(5)
ACTIVE = ("scheduled", "confirmed", "arrived", "in_room", "completed")


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praxis.config.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def build_practice(n_providers: int, n_patients: int = 20) -> dict[str, Any]:
    """The practice, location, visit type, providers (with hours), patients and a manager."""
    from django.contrib.auth.models import Group

    from praxis.core.models import Location, Practice, User
    from praxis.core.roles import MANAGER
    from praxis.core.testing.factories import valid_npi
    from praxis.patients.models import Patient
    from praxis.scheduling.models import AppointmentType, AvailabilityTemplate, Provider

    practice = Practice.objects.create(
        name="Bench Family Medicine",
        legal_name="Bench Family Medicine, P.C.",
        group_npi=valid_npi(5_100_000),
        tin="12-3456789",
        taxonomy_code="207Q00000X",
        phone="+18025550100",
        address_line1="1 Main Street",
        city="Burlington",
        state="VT",
        postal_code="05401",
        time_zone=TZ,
    )
    location = Location.objects.create(
        practice=practice,
        name="Bench Clinic",
        place_of_service="11",
        address_line1="1 Main Street",
        city="Burlington",
        state="VT",
        postal_code="05401",
        time_zone=TZ,
    )
    providers = Provider.objects.bulk_create(
        Provider(
            practice=practice,
            display_name=f"Dr. Bench {i:03d}",
            npi=valid_npi(7_100_000 + i),
            taxonomy_code="207Q00000X",
            credentials="MD",
        )
        for i in range(n_providers)
    )
    visit = AppointmentType.objects.create(
        practice=practice, name="Bench visit", duration_minutes=DURATION_MIN
    )
    visit.providers.set(providers)
    effective_from = date.today() - timedelta(days=400)
    AvailabilityTemplate.objects.bulk_create(
        AvailabilityTemplate(
            provider=p,
            location=location,
            weekday=day,
            start_time=WORK_START,
            end_time=WORK_END,
            effective_from=effective_from,
        )
        for p in providers
        for day in WEEKDAYS
    )
    patients = Patient.objects.bulk_create(
        Patient(
            practice=practice,
            mrn=str(900_000 + i),
            legal_first_name="Bench",
            legal_last_name=f"Patient{i:04d}",
            search_name=f"patient{i:04d} bench",
            date_of_birth=date(1970, 1, 1) + timedelta(days=97 * i),
            sex="F" if i % 2 else "M",
        )
        for i in range(n_patients)
    )
    manager = User.objects.create(
        email="bench.manager@bench.example", full_name="Bench Manager", practice=practice
    )
    manager.groups.set(Group.objects.filter(name=MANAGER.label))
    return {
        "practice": practice.pk,
        "location": location.pk,
        "type": visit.pk,
        "providers": [p.pk for p in providers],
        "patients": [p.pk for p in patients],
        "manager": manager.pk,
    }


def appointment_rows(
    n: int, ids: dict[str, Any], *, first_day: date, days: int, seed: int = 20261127
) -> list[tuple[Any, ...]]:
    """``n`` appointment rows spread evenly over the providers and over ``days`` days from
    ``first_day`` (UTC), on a 30-minute grid around the clock: each provider's cells are distinct,
    so no two of a provider's visits overlap and 1,000,000 visits fit in a year for 100 providers
    (10,000 of 17,520 cells each). One in ten is cancelled or a no-show.

    Row: (practice, patient, provider, location, type, start, end, status)."""
    rng = random.Random(seed)
    providers = ids["providers"]
    patients = ids["patients"]
    cells = days * 24 * 60 // DURATION_MIN
    origin = datetime.combine(first_day, time.min, tzinfo=UTC)
    step = timedelta(minutes=DURATION_MIN)
    rows: list[tuple[Any, ...]] = []
    per, extra = divmod(n, len(providers))
    for k, provider in enumerate(providers):
        count = per + (1 if k < extra else 0)
        if count > cells:
            raise ValueError(f"{count} visits do not fit in {cells} cells")
        for cell in rng.sample(range(cells), count):
            start = origin + cell * step
            r = rng.random()
            status = "cancelled" if r < 0.07 else "no_show" if r < 0.10 else "scheduled"
            rows.append(
                (
                    ids["practice"],
                    patients[cell % len(patients)],
                    provider,
                    ids["location"],
                    ids["type"],
                    start,
                    start + step,
                    status,
                )
            )
    return rows


def insert_appointments(rows: list[tuple[Any, ...]]) -> None:
    """Bulk-write appointment rows: COPY on PostgreSQL, executemany in batches on SQLite; then
    ANALYZE so the planner knows the table's size."""
    from django.db import connection, transaction

    now = datetime.now(UTC)
    columns = (
        "practice_id, patient_id, provider_id, location_id, appointment_type_id, "
        'start, "end", status, cancel_reason, late_cancel, created_at'
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rebuild = _drop_appointment_indexes(cursor)
            # The rows are consistent by construction; skipping the per-row foreign-key
            # triggers (and building each index once, after the load) turns a minutes-long load
            # of 1,000,000 rows into seconds.
            cursor.execute("SET LOCAL session_replication_role = replica")
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY scheduling_appointment ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, "", False, now))
            cursor.execute("SET LOCAL session_replication_role = origin")
            for statement in rebuild:
                cursor.execute(statement)
        else:
            sql = (
                f"INSERT INTO scheduling_appointment ({columns}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '', 0, %s)"
            )
            batch = 10_000
            for i in range(0, len(rows), batch):
                cursor.executemany(
                    sql,
                    [
                        (*r[:5], _sqlite_dt(r[5]), _sqlite_dt(r[6]), r[7], _sqlite_dt(now))
                        for r in rows[i : i + batch]
                    ],
                )
    analyze()


def _drop_appointment_indexes(cursor: Any) -> list[str]:
    """Drop the appointment table's secondary indexes and its exclusion constraint (the
    migrations' own definitions, read back from the catalogue); return the statements that
    re-create them exactly."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'scheduling_appointment'::regclass AND contype = 'x'"
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = 'scheduling_appointment' AND i.indexname NOT IN ("
        "  SELECT c.conname FROM pg_constraint c "
        "  WHERE c.conrelid = 'scheduling_appointment'::regclass)"
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE scheduling_appointment DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE scheduling_appointment ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ]


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _sqlite_dt(value: datetime) -> str:
    """The text Django's SQLite backend stores for an aware datetime (UTC, no offset)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
