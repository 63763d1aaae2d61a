"""Credential pages: add one to a member (with an optional scan), verify it, download its scan;
the pay and separation forms of a member's page; positions; the booking-gate setting."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.downloads import stored_attachment
from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.patients import uploads

from . import credentialing, people, selectors, separations
from .forms import PayForm, PositionForm, RenewForm, SeparationForm, SettingsForm, VerifyForm
from .models import Credential, Position
from .views import MANAGE, PAY, VIEW, credential_form, load_member, member_context, status_of

logger = logging.getLogger(__name__)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def credential_add(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = load_member(request, member_id)
    form = credential_form(request, member.practice)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            values = {k: v for k, v in form.cleaned_data.items() if k != "file"}
            credential = credentialing.credential_add(
                member=member,
                values=values,
                added_by=request.user,
                upload=form.cleaned_data.get("file"),
            )
            messages.success(request, f"Added {credential.get_kind_display().lower()}.")
            return redirect("staff:member", member_id=member.pk)
    context = {"form": form, "member": member}
    return render(request, "staff/credential_form.html", context, status=status_of(form))


def _credential(request: AuthedRequest, credential_id: int) -> Credential:
    return get_in_practice(
        Credential.objects.select_related("staff__practice"),
        practice=practice_of(request.user),
        what="credential",
        pk=credential_id,
    )


@requires(MANAGE)
@require_POST
def credential_verify(request: AuthedRequest, credential_id: int) -> HttpResponse:
    credential = _credential(request, credential_id)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how you verified it.")
    else:
        with refusals_as_messages(request):
            credentialing.credential_verify(
                credential=credential,
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                verified_by=request.user,
            )
            messages.success(request, "Marked verified.")
    return redirect("staff:member", member_id=credential.staff_id)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def credential_renew(request: AuthedRequest, credential_id: int) -> HttpResponse:
    credential = _credential(request, credential_id)
    form = RenewForm(request.POST or None, instance=Credential.objects.get(pk=credential.pk))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            credentialing.credential_renew(
                credential=credential, values=form.cleaned_data, renewed_by=request.user
            )
            messages.success(request, "Renewed; verify the new one when you have checked it.")
            return redirect("staff:member", member_id=credential.staff_id)
    context = {"form": form, "credential": credential, "member": credential.staff}
    return render(request, "staff/renew.html", context, status=status_of(form))


@requires(VIEW)
@require_GET
def credential_document(request: AuthedRequest, credential_id: int) -> HttpResponseBase:
    credential = _credential(request, credential_id)
    if not credential.stored_name:
        raise Http404("This credential has no scanned copy.")
    return stored_attachment(
        credential.storage_path,
        filename=uploads.download_name(credential.original_filename, credential.content_type),
        content_type=credential.content_type,
    )


@requires(VIEW, PAY)
@require_POST
def pay_add(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = load_member(request, member_id)
    form = PayForm(request.POST)
    if form.is_valid():
        with refusals_shown_on(form):
            people.compensation_add(
                member=member, values=form.cleaned_data, recorded_by=request.user
            )
            messages.success(request, "Pay recorded.")
            return redirect("staff:member", member_id=member.pk)
    context = member_context(request, member, pay_form=form)
    return render(request, "staff/member.html", context, status=400)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def separate(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = load_member(request, member_id)
    form = SeparationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_shown_on(form):
            separation = separations.separation_record(
                member=member,
                kind=data["kind"],
                reason=data["reason"],
                last_day=data["last_day"],
                immediately=data["when"] == "now",
                offboarding_notes=data["offboarding_notes"],
                recorded_by=request.user,
            )
            done = "access has ended" if separation.applied_at else "access ends after the last day"
            messages.success(request, f"Separation recorded; {done}.")
            return redirect("staff:member", member_id=member.pk)
    context = {"form": form, "member": member}
    return render(request, "staff/separate.html", context, status=status_of(form))


@requires(VIEW, PAY)
@require_http_methods(["GET", "POST"])
def positions(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = PositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            position = people.position_create(practice=practice, values=form.cleaned_data)
            messages.success(request, f"Added the position {position.title}.")
            return redirect("staff:positions")
    context = {"form": form, "positions": list(selectors.positions(practice))}
    return render(request, "staff/positions.html", context, status=status_of(form))


@requires(VIEW, PAY)
@require_http_methods(["GET", "POST"])
def position_edit(request: AuthedRequest, position_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    position = get_in_practice(Position, practice=practice, what="position", pk=position_id)
    form = PositionForm(request.POST or None, instance=Position.objects.get(pk=position.pk))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            people.position_update(position=position, values=form.cleaned_data)
            messages.success(request, f"Saved the position {position.title}.")
            return redirect("staff:positions")
    context = {"form": form, "position": position}
    return render(request, "staff/position_form.html", context, status=status_of(form))


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def gate_settings(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = SettingsForm(request.POST or None, instance=credentialing.settings_of(practice))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            credentialing.settings_update(
                practice=practice, booking_gate=form.cleaned_data["booking_gate"]
            )
            messages.success(request, "Saved.")
            return redirect("staff:settings")
    return render(request, "staff/settings.html", {"form": form}, status=status_of(form))
