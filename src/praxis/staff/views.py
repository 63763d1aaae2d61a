"""The staff pages: the list, a member's page, add and edit, and "My page". Thin: access, one
service or selector, a page. Pay is put in the context only for those who may see it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires, signed_in
from praxis.core.forms import refusals_shown_on
from praxis.core.models import Location, Practice, User
from praxis.patients import selectors as patient_selectors

from . import people, selectors
from .forms import CredentialForm, PayForm, StaffFilterForm, StaffForm, VerifyForm
from .models import StaffMember
from .separations import practice_today

VIEW = "staff.view_staff"
MANAGE = "staff.manage_staff"
PAY = "staff.view_compensation"
LIST_LIMIT = 500


def status_of(*forms_: forms.BaseForm | None) -> int:
    return 400 if any(f is not None and f.errors for f in forms_) else 200


def load_member(request: AuthedRequest, member_id: int) -> StaffMember:
    return get_in_practice(
        StaffMember.objects.select_related("position", "manager", "user", "practice"),
        practice=practice_of(request.user),
        what="staff member",
        pk=member_id,
    )


@requires(VIEW)
@require_GET
def staff_list(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = StaffFilterForm(
        request.GET,
        locations=Location.objects.filter(practice=practice),
        departments=selectors.departments(practice),
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.StaffFilters(
        status=data.get("status") or "",
        location=data.get("location"),
        department=data.get("department") or "",
        search=(data.get("search") or "").strip(),
    )
    rows = list(selectors.staff_list(practice, filters)[: LIST_LIMIT + 1])
    context = {"form": form, "members": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT}
    return render(request, "staff/list.html", context, status=status_of(form))


def member_context(
    request: AuthedRequest, member: StaffMember, **forms_: forms.BaseForm | None
) -> dict[str, Any]:
    """What a member's page shows; pay only to those holding staff.view_compensation."""
    today = practice_today(member.practice)
    credentials = list(selectors.credentials_of(member))
    context: dict[str, Any] = {
        "member": member,
        "locations": list(member.locations.all()),
        "credentials": [(c, selectors.credential_state(c, today)) for c in credentials],
        "verify_form": VerifyForm(),
        "separations": list(member.separations.select_related("recorded_by")),
        "today": today,
        **forms_,
    }
    if request.user.has_perm(PAY):
        history = list(selectors.pay_history(member))
        context["pay"] = history
        context["pay_position"] = selectors.pay_position(member, history, today)
        context.setdefault("pay_form", PayForm(initial={"effective_from": today}))
    return context


@requires(VIEW)
@require_GET
def member_detail(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = load_member(request, member_id)
    return render(request, "staff/member.html", member_context(request, member))


def _staff_form(request: AuthedRequest, practice: Practice, **kwargs: Any) -> StaffForm:
    users = User.objects.filter(practice=practice, is_active=True).order_by("full_name")
    choices = {
        "position": selectors.positions(practice),
        "manager": StaffMember.objects.filter(practice=practice).exclude(
            status=StaffMember.Status.SEPARATED
        ),
        "locations": Location.objects.filter(practice=practice, is_active=True),
        "user": users,
    }
    return StaffForm(request.POST or None, practice=practice, choices=choices, **kwargs)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def member_add(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = _staff_form(request, practice, initial={"hire_date": practice_today(practice)})
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            member = people.staff_create(practice=practice, values=form.cleaned_data)
            messages.success(request, f"Added {member.full_name}.")
            return redirect("staff:member", member_id=member.pk)
    return render(request, "staff/member_form.html", {"form": form}, status=status_of(form))


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = load_member(request, member_id)
    form = _staff_form(request, member.practice, instance=StaffMember.objects.get(pk=member.pk))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            people.staff_update(member=member, values=form.cleaned_data)
            messages.success(request, f"Saved {member.full_name}'s record.")
            return redirect("staff:member", member_id=member.pk)
    context = {"form": form, "member": member}
    return render(request, "staff/member_form.html", context, status=status_of(form))


def credential_form(request: AuthedRequest, practice: Practice) -> CredentialForm:
    payers = patient_selectors.practice_payers(practice).filter(is_active=True)
    return CredentialForm(request.POST or None, request.FILES or None, payers=payers)


@signed_in
@require_GET
def my_page(request: AuthedRequest) -> HttpResponse:
    """Every staff member's own page: their record and credentials (not their pay: that is
    for the Administrator and HR)."""
    member = (
        StaffMember.objects.filter(user=request.user, practice=practice_of(request.user))
        .select_related("position", "manager", "practice")
        .first()
    )
    context: dict[str, Any] = {"member": member}
    if member is not None:
        today = practice_today(member.practice)
        context["credentials"] = [
            (c, selectors.credential_state(c, today)) for c in selectors.credentials_of(member)
        ]
    return render(request, "staff/mine.html", context)
