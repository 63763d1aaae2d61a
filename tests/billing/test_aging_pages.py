"""The A/R pages as the Administrator, the Manager and the biller use them: the aging by payer
and by patient, a figure opened to its charge lines, both CSV files, the collections list and a
patient's notes; who may open them, bad filters, another practice's ids, the queries a page costs
and the readiness board's balance column."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.billing import ledger
from praxis.billing.aging import BUCKETS
from praxis.billing.models import CollectionNote
from praxis.core.models import AuditEvent
from praxis.core.testing.assertions import page_text
from praxis.patients.testing.factories import PatientFactory, PayerFactory
from praxis.scheduling.selectors import next_business_day
from praxis.scheduling.testing import AppointmentFactory

from .conftest import AS_OF, ago

pytestmark = pytest.mark.django_db

D = Decimal
AGING = reverse("billing:ar_aging")
LINES = reverse("billing:ar_lines")
COLLECTIONS = reverse("billing:ar_collections")
ON = {"as_of": AS_OF.isoformat()}


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def phi_reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="praxis.phi.read").order_by("pk"))


@pytest.mark.parametrize(
    ("who", "aging", "collections"),
    [
        ("admin_ada", 200, 200),
        ("manager_max", 200, 200),
        ("biller_bo", 200, 200),
        ("frontdesk_fay", 403, 403),
        ("dr_dana", 403, 403),
        ("clinical_cleo", 403, 403),
        ("hr_hana", 403, 403),
        ("compliance_cole", 403, 403),
    ],
)
def test_who_may_open_the_ar(persona, client_for, who, aging, collections):
    client = client_for(persona(who))
    assert client.get(AGING).status_code == aging
    assert client.get(reverse("billing:ar_aging_csv")).status_code == aging
    assert client.get(LINES).status_code == aging
    assert client.get(COLLECTIONS).status_code == collections


def test_the_aging_by_payer_and_its_drill_down(client_for, admin_ada, ar, aetna):
    client = client_for(admin_ada)
    page = client.get(AGING, ON)
    text = page_text(page)
    assert page.status_code == 200
    assert "Aetna" in text and "$550.00" in text
    cell = f"group={aetna.pk}&amp;bucket=d61_90"
    assert cell in text
    assert not phi_reads()  # payers only: no patient shown
    lines = client.get(LINES, {**ON, "group": aetna.pk, "bucket": "d61_90"})
    body = page_text(lines)
    assert "Aetna · 61\u201390 days" in body
    assert body.count("Paula Price") == 2 and "$95.00" in body and ">75<" in body
    (read,) = phi_reads()
    assert read.details["patient_ids"] == [ar[75].patient_id]


def test_the_aging_by_patient_is_paginated_and_audited(client_for, manager_max, ar, sam):
    client = client_for(manager_max)
    page = client.get(AGING, {**ON, "by": "patient"})
    text = page_text(page)
    assert "Stone, Sam" in text and "$135.00" in text
    assert "Price, Paula" not in text  # the insurance owes all of hers
    (read,) = phi_reads()
    assert read.details["patient_ids"] == [sam.pk]


def test_the_summary_csv(client_for, biller_bo, ar):
    rows = csv_rows(client_for(biller_bo).get(reverse("billing:ar_aging_csv"), ON))
    assert rows[0] == ["Payer", "MRN", *(f"{b} days" for b in BUCKET_LABELS), "Total", "Lines"]
    assert rows[1] == ["Aetna", "", *["110.00"] * 5, "550.00", "10"]
    assert rows[2][0] == "Total" and rows[2][-2] == "550.00"


BUCKET_LABELS = [b.label for b in BUCKETS]


def test_the_lines_csv_is_audited(client_for, biller_bo, ar, sam):
    client = client_for(biller_bo)
    response = client.get(
        reverse("billing:ar_lines_csv"), {**ON, "by": "patient", "bucket": "d91_120"}
    )
    rows = csv_rows(response)
    assert rows[0][:4] == ["Patient", "MRN", "Payer", "Date of service"]
    assert [(r[0], r[5], r[7], r[8]) for r in rows[1:]] == [
        ("Sam Stone", "99213", "120.00", "95"),
        ("Sam Stone", "36415", "15.00", "95"),
    ]
    (read,) = phi_reads()
    assert read.details["patient_ids"] == [sam.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "2026-13-40"},
        {"as_of": "1800-01-01"},
        {"by": "provider"},
        {"basis": "posted"},
        {"bucket": "d0_45"},
        {"group": "-1"},
        {"group": "x"},
    ],
)
def test_bad_filters_are_a_400(client_for, biller_bo, params):
    client = client_for(biller_bo)
    response = client.get(LINES, params)
    assert response.status_code == 400
    assert "not valid" in page_text(response)
    assert client.get(reverse("billing:ar_lines_csv"), params).status_code == 400
    if "bucket" not in params and "group" not in params:
        assert client.get(AGING, params).status_code == 400
        assert client.get(reverse("billing:ar_aging_csv"), params).status_code == 400


def test_another_practices_payer_or_patient_is_a_404(client_for, biller_bo, other_practice):
    theirs = PayerFactory(practice=other_practice, name="Theirs")
    patient = PatientFactory(practice=other_practice)
    client = client_for(biller_bo)
    assert client.get(LINES, {"group": theirs.pk}).status_code == 404
    assert client.get(LINES, {"by": "patient", "group": patient.pk}).status_code == 404
    url = reverse("billing:ar_collection_patient", args=[patient.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Called"}).status_code == 404
    assert not CollectionNote.objects.exists()


def test_pages_cost_the_same_queries_however_many_lines(
    client_for, biller_bo, ar, paula, sam, posted_visit, aetna, django_assert_num_queries
):
    client = client_for(biller_bo)
    requests = [
        (AGING, ON),
        (AGING, {**ON, "by": "patient"}),
        (LINES, {**ON, "group": aetna.pk}),
        (LINES, {**ON, "by": "patient"}),
        (COLLECTIONS, ON),
    ]
    for url, params in requests:
        client.get(url, params)  # warm the session
    counts = []
    for url, params in requests:
        with django_assert_num_queries(QUERIES[len(counts)]) as captured:
            client.get(url, params)
        counts.append(len(captured))
    for days in (3, 40, 100, 130):
        posted_visit(PatientFactory(practice=paula.practice), day=ago(days))
        posted_visit(paula, paula.coverages.first(), day=ago(days))
    for n, (url, params) in enumerate(requests):
        with django_assert_num_queries(counts[n]):
            client.get(url, params)


# Six to sign the request in (session, user, practice, two-step device, groups, permissions),
# then: by payer: rows, totals; by patient: count, page, totals, the PHI-read event; a payer's
# lines: the payer, count, page, event; every patient's lines: count, page, event; collections:
# count, page, event.
QUERIES = [8, 10, 10, 9, 9]


def test_the_collections_list_and_a_note(client_for, biller_bo, ar, sam):
    client = client_for(biller_bo)
    text = page_text(client.get(COLLECTIONS, ON))
    assert "Stone, Sam" in text and "$135.00" in text
    url = reverse("billing:ar_collection_patient", args=[sam.pk])
    page = client.get(url)
    assert "Open patient balance: <strong>$135.00</strong>" in page_text(page)
    follow_up = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(url, {"note": "Called; will pay Friday.", "follow_up_on": follow_up})
    assert response.status_code == 302
    note = CollectionNote.objects.get()
    assert (note.patient, note.by, note.note) == (sam, biller_bo, "Called; will pay Friday.")
    assert "Called; will pay Friday." in page_text(client.get(COLLECTIONS, ON))
    due = client.get(COLLECTIONS, {**ON, "due": "on"})
    assert "No follow-up is due." in page_text(due)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": ""}, "This field is required."),
        ({"note": "Called", "follow_up_on": "2020-01-01"}, "Choose a follow-up date from today"),
        ({"note": "Called", "follow_up_on": "soon"}, "Enter a valid date."),
    ],
)
def test_a_bad_note_is_shown_and_nothing_written(client_for, biller_bo, sam, data, message):
    url = reverse("billing:ar_collection_patient", args=[sam.pk])
    response = client_for(biller_bo).post(url, data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not CollectionNote.objects.exists()


def test_only_who_works_collections_may_add_a_note(client_for, frontdesk_fay, sam):
    url = reverse("billing:ar_collection_patient", args=[sam.pk])
    assert client_for(frontdesk_fay).post(url, {"note": "x"}).status_code == 403
    assert not CollectionNote.objects.exists()


# --- the readiness board ---------------------------------------------------------------------


def _visit_tomorrow(patient, dana, location, hour: int) -> None:  # type: ignore[no-untyped-def]
    day = next_business_day(practice=patient.practice)
    start = datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())
    AppointmentFactory(patient=patient, provider=dana, location=location, start=start)


def test_the_board_shows_each_patients_balance_in_one_query(
    client_for,
    manager_max,
    ar,
    sam,
    paula,
    dana,
    location,
    frontdesk_fay,
    django_assert_num_queries,
):
    ledger.payment_post(patient=paula, amount=D("25.00"), method="cash", by=frontdesk_fay)
    _visit_tomorrow(sam, dana, location, 9)
    client = client_for(manager_max)
    url = reverse("scheduling:board")
    text = page_text(client.get(url))
    assert "<strong>$135.00</strong>" in text
    assert "Not tracked in Praxis yet" not in text  # balances and licenses both are now
    with django_assert_num_queries(BOARD_QUERIES) as one:
        client.get(url)
    _visit_tomorrow(paula, dana, location, 10)
    for hour in (11, 12, 13):
        _visit_tomorrow(PatientFactory(practice=sam.practice), dana, location, hour)
    with django_assert_num_queries(len(one)):
        text = page_text(client.get(url))
    assert "-$25.00 credit" in text and text.count(">none<") == 3


BOARD_QUERIES = 16  # the board (with the provider-license check) and one for every balance
