"""Scheduling set-up pages for the Practice Manager: providers and their weekly hours and
exceptions, visit types, rooms and equipment. Thin: access, one service, a page. Every object
is loaded scoped to the user's practice, so another practice's id is the same 404 as a missing
one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core import time as wallclock
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.core.models import Location, Practice

from . import reminder_preview, reminders
from .models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Channel,
    Provider,
    ReminderRule,
    Resource,
)
from .setup import (
    appointment_type_create,
    appointment_type_update,
    availability_exception_create,
    availability_exception_delete,
    availability_template_create,
    availability_template_delete,
    provider_create,
    provider_update,
    resource_create,
)
from .setup_forms import (
    AppointmentTypeForm,
    AvailabilityExceptionForm,
    AvailabilityTemplateForm,
    ProviderForm,
    ReminderRuleForm,
    ResourceForm,
)

SETUP = "scheduling.manage_scheduling_setup"


def _templates() -> Any:
    return AvailabilityTemplate.objects.select_related("location").prefetch_related("allowed_types")


@requires(SETUP)
@require_GET
def setup(request: AuthedRequest) -> HttpResponse:
    return _overview(request)


def _overview(request: AuthedRequest, *, rule_form: ReminderRuleForm | None = None) -> HttpResponse:
    practice = practice_of(request.user)
    providers = Provider.objects.filter(practice=practice).prefetch_related(
        Prefetch("templates", queryset=_templates())
    )
    types = AppointmentType.objects.filter(practice=practice).prefetch_related(
        "providers",
        Prefetch("required_resources", queryset=Resource.objects.select_related("location")),
    )
    locations = Location.objects.filter(practice=practice).prefetch_related(
        Prefetch("resources", queryset=Resource.objects.select_related("room"))
    )
    rules = ReminderRule.objects.filter(practice=practice)
    # what each channel sends, for a sample visit (made once per channel, not per rule)
    previews = {c: reminder_preview.reminder_preview(practice, c) for c in Channel.values}
    return render(
        request,
        "scheduling/setup/overview.html",
        {
            "providers": providers,
            "types": types,
            "locations": locations,
            "rules": [(rule, previews[rule.channel]) for rule in rules],
            "rule_form": rule_form or ReminderRuleForm(),
        },
        status=400 if rule_form is not None and rule_form.errors else 200,
    )


@requires("scheduling.manage_scheduling_setup")
@require_POST
def reminder_rule_add(request: AuthedRequest) -> HttpResponse:
    form = ReminderRuleForm(request.POST)
    if form.is_valid():
        with refusals_shown_on(form):
            reminders.reminder_rule_create(
                practice=practice_of(request.user),
                hours_before=form.cleaned_data["hours_before"],
                channel=form.cleaned_data["channel"],
                by=request.user,
            )
            messages.success(request, "Reminder rule saved.")
            return redirect(reverse("scheduling:setup") + "#reminders")
    return _overview(request, rule_form=form)


@requires("scheduling.manage_scheduling_setup")
@require_POST
def reminder_rule_toggle(request: AuthedRequest, rule_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    rule = get_in_practice(ReminderRule, practice=practice, what="reminder rule", pk=rule_id)
    reminders.reminder_rule_set_active(rule=rule, active=not rule.is_active, by=request.user)
    return redirect(reverse("scheduling:setup") + "#reminders")


@requires("scheduling.manage_scheduling_setup")
@require_POST
def reminder_rule_test(request: AuthedRequest, rule_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    rule = get_in_practice(ReminderRule, practice=practice, what="reminder rule", pk=rule_id)
    with refusals_as_messages(request):
        reminder_preview.reminder_test_send(rule=rule, to=request.POST.get("to", ""))
        messages.success(request, f"Test reminder sent to {request.POST['to'].strip()}.")
    return redirect(reverse("scheduling:setup") + "#reminders")


# --- providers, their hours and exceptions ----------------------------------------------------


def _provider_page(
    request: HttpRequest,
    practice: Practice,
    provider: Provider | None,
    *,
    form: ProviderForm | None = None,
    hours_form: AvailabilityTemplateForm | None = None,
    exception_form: AvailabilityExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "provider": provider,
        "form": form
        or ProviderForm(
            instance=Provider.objects.get(pk=provider.pk) if provider else None,
            practice=practice,
        ),
    }
    if provider is not None:
        today = timezone.localdate()
        context["hours"] = _templates().filter(provider=provider)
        exceptions = AvailabilityException.objects.filter(
            provider=provider, end__gte=timezone.now()
        ).select_related("location")
        context["exceptions"] = [
            (e, e.start.astimezone(tz), e.end.astimezone(tz))
            for e in exceptions
            for tz in [wallclock.zone_of(e.location or practice)]
        ]
        context["hours_form"] = hours_form or AvailabilityTemplateForm(
            practice=practice, initial={"effective_from": today}
        )
        context["exception_form"] = exception_form or AvailabilityExceptionForm(
            practice=practice, initial={"start_date": today, "end_date": today}
        )
    return render(request, "scheduling/setup/provider.html", context, status=status)


@requires(SETUP)
@require_http_methods(["GET", "POST"])
def provider_edit(request: AuthedRequest, provider_id: int | None = None) -> HttpResponse:
    practice = practice_of(request.user)
    provider = (
        get_in_practice(Provider, practice=practice, what="provider", pk=provider_id)
        if provider_id
        else None
    )
    if request.method != "POST":
        return _provider_page(request, practice, provider)
    form = ProviderForm(
        request.POST,
        instance=Provider.objects.get(pk=provider.pk) if provider else None,
        practice=practice,
    )
    if form.is_valid():
        with refusals_shown_on(form):
            if provider is None:
                provider = provider_create(
                    practice=practice, values=form.values(), user=form.cleaned_data["user"]
                )
            else:
                provider_update(
                    provider=provider, values=form.values(), user=form.cleaned_data["user"]
                )
            messages.success(request, f"Saved {provider}.")
            return redirect("scheduling:provider_edit", provider_id=provider.pk)
    return _provider_page(request, practice, provider, form=form, status=400)


@requires(SETUP)
@require_POST
def hours_add(request: AuthedRequest, provider_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    provider = get_in_practice(Provider, practice=practice, what="provider", pk=provider_id)
    form = AvailabilityTemplateForm(request.POST, practice=practice)
    if form.is_valid():
        with refusals_shown_on(form):
            availability_template_create(provider=provider, **form.cleaned_data)
            messages.success(request, "Hours added.")
            return redirect("scheduling:provider_edit", provider_id=provider.pk)
    return _provider_page(request, practice, provider, hours_form=form, status=400)


@requires(SETUP)
@require_POST
def hours_delete(request: AuthedRequest, template_id: int) -> HttpResponse:
    # Hours and exceptions belong to a provider, and through the provider to the practice.
    practice = practice_of(request.user)
    template = get_in_practice(
        AvailabilityTemplate, practice=practice, what="hours", through="provider", pk=template_id
    )
    provider_id = template.provider_id
    availability_template_delete(template=template)
    messages.success(request, "Hours removed. Visits already booked in them stay booked.")
    return redirect("scheduling:provider_edit", provider_id=provider_id)


@requires(SETUP)
@require_POST
def exception_add(request: AuthedRequest, provider_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    provider = get_in_practice(Provider, practice=practice, what="provider", pk=provider_id)
    form = AvailabilityExceptionForm(request.POST, practice=practice)
    if form.is_valid():
        data = form.cleaned_data
        with refusals_shown_on(form):
            availability_exception_create(
                provider=provider,
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                location=data["location"],
                note=data["note"],
            )
            messages.success(request, "Exception added.")
            return redirect("scheduling:provider_edit", provider_id=provider.pk)
    return _provider_page(request, practice, provider, exception_form=form, status=400)


@requires(SETUP)
@require_POST
def exception_delete(request: AuthedRequest, exception_id: int) -> HttpResponse:
    exception = get_in_practice(
        AvailabilityException,
        practice=practice_of(request.user),
        what="exception",
        through="provider",
        pk=exception_id,
    )
    provider_id = exception.provider_id
    availability_exception_delete(exception=exception)
    messages.success(request, "Exception removed.")
    return redirect("scheduling:provider_edit", provider_id=provider_id)


# --- visit types and resources ---------------------------------------------------------------


@requires(SETUP)
@require_http_methods(["GET", "POST"])
def appointment_type_edit(request: AuthedRequest, type_id: int | None = None) -> HttpResponse:
    practice = practice_of(request.user)
    appointment_type = (
        get_in_practice(AppointmentType, practice=practice, what="appointment type", pk=type_id)
        if type_id
        else None
    )
    form = AppointmentTypeForm(
        request.POST or None,
        instance=AppointmentType.objects.get(pk=appointment_type.pk) if appointment_type else None,
        practice=practice,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        links = {"providers": data["providers"], "required_resources": data["required_resources"]}
        with refusals_shown_on(form):
            if appointment_type is None:
                appointment_type = appointment_type_create(
                    practice=practice, values=form.values(), **links
                )
            else:
                appointment_type_update(
                    appointment_type=appointment_type, values=form.values(), **links
                )
            messages.success(request, f"Saved {appointment_type}.")
            return redirect("scheduling:setup")
    return render(
        request,
        "scheduling/setup/appointment_type.html",
        {"form": form, "appointment_type": appointment_type},
        status=400 if form.errors else 200,
    )


@requires(SETUP)
@require_http_methods(["GET", "POST"])
def resource_new(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = ResourceForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_shown_on(form):
            resource = resource_create(
                location=data["location"], kind=data["kind"], name=data["name"], room=data["room"]
            )
            messages.success(request, f"Added {resource} at {resource.location}.")
            return redirect("scheduling:setup")
    return render(
        request,
        "scheduling/setup/resource.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
