"""The incident pages: the list (every incident for those who manage them, one's own reports
for everyone else), report, detail, update, breach assessment with its deadlines, notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.forms import refusals_shown_on

from . import incidents, selectors
from .forms import BreachForm, IncidentForm, IncidentUpdateForm, NoticeForm
from .models import BreachAssessment, Incident

REPORT = "compliance.report_incident"
MANAGE = "compliance.manage_incidents"


def _incident(request: AuthedRequest, incident_id: int) -> Incident:
    """The incident, if the person manages incidents or reported it; the same 404 otherwise."""
    return get_in_practice(
        selectors.incidents_for(request.user),
        practice=practice_of(request.user),
        what="incident",
        pk=incident_id,
    )


@requires(REPORT)
@require_GET
def incident_list(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.incidents_for(request.user)[:500])
    return render(
        request,
        "compliance/incidents.html",
        {"incidents": rows, "manager": request.user.has_perm(MANAGE)},
    )


@requires(REPORT)
@require_http_methods(["GET", "POST"])
def incident_add(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = IncidentForm(
        request.POST or None,
        practice=practice,
        initial={"occurred_on": timezone.localdate(), "discovered_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            incident = incidents.incident_report(
                practice=practice, values=form.cleaned_data, by=request.user
            )
            messages.success(request, "Thank you: the incident is reported.")
            return redirect("compliance:incident", incident.pk)
    context = {"form": form, "incident": None}
    status = 400 if form.errors else 200
    return render(request, "compliance/incident_form.html", context, status=status)


def _detail_context(request: AuthedRequest, incident: Incident) -> dict[str, object]:
    breach: BreachAssessment | None = getattr(incident, "breach", None)
    return {
        "incident": incident,
        "manager": request.user.has_perm(MANAGE),
        "breach": breach,
        "deadlines": selectors.deadline_states(breach, today=timezone.localdate())
        if breach
        else [],
        "notices": list(breach.notices.select_related("recorded_by")) if breach else [],
    }


@requires(REPORT)
@require_GET
def incident_detail(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    context = _detail_context(request, incident)
    if context["manager"] and context["breach"]:
        context["notice_form"] = NoticeForm(initial={"sent_on": timezone.localdate()})
    return render(request, "compliance/incident.html", context)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def incident_edit(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    practice = practice_of(request.user)
    form = IncidentUpdateForm(
        request.POST or None, practice=practice, instance=Incident.objects.get(pk=incident.pk)
    )
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            incidents.incident_update(incident=incident, values=form.cleaned_data, by=request.user)
            messages.success(request, "Saved.")
            return redirect("compliance:incident", incident.pk)
    context = {"form": form, "incident": incident}
    status = 400 if form.errors else 200
    return render(request, "compliance/incident_form.html", context, status=status)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def breach_assess(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    breach: BreachAssessment | None = getattr(incident, "breach", None)
    initial = {}
    if breach is not None:
        initial = {
            "affected_total": breach.affected_total,
            "affected_by_state": ", ".join(f"{s}={n}" for s, n in breach.affected_by_state.items()),
            "law_enforcement_delay_until": breach.law_enforcement_delay_until,
            "notes": breach.notes,
        }
    form = BreachForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            incidents.breach_assess(incident=incident, by=request.user, **form.cleaned_data)
            messages.success(request, "Assessed as a breach: the notice deadlines are below.")
            return redirect("compliance:incident", incident.pk)
    context = {"form": form, "incident": incident}
    status = 400 if form.errors else 200
    return render(request, "compliance/breach_form.html", context, status=status)


@requires(MANAGE)
@require_POST
def notice_add(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    breach: BreachAssessment | None = getattr(incident, "breach", None)
    form = NoticeForm(request.POST)
    if breach is None:
        form.add_error(None, "Assess the incident as a breach first.")
    elif form.is_valid():
        with refusals_shown_on(form):
            incidents.notice_record(breach=breach, by=request.user, **form.cleaned_data)
            messages.success(request, "Notice recorded.")
            return redirect("compliance:incident", incident.pk)
    context = {**_detail_context(request, incident), "notice_form": form}
    return render(request, "compliance/incident.html", context, status=400)
