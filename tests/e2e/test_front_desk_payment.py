"""The front desk opens Paula's account from her patient page, takes a payment applied to her
office visit (reviewed, then confirmed), and opens the receipt."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from praxis.billing import ledger
from praxis.billing.models import ChargeLine, Encounter, OpenItem, Payment, ProcedureCode
from praxis.core.models import Location, Practice, User
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.testing import ProviderFactory

from .test_front_desk_day import _sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def owing(practice: Practice, location: Location) -> dict[str, Any]:
    """Paula's visit of May 4: 99213 $120.00 and 36415 $15.00, posted, self-pay. Set up directly
    (the coding pages are another story's): the charges still post through the ledger."""
    paula = PatientFactory(practice=practice, legal_first_name="Paula", legal_last_name="Price")
    dana = ProviderFactory(practice=practice, display_name="Dr. Dana Dubois")
    encounter = Encounter.objects.create(
        practice=practice,
        patient=paula,
        date_of_service=date(2026, 5, 4),
        rendering_provider=dana,
        billing_provider=dana,
        location=location,
        status=Encounter.Status.READY,
    )
    lines = []
    for number, (code, fee) in enumerate([("99213", "120.00"), ("36415", "15.00")], start=1):
        procedure = ProcedureCode.objects.create(
            practice=practice,
            code=code,
            description=f"Service {code}",
            active_from=date(2026, 1, 1),
        )
        lines.append(
            ChargeLine.objects.create(
                encounter=encounter,
                line_number=number,
                procedure_code=procedure,
                units=1,
                diagnosis_pointers=[1],
                unit_fee=Decimal(fee),
                amount=Decimal(fee),
            )
        )
    ledger.charges_post(encounter=encounter, by=None)
    return {"patient": paula, "office_visit": lines[0]}


def test_front_desk_takes_a_payment_on_a_charge_and_opens_the_receipt(
    page: Any, frontdesk_fay: User, owing: dict[str, Any], screenshot: Any
) -> None:
    paula = owing["patient"]
    _sign_in(page, frontdesk_fay.email)
    page.goto(f"/patients/{paula.pk}/")
    page.locator("#account-link").click()
    assert page.locator("#open-charges").inner_text().count("05/04/2026") == 2
    page.get_by_role("link", name="Take payment").click()

    assert page.locator("h1").inner_text() == "Take a payment"
    page.locator("#id_amount").fill("50.00")
    page.get_by_label("Check", exact=True).check()
    page.locator("#id_reference").fill("1042")
    page.get_by_label("The charges I choose below").check()
    page.locator(f"#id_line_{owing['office_visit'].pk}").fill("50.00")
    page.get_by_role("button", name="Review").click()
    assert "Take $50.00 by check (1042)" in page.locator("#payment-review").inner_text()
    page.get_by_role("button", name="Take the payment").click()

    assert re.search(r"/billing/payments/\d+/$", page.url)
    assert "receipt 1" in page.locator("h1").inner_text()
    payment = Payment.objects.get()
    assert OpenItem.objects.get(charge_line=owing["office_visit"]).patient_balance == Decimal(
        "70.00"
    )
    screenshot(page, "front-desk-payment-taken")

    href = page.locator("#open-receipt").get_attribute("href")
    assert href == f"/billing/payments/{payment.pk}/receipt.pdf"
    receipt = page.request.get(href)
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
