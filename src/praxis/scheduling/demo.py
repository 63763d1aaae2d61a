"""Demo schedule for Riverbend Family Medicine: a Provider record for each provider sign-in,
rooms and equipment as bookable resources, five visit types, weekday hours at both locations,
and about six weeks of visits around today (past ones completed or no-show, future ones
scheduled or confirmed). Deterministic and idempotent: a practice with providers is left alone.

The visits are written in bulk rather than through appointment_book: past visits cannot be
booked (the service refuses the past, rightly), and a generator that never overlaps two visits
of one provider or one room keeps the same guarantee the service gives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.models import Location, Practice, User
from praxis.core.testing.factories import valid_npi
from praxis.patients.models import Patient

from .models import (
    Appointment,
    AppointmentResource,
    AppointmentType,
    AvailabilityTemplate,
    Provider,
    Resource,
)
from .reminders import reminder_rule_create
from .visits import appointment_cancel
from .waitlist import waitlist_entry_add

SEED = 20261128
DAYS_BACK, DAYS_AHEAD = 21, 21
SESSIONS = ((time(8, 30), time(12, 0)), (time(13, 0), time(17, 0)))
STEP = timedelta(minutes=20)


@dataclass(frozen=True)
class DemoType:
    name: str
    minutes: int
    colour: str
    mode: str = AppointmentType.VisitMode.IN_OFFICE
    new_patients: bool = False
    needs_procedure_room: bool = False
    weight: int = 1


TYPES = (
    DemoType("Follow-up", 20, "#2f6fb0", weight=8),
    DemoType("New patient visit", 40, "#7a3fb0", new_patients=True, weight=2),
    DemoType("Annual physical", 40, "#3d8f5a", weight=3),
    DemoType("Procedure", 40, "#b05a2f", needs_procedure_room=True, weight=1),
    DemoType(
        "Telehealth follow-up", 20, "#2f9fb0", mode=AppointmentType.VisitMode.TELEHEALTH, weight=2
    ),
)
CREDENTIALS = {"dr.": "MD", "np.": "NP-C", "pa.": "PA-C"}


def _title(user: User) -> tuple[str, str]:
    local = user.email.split("@")[0]
    credential = next((c for prefix, c in CREDENTIALS.items() if local.startswith(prefix)), "MD")
    return (f"Dr. {user.full_name}" if credential == "MD" else user.full_name), credential


@transaction.atomic
def seed_schedule(practice: Practice) -> int:
    """Returns the number of visits written (0 when the practice already has a schedule)."""
    if Provider.objects.filter(practice=practice).exists():
        return 0
    rng = random.Random(SEED)
    locations = list(Location.objects.filter(practice=practice, is_active=True).order_by("pk"))
    if not locations:
        return 0
    providers = _providers(practice)
    resources = _resources(locations)
    types = _types(practice, providers, resources)
    hours = _hours(providers, locations)
    patients = list(
        Patient.objects.filter(practice=practice, merged_into=None).values_list("pk", flat=True)
    )
    if not patients or not providers:
        return 0
    count = _visits(practice, rng, hours, types, resources, patients)
    _waitlist(practice, rng, patients)
    # The usual pair: an e-mail three days ahead, a text the day before.
    reminder_rule_create(practice=practice, hours_before=72, channel="email")
    reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    audit.record("praxis.scheduling.demo.seeded", obj=practice, details={"appointments": count})
    return count


def _providers(practice: Practice) -> list[Provider]:
    users = User.objects.filter(practice=practice, groups__name="Provider", is_active=True)
    made = []
    for n, user in enumerate(users.order_by("pk")):
        name, credential = _title(user)
        made.append(
            Provider.objects.create(
                practice=practice,
                user=user,
                display_name=name,
                credentials=credential,
                npi=valid_npi(3_100_000 + n),
                taxonomy_code="207Q00000X",
            )
        )
    return made


def _resources(locations: list[Location]) -> dict[int, list[Resource]]:
    by_location: dict[int, list[Resource]] = {}
    for location in locations:
        rows = [
            Resource(location=location, kind=Resource.Kind.ROOM, name=room.name, room=room)
            for room in location.rooms.filter(is_active=True)
        ]
        by_location[location.pk] = Resource.objects.bulk_create(rows)
    Resource.objects.create(location=locations[0], kind=Resource.Kind.EQUIPMENT, name="ECG machine")
    return by_location


def _procedure_room(resources: dict[int, list[Resource]]) -> Resource | None:
    return next(
        (r for rows in resources.values() for r in rows if "procedure" in r.name.lower()), None
    )


def _types(
    practice: Practice, providers: list[Provider], resources: dict[int, list[Resource]]
) -> list[tuple[AppointmentType, DemoType]]:
    made = []
    room = _procedure_room(resources)
    for spec in TYPES:
        visit_type = AppointmentType.objects.create(
            practice=practice,
            name=spec.name,
            duration_minutes=spec.minutes,
            colour=spec.colour,
            visit_mode=spec.mode,
            for_new_patients=spec.new_patients,
        )
        visit_type.providers.set(providers)
        if spec.needs_procedure_room and room is not None:
            visit_type.required_resources.set([room])
        made.append((visit_type, spec))
    return made


def _hours(
    providers: list[Provider], locations: list[Location]
) -> list[tuple[Provider, Location, set[int]]]:
    """Most providers work at one location all week; the last one splits the week."""
    since = timezone.localdate() - timedelta(days=DAYS_BACK + 30)
    plan = []
    for n, provider in enumerate(providers):
        if n == len(providers) - 1 and len(locations) > 1:
            plan += [(provider, locations[0], {0, 1, 2}), (provider, locations[1], {3, 4})]
        else:
            plan.append((provider, locations[0 if n < 3 else -1], {0, 1, 2, 3, 4}))
    AvailabilityTemplate.objects.bulk_create(
        AvailabilityTemplate(
            provider=p,
            location=loc,
            weekday=day,
            start_time=start,
            end_time=end,
            effective_from=since,
        )
        for p, loc, days in plan
        for day in sorted(days)
        for start, end in SESSIONS
    )
    return plan


def _visits(
    practice: Practice,
    rng: random.Random,
    plan: list[tuple[Provider, Location, set[int]]],
    types: list[tuple[AppointmentType, DemoType]],
    resources: dict[int, list[Resource]],
    patients: list[int],
) -> int:
    now = timezone.now()
    today = timezone.localdate()
    weights = [spec.weight for _, spec in types]
    room = _procedure_room(resources)
    room_busy: list[tuple[datetime, datetime]] = []
    appointments: list[Appointment] = []
    holds: list[tuple[int, Resource]] = []
    for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
        day = today + timedelta(days=offset)
        for provider, location, weekdays in plan:
            if day.weekday() not in weekdays:
                continue
            tz = wallclock.zone_of(location)
            fill = 0.75 if offset < 0 else max(0.15, 0.7 - 0.03 * offset)
            for start_t, end_t in SESSIONS:
                cursor = wallclock.local_to_utc(datetime.combine(day, start_t), tz)
                close = wallclock.local_to_utc(datetime.combine(day, end_t), tz)
                while cursor < close:
                    visit_type, spec = rng.choices(types, weights)[0]
                    end = cursor + timedelta(minutes=spec.minutes)
                    needs_room = spec.needs_procedure_room and room is not None
                    if (
                        end > close
                        or rng.random() > fill
                        or (
                            needs_room
                            and (
                                room.location_id != location.pk  # type: ignore[union-attr]
                                or any(s < end and cursor < e for s, e in room_busy)
                            )
                        )
                    ):
                        cursor += STEP
                        continue
                    appointments.append(
                        Appointment(
                            practice=practice,
                            patient_id=rng.choice(patients),
                            provider=provider,
                            location=location,
                            appointment_type=visit_type,
                            start=cursor,
                            end=end,
                            status=_status(rng, cursor, end, now),
                        )
                    )
                    if needs_room:
                        room_busy.append((cursor, end))
                        holds.append((len(appointments) - 1, room))  # type: ignore[arg-type]
                    cursor = end
    _finish(appointments, rng)
    _room_the_seen(appointments, holds, resources)
    Appointment.objects.bulk_create(appointments, batch_size=500)
    AppointmentResource.objects.bulk_create(
        AppointmentResource(
            appointment=appointments[i],
            resource=r,
            start=appointments[i].start,
            end=appointments[i].end,
            active=appointments[i].is_active,
        )
        for i, r in holds
    )
    return len(appointments)


def _waitlist(practice: Practice, rng: random.Random, patients: list[int]) -> None:
    """Four patients who want a follow-up sooner, and two visits of the coming week cancelled
    through the service, so the Waitlist page has freed time and people who fit it."""
    today = timezone.localdate()
    follow_up = AppointmentType.objects.get(practice=practice, name="Follow-up")
    waiting = Patient.objects.filter(pk__in=rng.sample(patients, 4)).order_by("pk")
    for n, patient in enumerate(waiting):
        waitlist_entry_add(
            patient=patient,
            appointment_type=follow_up,
            earliest_date=today + timedelta(days=1),
            latest_date=today + timedelta(days=14 + 7 * n),
            note=["Wants mornings", "Any time", "After school", "Can come at short notice"][n],
            created_by=None,
        )
    soon = Appointment.objects.filter(
        practice=practice,
        appointment_type=follow_up,
        status=Appointment.Status.SCHEDULED,
        start__gte=timezone.now() + timedelta(days=2),
        start__lt=timezone.now() + timedelta(days=7),
    ).order_by("start", "pk")
    for appointment in list(soon[:2]):
        appointment_cancel(
            appointment=appointment,
            reason_code=Appointment.CancelReason.PATIENT,
            cancelled_by=None,
        )


def _status(rng: random.Random, start: datetime, end: datetime, now: datetime) -> str:
    S = Appointment.Status
    if end <= now:
        return rng.choices([S.COMPLETED, S.NO_SHOW, S.CANCELLED], [90, 6, 4])[0]
    if start <= now:
        return S.IN_ROOM
    if start - now < timedelta(days=3):
        return rng.choice([S.SCHEDULED, S.CONFIRMED])
    return S.SCHEDULED


def _room_the_seen(
    appointments: list[Appointment],
    holds: list[tuple[int, Resource]],
    resources: dict[int, list[Resource]],
) -> None:
    """Visits that reached a room were taken to one: the room they hold, else their
    provider's usual exam room at that location."""
    held = {i: r.room for i, r in holds}
    exam_rooms = {
        location_id: [
            r.room for r in rows if r.room is not None and "procedure" not in r.name.lower()
        ]
        for location_id, rows in resources.items()
    }
    for i, a in enumerate(appointments):
        if a.status not in (Appointment.Status.IN_ROOM, Appointment.Status.COMPLETED):
            continue
        rooms = exam_rooms.get(a.location.pk) or []
        a.room = held.get(i) or (rooms[a.provider.pk % len(rooms)] if rooms else None)


def _finish(appointments: list[Appointment], rng: random.Random) -> None:
    """Fill the times and reasons a visit's status implies."""
    S = Appointment.Status
    for a in appointments:
        if a.status in (S.COMPLETED, S.IN_ROOM):
            a.checked_in_at = a.start - timedelta(minutes=rng.randint(3, 15))
            a.roomed_at = a.start + timedelta(minutes=rng.randint(0, 10))
        if a.status == S.COMPLETED:
            a.completed_at = a.end
        if a.status == S.CANCELLED:
            a.cancelled_at = a.start - timedelta(hours=rng.randint(2, 72))
            a.cancel_reason = rng.choice(["Patient request", "Feeling better", "Work conflict"])
            a.late_cancel = a.start - a.cancelled_at < timedelta(hours=24)
