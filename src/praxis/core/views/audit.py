"""The audit trail: search it (a page of results, or the results alone for htmx) and export the
selected events as CSV."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from praxis.core import activity, audit, selectors
from praxis.core.access import AuthedRequest, practice_of, requires
from praxis.core.exports import csv_response
from praxis.core.forms import AuditFilterForm

AUDIT_PAGE_SIZE = 50
CSV_COLUMNS = [
    "id",
    "occurred_at_utc",
    "user",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "ip",
    "request_id",
    "details",
    "hash",
]


@requires("core.view_audit")
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = AuditFilterForm(request.GET or None, practice=practice)
    events = selectors.audit_event_search(
        form.filters() if form.is_valid() else selectors.AuditFilters(),
        practice=practice,
    )
    if request.GET and not form.is_valid():
        events = events.none()
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "core/audit.html#results" if request.htmx else "core/audit.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "lines": activity.lines(list(page.object_list)),
            "query": _query_without_page(request),
        },
        status=400 if form.errors else 200,
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires("core.view_audit")
@require_POST
def audit_export(request: AuthedRequest) -> HttpResponseBase:
    """CSV of the filtered events. A POST because the export itself is audited."""
    practice = practice_of(request.user)
    form = AuditFilterForm(request.POST, practice=practice)
    if not form.is_valid():
        return render(
            request,
            "core/audit.html",
            {
                "form": form,
                "page": None,
                "query": "",
            },
            status=400,
        )
    filters = form.filters()
    audit.record(
        "praxis.audit.exported",
        details={
            "filters": {k: str(v) for k, v in vars(filters).items() if v},
        },
    )
    events = selectors.audit_event_search(filters, practice=practice)
    rows = (
        (
            e.id,
            e.occurred_at.isoformat(),
            e.actor_email,
            e.action,
            e.object_type,
            e.object_id,
            e.patient_id,
            e.ip or "",
            e.request_id,
            e.details,
            e.hash,
        )
        for e in events.iterator(chunk_size=2000)
    )
    return csv_response("audit-events.csv", CSV_COLUMNS, rows)
