"""A payment's receipt: what the confirmation page, the PDF and the API's receipt show."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from praxis.core.pdf import pdf_response, render_pdf

from . import accounts
from .models import Payment
from .selectors import patient_balance


def receipt_context(payment: Payment) -> dict[str, Any]:
    """What the confirmation page and the receipt show (shared with the API's receipt)."""
    applied, credit = accounts.applications(payment)
    return {
        "practice": payment.patient.practice,
        "payment": payment,
        "patient": payment.patient,
        "applied": applied,
        "to_credit": credit,
        "balance": patient_balance(payment.patient),
    }


def receipt_response(payment: Payment) -> HttpResponse:
    pdf = render_pdf("pdf/receipt.html", receipt_context(payment))
    return pdf_response(pdf, f"receipt-{payment.number}.pdf")
