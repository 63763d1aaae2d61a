"""Signing in and out, changing one's password, choosing a new one by e-mail ("Forgot your
password?"), and accepting an invitation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from praxis.core import mfa, services
from praxis.core import password_reset as resets
from praxis.core.access import AuthedRequest, mfa_step, public, signed_in
from praxis.core.forms import LoginForm, PasswordForgotForm
from praxis.core.invitations import PASSWORD_RESET_SECONDS, invited_user, password_reset_user
from praxis.core.middleware import SESSION_EXPIRED_FLAG
from praxis.core.models import User


def safe_next(request: HttpRequest, fallback: str = "core:home") -> str:
    """Where to go after signing in: the ``next`` the form carried when it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and mfa.mfa_state(request) == "ok":
        return redirect(safe_next(request))
    expired = request.session.pop(SESSION_EXPIRED_FLAG, None)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())  # rotates the session key
        state = mfa.mfa_state(request)
        next_url = request.POST.get("next", "")
        if state == "verify":
            return redirect(f"{reverse('core:mfa_verify')}?next={quote(next_url, safe='/')}")
        if state == "enroll":
            return redirect("core:mfa_enroll")
        return redirect(safe_next(request))
    return render(
        request,
        "core/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "expired": expired,
        },
    )


@mfa_step
@require_POST
def logout_view(request: AuthedRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@public
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resets.password_reset_request(email=form.cleaned_data["email"])
        # The same answer whether or not an account uses the address.
        minutes = PASSWORD_RESET_SECONDS // 60
        messages.info(
            request,
            f"If a Praxis account uses {form.cleaned_data['email']}, we sent it a link to choose "
            f"a new password. The link works for {minutes} minutes.",
        )
        return redirect("core:login")
    return render(
        request, "core/password_forgot.html", {"form": form}, status=400 if form.errors else 200
    )


@dataclass(frozen=True)
class _PasswordLink:
    """What differs between the two e-mailed links that lead to choosing a password."""

    user_of: Callable[[str, str], User | None]
    save: Callable[..., object]  # (user=, password=)
    template: str
    done: str  # the message on the sign-in page
    reset: bool  # for the page that says the link no longer works


_RESET = _PasswordLink(
    password_reset_user,
    resets.password_reset_complete,
    "core/password_reset.html",
    "Your new password is set. Sign in with it.",
    reset=True,
)
_INVITATION = _PasswordLink(
    invited_user,
    services.invitation_accept,
    "core/invitation_accept.html",
    "Your password is set. Sign in to continue.",
    reset=False,
)


def _choose_password(
    request: HttpRequest, link: _PasswordLink, uidb64: str, token: str
) -> HttpResponse:
    user = link.user_of(uidb64, token)
    if user is None:
        return render(request, "core/link_invalid.html", {"reset": link.reset}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        link.save(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, link.done)
        return redirect("core:login")
    return render(
        request, link.template, {"form": form, "subject": user}, status=400 if form.errors else 200
    )


@public
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return _choose_password(request, _RESET, uidb64, token)


@public
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return _choose_password(request, _INVITATION, uidb64, token)


class _PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # update_session_auth_hash() rotates the key
        services.password_changed(
            user=form.user,
            old_session_key=old_key,
            new_session_key=self.request.session.session_key or "",
        )
        messages.success(self.request, "Your password was changed.")
        return response


password_change = signed_in(_PasswordChangeView.as_view())
