"""A/R aging at Riverbend on September 30, 2026: Paula Price's insured visits at five ages (Aetna
owes $110.00 on each), Sam Stone's self-pay visit 95 days back ($135.00 his own). The buckets,
by payer and by patient, from the date of service or from the billing date; the lines behind a
cell; the collections list and its notes; the balances the readiness board shows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from praxis.billing import aging, collections, ledger
from praxis.billing.aging import BUCKETS, NO_PAYER, AgingFilters
from praxis.billing.models import CollectionNote, OpenItem
from praxis.billing.selectors import ledger_disagreements, patient_balances
from praxis.core import plugins
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.patients.testing.factories import CoverageFactory, PatientFactory

from .conftest import AS_OF, ago

pytestmark = pytest.mark.django_db

D = Decimal


def figures(row: aging.AgingRow) -> list[Decimal]:
    return [amount for _, amount in row.cells] + [row.total]


def test_by_payer_from_the_date_of_service(practice, ar):
    filters = AgingFilters.of(practice=practice, as_of=AS_OF)
    (aetna,) = aging.aging_rows(filters)
    assert aetna.name == "Aetna"
    assert figures(aetna) == [D("110.00")] * 5 + [D("550.00")]
    assert aetna.lines == 10
    assert figures(aging.aging_totals(filters)) == figures(aetna)


def test_by_patient_counts_only_what_patients_owe(practice, ar, sam, paula):
    # Aetna says $20.00 of the oldest 99213 is Paula's deductible.
    line = ar[150].lines.get(line_number=1)
    ledger.responsibility_transfer(charge_line=line, amount=D("20.00"), to="patient", by=None)
    filters = AgingFilters.of(practice=practice, by="patient", as_of=AS_OF)
    rows = {row.name: row for row in aging.aging_rows(filters)}
    assert figures(rows["Stone, Sam"]) == [0, 0, 0, D("135.00"), 0, D("135.00")]
    assert figures(rows["Price, Paula"]) == [0, 0, 0, 0, D("20.00"), D("20.00")]
    assert list(rows) == ["Stone, Sam", "Price, Paula"]  # the largest balance first
    assert rows["Stone, Sam"].mrn == sam.mrn
    payer = aging.aging_rows(AgingFilters.of(practice=practice, as_of=AS_OF))[0]
    assert payer.buckets["d120_plus"] == D("90.00")
    assert ledger_disagreements() == []


def test_from_the_billing_date(practice, ar):
    # Every visit was billed five days after the service: the 150-day one is 145 days from its
    # billing (still 120+), the 100-day one 95 (91-120), the 75-day one 70 (61-90), the 45-day
    # one 40 (31-60), the 10-day one 5 (0-30): the same buckets. A visit 33 days back, billed
    # 28 days back, moves: 31-60 from the service, 0-30 from the billing.
    service = AgingFilters.of(practice=practice, basis="service", as_of=AS_OF)
    billed = AgingFilters.of(practice=practice, basis="billed", as_of=AS_OF)
    assert figures(aging.aging_rows(billed)[0]) == figures(aging.aging_rows(service)[0])
    item = OpenItem.objects.filter(date_of_service=ago(45)).first()
    assert item is not None and item.billed_on == ago(40)


def test_a_visit_billed_late_ages_from_either_day(practice, paula, aetna, posted_visit, bill_on):
    coverage = CoverageFactory(patient=paula, payer=aetna, effective_date=date(2026, 1, 1))
    bill_on(ago(28))
    posted_visit(paula, coverage, day=ago(33))
    service = AgingFilters.of(practice=practice, basis="service", as_of=AS_OF)
    billed = AgingFilters.of(practice=practice, basis="billed", as_of=AS_OF)
    assert figures(aging.aging_rows(service)[0]) == [0, D("110.00"), 0, 0, 0, D("110.00")]
    assert figures(aging.aging_rows(billed)[0]) == [D("110.00"), 0, 0, 0, 0, D("110.00")]


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "d0_30"),
        (30, "d0_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d91_120"),
        (120, "d91_120"),
        (121, "d120_plus"),
    ],
)
def test_bucket_edges(practice, paula, posted_visit, bill_on, days, bucket):
    bill_on(ago(days))
    posted_visit(paula, day=ago(days))
    for basis in ("service", "billed"):
        filters = AgingFilters.of(practice=practice, by="patient", basis=basis, as_of=AS_OF)
        (row,) = aging.aging_rows(filters)
        assert {key for key, amount in row.buckets.items() if amount} == {bucket}
        assert row.buckets[bucket] == D("135.00")


def test_lines_dated_after_the_as_of_day_are_left_out(practice, ar):
    earlier = AgingFilters.of(practice=practice, as_of=ago(50))
    (aetna,) = aging.aging_rows(earlier)
    # the 10- and 45-day visits were not owed yet 50 days back; the others are 25, 50, 100 older
    assert figures(aetna) == [D("110.00"), D("110.00"), 0, D("110.00"), 0, D("330.00")]


def test_each_report_is_one_query_however_many_lines(
    practice, ar, paula, posted_visit, django_assert_num_queries
):
    filters = AgingFilters.of(practice=practice, as_of=AS_OF)
    with django_assert_num_queries(1):
        aging.aging_rows(filters)
    with django_assert_num_queries(1):
        aging.aging_totals(filters)
    posted_visit(paula, day=ago(3))
    with django_assert_num_queries(1):
        aging.aging_rows(AgingFilters.of(practice=practice, by="patient", as_of=AS_OF))


def test_the_lines_behind_a_cell(practice, ar, aetna):
    filters = AgingFilters.of(practice=practice, as_of=AS_OF)
    bucket = aging.bucket_named("d61_90")
    rows = aging.with_age(filters, aging.aging_lines(filters, group=aetna.pk, bucket=bucket))
    assert [(r.charge_line.procedure_code.code, r.balance, r.days) for r in rows] == [
        ("99213", D("95.00"), 75),
        ("36415", D("15.00"), 75),
    ]
    every = aging.aging_lines(filters, group=aetna.pk)
    assert every.count() == 10
    assert every[0].date_of_service == ago(150)  # oldest first
    assert not aging.aging_lines(filters, group=NO_PAYER).exists()
    assert aging.aging_lines(filters).count() == 10


def test_another_practices_lines_never_count(practice, other_practice, ar):
    filters = AgingFilters.of(practice=other_practice, as_of=AS_OF)
    assert aging.aging_rows(filters) == []
    assert aging.aging_totals(filters).total == 0


def test_bucket_keys_are_the_apis():
    assert [b.key for b in BUCKETS] == ["d0_30", "d31_60", "d61_90", "d91_120", "d120_plus"]


# --- collections -------------------------------------------------------------------------------


def test_the_collections_list(practice, ar, sam, paula, frontdesk_fay):
    ledger.payment_post(
        patient=sam, amount=D("35.00"), method="cash", by=frontdesk_fay, effective_date=ago(20)
    )
    filters = AgingFilters.of(practice=practice, by="patient", as_of=AS_OF)
    rows = [collections.named(r) for r in collections.collections_list(filters)]
    assert [(r["name"], r["balance"], r["over_90"]) for r in rows] == [
        ("Stone, Sam", D("100.00"), D("100.00"))
    ]
    assert rows[0]["oldest"] == ago(95)
    assert rows[0]["last_payment"] == ago(20)
    assert rows[0]["last_note"] is None


def test_notes_and_follow_up_due(practice, ar, sam, biller_bo, monkeypatch):
    today = date(2026, 10, 1)
    monkeypatch.setattr(collections, "practice_today", lambda practice: today)
    collections.collection_note_add(
        patient=sam, note="Called, no answer.", follow_up_on=today, by=biller_bo
    )
    filters = AgingFilters.of(practice=practice, by="patient", as_of=AS_OF)
    (row,) = collections.collections_list(filters, follow_up_due=True)
    assert (row["last_note"], row["follow_up_on"]) == ("Called, no answer.", today)
    collections.collection_note_add(
        patient=sam, note="Will pay on the 15th.", follow_up_on=date(2026, 10, 15), by=biller_bo
    )
    assert not collections.collections_list(filters, follow_up_due=True).exists()
    (row,) = collections.collections_list(filters)
    assert row["last_note"] == "Will pay on the 15th."
    event = AuditEvent.objects.filter(action="praxis.billing.collection_note.added").last()
    assert event is not None and event.patient_id == str(sam.pk)


@pytest.mark.parametrize(
    ("note", "follow_up", "message"),
    [
        ("  ", None, "the note is empty"),
        ("x" * 2001, None, "at most 2000 characters"),
        ("Called", date(2000, 1, 1), "from today"),
    ],
)
def test_a_bad_note_is_refused_and_writes_nothing(sam, biller_bo, note, follow_up, message):
    with pytest.raises(ServiceError, match=message):
        collections.collection_note_add(
            patient=sam, note=note, follow_up_on=follow_up, by=biller_bo
        )
    assert not CollectionNote.objects.exists()
    assert not AuditEvent.objects.filter(action="praxis.billing.collection_note.added").exists()


def test_a_merge_moves_collection_notes(practice, sam, biller_bo, admin_ada):
    from praxis.patients.merge import patient_merge

    twin = PatientFactory(practice=practice, legal_first_name="Sam", legal_last_name="Stone")
    collections.collection_note_add(patient=twin, note="Old address", follow_up_on=None, by=None)
    patient_merge(keep=sam, duplicate=twin, merged_by=admin_ada)
    assert CollectionNote.objects.get().patient_id == sam.pk


# --- the readiness board's balances -------------------------------------------------------------


def test_balances_for_the_board_in_one_query(
    practice, ar, sam, paula, frontdesk_fay, django_assert_num_queries
):
    ledger.payment_post(patient=paula, amount=D("25.00"), method="cash", by=frontdesk_fay)
    nobody = PatientFactory(practice=practice)
    with django_assert_num_queries(1):
        found = patient_balances([sam.pk, paula.pk, nobody.pk])
    # Sam owes $135.00; Paula owes nothing herself and has $25.00 of credit
    assert found == {sam.pk: D("135.00"), paula.pk: D("-25.00")}
    assert plugins.patient_balances([sam.pk]) == {sam.pk: D("135.00")}
    assert plugins.patient_balances([]) == {}
