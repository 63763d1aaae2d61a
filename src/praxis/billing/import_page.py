"""The one CSV import page behind procedure codes and fees: the upload form, the importer (all
or nothing, row-level refusals shown on the form), and a summary message on success."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from praxis.core.access import AuthedRequest, practice_of
from praxis.core.forms import refusals_shown_on

from . import csv_files
from .forms import ImportForm


def import_page(
    request: AuthedRequest,
    *,
    importer: Callable[..., Any],
    columns: list[str] | tuple[str, ...],
    title: str,
    back: str,
) -> HttpResponse:
    """GET: the form; POST: ``importer(practice=..., data=...)``, then back to ``back``."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            summary = importer(
                practice=practice_of(request.user),
                data=form.cleaned_data["file"].read(csv_files.MAX_BYTES + 1),  # more: refused
            )
            messages.success(
                request,
                f"Imported: {summary.created} added, {summary.updated} changed, "
                f"{summary.unchanged} already as in the file.",
            )
            return redirect(back)
    return render(
        request,
        "billing/import.html",
        {"form": form, "title": title, "columns": columns, "back": back},
        status=400 if form.errors else 200,
    )
