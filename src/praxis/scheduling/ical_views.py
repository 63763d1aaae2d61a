"""Calendar files: a visit's .ics for the patient, and providers' private feeds."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from praxis.core import audit, phi_audit
from praxis.core.access import AuthedRequest, public, requires

from . import ical
from .access import access_appointment_by_id
from .models import Provider, ProviderFeedToken

ICS = "text/calendar; charset=utf-8"


@requires("scheduling.view_schedule", "patients.view_patient")
@require_GET
def appointment_ical(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    phi_audit.shown(appointment.patient_id, obj=appointment)
    response = HttpResponse(ical.appointment_ics(appointment), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="visit-{appointment.pk}.ics"'
    return response


@requires("scheduling.view_schedule")
@require_GET
def feeds(request: AuthedRequest) -> HttpResponse:
    providers = ical.providers_managed_by(request.user)
    active = {
        f.provider_id: f
        for f in ProviderFeedToken.objects.filter(provider__in=providers, revoked_at__isnull=True)
    }
    new_url = request.session.pop("praxis_new_feed_url", None)
    return render(
        request,
        "scheduling/feeds.html",
        {"rows": [(p, active.get(p.pk)) for p in providers], "new_url": new_url},
    )


def _managed_provider(request: AuthedRequest, provider_id: object) -> Provider:
    for provider in ical.providers_managed_by(request.user):
        if str(provider.pk) == str(provider_id):
            return provider
    raise Http404


@requires("scheduling.view_schedule")
@require_POST
def feed_create(request: AuthedRequest) -> HttpResponse:
    provider = _managed_provider(request, request.POST.get("provider"))
    token = ical.feed_token_create(provider=provider, by=request.user)
    # Shown once, on the next page; only the hash is kept.
    request.session["praxis_new_feed_url"] = ical.feed_url(token)
    messages.success(request, f"A new calendar feed for {provider} is ready; copy it now.")
    return redirect("scheduling:feeds")


@requires("scheduling.view_schedule")
@require_POST
def feed_revoke(request: AuthedRequest, feed_id: int) -> HttpResponse:
    providers = ical.providers_managed_by(request.user)
    feed = get_object_or_404(ProviderFeedToken, pk=feed_id, provider__in=providers)
    ical.feed_token_revoke(feed=feed, by=request.user)
    messages.success(request, f"The calendar feed of {feed.provider} no longer works.")
    return redirect("scheduling:feeds")


@public
@require_GET
def provider_feed(request: HttpRequest, token: str) -> HttpResponse:
    provider = ical.provider_for_token(token)
    if provider is None:
        raise Http404
    audit.record(
        "praxis.scheduling.feed.read",
        object_type="scheduling.provider",
        object_id=provider.pk,
        practice_id=provider.practice_id,
    )
    body = ical.provider_feed_ics(provider, ical.feed_appointments(provider))
    return HttpResponse(body, content_type=ICS)
