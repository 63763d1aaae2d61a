"""The practice's users: the list, inviting, editing roles, and the account actions
(deactivate, reactivate, reset two-step sign-in, resend the invitation, send a password reset
link, lift a lockout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core import mfa, password_reset, selectors, services
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.forms import EditUserForm, InviteUserForm, refusals_as_messages, refusals_shown_on
from praxis.core.models import User
from praxis.core.roles import roles_of


@requires("core.manage_users")
@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    users = selectors.practice_users(practice_of(request.user))
    return render(request, "core/users.html", {"users": users, "invite_form": InviteUserForm()})


@requires("core.manage_users")
@require_http_methods(["GET", "POST"])
def user_invite(request: AuthedRequest) -> HttpResponse:
    if request.method == "GET":  # a bookmarked or reloaded invite: the users page has the form
        return redirect("core:user_list")
    practice = practice_of(request.user)
    form = InviteUserForm(request.POST)
    if form.is_valid():
        with refusals_shown_on(form):
            user = services.user_invite(
                practice=practice,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=services.roles_from_slugs(form.cleaned_data["roles"]),
                invited_by=request.user,
            )
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("core:user_list")
    users = selectors.practice_users(practice)
    return render(request, "core/users.html", {"users": users, "invite_form": form}, status=400)


@requires("core.manage_users")
@require_http_methods(["GET", "POST"])
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    subject = get_in_practice(User, practice=practice_of(request.user), what="user", pk=user_id)
    initial = {"full_name": subject.full_name, "roles": [r.slug for r in roles_of(subject)]}
    form = EditUserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            services.user_update(
                user=subject,
                full_name=form.cleaned_data["full_name"],
                roles=services.roles_from_slugs(form.cleaned_data["roles"]),
                changed_by=request.user,
            )
            messages.success(request, f"Saved {subject}.")
            return redirect("core:user_detail", user_id=subject.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "core/user_detail.html",
        {
            "subject": subject,
            "form": form,
            "has_mfa": mfa.has_confirmed_device(subject),
            "locked_out": subject in selectors.locked_out_users(subject.practice),
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=status,
    )


@requires("core.manage_users")
@require_POST
def user_action(request: AuthedRequest, user_id: int, action: str) -> HttpResponse:
    subject = get_in_practice(User, practice=practice_of(request.user), what="user", pk=user_id)
    actions: dict[str, Callable[[], Any]] = {
        "deactivate": lambda: services.user_deactivate(user=subject, deactivated_by=request.user),
        "reactivate": lambda: services.user_reactivate(user=subject),
        "reset-mfa": lambda: services.user_reset_mfa(user=subject),
        "unlock": lambda: services.user_unlock(user=subject),
        "resend-invitation": lambda: services.user_resend_invitation(user=subject),
        "send-password-reset": lambda: password_reset.user_send_password_reset(user=subject),
    }
    if action not in actions:
        raise Http404
    with refusals_as_messages(request):
        actions[action]()
        messages.success(request, f"{subject}: {action.replace('-', ' ')} done.")
    return redirect("core:user_detail", user_id=subject.pk)
