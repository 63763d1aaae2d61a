"""The audit trail's page, CSV and API show the reviewer's own practice: what its people did,
and what happened on the installation with nobody signed in; never what another practice's
people did, even on an installation that (unusually) holds two practices."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from praxis.core import audit, services
from praxis.core.roles import COMPLIANCE
from praxis.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(admin_ada, other_practice):  # type: ignore[no-untyped-def]
    outsider = UserFactory(practice=other_practice, roles=[COMPLIANCE])
    return {
        "ours": audit.record("praxis.test.ours", actor=admin_ada, patient_id="p-ours"),
        "theirs": audit.record("praxis.test.theirs", actor=outsider, patient_id="p-theirs"),
        "nobody": audit.record("praxis.test.installation"),
        "outsider": outsider,
    }


def test_the_page_shows_only_this_practices_trail(trail, client_for, compliance_cole):
    response = client_for(compliance_cole).get(reverse("core:audit_list"))
    shown = {event.id for event in response.context["page"]}
    assert trail["ours"].id in shown and trail["nobody"].id in shown
    assert trail["theirs"].id not in shown


def test_filtering_by_another_practices_person_or_patient_finds_nothing(
    trail, client_for, compliance_cole
):
    client = client_for(compliance_cole)
    by_patient = client.get(reverse("core:audit_list"), {"patient_id": "p-theirs"})
    assert list(by_patient.context["page"]) == []


def test_the_export_holds_only_this_practices_trail(trail, client_for, compliance_cole):
    response = client_for(compliance_cole).post(reverse("core:audit_export"), {})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    ids = {int(row["id"]) for row in rows}
    assert trail["ours"].id in ids and trail["nobody"].id in ids
    assert trail["theirs"].id not in ids


def test_the_api_holds_only_this_practices_trail(trail, compliance_cole):
    secret = services.api_token_create(user=compliance_cole, name="review").secret
    headers = {"Authorization": f"Bearer {secret}"}
    everything = Client().get("/api/v1/audit/events", {"limit": 1000}, headers=headers).json()
    ids = {event["id"] for event in everything}
    assert trail["ours"].id in ids and trail["nobody"].id in ids
    assert trail["theirs"].id not in ids
    by_actor = Client().get(
        "/api/v1/audit/events", {"actor_id": trail["outsider"].pk}, headers=headers
    )
    assert by_actor.json() == []


def _shown_to(client_for, reviewer):  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get(reverse("core:audit_list"))
    return {event.id for event in response.context["page"]}


def test_what_happened_to_another_practices_records_with_nobody_signed_in_stays_theirs(
    client_for, compliance_cole, other_practice
):
    # A reminder the worker sent for the other practice's visit: no actor, their patient.
    from praxis.patients.testing.factories import PatientFactory
    from praxis.scheduling.testing import AppointmentFactory

    their_visit = AppointmentFactory(
        practice=other_practice,
        patient=PatientFactory(practice=other_practice),
        start=timezone.now(),
    )
    reminder = audit.record(
        "praxis.scheduling.reminder.sent", obj=their_visit, patient_id=their_visit.patient_id
    )
    assert reminder.actor is None and reminder.practice_id == other_practice.pk
    assert reminder.id not in _shown_to(client_for, compliance_cole)


def test_a_failed_sign_in_is_in_the_trail_of_the_practice_whose_account_it_tried(
    client, client_for, compliance_cole, admin_ada, other_practice
):
    theirs = UserFactory(practice=other_practice, email="them@elsewhere.example")
    for typed in ("Them@Elsewhere.example ", admin_ada.email, "nobody@nowhere.example"):
        client.post(reverse("core:login"), {"username": typed, "password": "wrong-password-1"})
    failed = {
        event.details["email"].strip().lower(): event
        for event in audit.AuditEvent.objects.filter(action="praxis.auth.login.failed")
    }
    assert failed[theirs.email].practice_id == other_practice.pk
    assert failed[admin_ada.email].practice_id == admin_ada.practice_id
    assert failed["nobody@nowhere.example"].practice_id is None
    shown = _shown_to(client_for, compliance_cole)
    assert failed[theirs.email].id not in shown
    assert failed[admin_ada.email].id in shown and failed["nobody@nowhere.example"].id in shown


def test_the_api_finds_a_patients_trail_by_mrn_in_this_practice_only(
    compliance_cole, frontdesk_fay, practice, other_practice
):
    from praxis.patients.testing.factories import PatientFactory

    ours, theirs = PatientFactory(practice=practice), PatientFactory(practice=other_practice)
    type(theirs).objects.filter(pk=theirs.pk).update(mrn="777777")  # MRNs repeat across practices
    theirs.refresh_from_db()
    event = audit.record("praxis.phi.read", actor=frontdesk_fay, patient_id=ours.pk)
    secret = services.api_token_create(user=compliance_cole, name="review").secret
    headers = {"Authorization": f"Bearer {secret}"}

    found = Client().get("/api/v1/audit/events", {"mrn": ours.mrn}, headers=headers).json()
    assert [e["id"] for e in found] == [event.id]
    assert Client().get("/api/v1/audit/events", {"mrn": theirs.mrn}, headers=headers).json() == []
