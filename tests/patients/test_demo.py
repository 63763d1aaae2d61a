"""The demo practice's patients: deterministic, idempotent, and realistic enough to show every
screen (accented names, six payers, coverages checked recently and not, one duplicate pair)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from praxis.core.demo import seed_demo
from praxis.core.testing.factories import PracticeFactory
from praxis.patients import selectors
from praxis.patients.demo import seed_patients
from praxis.patients.models import Coverage, Patient, Payer

pytestmark = pytest.mark.django_db


def _people(practice):  # type: ignore[no-untyped-def]
    return list(
        Patient.objects.filter(practice=practice)
        .order_by("mrn")
        .values_list("mrn", "legal_first_name", "legal_last_name", "date_of_birth", "phone")
    )


def test_the_same_seed_gives_the_same_patients_and_runs_once(practice, other_practice):
    assert seed_patients(practice, count=40) == 40
    assert seed_patients(other_practice, count=40) == 40
    assert _people(practice) == _people(other_practice)
    assert seed_patients(practice, count=40) == 0  # already seeded: nothing more
    assert Patient.objects.filter(practice=practice).count() == 40


def test_the_demo_has_what_the_screens_need():
    practice = PracticeFactory()
    seed_patients(practice, count=120)
    patients = Patient.objects.filter(practice=practice)
    assert set(Payer.objects.filter(practice=practice).values_list("name", flat=True)) == {
        "Medicare",
        "Medicaid of Vermont",
        "BlueCross BlueShield of Vermont",
        "Aetna",
        "UnitedHealthcare",
        "Self-pay",
    }
    assert patients.exclude(search_name__regex=r"^[a-z ]+$").count() == 0  # all folded
    assert any(c in "".join(patients.values_list("legal_last_name", flat=True)) for c in "ñåüøéłễ")
    with_coverage = patients.filter(coverages__isnull=False).distinct().count()
    assert with_coverage > 0.8 * patients.count()
    week_ago = timezone.now() - timedelta(days=7)
    coverages = Coverage.objects.filter(patient__practice=practice)
    assert coverages.filter(
        eligibility_checked_at__gte=week_ago, eligibility_status="active"
    ).exists()
    assert coverages.filter(eligibility_status="unverified").exists()
    assert coverages.filter(eligibility_checked_at__lt=week_ago).exists()
    last = patients.order_by("-mrn").first()
    assert last is not None
    assert selectors.duplicates_of(last), "the demo's duplicate pair"


def test_seed_demo_registers_the_patients_once():
    practice = seed_demo()
    assert Patient.objects.filter(practice=practice).count() == 300
    assert selectors.patient_search(_desk(practice), "nunez").exists()
    seed_demo()
    assert Patient.objects.filter(practice=practice).count() == 300


def _desk(practice):  # type: ignore[no-untyped-def]
    return practice.users.get(email="frontdesk@riverbend.example")


def test_most_demo_patients_signed_a_consent_form_at_registration(practice, frontdesk_fay):
    from django.core.files.storage import default_storage

    from praxis.patients.models import PatientDocument

    seed_patients(practice, count=60)
    forms = PatientDocument.objects.filter(
        patient__practice=practice, kind=PatientDocument.Kind.CONSENT_FORM
    )
    assert 0.7 * 60 <= forms.count() < 60  # most, not all: the desk has some to chase
    first = forms.first()
    assert first is not None and first.uploaded_by == frontdesk_fay
    with default_storage.open(first.storage_path) as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-") and b"Consent to treat" in content
