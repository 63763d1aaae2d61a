"""The code-set pages: the practice's procedure codes (list, add, edit, CSV out and in) and the
ICD-10-CM lookup (search as you type). Views are thin: access, one service or selector, a page.
Codes are not PHI: the search box may be a GET."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.exports import csv_response
from praxis.core.forms import refusals_shown_on

from . import code_imports, procedure_codes, selectors
from .forms import CodeSearchForm, Icd10SearchForm, ProcedureCodeForm
from .import_page import import_page
from .models import ProcedureCode
from .today import practice_today

VIEW = "billing.view_codes"
MANAGE = "billing.manage_codes"
LIST_LIMIT = 500


def _status(*forms_: forms.BaseForm | None) -> int:
    return 400 if any(f is not None and f.errors for f in forms_) else 200


@requires(VIEW)
@require_GET
def code_list(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = CodeSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    codes = list(selectors.procedure_codes(practice, q)[: LIST_LIMIT + 1])
    context = {
        "form": form,
        "codes": codes[:LIST_LIMIT],
        "more": len(codes) > LIST_LIMIT,
        "q": q,
        "today": practice_today(practice),
    }
    template = "billing/codes.html#results" if request.htmx else "billing/codes.html"
    return render(request, template, context)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def code_add(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = ProcedureCodeForm(
        request.POST or None, initial={"active_from": practice_today(practice)}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            code = procedure_codes.procedure_code_create(
                practice=practice, values=form.cleaned_data
            )
            messages.success(request, f"Added {code.code}.")
            return redirect("billing:codes")
    return render(
        request, "billing/code_form.html", {"form": form, "code": None}, status=_status(form)
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def code_edit(request: AuthedRequest, code_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    code = get_in_practice(ProcedureCode, practice=practice, what="procedure code", pk=code_id)
    form = ProcedureCodeForm(request.POST or None, instance=ProcedureCode.objects.get(pk=code.pk))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            procedure_codes.procedure_code_update(procedure_code=code, values=form.cleaned_data)
            messages.success(request, f"Saved {form.cleaned_data['code']}.")
            return redirect("billing:codes")
    return render(
        request, "billing/code_form.html", {"form": form, "code": code}, status=_status(form)
    )


@requires(VIEW)
@require_GET
def code_export(request: AuthedRequest) -> StreamingHttpResponse:
    practice = practice_of(request.user)
    return csv_response(
        "procedure-codes.csv", code_imports.COLUMNS, code_imports.export_rows(practice)
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def code_import(request: AuthedRequest) -> HttpResponse:
    return import_page(
        request,
        importer=code_imports.procedure_codes_import,
        columns=code_imports.COLUMNS,
        title="Import procedure codes",
        back="billing:codes",
    )


# --- ICD-10-CM -------------------------------------------------------------------------------


@requires(VIEW)
@require_GET
def icd10(request: AuthedRequest) -> HttpResponse:
    """The lookup page; with htmx, only its results (the search-as-you-type endpoint)."""
    practice = practice_of(request.user)
    form = Icd10SearchForm(request.GET)
    valid = form.is_valid()
    on = (form.cleaned_data.get("on") if valid else None) or practice_today(practice)
    q = form.cleaned_data.get("q", "") if valid else ""
    release = selectors.icd10_release_in_force(on)
    context = {
        "form": form,
        "on": on,
        "q": q,
        "results": selectors.icd10_search_in(release, q),
        "release": release,
    }
    template = "billing/icd10.html#results" if request.htmx else "billing/icd10.html"
    return render(request, template, context, status=_status(form))
