"""The front desk's pages for a patient's account: the account (open charges, credit, recent
payments), take a payment, apply credit, refund credit, the payment's confirmation and its
receipt (PDF). Each form is filled in, read back, then confirmed (``step=confirm``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.forms import refusals_shown_on
from praxis.core.models import Location
from praxis.core.money import format_money
from praxis.patients.access import access_patient_by_id
from praxis.patients.models import Patient

from . import accounts, ledger, payments
from .models import Payment
from .payment_forms import CreditApplyForm, PaymentForm, RefundForm
from .permissions import REFUND, TAKE, VIEW_ACCOUNTS
from .receipts import receipt_context, receipt_response
from .selectors import patient_balance

SEE_PATIENT = "patients.view_patient"


def _status(form: forms.BaseForm) -> int:
    return 400 if form.errors else 200


def _patient(request: AuthedRequest, patient_id: int, what: str) -> Patient:
    patient = access_patient_by_id(request.user, patient_id)
    phi_audit.shown(patient.pk, obj=patient, what=what)
    return patient


def _locations(request: AuthedRequest) -> Any:
    return Location.objects.filter(practice=practice_of(request.user), is_active=True).order_by(
        "name"
    )


def _desk_page(
    request: AuthedRequest,
    form: forms.BaseForm,
    template: str,
    context: dict[str, Any],
    act: Callable[[dict[str, Any]], HttpResponse],
) -> HttpResponse:
    """Filled in → read back → confirmed: the service runs only on the confirming POST."""
    review = False
    step = request.POST.get("step", "")
    if request.method == "POST" and step != "edit" and form.is_valid():
        if step == "confirm":
            with refusals_shown_on(form):
                return act(form.cleaned_data)
        else:
            review = True
    return render(
        request, template, {**context, "form": form, "review": review}, status=_status(form)
    )


@requires(VIEW_ACCOUNTS, SEE_PATIENT)
@require_GET
def account_page(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "account")
    user = request.user
    return render(
        request,
        "billing/account.html",
        {
            "patient": patient,
            "account": accounts.account(patient),
            "can_take": user.has_perm(TAKE) and not patient.merged_into_id,
            "can_refund": user.has_perm(REFUND) and not patient.merged_into_id,
        },
    )


@requires(TAKE, SEE_PATIENT)
@require_http_methods(["GET", "POST"])
def payment_take(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "take_payment")
    charges = list(accounts.open_charges(patient))
    form = PaymentForm(request.POST or None, charges=charges, locations=_locations(request))

    def act(data: dict[str, Any]) -> HttpResponse:
        payment = payments.payment_take(
            patient=patient,
            amount=data["amount"],
            method=data["method"],
            reference=data["reference"],
            applied_to=[(item.charge_line, part) for item, part in data["chosen"]],
            location=data["location"],
            by=request.user,
        )
        messages.success(request, f"Took {format_money(payment.amount)}: receipt {payment.number}.")
        return redirect("billing:payment", payment_id=payment.pk)

    context = {"patient": patient, "balance": patient_balance(patient)}
    return _desk_page(request, form, "billing/payment_form.html", context, act)


@requires(TAKE, SEE_PATIENT)
@require_http_methods(["GET", "POST"])
def credit_apply(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "apply_credit")
    form = CreditApplyForm(request.POST or None, charges=list(accounts.open_charges(patient)))

    def act(data: dict[str, Any]) -> HttpResponse:
        ledger.credit_apply(
            patient=patient,
            charge_line=data["item"].charge_line,
            amount=data["amount"],
            by=request.user,
        )
        messages.success(request, f"Applied {format_money(data['amount'])} of credit.")
        return redirect("billing:account", patient_id=patient.pk)

    context = {"patient": patient, "balance": patient_balance(patient)}
    return _desk_page(request, form, "billing/credit_form.html", context, act)


@requires(REFUND, SEE_PATIENT)
@require_http_methods(["GET", "POST"])
def refund(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, "refund")
    form = RefundForm(request.POST or None)

    def act(data: dict[str, Any]) -> HttpResponse:
        payment = payments.refund_take(
            patient=patient,
            amount=data["amount"],
            method=data["method"],
            reference=data["reference"],
            by=request.user,
            reason=data["reason"],
        )
        messages.success(
            request, f"Refunded {format_money(payment.amount)}: receipt {payment.number}."
        )
        return redirect("billing:payment", payment_id=payment.pk)

    context = {"patient": patient, "balance": patient_balance(patient)}
    return _desk_page(request, form, "billing/refund_form.html", context, act)


def open_payment(request: AuthedRequest, payment_id: int) -> Payment:
    """A payment of the user's practice whose patient they may see (else the same 404)."""
    payment = get_in_practice(
        Payment.objects.select_related("taken_by", "location", "entry"),
        practice=practice_of(request.user),
        what="payment",
        pk=payment_id,
    )
    payment.patient = access_patient_by_id(request.user, payment.patient_id)
    phi_audit.shown(payment.patient_id, obj=payment, what="payment")
    return payment


@requires(VIEW_ACCOUNTS, SEE_PATIENT)
@require_GET
def payment_page(request: AuthedRequest, payment_id: int) -> HttpResponse:
    payment = open_payment(request, payment_id)
    return render(request, "billing/payment.html", receipt_context(payment))


@requires(VIEW_ACCOUNTS, SEE_PATIENT)
@require_GET
def receipt(request: AuthedRequest, payment_id: int) -> HttpResponse:
    return receipt_response(open_payment(request, payment_id))
