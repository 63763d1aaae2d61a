"""Bo the biller turns Dr. Dubois's visits into encounters, codes them and marks them ready; the
charges land on the ledger. Every refusal names what is wrong and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from praxis.billing.encounters import (
    LineInput,
    encounter_code,
    encounter_create,
    encounter_create_from_visit,
    encounter_mark_ready,
)
from praxis.billing.models import (
    Account,
    ChargeLine,
    Encounter,
    EncounterDiagnosis,
    JournalEntry,
    JournalLine,
    OpenItem,
)
from praxis.billing.selectors import ledger_disagreements, patient_balance
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.patients.testing.factories import CoverageFactory
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory

from .conftest import DAY_OF_SERVICE

pytestmark = pytest.mark.django_db


def local_start(day: date, hour: int):  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("America/New_York"))


def test_a_completed_visit_becomes_one_encounter_with_its_coverage(
    practice, paula, dana, location, aetna, biller_bo
):
    coverage = CoverageFactory(patient=paula, payer=aetna, effective_date=date(2026, 1, 1))
    # 9 p.m. in New York on May 4 is already May 5 in UTC: the date of service is the clinic's
    visit = AppointmentFactory(
        provider=dana,
        location=location,
        patient=paula,
        start=local_start(DAY_OF_SERVICE, 21),
        status=Appointment.Status.COMPLETED,
    )
    encounter = encounter_create_from_visit(appointment=visit, by=biller_bo)
    assert encounter.date_of_service == DAY_OF_SERVICE
    assert (encounter.patient, encounter.rendering_provider, encounter.billing_provider) == (
        paula,
        dana,
        dana,
    )
    assert encounter.coverage == coverage
    assert encounter.status == Encounter.Status.DRAFT
    assert AuditEvent.objects.filter(action="praxis.billing.encounter.created").count() == 1

    with pytest.raises(ServiceError, match=r"This visit already has an encounter."):
        encounter_create_from_visit(appointment=visit, by=biller_bo)
    assert Encounter.objects.count() == 1


def test_a_visit_not_yet_completed_is_no_encounter(paula, dana, location, biller_bo):
    visit = AppointmentFactory(
        provider=dana, location=location, patient=paula, start=local_start(DAY_OF_SERVICE, 9)
    )
    with pytest.raises(ServiceError, match=r"Only a completed visit becomes an encounter."):
        encounter_create_from_visit(appointment=visit, by=biller_bo)
    assert not Encounter.objects.exists()


def test_coding_sets_diagnoses_and_lines_priced_from_the_fee_schedule(
    draft, office_visit, venipuncture, biller_bo
):
    encounter_code(
        encounter=draft,
        diagnoses=["e11.9", "J02.0"],
        lines=[
            LineInput(office_visit, pointers=(1, 2), modifiers=("25",)),
            LineInput(venipuncture, units=2, pointers=(1,)),
        ],
        by=biller_bo,
    )
    draft.refresh_from_db()
    assert draft.status == Encounter.Status.CODED
    assert list(draft.diagnoses.values_list("position", "code")) == [(1, "E119"), (2, "J020")]
    lines = list(draft.lines.order_by("line_number"))
    assert [(x.procedure_code.code, x.modifiers, x.units, x.diagnosis_pointers) for x in lines] == [
        ("99213", ["25"], 1, [1, 2]),
        ("36415", [], 2, [1]),
    ]
    assert [x.amount for x in lines] == [Decimal("120.00"), Decimal("30.00")]
    # nothing is posted until the encounter is ready
    assert not JournalEntry.objects.exists()


def test_recoding_replaces_what_was_coded(draft, office_visit, biller_bo):
    encounter_code(
        encounter=draft, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
    )
    encounter_code(
        encounter=draft, diagnoses=["J02.0"], lines=[LineInput(office_visit, units=2)], by=biller_bo
    )
    assert list(draft.diagnoses.values_list("code", flat=True)) == ["J020"]
    assert list(draft.lines.values_list("units", flat=True)) == [2]


def test_the_payers_contracted_fee_prices_an_insured_visit(
    icd10_april_2026, fee_schedule, paula, dana, location, aetna, office_visit, biller_bo
):
    coverage = CoverageFactory(patient=paula, payer=aetna, effective_date=date(2026, 1, 1))
    encounter = encounter_create(
        patient=paula,
        date_of_service=DAY_OF_SERVICE,
        rendering_provider=dana,
        location=location,
        coverage=coverage,
        by=biller_bo,
    )
    encounter_code(
        encounter=encounter, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
    )
    assert encounter.lines.get().amount == Decimal("95.00")


@pytest.mark.parametrize(
    ("diagnoses", "line", "message"),
    [
        (["E99.9"], {}, "'E99.9' is not an ICD-10-CM code in force on 05/04/2026."),
        (["E11"], {}, "E11 is a category, not a billable code"),
        ([], {}, "Add at least one diagnosis."),
        (["E11.9", "E119"], {}, "E11.9 is listed twice."),
        (
            ["E11.9"],
            {"pointers": (2,)},
            "Line 1 (99213) points at diagnosis 2, but the encounter has 1 diagnosis.",
        ),
        (["E11.9"], {"pointers": ()}, "Line 1 (99213): point at one to 4 diagnoses."),
        (["E11.9"], {"units": 0}, "Line 1 (99213): units must be a whole number of 1 or more."),
        (["E11.9"], {"units": -2}, "Line 1 (99213): units must be a whole number of 1 or more."),
        (["E11.9"], {"modifiers": ("ZZ",)}, "Line 1 (99213): 'ZZ' is not a modifier Praxis knows."),
        (["E11.9"], {"ndc": "123"}, "Line 1 (99213): an NDC is 11 digits (5-4-2)."),
    ],
)
def test_coding_refusals_say_why_and_write_nothing(
    draft, office_visit, biller_bo, diagnoses, line, message
):
    with pytest.raises(ServiceError) as refused:
        encounter_code(
            encounter=draft,
            diagnoses=diagnoses,
            lines=[LineInput(office_visit, **line)],
            by=biller_bo,
        )
    assert message in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == Encounter.Status.DRAFT
    assert not EncounterDiagnosis.objects.exists() and not ChargeLine.objects.exists()
    assert not AuditEvent.objects.filter(action="praxis.billing.encounter.coded").exists()


def test_a_code_in_force_before_the_release_is_unknown_on_an_earlier_date(
    icd10_april_2026, fee_schedule, paula, dana, location, office_visit, biller_bo
):
    early = encounter_create(
        patient=paula,
        date_of_service=date(2026, 3, 2),
        rendering_provider=dana,
        location=location,
        by=biller_bo,
    )
    with pytest.raises(ServiceError, match=r"not an ICD-10-CM code in force on 03/02/2026"):
        encounter_code(
            encounter=early, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
        )


def test_an_inactive_procedure_code_is_refused(draft, office_visit, biller_bo):
    office_visit.active_to = DAY_OF_SERVICE - timedelta(days=1)
    office_visit.save()
    with pytest.raises(
        ServiceError, match=r"Line 1 \(99213\): the code is not active on 05/04/2026."
    ):
        encounter_code(
            encounter=draft, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
        )
    assert not ChargeLine.objects.exists()


def test_a_provider_without_an_npi_cannot_bill(draft, dana, office_visit, biller_bo):
    type(dana).objects.filter(pk=dana.pk).update(npi="")
    with pytest.raises(ServiceError, match=r"Dr. Dana Dubois, has no NPI"):
        encounter_code(
            encounter=draft, diagnoses=["E11.9"], lines=[LineInput(office_visit)], by=biller_bo
        )
    assert not ChargeLine.objects.exists()


def test_a_code_with_no_fee_on_the_schedule_is_refused(draft, practice, biller_bo):
    from praxis.billing.models import ProcedureCode

    flu = ProcedureCode.objects.create(
        practice=practice, code="90686", description="Flu vaccine", active_from=date(2026, 1, 1)
    )
    with pytest.raises(
        ServiceError, match=r"Line 1 \(90686\): no fee on the schedule for 05/04/2026"
    ):
        encounter_code(encounter=draft, diagnoses=["E11.9"], lines=[LineInput(flu)], by=biller_bo)


def test_marking_ready_posts_the_charges(paula, posted_visit):
    encounter = posted_visit(paula)
    assert encounter.status == Encounter.Status.READY
    entry = JournalEntry.objects.get()
    assert entry.kind == JournalEntry.Kind.CHARGE and entry.effective_date == DAY_OF_SERVICE
    assert sorted(entry.lines.values_list("account", "amount")) == [
        (Account.AR_PATIENT, Decimal("15.00")),
        (Account.AR_PATIENT, Decimal("120.00")),
        (Account.REVENUE, Decimal("-120.00")),
        (Account.REVENUE, Decimal("-15.00")),
    ]
    assert patient_balance(paula).patient_due == Decimal("135.00")
    assert OpenItem.objects.count() == 2
    assert ledger_disagreements() == []


def test_an_insured_encounter_is_owed_by_the_insurance(paula, aetna, posted_visit):
    coverage = CoverageFactory(patient=paula, payer=aetna, effective_date=date(2026, 1, 1))
    posted_visit(paula, coverage)
    balance = patient_balance(paula)
    assert (balance.patient_due, balance.insurance_pending) == (Decimal("0.00"), Decimal("110.00"))
    assert set(
        JournalLine.objects.filter(account=Account.AR_INSURANCE).values_list("payer", flat=True)
    ) == {aetna.pk}


def test_ready_only_once_and_only_when_coded(paula, posted_visit, draft, biller_bo):
    encounter = posted_visit(paula)
    with pytest.raises(
        ServiceError,
        match=r"Only a coded encounter can be marked ready; this one is ready to bill.",
    ):
        encounter_mark_ready(encounter=encounter, by=biller_bo)
    with pytest.raises(
        ServiceError, match=r"Only a coded encounter can be marked ready; this one is draft."
    ):
        encounter_mark_ready(encounter=draft, by=biller_bo)
    with pytest.raises(ServiceError, match=r"its charges are posted"):
        encounter_code(encounter=encounter, diagnoses=["E11.9"], lines=[], by=biller_bo)
    assert JournalEntry.objects.count() == 1


def test_opening_an_encounter_refuses_what_does_not_fit(
    practice, other_practice, paula, dana, location, aetna, biller_bo
):
    from praxis.core.testing.factories import LocationFactory
    from praxis.scheduling.testing import ProviderFactory

    lapsed = CoverageFactory(
        patient=paula, payer=aetna, effective_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    base = {
        "patient": paula,
        "date_of_service": DAY_OF_SERVICE,
        "rendering_provider": dana,
        "location": location,
        "by": biller_bo,
    }
    cases = [
        ({"coverage": lapsed}, "The coverage is not in effect on the date of service, 05/04/2026."),
        ({"place_of_service": "98"}, "'98' is not a place-of-service code Praxis knows."),
        (
            {"location": LocationFactory(practice=other_practice)},
            "The location is not one of this practice's.",
        ),
        (
            {"billing_provider": ProviderFactory(practice=other_practice)},
            "The billing provider is not one of this practice's.",
        ),
    ]
    for change, message in cases:
        with pytest.raises(ServiceError) as refused:
            encounter_create(**{**base, **change})
        assert refused.value.messages == [message]
    assert not Encounter.objects.exists()
    assert not AuditEvent.objects.filter(action="praxis.billing.encounter.created").exists()
