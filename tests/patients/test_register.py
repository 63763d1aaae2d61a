"""Registering and editing patients. Fay at the front desk registers Zoë Åberg: Zoë gets the next
MRN of the practice, her phone numbers are stored in one format, her name is searchable without
its accents. When someone with the same date of birth and a similar name (or the same phone) is
already registered, Fay is warned and must confirm that this is a new patient.

Bad input gets a clear message next to the field and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import audit_mark, events_since, page_text, shows
from praxis.patients import coverages, documents, registration
from praxis.patients.models import Patient
from praxis.patients.testing.factories import PatientFactory

from .helpers import edit_form_data, patient_form_data, row, writes_since

REGISTER = reverse("patients:register")


def test_fay_registers_a_patient(frontdesk_fay, client_for, practice):
    fay = client_for(frontdesk_fay)
    assert fay.get(REGISTER).status_code == 200
    mark = audit_mark()

    response = fay.post(REGISTER, patient_form_data())

    zoe = Patient.objects.get(practice=practice)
    assert response.status_code == 302
    # registration goes on to the insurance step
    assert response.url == reverse("patients:coverage_add", args=[zoe.pk]) + "?step=insurance"
    assert zoe.mrn == "100001"
    assert zoe.search_name == "aberg zoe"
    assert zoe.date_of_birth == date(1992, 4, 5)
    assert zoe.phone == "+18025550177"
    assert zoe.emergency_contact_phone == "+18025550178"
    assert (zoe.consent_sms, zoe.consent_email, zoe.consent_voicemail) == (True, False, False)
    assert zoe.consents_recorded_at is not None
    assert zoe.created_by == frontdesk_fay
    assert zoe.status == Patient.Status.ACTIVE
    [registered] = events_since(mark, "praxis.patients.patient.registered")
    assert registered.actor == frontdesk_fay
    assert registered.patient_id == str(zoe.pk)
    assert registered.details == {"mrn": "100001"}
    assert "Registered Zoë Åberg, MRN 100001." in page_text(fay.get(response.url))


def test_mrns_follow_each_other_per_practice(frontdesk_fay, practice, other_practice):
    values = {"legal_first_name": "A", "legal_last_name": "B", "sex": "U"}
    first = registration.patient_register(
        practice=practice,
        values={**values, "date_of_birth": date(2000, 1, 1)},
        registered_by=frontdesk_fay,
    )
    second = registration.patient_register(
        practice=practice,
        values={**values, "legal_last_name": "C", "date_of_birth": date(2001, 1, 1)},
        registered_by=frontdesk_fay,
    )
    elsewhere = registration.patient_register(
        practice=other_practice,
        values={**values, "date_of_birth": date(2000, 1, 1)},
        registered_by=None,
    )
    assert (first.mrn, second.mrn, elsewhere.mrn) == ("100001", "100002", "100001")


def test_a_number_already_taken_by_an_imported_record_is_skipped(frontdesk_fay, practice):
    PatientFactory(practice=practice, mrn="100001")  # imported from the old system
    with transaction.atomic():
        assert registration.next_mrn(practice) == "100002"


@pytest.mark.django_db(transaction=True)
def test_a_number_is_only_handed_out_inside_the_registration():
    from praxis.core.testing.factories import PracticeFactory

    with pytest.raises(RuntimeError):
        registration.next_mrn(PracticeFactory())


@pytest.mark.parametrize("who", ["frontdesk_fay", "biller_bo", "manager_max", "admin_ada"])
def test_who_may_register(persona, client_for, who):
    response = client_for(persona(who)).post(REGISTER, patient_form_data())
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["dr_dana", "clinical_cleo", "hr_hana", "outsider_otto"])
def test_who_may_not_register(persona, client_for, who):
    client = client_for(persona(who))
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, patient_form_data()).status_code == 403
    assert not Patient.objects.exists()


# --- duplicates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {"legal_first_name": "Jose", "legal_last_name": "NUNEZ", "phone": ""}, id="same-last"
        ),
        pytest.param(
            {"legal_first_name": "Josefina", "legal_last_name": "Nuñes", "phone": ""},
            id="first-three-letters",
        ),
        pytest.param(
            {"legal_first_name": "Ana", "date_of_birth": "1999-09-09", "phone": "802 555 0142"},
            id="same-phone",
        ),
    ],
)
def test_a_likely_duplicate_is_shown_and_nothing_is_registered(
    frontdesk_fay, client_for, jose, changes
):
    fay = client_for(frontdesk_fay)
    data = patient_form_data(**{"date_of_birth": "02/03/1980", **changes})
    mark = audit_mark()

    response = fay.post(REGISTER, data)

    assert response.status_code == 400
    assert shows(
        response, "This may be a patient who is already registered: 1 existing record shares"
    )
    html = page_text(response)
    assert 'id="duplicate-candidates"' in html
    assert reverse("patients:detail", args=[jose.pk]) in html
    assert 'type="checkbox" name="confirm_duplicate"' in html  # now Fay can confirm
    assert Patient.objects.count() == 1
    assert writes_since(mark) == []
    [shown] = events_since(mark, "praxis.phi.read")  # she saw José's name and date of birth
    assert shown.details["patient_ids"] == [jose.pk]


def test_confirming_registers_the_new_patient_and_says_so_in_the_audit(
    frontdesk_fay, client_for, jose
):
    fay = client_for(frontdesk_fay)
    data = patient_form_data(
        legal_first_name="Jose", legal_last_name="Nunez", date_of_birth="1980-02-03"
    )
    mark = audit_mark()

    response = fay.post(REGISTER, {**data, "confirm_duplicate": "on"})

    assert response.status_code == 302
    new = Patient.objects.exclude(pk=jose.pk).get()
    assert new.mrn == "100002"
    [registered] = events_since(mark, "praxis.patients.patient.registered")
    assert registered.details == {
        "mrn": "100002",
        "confirmed_despite_possible_duplicates": [jose.pk],
    }


def test_the_confirm_box_is_hidden_until_there_is_something_to_confirm(frontdesk_fay, client_for):
    html = page_text(client_for(frontdesk_fay).get(REGISTER))
    assert 'type="hidden" name="confirm_duplicate"' in html
    assert 'type="checkbox" name="confirm_duplicate"' not in html


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"date_of_birth": date(1980, 2, 4)}, id="other-birthday"),
        pytest.param({"legal_first_name": "Ana", "legal_last_name": "Smith"}, id="other-name"),
    ],
)
def test_different_people_are_not_duplicates(practice, jose, frontdesk_fay, changes):
    values = {
        "legal_first_name": "José",
        "legal_last_name": "Núñez",
        "date_of_birth": date(1980, 2, 3),
        "sex": "M",
        **changes,
    }
    patient = registration.patient_register(
        practice=practice, values=values, registered_by=frontdesk_fay
    )
    assert patient.pk != jose.pk


def test_a_merged_away_record_is_not_a_duplicate(practice, jose, frontdesk_fay):
    keep = PatientFactory(practice=practice)
    Patient.objects.filter(pk=jose.pk).update(merged_into=keep, status="inactive")
    values = {
        "legal_first_name": "José",
        "legal_last_name": "Núñez",
        "date_of_birth": date(1980, 2, 3),
        "sex": "M",
    }
    mark = audit_mark()

    patient = registration.patient_register(
        practice=practice, values=values, registered_by=frontdesk_fay
    )

    stored = Patient.objects.get(pk=patient.pk)  # registered, with no warning to confirm
    assert (stored.legal_last_name, stored.merged_into_id) == ("Núñez", None)
    assert stored.mrn and stored.mrn not in {jose.mrn, keep.mrn}
    [registered] = events_since(mark, "praxis.patients.patient.registered")
    assert registered.details == {"mrn": stored.mrn}  # José's closed record was no candidate


def test_the_service_raises_a_duplicate_warning_naming_the_candidates(practice, jose):
    values = {
        "legal_first_name": "J",
        "legal_last_name": "Nunez",
        "date_of_birth": date(1980, 2, 3),
        "sex": "M",
    }
    with pytest.raises(registration.DuplicateWarning) as raised:
        registration.patient_register(practice=practice, values=values, registered_by=None)
    assert raised.value.candidates == [jose]
    assert raised.value.code == "possible_duplicate"
    assert isinstance(raised.value, ServiceError)


# --- bad input -------------------------------------------------------------------------------


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).strftime("%m/%d/%Y")


BAD_PATIENT_INPUT = [
    pytest.param("phone", "12345", "This is not a valid phone number.", id="phone"),
    pytest.param("phone", "call me", "Enter a phone number such as (555) 201-3344.", id="phone2"),
    pytest.param(
        "emergency_contact_phone", "555", "This is not a valid phone number.", id="ice-phone"
    ),
    pytest.param("date_of_birth", "tomorrow", "Enter a valid date.", id="dob-words"),
    pytest.param("date_of_birth", "02/30/1980", "Enter a valid date.", id="dob-impossible"),
    pytest.param("date_of_birth", "02/03/80", "Enter a valid date.", id="dob-two-digit-year"),
    pytest.param("date_of_birth", "01/01/1850", "Check the year of the date of birth.", id="old"),
    pytest.param("legal_last_name", "", "This field is required.", id="no-last-name"),
    pytest.param("legal_first_name", "x" * 65, "Ensure this value has at most 64", id="long"),
    pytest.param("sex", "X", "Select a valid choice.", id="sex"),
    pytest.param("email", "zoe@", "Enter a valid email address.", id="email"),
    pytest.param("postal_code", "5401", "A ZIP code is 5 digits or ZIP+4 (12345-6789).", id="zip"),
    pytest.param("state", "XX", "Select a valid choice.", id="state"),
]


@pytest.mark.parametrize(("field", "typed", "message"), BAD_PATIENT_INPUT)
def test_bad_registration_input_is_refused_and_nothing_is_written(
    frontdesk_fay, client_for, field, typed, message
):
    fay = client_for(frontdesk_fay)
    mark = audit_mark()

    response = fay.post(REGISTER, patient_form_data(**{field: typed}))

    assert response.status_code == 400
    assert shows(response, message)
    assert f'id="id_{field}_error"' in page_text(response)
    assert 'value="12 Pearl Street"' in page_text(response)  # what was typed is kept
    assert not Patient.objects.exists()
    assert writes_since(mark) == []


def test_a_date_of_birth_in_the_future_is_refused(frontdesk_fay, client_for):
    response = client_for(frontdesk_fay).post(
        REGISTER, patient_form_data(date_of_birth=_tomorrow())
    )
    assert response.status_code == 400
    assert shows(response, "The date of birth is in the future.")
    assert 'id="id_date_of_birth_error"' in page_text(response)
    assert not Patient.objects.exists()


def test_the_service_refuses_fields_it_does_not_own(practice):
    with pytest.raises(ServiceError, match="cannot be set here: mrn"):
        registration.patient_register(
            practice=practice,
            values={"mrn": "1", "legal_first_name": "A", "legal_last_name": "B"},
            registered_by=None,
        )
    assert not Patient.objects.exists()


# --- editing ---------------------------------------------------------------------------------


def test_fay_updates_a_phone_and_a_consent(frontdesk_fay, client_for, jose):
    fay = client_for(frontdesk_fay)
    edit = reverse("patients:edit", args=[jose.pk])
    assert fay.get(edit).status_code == 200
    before = jose.consents_recorded_at
    mark = audit_mark()

    response = fay.post(edit, edit_form_data(jose, phone="802 555 0199", consent_email="on"))

    assert response.status_code == 302
    jose.refresh_from_db()
    assert jose.phone == "+18025550199"
    assert jose.consent_email is True
    assert jose.consents_recorded_at is not None and jose.consents_recorded_at != before
    [updated] = events_since(mark, "praxis.patients.patient.updated")
    assert updated.patient_id == str(jose.pk)
    assert updated.details == {"fields": ["consent_email", "phone"]}  # names, never values


def test_a_new_name_is_searchable_at_once(frontdesk_fay, client_for, jose):
    client_for(frontdesk_fay).post(
        reverse("patients:edit", args=[jose.pk]),
        edit_form_data(jose, legal_last_name="Ibáñez", preferred_name=""),
    )
    jose.refresh_from_db()
    assert jose.search_name == "ibanez jose"


def test_saving_unchanged_writes_nothing(frontdesk_fay, client_for, jose):
    fay = client_for(frontdesk_fay)
    mark = audit_mark()
    response = fay.post(
        reverse("patients:edit", args=[jose.pk]), edit_form_data(jose, phone="(802) 555-0142")
    )
    assert response.status_code == 302
    assert writes_since(mark) == []


@pytest.mark.parametrize(("field", "typed", "message"), BAD_PATIENT_INPUT)
def test_bad_edits_are_refused_and_nothing_is_written(
    frontdesk_fay, client_for, jose, field, typed, message
):
    fay = client_for(frontdesk_fay)
    before = row(jose)
    history = jose.history.count()
    mark = audit_mark()

    response = fay.post(
        reverse("patients:edit", args=[jose.pk]),
        edit_form_data(jose, city="Half-saved", **{field: typed}),
    )

    assert response.status_code == 400
    assert shows(response, message)
    assert "Edit Pepe Núñez" in page_text(response)  # the header keeps the stored name
    assert row(jose) == before
    assert jose.history.count() == history
    assert writes_since(mark) == []


def test_another_practices_patient_cannot_be_opened_or_edited(
    frontdesk_fay, client_for, elsewhere_patient
):
    fay = client_for(frontdesk_fay)
    before = row(elsewhere_patient)
    for url in (
        reverse("patients:detail", args=[elsewhere_patient.pk]),
        reverse("patients:edit", args=[elsewhere_patient.pk]),
    ):
        response = fay.get(url)
        assert response.status_code == 404
        assert "Otherton" not in page_text(response)
    response = fay.post(
        reverse("patients:edit", args=[elsewhere_patient.pk]),
        edit_form_data(elsewhere_patient, legal_last_name="Taken"),
    )
    assert response.status_code == 404
    assert row(elsewhere_patient) == before


# --- the detail page -------------------------------------------------------------------------


def test_dr_dana_views_a_patient_and_the_read_is_audited(dr_dana, client_for, jose):
    dana = client_for(dr_dana)
    mark = audit_mark()

    response = dana.get(reverse("patients:detail", args=[jose.pk]))

    assert response.status_code == 200
    html = page_text(response)
    assert "Pepe Núñez" in html and "(802) 555-0142" in html and jose.mrn in html
    assert reverse("patients:edit", args=[jose.pk]) not in html  # she may look, not change
    assert response["Cache-Control"] == "no-store, private"
    [read] = events_since(mark, "praxis.phi.read")
    assert read.actor == dr_dana
    assert read.patient_id == str(jose.pk)
    assert read.object_type == "patients.patient"
    assert read.details == {
        "path_name": "patients:detail",
        "method": "GET",
        "status": 200,
        "patient_ids": [jose.pk],
    }


@pytest.mark.parametrize("who", ["hr_hana", "outsider_otto", "compliance_cole"])
def test_roles_without_patient_access_are_refused_the_detail_page(persona, client_for, jose, who):
    client = client_for(persona(who))
    mark = audit_mark()
    response = client.get(reverse("patients:detail", args=[jose.pk]))
    assert response.status_code == 403
    assert "Núñez" not in page_text(response)
    assert events_since(mark, "praxis.phi.read") == []


@pytest.mark.parametrize("n", [1, 4])
def test_the_detail_page_costs_the_same_queries_for_1_or_4_coverages_and_documents(
    dr_dana, client_for, jose, django_assert_max_num_queries, n
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from praxis.patients.testing.factories import CoverageFactory

    for i in range(n):
        coverage = CoverageFactory(
            patient=jose,
            priority=1 + i % 3,
            effective_date=date(2020 + i, 1, 1),
            end_date=date(2020 + i, 12, 31),
        )
        coverages.coverage_record_eligibility(
            coverage=coverage, status="active", checked_by=dr_dana
        )
        documents.document_upload(
            patient=jose,
            kind="other",
            upload=SimpleUploadedFile(f"scan{i}.pdf", b"%PDF-1.4 scan"),
            uploaded_by=dr_dana,
        )
    # The page includes the patient's visits (one query from the scheduling app).
    dana = client_for(dr_dana)
    dana.get(reverse("patients:list"))
    with django_assert_max_num_queries(16):
        response = dana.get(reverse("patients:detail", args=[jose.pk]))
    assert page_text(response).count("scan") == n


# --- the registration flow: parts, an error summary, insurance next -------------------------


def test_the_form_comes_in_parts_and_errors_are_summed_up_with_links(frontdesk_fay, client_for):
    fay = client_for(frontdesk_fay)
    html = fay.get(REGISTER).content.decode()
    for legend in ("Identity", "Contact", "May we contact them?", "Emergency contact"):
        assert f'<legend class="h5">{legend}</legend>' in html
    assert 'id="form-errors"' not in html

    data = patient_form_data(legal_last_name="", date_of_birth="13/45/1990")
    response = fay.post(REGISTER, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="form-errors"' in html and "autofocus" in html  # focus lands on the summary
    assert "2 things to fix:" in page_text(response)
    assert '<a href="#id_legal_last_name">' in html and '<a href="#id_date_of_birth">' in html
    # in the order the fields show: last name (Identity) before the date of birth
    assert html.index("#id_legal_last_name") < html.index("#id_date_of_birth")


def test_the_insurance_step_adds_a_coverage_and_lands_on_the_patient(
    frontdesk_fay, client_for, practice, aetna
):
    from praxis.patients.models import Coverage

    from .test_coverage import coverage_form_data

    fay = client_for(frontdesk_fay)
    step = fay.post(REGISTER, patient_form_data())["Location"]
    zoe = Patient.objects.get(practice=practice)
    page = fay.get(step)
    assert 'id="insurance-step"' in page.content.decode()
    assert "No insurance: the patient pays (self-pay)" in page_text(page)

    response = fay.post(step, coverage_form_data(aetna))
    assert response.status_code == 302, page_text(response)
    assert response["Location"] == reverse("patients:detail", args=[zoe.pk])
    assert Coverage.objects.filter(patient=zoe, payer=aetna).exists()


def test_no_consent_given_stamps_no_time(frontdesk_fay, client_for, practice):
    client_for(frontdesk_fay).post(REGISTER, patient_form_data(consent_sms=""))
    zoe = Patient.objects.get(practice=practice)
    assert (zoe.consent_sms, zoe.consent_email, zoe.consent_voicemail) == (False, False, False)
    assert zoe.consents_recorded_at is None
