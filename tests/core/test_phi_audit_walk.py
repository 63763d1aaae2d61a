"""PHI shown is PHI audited, proven over the whole app: every route of the census, as every
persona, on a practice where each patient's legal last name is a unique marker (``Mrkzq0003``).
A response whose body holds a patient's marker must come with exactly one PHI-read event, and
that event must name the patient. Pages are fetched (GET) and sent an empty or sample form (POST:
the invalid-input re-renders); API operations are called with a token, GETs and writes with
``{}`` (``PATCH /patients/{id}`` with ``{}`` answers the whole patient).

Each persona's walk runs in a transaction that is rolled back, so what one persona's POSTs change
does not hide data from the next."""

from __future__ import annotations

import hashlib
import re
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.utils import timezone

from praxis.billing.encounters import encounter_create_from_visit
from praxis.billing.payments import payment_take
from praxis.core.models import AuditEvent, Practice, User
from praxis.core.service_support import ServiceError
from praxis.core.services import api_token_create
from praxis.core.testing.factories import RoomFactory
from praxis.core.testing.personas import PERSONAS, make_persona, sign_in
from praxis.patients.models import Patient, PatientDocument
from praxis.patients.testing.factories import CoverageFactory, PatientFactory, PayerFactory
from praxis.scheduling import ical, reminders, waitlist
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import Appointment, AvailabilityException, WaitlistOpening
from praxis.scheduling.selectors import next_business_day
from praxis.scheduling.series import series_book
from praxis.scheduling.testing import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    weekly_hours,
)
from praxis.scheduling.visits import appointment_cancel

from .test_route_census import API_OPERATIONS, PAGES, Route

PHI_READ = "praxis.phi.read"
PATIENTS = 8
SHARED_PHONE = "+18025550199"  # patients 6 and 7: the merge page's duplicate candidates
# Routes the walk does not POST to: signing out ends the walk; deactivating people and revoking
# the walker's own token change who is walking, not what is shown.
NO_POST = {"core:logout", "core:user_action", "core:token_revoke"}


def marker(n: int) -> str:
    return f"Mrkzq{n:04d}"


@dataclass
class World:
    practice: Practice
    patients: list[Patient]
    ids: dict[str, Any]  # URL parameter name -> value
    per_route: dict[str, dict[str, Any]] = field(default_factory=dict)
    post_data: dict[str, dict[str, str]] = field(default_factory=dict)


def _build(practice: Practice, location: Any, users: dict[str, User]) -> World:
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    soon = today + timedelta(days=9)
    room = location.rooms.first() or RoomFactory(location=location, name="Exam 1")
    exam = ResourceFactory(location=location, name="Exam 1", room=room)
    dana = ProviderFactory(practice=practice, user=users["dr_dana"], display_name="Dr. Dana D")
    hours = weekly_hours(dana, location, start=time(0, 0), end=time(23, 59))
    visit = AppointmentTypeFactory(
        practice=practice, name="Follow-up", duration_minutes=30, providers=[dana]
    )
    payer = PayerFactory(practice=practice, name="Aetna")
    patients = []
    for n in range(PATIENTS):
        patient = PatientFactory(
            practice=practice,
            legal_first_name=f"Pat{chr(97 + n)}",
            legal_last_name=marker(n),
            date_of_birth=date(1970 + n, 1, 2),
            phone=SHARED_PHONE if n in (6, 7) else f"+1802555{n:04d}",
        )
        CoverageFactory(patient=patient, payer=payer, subscriber_name=f"Sub {marker(n)}")
        patients.append(patient)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=tz)

    # Today's schedule (calendar, board, provider feed), written directly: some are past.
    for n in range(4):
        AppointmentFactory(
            patient=patients[n],
            provider=dana,
            location=location,
            appointment_type=visit,
            start=at(today, 9 + n),
        )
    # ... and the next business day's (the readiness board).
    board_day = next_business_day(practice=practice)
    for n in (6, 7):
        AppointmentFactory(
            patient=patients[n],
            provider=dana,
            location=location,
            appointment_type=visit,
            start=at(board_day, 9 + n),
        )
    upcoming = appointment_book(
        patient=patients[2],
        provider=dana,
        location=location,
        appointment_type=visit,
        start=at(soon, 9),
        booked_by=None,
    )
    freed = appointment_book(
        patient=patients[4],
        provider=dana,
        location=location,
        appointment_type=visit,
        start=at(soon, 11),
        booked_by=None,
    )
    appointment_cancel(appointment=freed, reason="Feeling better", cancelled_by=None)
    series = series_book(
        patient=patients[5],
        provider=dana,
        location=location,
        appointment_type=visit,
        first_start=at(soon, 14),
        count=2,
        booked_by=None,
    )
    entry = waitlist.waitlist_entry_add(
        patient=patients[3],
        appointment_type=visit,
        earliest_date=today,
        latest_date=soon + timedelta(days=30),
        created_by=None,
    )
    opening = WaitlistOpening.objects.filter(cancelled_appointment=freed).first()
    exception = AvailabilityException.objects.create(
        provider=dana,
        kind=AvailabilityException.Kind.TIME_OFF,
        start=at(soon + timedelta(days=20), 8),
        end=at(soon + timedelta(days=20), 9),
    )
    rule = reminders.reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    feed_token = ical.feed_token_create(provider=dana, by=None)
    feed = dana.feed_tokens.first() if hasattr(dana, "feed_tokens") else None
    pdf = b"%PDF-1.4 walk"
    document = PatientDocument.objects.create(
        patient=patients[1],
        kind=PatientDocument.Kind.INSURANCE_CARD_FRONT,
        original_filename=f"{marker(1)} card.pdf",
        stored_name="walkdocument0001",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    default_storage.save(document.storage_path, ContentFile(pdf))
    _post_charges(practice, location, dana, patients, users["biller_bo"])
    coverage = patients[1].coverages.get()
    # billing: a completed visit waiting in the queue, and an encounter of another visit
    billed_visit = AppointmentFactory(
        patient=patients[1],
        provider=dana,
        location=location,
        appointment_type=visit,
        start=at(today - timedelta(days=3), 9),
        status=Appointment.Status.COMPLETED,
    )
    AppointmentFactory(
        patient=patients[5],
        provider=dana,
        location=location,
        appointment_type=visit,
        start=at(today - timedelta(days=2), 9),
        status=Appointment.Status.COMPLETED,
    )
    encounter = encounter_create_from_visit(appointment=billed_visit, by=None)
    payment = payment_take(patient=patients[1], amount=Decimal("20.00"), method="cash", by=None)
    ids = {
        "payment_id": payment.pk,
        "patient_id": patients[1].pk,
        "coverage_id": coverage.pk,
        "document_id": document.pk,
        "appointment_id": upcoming.pk,
        "series_id": series.pk,
        "entry_id": entry.pk,
        "opening_id": opening.pk if opening else 999999,
        "feed_id": feed.pk if feed else 999999,
        "rule_id": rule.pk,
        "provider_id": dana.pk,
        "template_id": hours[0].pk,
        "exception_id": exception.pk,
        "type_id": visit.pk,
        "user_id": users["frontdesk_fay"].pk,
        "action": "deactivate",
        "location_id": location.pk,
        "room_id": room.pk,
        "resource_id": exam.pk,
        "token": feed_token,
        "uidb64": "x",
        "encounter_id": encounter.pk,
    }
    return World(
        practice=practice,
        patients=patients,
        ids=ids,
        # The merge page of a patient with a likely duplicate lists the candidate.
        per_route={"patients:merge": {"patient_id": patients[6].pk}},
        post_data={
            "patients:search": {"q": "Mrkzq"},
            "scheduling:pick_patient": {"q": "Mrkzq"},
            "patients:merge": {"duplicate_mrn": patients[7].mrn, "step": "review"},
        },
    )


def _post_charges(
    practice: Practice, location: Any, provider: Any, patients: list[Patient], by: User
) -> None:
    """Charges 100 days back (the A/R pages and API): patient 1's owed by Aetna, patient 2's
    self-pay (on the collections list, with a note)."""
    from decimal import Decimal

    from praxis.billing.collections import collection_note_add
    from praxis.billing.encounters import (
        LineInput,
        encounter_code,
        encounter_create,
        encounter_mark_ready,
    )
    from praxis.billing.models import Fee, Icd10Code, Icd10Release, ProcedureCode

    release = Icd10Release.objects.create(
        label="Walk", source="test", effective_from=date(2000, 1, 1), loaded_at=timezone.now()
    )
    Icd10Code.objects.create(release=release, code="E119", description="Diabetes", billable=True)
    code = ProcedureCode.objects.create(
        practice=practice, code="99213", description="Visit", active_from=date(2000, 1, 1)
    )
    Fee.objects.create(
        practice=practice,
        procedure_code=code,
        amount=Decimal("120.00"),
        effective_from=date(2000, 1, 1),
    )
    day = timezone.localdate() - timedelta(days=100)
    for patient, coverage in ((patients[1], patients[1].coverages.get()), (patients[2], None)):
        encounter = encounter_create(
            patient=patient,
            date_of_service=day,
            rendering_provider=provider,
            location=location,
            coverage=coverage,
            by=by,
        )
        encounter_code(encounter=encounter, diagnoses=["E11.9"], lines=[LineInput(code)], by=by)
        encounter_mark_ready(encounter=encounter, by=by)
    collection_note_add(patient=patients[2], note="Called", follow_up_on=None, by=by)


def _url(route: Route, world: World) -> str:
    values = {**world.ids, **world.per_route.get(route.name, {})}
    pattern = str(route.pattern.pattern)
    prefix = route.url[: len(route.url) - len(_sample_tail(pattern))]

    def fill(match: re.Match[str]) -> str:
        return str(values.get(match.group(2), "x"))

    return prefix + re.sub(r"<(\w+:)?(\w+)>", fill, pattern)


def _sample_tail(pattern: str) -> str:
    url = re.sub(r"<int:[^>]+>", "999999", pattern)
    url = re.sub(r"<slug:[^>]+>", "deactivate", url)
    return re.sub(r"<(str:)?[^>]+>", "x", url)


API_PARAMS = {
    "patients": "patient_id",
    "coverages": "coverage_id",
    "appointments": "appointment_id",
    "series": "series_id",
    "waitlist": "entry_id",
    "openings": "opening_id",
    "reminder-rules": "rule_id",
    "reminder_rules": "rule_id",
    "encounters": "encounter_id",
    "collections": "patient_id",
    "payments": "payment_id",
}


def _api_urls(world: World) -> list[tuple[str, str]]:
    """Every API operation with the walk's ids: each ``999999`` takes the id of the kind the
    segment before it names."""
    found = []
    for op in API_OPERATIONS:
        parts = op.url.split("/")
        for i, part in enumerate(parts):
            if part == "999999":
                kind = API_PARAMS.get(parts[i - 1], "")
                parts[i] = str(world.ids.get(kind, 999999))
        found.append((op.method, "/".join(parts)))
    return found


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@dataclass
class Walk:
    markers: dict[str, int]
    leaks: list[str] = field(default_factory=list)
    responses: int = 0
    showing: list[str] = field(default_factory=list)  # the requests that showed a patient

    def check(self, label: str, send: Any, *args: Any) -> None:
        mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = send(*args)
        body = _body(response)
        self.responses += 1
        shown = {pid for text, pid in self.markers.items() if text in body}
        if shown:
            self.showing.append(label)
        reads = list(AuditEvent.objects.filter(pk__gt=mark, action=PHI_READ))
        if len(reads) > 1:
            self.leaks.append(f"{label}: {len(reads)} PHI-read events for one response")
        named = set(reads[0].details.get("patient_ids", [])) if reads else set()
        if reads and reads[0].patient_id:
            named.add(int(reads[0].patient_id))
        missing = shown - named
        if missing:
            self.leaks.append(
                f"{label} ({response.status_code}) shows patients {sorted(missing)} unaudited"
            )


def _walk_persona(walk: Walk, world: World, user: User) -> None:
    client = Client()
    sign_in(client, user)
    for route in PAGES:
        if route.name == "core:logout":
            continue
        url = _url(route, world)
        walk.check(f"{user.email} GET {route.name}", client.get, url)
    try:
        secret = api_token_create(user=user, name="walk").secret
    except ServiceError:
        secret = None  # a role without the API
    if secret is not None:
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        for method, url in _api_urls(world):
            walk.check(
                f"{user.email} {method} {url}", api.generic, method, url, "{}", "application/json"
            )
    for route in PAGES:
        if route.name in NO_POST:
            continue
        url = _url(route, world)
        # Bound but incomplete: forms show themselves again with their errors (400).
        data = world.post_data.get(route.name, {"walk": "1"})
        walk.check(f"{user.email} POST {route.name}", client.post, url, data)


@pytest.fixture
def document_storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


@pytest.mark.django_db
def test_every_response_that_shows_a_patient_names_them_in_one_phi_read_event(
    practice: Practice, location: Any, document_storage: None
) -> None:
    users = {name: make_persona(name, practice) for name in PERSONAS}
    world = _build(practice, location, users)
    walk = Walk({marker(n): p.pk for n, p in enumerate(world.patients)})
    started = clock.monotonic()
    for user in users.values():
        with transaction.atomic():
            _walk_persona(walk, world, user)
            transaction.set_rollback(True)
    elapsed = clock.monotonic() - started
    print(
        f"PHI walk: {len(PAGES)} pages, {len(API_OPERATIONS)} API operations, {len(users)} "
        f"personas, {walk.responses} responses ({len(walk.showing)} showing patients) in "
        f"{elapsed:.1f} s"
    )
    assert walk.leaks == [], "\n".join(walk.leaks)
    # The walk reached what matters: lists, pages, re-rendered forms and API answers.
    ada = {label.split(" ", 1)[1] for label in walk.showing if label.startswith("admin_ada")}
    patient = world.ids["patient_id"]
    assert {
        "GET patients:list",
        "GET patients:merge",
        "GET scheduling:calendar",
        "GET scheduling:board",
        "GET scheduling:waitlist",
        "POST scheduling:pick_patient",
        "POST patients:edit",
        "POST patients:coverage_edit",
        "POST patients:coverage_eligibility",
        "POST patients:document_upload",
        "POST scheduling:cancel",
        f"PATCH /api/v1/patients/{patient}",
        "GET /api/v1/scheduling/appointments",
        "GET billing:queue",
        "GET billing:encounter",
        "POST billing:encounter",
        "GET /api/v1/billing/visits-to-bill",
        "GET billing:ar_lines",
        "GET billing:ar_collections",
        "GET billing:ar_collection_patient",
        "GET /api/v1/billing/ar/collections",
        "GET billing:account",
        "GET billing:payment",
        "GET billing:day_sheet",
    } <= ada, sorted(ada)
