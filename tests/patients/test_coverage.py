"""Insurance coverage. Bo the biller adds José's Aetna plan, checks eligibility on the payer's
portal and records the outcome; the scheduling board asks which patients have a primary coverage
verified active recently. Overlapping coverages, impossible dates and payers of other practices
are refused with a message, and nothing is written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import audit_mark, events_since, page_text, shows
from praxis.patients import coverages, selectors
from praxis.patients.models import Coverage
from praxis.patients.testing.factories import CoverageFactory, PatientFactory, PayerFactory

from .helpers import row, writes_since


def coverage_form_data(payer_obj, **changes):  # type: ignore[no-untyped-def]
    data = {
        "payer": payer_obj.pk,
        "member_id": "W123456789",
        "group_number": "G-4410",
        "subscriber_name": "",
        "subscriber_relationship": "18",
        "subscriber_date_of_birth": "",
        "priority": "1",
        "effective_date": "01/01/2025",
        "end_date": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def aetna_plan(jose, aetna):  # type: ignore[no-untyped-def]
    return CoverageFactory(
        patient=jose, payer=aetna, member_id="W111", effective_date=date(2024, 1, 1)
    )


def test_bo_adds_a_coverage_and_it_shows_on_the_patient(biller_bo, client_for, jose, aetna):
    bo = client_for(biller_bo)
    url = reverse("patients:coverage_add", args=[jose.pk])
    assert bo.get(url).status_code == 200
    mark = audit_mark()

    response = bo.post(url, coverage_form_data(aetna))

    assert response.status_code == 302
    coverage = Coverage.objects.get(patient=jose)
    assert (coverage.payer, coverage.member_id, coverage.priority) == (aetna, "W123456789", 1)
    assert coverage.effective_date == date(2025, 1, 1)
    assert coverage.eligibility_status == Coverage.Eligibility.UNVERIFIED
    [added] = events_since(mark, "praxis.patients.coverage.added")
    assert added.actor == biller_bo
    assert added.patient_id == str(jose.pk)
    detail = page_text(bo.get(reverse("patients:detail", args=[jose.pk])))
    assert "Aetna" in detail and "W123456789" in detail and "Not verified" in detail


def test_a_child_on_a_parents_plan_names_the_subscriber(frontdesk_fay, client_for, jose, aetna):
    response = client_for(frontdesk_fay).post(
        reverse("patients:coverage_add", args=[jose.pk]),
        coverage_form_data(
            aetna,
            subscriber_relationship="19",
            subscriber_name="Maria Núñez",
            subscriber_date_of_birth="1955-06-01",
        ),
    )
    assert response.status_code == 302
    coverage = Coverage.objects.get(patient=jose)
    assert coverage.subscriber_name == "Maria Núñez"
    assert coverage.subscriber_date_of_birth == date(1955, 6, 1)


def test_a_secondary_coverage_can_run_beside_the_primary(biller_bo, jose, aetna, medicare):
    coverages.coverage_add(
        patient=jose,
        values={"payer": medicare, "member_id": "1EG4", "effective_date": date(2024, 1, 1)},
        added_by=biller_bo,
    )
    coverages.coverage_add(
        patient=jose,
        values={
            "payer": aetna,
            "member_id": "W2",
            "priority": 2,
            "effective_date": date(2024, 6, 1),
        },
        added_by=biller_bo,
    )
    assert [c.payer.name for c in selectors.patient_coverages(jose)] == ["Medicare", "Aetna"]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"effective_date": "03/01/2025", "end_date": "02/01/2025"},
            "The end date is before the effective date.",
            id="end-before-start",
        ),
        pytest.param({"member_id": ""}, "This field is required.", id="no-member-id"),
        pytest.param({"effective_date": "soon"}, "Enter a valid date.", id="bad-date"),
        pytest.param({"payer": "999999"}, "Select a valid choice.", id="unknown-payer"),
        pytest.param({"priority": "7"}, "Select a valid choice.", id="priority"),
        pytest.param(
            {"subscriber_relationship": "01"},
            "Name the subscriber: the person who holds the policy.",
            id="no-subscriber",
        ),
        pytest.param(
            {
                "subscriber_relationship": "19",
                "subscriber_name": "M",
                "subscriber_date_of_birth": "01/01/2999",
            },
            "The date of birth is in the future.",
            id="subscriber-born-later",
        ),
    ],
)
def test_bad_coverage_input_is_refused_and_nothing_is_written(
    biller_bo, client_for, jose, aetna, changes, message
):
    bo = client_for(biller_bo)
    mark = audit_mark()

    response = bo.post(
        reverse("patients:coverage_add", args=[jose.pk]), coverage_form_data(aetna, **changes)
    )

    assert response.status_code == 400
    assert shows(response, message)
    assert not Coverage.objects.exists()
    assert writes_since(mark) == []


def test_another_practices_payer_is_not_offered_and_not_accepted(
    biller_bo, client_for, jose, aetna, other_practice
):
    theirs = PayerFactory(practice=other_practice, name="Elsewhere Health")
    bo = client_for(biller_bo)
    url = reverse("patients:coverage_add", args=[jose.pk])
    assert "Elsewhere Health" not in page_text(bo.get(url))

    response = bo.post(url, coverage_form_data(theirs))

    assert response.status_code == 400
    assert shows(response, "Select a valid choice.")
    assert not Coverage.objects.exists()


def test_a_payer_no_longer_used_is_not_offered_for_new_coverages(
    biller_bo, client_for, jose, aetna
):
    aetna.is_active = False
    aetna.save()
    response = client_for(biller_bo).post(
        reverse("patients:coverage_add", args=[jose.pk]), coverage_form_data(aetna)
    )
    assert response.status_code == 400
    assert not Coverage.objects.exists()
    with pytest.raises(ServiceError, match="no longer in use"):
        coverages.coverage_add(
            patient=jose,
            values={"payer": aetna, "member_id": "X", "effective_date": date(2025, 1, 1)},
            added_by=biller_bo,
        )


def test_a_second_primary_for_the_same_dates_is_refused(
    biller_bo, client_for, jose, aetna_plan, medicare
):
    bo = client_for(biller_bo)
    mark = audit_mark()

    response = bo.post(
        reverse("patients:coverage_add", args=[jose.pk]), coverage_form_data(medicare)
    )

    assert response.status_code == 400
    assert shows(
        response,
        "The patient already has a primary coverage (Aetna, from 01/01/2024 with no end date) "
        "for these dates. End it first, or choose another priority.",
    )
    assert 'id="id_priority_error"' in page_text(response)
    assert Coverage.objects.count() == 1
    assert writes_since(mark) == []


def test_a_new_primary_may_start_after_the_old_one_ended(biller_bo, jose, aetna_plan, medicare):
    coverages.coverage_end(coverage=aetna_plan, end_date=date(2024, 12, 31), ended_by=biller_bo)
    coverages.coverage_add(
        patient=jose,
        values={"payer": medicare, "member_id": "1EG4", "effective_date": date(2025, 1, 1)},
        added_by=biller_bo,
    )
    assert Coverage.objects.filter(patient=jose).count() == 2


def test_a_coverage_of_another_practice_cannot_be_reached(biller_bo, client_for, elsewhere_patient):
    theirs = CoverageFactory(patient=elsewhere_patient)
    before = row(theirs)
    bo = client_for(biller_bo)
    urls = [
        reverse("patients:coverage_edit", args=[theirs.pk]),
        reverse("patients:coverage_eligibility", args=[theirs.pk]),
    ]
    for url in urls:
        assert bo.get(url).status_code == 404
        assert bo.post(url, {"status": "active", "member_id": "X"}).status_code == 404
    assert (
        bo.post(
            reverse("patients:coverage_end", args=[theirs.pk]), {"end_date": "2025-01-01"}
        ).status_code
        == 404
    )
    response = bo.post(
        reverse("patients:coverage_add", args=[elsewhere_patient.pk]),
        coverage_form_data(theirs.payer),
    )
    assert response.status_code == 404
    assert "Otherton" not in page_text(response)
    assert row(theirs) == before
    assert Coverage.objects.count() == 1


@pytest.mark.parametrize("who", ["dr_dana", "clinical_cleo"])
def test_providers_see_coverages_but_do_not_change_them(persona, client_for, aetna_plan, who):
    client = client_for(persona(who))
    detail = client.get(reverse("patients:detail", args=[aetna_plan.patient_id]))
    assert "W111" in page_text(detail)
    assert client.get(reverse("patients:coverage_edit", args=[aetna_plan.pk])).status_code == 403
    response = client.post(
        reverse("patients:coverage_eligibility", args=[aetna_plan.pk]), {"status": "active"}
    )
    assert response.status_code == 403
    aetna_plan.refresh_from_db()
    assert aetna_plan.eligibility_status == Coverage.Eligibility.UNVERIFIED


# --- editing and ending ----------------------------------------------------------------------


def test_a_new_member_id_voids_the_last_eligibility_check(biller_bo, client_for, aetna_plan, aetna):
    coverages.coverage_record_eligibility(
        coverage=aetna_plan, status="active", checked_by=biller_bo
    )
    bo = client_for(biller_bo)
    mark = audit_mark()

    response = bo.post(
        reverse("patients:coverage_edit", args=[aetna_plan.pk]),
        coverage_form_data(aetna, member_id="W999", effective_date="2024-01-01"),
    )

    assert response.status_code == 302
    aetna_plan.refresh_from_db()
    assert aetna_plan.member_id == "W999"
    assert aetna_plan.eligibility_status == Coverage.Eligibility.UNVERIFIED
    assert aetna_plan.eligibility_checked_at is None
    [updated] = events_since(mark, "praxis.patients.coverage.updated")
    assert updated.details == {"fields": ["group_number", "member_id"]}


def test_editing_to_impossible_dates_writes_nothing(biller_bo, client_for, aetna_plan, aetna):
    before = row(aetna_plan)
    bo = client_for(biller_bo)
    mark = audit_mark()
    response = bo.post(
        reverse("patients:coverage_edit", args=[aetna_plan.pk]),
        coverage_form_data(
            aetna, member_id="CHANGED", end_date="12/31/2023", effective_date="2024-01-01"
        ),
    )
    assert response.status_code == 400
    assert shows(response, "The end date is before the effective date.")
    assert row(aetna_plan) == before
    assert writes_since(mark) == []


def test_bo_ends_a_coverage(biller_bo, client_for, aetna_plan):
    bo = client_for(biller_bo)
    mark = audit_mark()
    response = bo.post(
        reverse("patients:coverage_end", args=[aetna_plan.pk]), {"end_date": "2025-06-30"}
    )
    assert response.status_code == 302
    aetna_plan.refresh_from_db()
    assert aetna_plan.end_date == date(2025, 6, 30)
    [ended] = events_since(mark, "praxis.patients.coverage.ended")
    assert ended.details == {"end_date": "2025-06-30"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12/31/2023", "The end date is before the effective date."),
        ("", "This field is required."),
        ("31/12/2025", "Enter a valid date."),
    ],
)
def test_an_end_date_that_makes_no_sense_is_refused(
    biller_bo, client_for, aetna_plan, typed, message
):
    bo = client_for(biller_bo)
    before = row(aetna_plan)
    mark = audit_mark()
    response = bo.post(reverse("patients:coverage_end", args=[aetna_plan.pk]), {"end_date": typed})
    assert response.status_code == 400
    assert shows(response, message)
    assert 'id="coverage-end-form"' in page_text(response)
    assert row(aetna_plan) == before
    assert writes_since(mark) == []


# --- eligibility -----------------------------------------------------------------------------


def test_bo_records_an_eligibility_check(biller_bo, client_for, aetna_plan):
    bo = client_for(biller_bo)
    url = reverse("patients:coverage_eligibility", args=[aetna_plan.pk])
    assert "Not checked yet." in page_text(bo.get(url))
    mark = audit_mark()

    response = bo.post(url, {"status": "active", "note": "Ref 88231, copay $25"})

    assert response.status_code == 302
    aetna_plan.refresh_from_db()
    assert aetna_plan.eligibility_status == Coverage.Eligibility.ACTIVE
    assert aetna_plan.eligibility_checked_by == biller_bo
    assert timezone.now() - aetna_plan.eligibility_checked_at < timedelta(minutes=1)
    assert aetna_plan.eligibility_note == "Ref 88231, copay $25"
    [recorded] = events_since(mark, "praxis.patients.coverage.eligibility_recorded")
    assert recorded.patient_id == str(aetna_plan.patient_id)
    assert recorded.details["status"] == "active"
    detail = page_text(bo.get(reverse("patients:detail", args=[aetna_plan.patient_id])))
    assert "by Bo Bennett" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "unverified"}, "Select a valid choice."),
        ({"status": ""}, "This field is required."),
        ({"status": "active", "note": "x" * 256}, "Ensure this value has at most 255 characters"),
    ],
)
def test_a_bad_eligibility_record_is_refused(biller_bo, client_for, aetna_plan, data, message):
    bo = client_for(biller_bo)
    mark = audit_mark()
    response = bo.post(reverse("patients:coverage_eligibility", args=[aetna_plan.pk]), data)
    assert response.status_code == 400
    assert shows(response, message)
    aetna_plan.refresh_from_db()
    assert aetna_plan.eligibility_status == Coverage.Eligibility.UNVERIFIED
    assert writes_since(mark) == []


def test_the_service_refuses_a_check_in_the_future(biller_bo, aetna_plan):
    with pytest.raises(ServiceError, match="cannot be in the future"):
        coverages.coverage_record_eligibility(
            coverage=aetna_plan,
            status="active",
            checked_by=biller_bo,
            checked_at=timezone.now() + timedelta(hours=1),
        )


# --- the readiness board's question -----------------------------------------------------------


def test_which_patients_have_a_primary_coverage_verified_recently(
    practice, biller_bo, aetna, medicare
):
    now = timezone.now()
    today = timezone.localdate()

    def patient_with(**coverage):  # type: ignore[no-untyped-def]
        patient = PatientFactory(practice=practice)
        checked_at = coverage.pop("checked_at", None)
        status = coverage.pop("status", None)
        made = CoverageFactory(patient=patient, payer=coverage.pop("payer", aetna), **coverage)
        if status:
            coverages.coverage_record_eligibility(
                coverage=made, status=status, checked_by=biller_bo, checked_at=checked_at
            )
        return patient

    verified = patient_with(status="active", checked_at=now - timedelta(days=2))
    verified_at_start_of_window = patient_with(status="active", checked_at=now - timedelta(days=7))
    long_ago = patient_with(status="active", checked_at=now - timedelta(days=40))
    found_inactive = patient_with(status="inactive", checked_at=now)
    never_checked = patient_with()
    only_secondary = patient_with(priority=2, status="active", checked_at=now)
    ended = patient_with(
        status="active",
        checked_at=now,
        end_date=today - timedelta(days=1),
        effective_date=date(2020, 1, 1),
    )
    not_started = patient_with(
        status="active", checked_at=now, effective_date=today + timedelta(days=30)
    )
    everyone = [
        verified,
        verified_at_start_of_window,
        long_ago,
        found_inactive,
        never_checked,
        only_secondary,
        ended,
        not_started,
    ]
    ids = [p.pk for p in everyone]

    assert selectors.coverage_verified_since(ids, start_of(today - timedelta(days=7))) == {
        verified.pk,
        verified_at_start_of_window.pk,
    }
    assert selectors.coverage_verified_since(ids, now - timedelta(days=3)) == {verified.pk}
    # The board for a visit next month: the plan that starts then counts, the ended one not.
    assert not_started.pk in selectors.coverage_verified_since(
        ids, start_of(today - timedelta(days=1)), on=today + timedelta(days=30)
    )
    assert selectors.coverage_verified_since([], start_of(today)) == set()


def test_the_readiness_question_costs_one_query(practice, django_assert_num_queries):
    ids = [PatientFactory(practice=practice).pk for _ in range(20)]
    with django_assert_num_queries(1):
        selectors.coverage_verified_since(ids, start_of(timezone.localdate()))


def start_of(day):  # type: ignore[no-untyped-def]
    """The start of a day on the practice's clock (the test practice's zone is the default)."""
    return timezone.make_aware(datetime.combine(day, time.min))
