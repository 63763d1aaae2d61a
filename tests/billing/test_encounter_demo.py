"""The demo's encounters: the completed visits coded by visit type, most ready (charges posted),
a few coded or draft and the latest few left in the queue. Seeding again changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from praxis.billing import demo, encounter_demo
from praxis.billing.encounter_queue import QueueFilters
from praxis.billing.models import Encounter, Icd10Code, Icd10Release, JournalEntry
from praxis.billing.models.codes import search_text
from praxis.billing.selectors import ledger_disagreements, normalize_icd10
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory, AppointmentTypeFactory

pytestmark = pytest.mark.django_db

DEMO_DIAGNOSES = {code for spec in encounter_demo.BY_TYPE.values() for code in spec[3]}


@pytest.fixture
def demo_release(db: None) -> None:
    release = Icd10Release.objects.create(
        label="demo",
        source="test",
        effective_from=date(2026, 1, 1),
        code_count=len(DEMO_DIAGNOSES),
        loaded_at=timezone.now(),
    )
    Icd10Code.objects.bulk_create(
        Icd10Code(
            release=release,
            code=normalize_icd10(code),
            description=f"Demo {code}",
            billable=True,
            search_text=search_text(f"demo {code}"),
        )
        for code in DEMO_DIAGNOSES
    )


def test_the_demo_encounters(practice, location, dana, paula, demo_release, monkeypatch):
    monkeypatch.setattr(demo, "ensure_icd10", lambda: False)
    # the visits' encounters only: not the older A/R charges nor the desk's payments
    monkeypatch.setattr(demo.demo_ar, "seed_ar_charges", lambda practice: 0)
    monkeypatch.setattr(demo, "seed_payments", lambda practice: 0)
    types = [
        AppointmentTypeFactory(practice=practice, name=name) for name in encounter_demo.BY_TYPE
    ]
    start = datetime(2026, 6, 1, 14, tzinfo=UTC)
    for n in range(20):
        AppointmentFactory(
            patient=paula,
            provider=dana,
            location=location,
            appointment_type=types[n % len(types)],
            start=start + timedelta(hours=n),
            status=Appointment.Status.COMPLETED,
        )
    demo.seed_billing(practice)

    statuses = Counter(Encounter.objects.values_list("status", flat=True))
    assert statuses == {"ready": 9, "coded": 3, "draft": 2}
    assert QueueFilters(practice=practice).visits_to_bill().count() == 6
    assert JournalEntry.objects.count() == 9
    assert ledger_disagreements() == []

    demo.seed_billing(practice)
    assert Encounter.objects.count() == 14
