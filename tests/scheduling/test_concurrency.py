"""Monday morning: eight front-desk sessions book, move and cancel visits at once for two
providers who share one procedure room, half of them through the API. Real threads, real
transactions, on SQLite and on PostgreSQL.

Afterwards: no provider and no room is double-booked, every booking that was acknowledged
exists, and every refusal was a clean SlotTaken (409 through the API), never anything else.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from praxis.core.testing.personas import sign_in
from praxis.scheduling.booking import SlotTaken, appointment_book, appointment_reschedule
from praxis.scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentResource
from praxis.scheduling.testing import AppointmentTypeFactory
from praxis.scheduling.visits import appointment_cancel

from .conftest import local

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 8
OPERATIONS = 12


def overlapping_pairs(rows):  # type: ignore[no-untyped-def]
    """(key, start, end, id) rows → pairs of ids that share a key and overlap in time."""
    by_key = defaultdict(list)
    for key, start, end, pk in rows:
        by_key[key].append((start, end, pk))
    clashes = []
    for intervals in by_key.values():
        intervals.sort()
        for (s1, e1, a), (s2, e2, b) in itertools.pairwise(intervals):
            if s2 < e1:
                clashes.append((a, b, s1, e1, s2, e2))
    return clashes


def test_racing_desks_never_double_book(
    practice, clinic, exam_room, dana, lee, follow_up, paula, frontdesk_fay, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, name="Procedure", providers=[dana, lee], required_resources=[exam_room]
    )
    types = [follow_up, procedure]
    providers = [dana, lee]
    # 10:00 to 11:45 every 15 minutes: 30-minute visits that overlap each other's halves
    starts = [local(visit_day, 10) + timedelta(minutes=15 * i) for i in range(8)]

    acknowledged: list[int] = []
    refusals: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WORKERS)

    def note(kind: str, value: object) -> None:
        with lock:
            {"ack": acknowledged, "refused": refusals, "error": errors}[kind].append(value)  # type: ignore[arg-type]

    def via_api(client: Client, provider, appointment_type, start: datetime):  # type: ignore[no-untyped-def]
        body = {
            "patient": paula.pk,
            "provider": provider.pk,
            "location": clinic.pk,
            "type": appointment_type.pk,
            "start": start.isoformat(),
            # one patient booked many times a day on purpose: the race is over the slots
            "allow_duplicate": True,
        }
        response = client.post(
            "/api/v1/scheduling/appointments", json.dumps(body), content_type="application/json"
        )
        if response.status_code == 201:
            return response.json()["id"]
        if response.status_code == 409 and response.json()["code"] == "slot_taken":
            raise SlotTaken(response.json()["message"], conflict=(start, start))
        raise AssertionError(f"API said {response.status_code}: {response.content[:300]!r}")

    def desk(worker: int) -> None:
        rng = random.Random(worker)
        mine: list[int] = []
        client = None
        try:
            if worker % 2:
                client = Client()
                sign_in(client, frontdesk_fay)
            barrier.wait(timeout=30)
            for _ in range(OPERATIONS):
                action = rng.choice(["book", "book", "book", "move", "cancel"]) if mine else "book"
                try:
                    if action == "book":
                        provider, kind, start = (
                            rng.choice(providers),
                            rng.choice(types),
                            rng.choice(starts),
                        )
                        if client is not None:
                            pk = via_api(client, provider, kind, start)
                        else:
                            pk = appointment_book(
                                patient=paula,
                                provider=provider,
                                location=clinic,
                                appointment_type=kind,
                                start=start,
                                booked_by=frontdesk_fay,
                            ).pk
                        mine.append(pk)
                        note("ack", pk)
                    elif action == "move":
                        appointment = Appointment.objects.get(pk=rng.choice(mine))
                        appointment_reschedule(
                            appointment=appointment,
                            start=rng.choice(starts),
                            provider=rng.choice(providers),
                            rescheduled_by=frontdesk_fay,
                        )
                    else:
                        pk = mine.pop(rng.randrange(len(mine)))
                        appointment = Appointment.objects.get(pk=pk)
                        appointment_cancel(
                            appointment=appointment, reason="race", cancelled_by=frontdesk_fay
                        )
                except SlotTaken as taken:
                    note("refused", taken.messages[0])
        except Exception as exc:  # anything but SlotTaken is a failure of the test subject
            note("error", f"worker {worker}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung (deadlock?)"

    assert errors == []
    assert acknowledged and refusals, "the race did not contend: tune the test"
    assert set(acknowledged) <= set(Appointment.objects.values_list("pk", flat=True))

    active = Appointment.objects.filter(status__in=ACTIVE_STATUSES)
    assert overlapping_pairs(active.values_list("provider_id", "start", "end", "pk")) == []
    holds = AppointmentResource.objects.filter(active=True)
    assert overlapping_pairs(holds.values_list("resource_id", "start", "end", "pk")) == []
    # holds follow their appointments: every active procedure holds the room for its own time
    for appointment in active.filter(appointment_type=procedure):
        assert list(appointment.resource_holds.filter(active=True).values_list("start", "end")) == [
            (appointment.start, appointment.end)
        ]
    assert not AppointmentResource.objects.filter(
        active=True, appointment__status__in=["cancelled", "no_show"]
    ).exists()


def test_back_to_back_bookings_racing_each_other_are_both_accepted(
    practice, clinic, exam_room, dana, lee, paula, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana, lee], required_resources=[exam_room]
    )
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def book(provider, start):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=30)
            appointment_book(
                patient=paula,
                provider=provider,
                location=clinic,
                appointment_type=procedure,
                start=start,
                booked_by=None,
            )
            outcomes.append("booked")
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    # the room goes dana 14:00, lee 14:30, dana 15:00, lee 15:30: each ends as the next begins
    plan = [(dana, 14, 0), (lee, 14, 30), (dana, 15, 0), (lee, 15, 30)]
    threads = [threading.Thread(target=book, args=(p, local(visit_day, h, m))) for p, h, m in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == ["booked"] * 4
    assert AppointmentResource.objects.filter(resource=exam_room, active=True).count() == 4
