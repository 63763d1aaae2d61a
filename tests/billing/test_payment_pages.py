"""The front desk's pages: Fay opens Paula's account from her patient page, takes a payment
applied to a charge (filled in, read back, confirmed), applies credit, and Bo refunds it; each
refusal says why and writes nothing. Who may open what, per role; another practice's ids 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from praxis.billing import payments
from praxis.billing.models import JournalEntry, OpenItem, Payment
from praxis.billing.selectors import patient_balance
from praxis.core.models import AuditEvent
from praxis.core.pdf import pdf_text
from praxis.core.testing.personas import make_persona
from praxis.patients.testing.factories import PatientFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def visit(paula, posted_visit):  # type: ignore[no-untyped-def]
    encounter = posted_visit(paula)
    return {line.line_number: line for line in encounter.lines.all()}


def written():  # type: ignore[no-untyped-def]
    return (Payment.objects.count(), JournalEntry.objects.count())


def test_the_patient_page_links_the_account_for_the_desk_only(
    client_for, paula, visit, frontdesk_fay, dr_dana
):
    page = client_for(frontdesk_fay).get(reverse("patients:detail", args=[paula.pk]))
    assert reverse("billing:account", args=[paula.pk]) in page.content.decode()
    assert "Patient owes $135.00" in page.content.decode()
    provider_page = client_for(dr_dana).get(reverse("patients:detail", args=[paula.pk]))
    assert provider_page.status_code == 200
    assert reverse("billing:account", args=[paula.pk]) not in provider_page.content.decode()


def test_the_account_shows_open_charges_credit_and_payments(
    client_for, paula, visit, frontdesk_fay, django_assert_max_num_queries
):
    payments.payment_take(patient=paula, amount=D("20.00"), method="cash", by=frontdesk_fay)
    client = client_for(frontdesk_fay)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("billing:account", args=[paula.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "99213" in text and "36415" in text
    assert "$100.00" in text  # 99213 after the $20 oldest-first
    assert reverse("billing:receipt", args=[Payment.objects.get().pk]) in text
    read = AuditEvent.objects.filter(action="praxis.phi.read").last()
    assert read.patient_id == str(paula.pk)


def test_taking_a_payment_applied_to_a_charge_reads_it_back_then_posts(
    client_for, paula, visit, frontdesk_fay, location
):
    client = client_for(frontdesk_fay)
    url = reverse("billing:payment_take", args=[paula.pk])
    assert client.get(url).status_code == 200
    data = {
        "amount": "50.00",
        "method": "check",
        "reference": "1042",
        "location": location.pk,
        "apply": "chosen",
        f"line_{visit[2].pk}": "15.00",
    }
    review = client.post(url, data)
    assert review.status_code == 200
    assert "Take <strong>$50.00</strong> by check (1042)" in review.content.decode()
    assert Payment.objects.count() == 0
    done = client.post(url, {**data, "step": "confirm"})
    payment = Payment.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("billing:payment", args=[payment.pk])
    assert OpenItem.objects.get(charge_line=visit[2]).patient_balance == D("0.00")
    assert patient_balance(paula).unapplied_credit == D("35.00")
    confirmation = client.get(done["Location"]).content.decode()
    assert "receipt 1" in confirmation
    assert reverse("billing:receipt", args=[payment.pk]) in confirmation


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "abc"}, "is not an amount of money"),
        ({"amount": "-5"}, "The amount must be at least $0.01."),
        ({"amount": "250000"}, "The amount can be at most $99,999.99."),
        (
            {"reference": "4111 1111 1111 1111", "method": "card_reference"},
            "looks like a card number",
        ),
        ({"method": "check", "reference": ""}, "Enter the check number."),
        ({"apply": "chosen"}, "Enter an amount against at least one charge below."),
        ({"apply": "chosen", "line_2": "20.00"}, "The patient owes $15.00 on this charge"),
        ({"apply": "chosen", "line_1": "60.00"}, "more than the payment of $50.00"),
    ],
)
def test_a_bad_payment_form_says_why_and_writes_nothing(
    client_for, paula, visit, frontdesk_fay, location, data, message
):
    lines = {"line_1": f"line_{visit[1].pk}", "line_2": f"line_{visit[2].pk}"}
    base = {"amount": "50.00", "method": "cash", "location": location.pk, "apply": "oldest"}
    sent = {lines.get(k, k): v for k, v in {**base, **data}.items()}
    before = written()
    page = client_for(frontdesk_fay).post(
        reverse("billing:payment_take", args=[paula.pk]), {**sent, "step": "confirm"}
    )
    assert page.status_code == 400
    assert message in page.content.decode().replace("&#x27;", "'")
    assert written() == before


def test_a_refusal_at_confirmation_lands_on_the_form(
    client_for, paula, visit, frontdesk_fay, location
):
    """The line was paid by someone else between review and confirmation."""
    client = client_for(frontdesk_fay)
    data = {
        "amount": "15.00",
        "method": "cash",
        "location": location.pk,
        "apply": "chosen",
        f"line_{visit[2].pk}": "15.00",
        "step": "confirm",
    }
    assert client.post(reverse("billing:payment_take", args=[paula.pk]), data).status_code == 302
    again = client.post(reverse("billing:payment_take", args=[paula.pk]), data)
    assert again.status_code == 400
    assert Payment.objects.count() == 1


def test_credit_is_applied_then_refunded(client_for, paula, visit, frontdesk_fay, biller_bo):
    payments.payment_take(
        patient=paula,
        amount=D("50.00"),
        method="cash",
        applied_to=[(visit[1], D("10.00"))],
        by=frontdesk_fay,
    )  # $40.00 of credit
    client = client_for(frontdesk_fay)
    url = reverse("billing:credit_apply", args=[paula.pk])
    too_much = client.post(url, {"charge": visit[2].pk, "amount": "20.00", "step": "confirm"})
    assert "The patient owes $15.00 on this charge" in too_much.content.decode()
    review = client.post(url, {"charge": visit[2].pk, "amount": "15.00"})
    assert "Apply <strong>$15.00</strong>" in review.content.decode()
    done = client.post(url, {"charge": visit[2].pk, "amount": "15.00", "step": "confirm"})
    assert done.status_code == 302
    assert patient_balance(paula).unapplied_credit == D("25.00")
    # The desk may not refund; the biller may, never more than the credit.
    refund_url = reverse("billing:refund", args=[paula.pk])
    assert client.get(refund_url).status_code == 403
    bo = client_for(biller_bo)
    over = bo.post(refund_url, {"amount": "30.00", "method": "cash", "step": "confirm"})
    assert over.status_code == 400
    assert "a refund of $30.00 would be more than that" in over.content.decode()
    done = bo.post(refund_url, {"amount": "25.00", "method": "cash", "step": "confirm"})
    assert done.status_code == 302
    assert patient_balance(paula).unapplied_credit == D("0.00")


def test_the_receipt_pdf_says_what_was_paid_and_names_no_patient_in_its_filename(
    client_for, paula, visit, frontdesk_fay, location
):
    payment = payments.payment_take(
        patient=paula,
        amount=D("50.00"),
        method="check",
        reference="1042",
        applied_to=[(visit[1], D("40.00"))],
        location=location,
        by=frontdesk_fay,
    )
    response = client_for(frontdesk_fay).get(reverse("billing:receipt", args=[payment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="receipt-1.pdf"'
    text = pdf_text(response.content)
    for expected in [
        "Riverbend Family Medicine",
        "Payment receipt No. 1",
        "Paula Price",
        f"MRN {paula.mrn}",
        "$50.00",
        "Check",
        "1042",
        "05/04/2026",
        "99213",
        "$40.00",
        "Kept as credit on your account",
        "$10.00",
        "Remaining balance you owe",
        "$95.00",
        frontdesk_fay.full_name,
    ]:
        assert expected in text, expected
    read = AuditEvent.objects.filter(action="praxis.phi.read").last()
    assert read.patient_id == str(paula.pk)


ALLOWED = {
    "account": {"admin_ada", "manager_max", "frontdesk_fay", "biller_bo"},
    "payment_take": {"admin_ada", "manager_max", "frontdesk_fay", "biller_bo"},
    "refund": {"admin_ada", "manager_max", "biller_bo"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
@pytest.mark.parametrize(
    "name",
    [
        "admin_ada",
        "manager_max",
        "frontdesk_fay",
        "biller_bo",
        "dr_dana",
        "clinical_cleo",
        "hr_hana",
    ],
)
def test_who_may_open_the_account_pages(client_for, practice, paula, page, name):
    user = make_persona(name, practice)
    response = client_for(user).get(reverse(f"billing:{page}", args=[paula.pk]))
    assert response.status_code == (200 if name in ALLOWED[page] else 403)


def test_another_practices_patient_and_payment_are_404(client_for, frontdesk_fay, other_practice):
    theirs = PatientFactory(practice=other_practice)
    payment = payments.payment_take(patient=theirs, amount=D("5.00"), method="cash", by=None)
    client = client_for(frontdesk_fay)
    for name, arg in [
        ("billing:account", theirs.pk),
        ("billing:payment_take", theirs.pk),
        ("billing:credit_apply", theirs.pk),
        ("billing:payment", payment.pk),
        ("billing:receipt", payment.pk),
    ]:
        assert client.get(reverse(name, args=[arg])).status_code == 404, name
