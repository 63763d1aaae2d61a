"""Two-step sign-in: enrolling an authenticator app (with its recovery codes, shown once) and
entering a code after the password."""

from __future__ import annotations

import base64

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from praxis.core import mfa, services
from praxis.core.access import AuthedRequest, mfa_step
from praxis.core.forms import OtpForm, refusals_shown_on
from praxis.core.roles import mfa_required_for

from .auth import safe_next


@mfa_step
@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthedRequest) -> HttpResponse:
    if mfa.mfa_state(request) != "verify":
        return redirect(safe_next(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=request.user, otp_token=form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            mfa.forget_state(request)
            _new_session_key(request)
            return redirect(safe_next(request))
        form.add_error("otp_token", "That code is not valid. Codes change every 30 seconds.")
    return render(
        request, "core/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@mfa_step
@require_http_methods(["GET", "POST"])
def mfa_enroll(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if mfa.has_confirmed_device(user):
        # Replacing an authenticator goes through an Administrator's "reset two-step sign-in",
        # so a stolen session cannot swap in the thief's phone.
        return redirect("core:mfa_verify" if mfa.mfa_state(request) == "verify" else "core:home")
    device = mfa.pending_totp_device(request)
    form = OtpForm(request.POST or None)
    form.fields["otp_token"].help_text = "The 6-digit code your authenticator app shows now."
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            enrolment = services.mfa_enrol(
                user=user, device=device, otp_token=form.cleaned_data["otp_token"]
            )
            mfa.forget_pending_device(request)
            otp_login(request, enrolment.device)
            mfa.forget_state(request)
            _new_session_key(request)
            return render(
                request, "core/mfa_recovery_codes.html", {"codes": enrolment.recovery_codes}
            )
    return render(
        request,
        "core/mfa_enroll.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device.config_url),
            "secret": _grouped_base32(device.bin_key),
            "required": mfa_required_for(user),
        },
        status=400 if form.errors else 200,
    )


def _new_session_key(request: AuthedRequest) -> None:
    """Past the second step the session is worth more than it was after the password alone:
    give it a new key, so a key seen half-way (a shared computer, a leaked log) is worthless."""
    old_key = request.session.session_key
    request.session.cycle_key()
    services.session_rekeyed(
        old_session_key=old_key, new_session_key=request.session.session_key or ""
    )


def _grouped_base32(key: bytes) -> str:
    """The key as people type it into an authenticator app: base32 in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
