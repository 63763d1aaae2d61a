"""The fee-schedule pages: the list (all fees, the standard ones or one payer's), add, edit, and
CSV out and in. Views are thin: access, one service or selector, a page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from praxis.core.access import (
    AuthedRequest,
    NotInPractice,
    get_in_practice,
    practice_of,
    requires,
)
from praxis.core.bounds import MAX_ID
from praxis.core.exports import csv_response
from praxis.core.forms import refusals_shown_on
from praxis.core.models import Practice
from praxis.patients import selectors as patient_selectors
from praxis.patients.models import Payer

from . import fee_imports, fees, selectors
from .forms import FeeFilterForm, FeeForm
from .import_page import import_page
from .models import Fee
from .today import practice_today

VIEW = "billing.view_codes"
MANAGE = "billing.manage_codes"
LIST_LIMIT = 1000


def _status(*forms_: forms.BaseForm | None) -> int:
    return 400 if any(f is not None and f.errors for f in forms_) else 200


def _chosen_payer(practice: Practice, text: str) -> Payer | str | None:
    if text == selectors.STANDARD:
        return selectors.STANDARD
    if text.isdigit():
        if int(text) > MAX_ID:  # beyond any id: the database would overflow, not find nothing
            raise NotInPractice("payer")
        return get_in_practice(Payer, practice=practice, what="payer", pk=int(text))
    return None


def _filter(request: AuthedRequest, practice: Practice) -> tuple[Payer | str | None, str]:
    form = FeeFilterForm(request.GET)
    text = form.cleaned_data["payer"].strip() if form.is_valid() else ""
    return _chosen_payer(practice, text), text


@requires(VIEW)
@require_GET
def fee_list(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    payer, chosen = _filter(request, practice)
    rows = list(selectors.fees(practice, payer=payer)[: LIST_LIMIT + 1])
    context = {
        "fees": rows[:LIST_LIMIT],
        "more": len(rows) > LIST_LIMIT,
        "payers": list(patient_selectors.practice_payers(practice)),
        "chosen": chosen,
        "today": practice_today(practice),
    }
    return render(request, "billing/fees.html", context)


def _form(request: AuthedRequest, practice: Practice, fee: Fee | None, **kwargs: Any) -> FeeForm:
    codes = selectors.procedure_codes(practice)
    payers = patient_selectors.practice_payers(practice)
    if fee is not None:  # a code or payer no longer in use stays choosable on its own fee
        payers = payers.filter(Q(is_active=True) | Q(pk=fee.payer_id))
    else:
        payers = payers.filter(is_active=True)
    return FeeForm(request.POST or None, codes=codes, payers=payers, **kwargs)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def fee_add(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = _form(request, practice, None, initial={"effective_from": practice_today(practice)})
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            fee = fees.fee_create(practice=practice, values=form.cleaned_data)
            messages.success(request, f"Added a fee for {fee.procedure_code.code}.")
            return redirect("billing:fees")
    return render(
        request, "billing/fee_form.html", {"form": form, "fee": None}, status=_status(form)
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def fee_edit(request: AuthedRequest, fee_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    fee = get_in_practice(
        Fee.objects.select_related("procedure_code", "payer"),
        practice=practice,
        what="fee",
        pk=fee_id,
    )
    form = _form(request, practice, fee, instance=Fee.objects.get(pk=fee.pk))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            fees.fee_update(fee=fee, values=form.cleaned_data)
            messages.success(request, f"Saved the fee for {fee.procedure_code.code}.")
            return redirect("billing:fees")
    return render(
        request, "billing/fee_form.html", {"form": form, "fee": fee}, status=_status(form)
    )


@requires(VIEW)
@require_GET
def fee_export(request: AuthedRequest) -> StreamingHttpResponse:
    practice = practice_of(request.user)
    payer, _ = _filter(request, practice)
    return csv_response(
        "fee-schedule.csv", fee_imports.COLUMNS, fee_imports.export_rows(practice, payer)
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def fee_import(request: AuthedRequest) -> HttpResponse:
    return import_page(
        request,
        importer=fee_imports.fees_import,
        columns=fee_imports.COLUMNS,
        title="Import fees",
        back="billing:fees",
    )
