"""Bo the biller works the queue: a completed visit of Dr. Dubois's waits there until he bills
it; he codes it on the encounter page (each refusal next to what it names, nothing saved), marks
it ready and, when a mistake turns up, voids it and corrects the replacement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from praxis.billing.encounter_voids import encounter_void
from praxis.billing.encounters import LineInput, encounter_code, encounter_create
from praxis.billing.models import ChargeLine, Encounter, EncounterDiagnosis, JournalEntry
from praxis.billing.selectors import ledger_disagreements
from praxis.core.models import AuditEvent
from praxis.core.testing.assertions import shows
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory, ProviderFactory

from .conftest import DAY_OF_SERVICE

pytestmark = pytest.mark.django_db

ALLOWED = ["admin_ada", "manager_max", "biller_bo", "dr_dana"]
REFUSED = ["frontdesk_fay", "clinical_cleo", "hr_hana", "compliance_cole", "outsider_otto"]


def completed_visit(patient, provider, location, hour=14):  # type: ignore[no-untyped-def]
    return AppointmentFactory(
        patient=patient,
        provider=provider,
        location=location,
        start=datetime(2026, 5, 4, hour, tzinfo=UTC),
        status=Appointment.Status.COMPLETED,
    )


@pytest.fixture
def visit(paula, dana, location, icd10_april_2026, fee_schedule):  # type: ignore[no-untyped-def]
    return completed_visit(paula, dana, location)


def coding(**change: str) -> dict[str, str]:
    data = {
        "dx-0": "E11.9",
        "dx-1": "J02.0",
        "line-0-code": "",
        "line-0-modifiers": "25",
        "line-0-units": "1",
        "line-0-pointers": "1 2",
        "line-0-ndc": "",
        "line-1-code": "",
        "line-1-units": "2",
        "line-1-pointers": "1",
    }
    data.update(change)
    return data


@pytest.mark.parametrize("name", ALLOWED)
def test_the_queue_is_for_whoever_codes(persona, client_for, name, visit):
    response = client_for(persona(name)).get("/billing/encounters/")
    assert response.status_code == 200
    assert shows(response, "Paula Price")


@pytest.mark.parametrize("name", REFUSED)
def test_the_queue_is_not_for_the_others(persona, client_for, name):
    assert client_for(persona(name)).get("/billing/encounters/").status_code == 403


def test_the_queue_lists_visits_without_an_encounter_then_those_not_ready(
    biller_bo, client_for, visit, paula, dana, location, posted_visit, practice
):
    other = ProviderFactory(practice=practice, display_name="Dr. Omar Ortiz")
    olga = PatientFactory(practice=practice, legal_first_name="Olga", legal_last_name="Olsen")
    completed_visit(olga, other, location, hour=15)
    quinn = PatientFactory(practice=practice, legal_first_name="Quinn", legal_last_name="Quade")
    encounter_create(
        patient=quinn,
        date_of_service=DAY_OF_SERVICE,
        rendering_provider=dana,
        location=location,
        by=biller_bo,
    )
    rita = PatientFactory(practice=practice, legal_first_name="Rita", legal_last_name="Ready")
    posted_visit(rita)
    client = client_for(biller_bo)

    page = client.get("/billing/encounters/").content.decode()
    assert page.index("Paula Price") < page.index("Olga Olsen") < page.index("Quinn Quade")
    assert "Rita Ready" not in page  # ready: out of the queue

    only_dana = client.get("/billing/encounters/", {"provider": dana.pk})
    assert shows(only_dana, "Paula Price") and not shows(only_dana, "Olga Olsen")
    later = client.get("/billing/encounters/", {"date_from": "2026-05-05"})
    assert not shows(later, "Paula Price") and not shows(later, "Quinn Quade")
    bad = client.get("/billing/encounters/", {"date_from": "2026-05-05", "date_to": "2026-05-01"})
    assert bad.status_code == 400 and shows(bad, "The last day comes before the first.")


def test_the_queue_costs_the_same_for_many_rows(
    biller_bo,
    client_for,
    paula,
    dana,
    location,
    practice,
    session_seen_once,
    django_assert_max_num_queries,
):
    client = client_for(biller_bo)
    client.get("/billing/encounters/")
    for n in range(12):
        patient = PatientFactory(practice=practice)
        completed_visit(patient, dana, location, hour=8 + n)
        encounter_create(
            patient=patient,
            date_of_service=DAY_OF_SERVICE + timedelta(days=n),
            rendering_provider=dana,
            location=location,
            by=biller_bo,
        )
    with django_assert_max_num_queries(12):
        response = client.get("/billing/encounters/")
    assert response.content.decode().count("Bill this visit") == 12


def test_bill_this_visit_from_the_visit_page(biller_bo, frontdesk_fay, client_for, visit):
    client = client_for(biller_bo)
    page = client.get(f"/scheduling/appointments/{visit.pk}/")
    assert shows(page, "Bill this visit")
    assert not shows(
        client_for(frontdesk_fay).get(f"/scheduling/appointments/{visit.pk}/"), "Bill this visit"
    )

    response = client.post(f"/billing/visits/{visit.pk}/bill/")
    encounter = Encounter.objects.get(appointment=visit)
    assert (
        response.status_code == 302
        and response["Location"] == f"/billing/encounters/{encounter.pk}/"
    )
    again = client.post(f"/billing/visits/{visit.pk}/bill/")
    assert again["Location"] == f"/billing/encounters/{encounter.pk}/"
    assert Encounter.objects.count() == 1
    page = client.get(f"/scheduling/appointments/{visit.pk}/")
    assert shows(page, "Encounter (draft)") and not shows(page, "Bill this visit")


def test_a_visit_not_completed_is_not_billed(biller_bo, client_for, paula, dana, location):
    visit = AppointmentFactory(
        patient=paula,
        provider=dana,
        location=location,
        start=datetime(2026, 5, 4, 14, tzinfo=UTC),
    )
    client = client_for(biller_bo)
    assert not shows(client.get(f"/scheduling/appointments/{visit.pk}/"), "Bill this visit")
    response = client.post(f"/billing/visits/{visit.pk}/bill/", follow=True)
    assert shows(response, "Only a completed visit becomes an encounter.")
    assert not Encounter.objects.exists()


def test_the_biller_codes_marks_ready_and_the_page_turns_read_only(
    biller_bo, client_for, draft, office_visit, venipuncture
):
    client = client_for(biller_bo)
    url = f"/billing/encounters/{draft.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and shows(page, "Paula Price")
    saved = client.post(
        url, coding(**{"line-0-code": str(office_visit.pk), "line-1-code": str(venipuncture.pk)})
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Encounter.Status.CODED
    page = client.get(url)
    assert shows(page, "$150.00") and shows(page, "Mark ready to bill")

    client.post(f"/billing/encounters/{draft.pk}/ready/")
    draft.refresh_from_db()
    assert draft.status == Encounter.Status.READY
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.CHARGE).count() == 1
    page = client.get(url)
    assert 'id="coding-form"' not in page.content.decode() and shows(page, "Void and correct")
    refused = client.post(url, coding(**{"line-0-code": str(office_visit.pk)}), follow=True)
    assert shows(refused, "it is read-only")
    assert ChargeLine.objects.filter(encounter=draft).count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"dx-1": "E99.9"}, "dx-1", "'E99.9' is not an ICD-10-CM code in force on 05/04/2026."),
        ({"dx-1": "E11"}, "dx-1", "E11 is a category, not a billable code"),
        ({"line-0-pointers": "3"}, "line-0-code", "points at diagnosis 3, but the encounter has 2"),
        ({"line-0-units": "0"}, "line-0-code", "units must be a whole number of 1 or more"),
        ({"line-0-pointers": "one"}, "line-0-pointers", "Point at diagnoses by their numbers"),
        ({"dx-0": "", "dx-1": "E11.9"}, "dx-0", "Fill this row or move the diagnoses below"),
    ],
)
def test_each_coding_refusal_stands_next_to_what_it_names(
    biller_bo, client_for, draft, office_visit, change, field, message
):
    data = coding(**{"line-0-code": str(office_visit.pk), **change})
    data.pop("line-1-code")
    response = client_for(biller_bo).post(f"/billing/encounters/{draft.pk}/", data)
    assert response.status_code == 400
    text = response.content.decode()
    error_at = text.index(f'id="id_{field}_error"')
    assert text.index(f'id="id_{field}"') < error_at
    assert shows(response, message)
    assert not EncounterDiagnosis.objects.exists() and not ChargeLine.objects.exists()


def test_an_inactive_code_and_a_provider_without_npi_are_named(
    biller_bo, client_for, draft, office_visit, dana
):
    office_visit.active_to = DAY_OF_SERVICE - timedelta(days=1)
    office_visit.save()
    type(dana).objects.filter(pk=dana.pk).update(npi="")
    response = client_for(biller_bo).post(
        f"/billing/encounters/{draft.pk}/", coding(**{"line-0-code": str(office_visit.pk)})
    )
    # an inactive code is not offered on the date of service at all
    assert response.status_code == 400
    assert shows(response, "Select a valid choice.")
    response = client_for(biller_bo).post(f"/billing/encounters/{draft.pk}/", coding())
    assert shows(response, "Dr. Dana Dubois, has no NPI")
    assert shows(response, "Add at least one charge line.")
    assert not ChargeLine.objects.exists()


def test_the_diagnosis_search_answers_for_the_date_of_service(biller_bo, client_for, draft):
    response = client_for(biller_bo).get(
        f"/billing/encounters/{draft.pk}/icd10/",
        {"slot": "2", "dx-2": "strep"},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "<h1" not in text
    assert 'data-icd10-pick="J02.0"' in text and 'data-icd10-slot="2"' in text


def test_void_and_correct_from_the_page(biller_bo, client_for, paula, posted_visit):
    encounter = posted_visit(paula)
    client = client_for(biller_bo)
    refused = client.post(f"/billing/encounters/{encounter.pk}/void/", {"reason": " "})
    assert refused.status_code == 400 and shows(refused, "This field is required.")
    response = client.post(
        f"/billing/encounters/{encounter.pk}/void/",
        {"reason": "Wrong visit level", "replace": "on"},
    )
    replacement = Encounter.objects.get(replaces=encounter)
    assert response["Location"] == f"/billing/encounters/{replacement.pk}/"
    assert ledger_disagreements() == []
    page = client.get(f"/billing/encounters/{encounter.pk}/")
    assert shows(page, "Wrong visit level") and shows(page, "Its replacement")


def test_a_provider_may_code_and_the_front_desk_may_not(
    dr_dana, frontdesk_fay, client_for, draft, office_visit
):
    data = coding(**{"line-0-code": str(office_visit.pk)})
    data.pop("line-1-code")
    assert client_for(dr_dana).post(f"/billing/encounters/{draft.pk}/", data).status_code == 302
    for url in ("", "ready/", "void/", "icd10/"):
        assert client_for(frontdesk_fay).get(
            f"/billing/encounters/{draft.pk}/{url}"
        ).status_code in (403, 405)


def test_another_practices_encounter_is_not_found(
    biller_bo, client_for, other_practice, icd10_april_2026
):
    from praxis.core.testing.factories import LocationFactory

    theirs = encounter_create(
        patient=PatientFactory(practice=other_practice),
        date_of_service=DAY_OF_SERVICE,
        rendering_provider=ProviderFactory(practice=other_practice),
        location=LocationFactory(practice=other_practice),
        by=None,
    )
    client = client_for(biller_bo)
    for url in ("", "icd10/", "void/"):
        assert client.get(f"/billing/encounters/{theirs.pk}/{url}").status_code == 404
    assert client.post(f"/billing/encounters/{theirs.pk}/ready/").status_code == 404


def test_the_encounter_page_is_audited_as_a_phi_read(biller_bo, client_for, draft):
    client_for(biller_bo).get(f"/billing/encounters/{draft.pk}/")
    event = AuditEvent.objects.filter(action="praxis.phi.read").latest("pk")
    assert event.patient_id == str(draft.patient_id)


def test_a_new_encounter_by_hand(biller_bo, client_for, paula, dana, location, aetna, draft):
    from praxis.patients.testing.factories import CoverageFactory

    CoverageFactory(patient=paula, payer=aetna, effective_date=DAY_OF_SERVICE)
    client = client_for(biller_bo)
    base = {
        "mrn": paula.mrn,
        "date_of_service": "2026-05-06",
        "rendering_provider": dana.pk,
        "location": location.pk,
        "place_of_service": "11",
        "coverage": "primary",
    }
    for change, message in [
        ({"mrn": "nope"}, "No patient of this practice has that MRN."),
        (
            {"coverage": "secondary"},
            "The patient has no secondary coverage in effect on 05/06/2026.",
        ),
    ]:
        response = client.post("/billing/encounters/new/", {**base, **change})
        assert response.status_code == 400 and shows(response, message)
    assert Encounter.objects.count() == 1
    response = client.post("/billing/encounters/new/", base)
    made = Encounter.objects.latest("pk")
    assert response["Location"] == f"/billing/encounters/{made.pk}/"
    assert made.coverage is not None and made.coverage.payer == aetna


def test_coded_with_services_then_shown(biller_bo, client_for, draft, office_visit):
    encounter_code(
        encounter=draft, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
    )
    encounter_void(encounter=draft, reason="Opened twice", by=biller_bo, replace=False)
    page = client_for(biller_bo).get(f"/billing/encounters/{draft.pk}/")
    assert shows(page, "Voided") and not shows(page, "Void…")


def test_the_encounter_page_costs_a_few_queries(
    biller_bo,
    client_for,
    draft,
    office_visit,
    venipuncture,
    session_seen_once,
    django_assert_max_num_queries,
):
    encounter_code(
        encounter=draft,
        diagnoses=["E11.9", "J02.0"],
        lines=[LineInput(office_visit), LineInput(venipuncture)],
        by=biller_bo,
    )
    client = client_for(biller_bo)
    client.get(f"/billing/encounters/{draft.pk}/")
    with django_assert_max_num_queries(14):
        page = client.get(f"/billing/encounters/{draft.pk}/")
    assert shows(page, "Streptococcal pharyngitis") and 'value="E11.9"' in page.content.decode()
