"""Core pages: sign-in and MFA, invitations, users, practice and location settings, API tokens,
the audit trail, and the health check. Views are thin: access, one service, a page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from praxis.core.service_support import ServiceError

from . import audit, mfa, selectors, services
from .access import mfa_step, practice_of, public, requires, signed_in
from .exports import csv_response
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    EditUserForm,
    InviteUserForm,
    LocationForm,
    LoginForm,
    OtpForm,
    PracticeForm,
    RoomForm,
    refusals_as_messages,
    refusals_shown_on,
)
from .invitations import invited_user
from .middleware import SESSION_EXPIRED_FLAG
from .models import ApiToken, Location, Practice, Room, User
from .roles import roles_of
from .time import zone_of


def _practice(request: HttpRequest) -> Practice:
    return practice_of(request.user)


def _safe_next(request: HttpRequest, fallback: str = "core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(fallback)


# --- sign-in ---------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and mfa.mfa_state(request) == "ok":
        return redirect(_safe_next(request))
    expired = request.session.pop(SESSION_EXPIRED_FLAG, None)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())  # rotates the session key
        state = mfa.mfa_state(request)
        next_url = request.POST.get("next", "")
        if state == "verify":
            return redirect(f"{_url('core:mfa_verify')}?next={_quote(next_url)}")
        if state == "enroll":
            return redirect("core:mfa_enroll")
        return redirect(_safe_next(request))
    return render(
        request,
        "core/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "expired": expired,
        },
    )


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="/")


@mfa_step
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@mfa_step
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if mfa.mfa_state(request) != "verify":
        return redirect(_safe_next(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(
            user=request.user,  # type: ignore[arg-type]
            otp_token=form.cleaned_data["otp_token"],
        )
        if device is not None:
            otp_login(request, device)
            mfa.forget_state(request)
            return redirect(_safe_next(request))
        form.add_error("otp_token", "That code is not valid. Codes change every 30 seconds.")
    return render(
        request, "core/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@mfa_step
@require_http_methods(["GET", "POST"])
def mfa_enroll(request: HttpRequest) -> HttpResponse:
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
                user=user,  # type: ignore[arg-type]
                device=device,
                otp_token=form.cleaned_data["otp_token"],
            )
            mfa.forget_pending_device(request)
            otp_login(request, enrolment.device)
            mfa.forget_state(request)
            return render(
                request, "core/mfa_recovery_codes.html", {"codes": enrolment.recovery_codes}
            )
    return render(
        request,
        "core/mfa_enroll.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device.config_url),
            "secret": _base32(device.bin_key),
            "required": mfa.mfa_required_for(user),  # type: ignore[arg-type]
        },
        status=400 if form.errors else 200,
    )


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@public
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = invited_user(uidb64, token)
    if user is None:
        return render(request, "core/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password is set. Sign in to continue.")
        return redirect("core:login")
    return render(
        request,
        "core/invitation_accept.html",
        {"form": form, "invitee": user},
        status=400 if form.errors else 200,
    )


# --- homes -----------------------------------------------------------------------------------


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their most senior role."""
    user = request.user
    if user.has_perm("core.view_admin_home"):
        return redirect("dashboards:administrator")
    if user.has_perm("core.view_manager_home"):
        return redirect("dashboards:manager")
    return redirect("core:my_home")


@signed_in
@require_GET
def my_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "core/my_home.html",
        {
            "roles": roles_of(user),  # type: ignore[arg-type]
            "recent": audit_recent_for(user),
        },
    )


def audit_recent_for(user: Any) -> Any:
    filters = selectors.AuditFilters(actor_id=user.pk)
    return selectors.audit_event_search(filters, zone=zone_of(practice_of(user)))[:10]


# --- users -----------------------------------------------------------------------------------


@requires("core.manage_users")
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    users = selectors.practice_users(_practice(request))
    return render(request, "core/users.html", {"users": users, "invite_form": InviteUserForm()})


@requires("core.manage_users")
@require_POST
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteUserForm(request.POST)
    if form.is_valid():
        with refusals_shown_on(form):
            user = services.user_invite(
                practice=_practice(request),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=services.roles_from_slugs(form.cleaned_data["roles"]),
                invited_by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("core:user_list")
    users = selectors.practice_users(_practice(request))
    return render(request, "core/users.html", {"users": users, "invite_form": form}, status=400)


def _practice_user(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(User, pk=user_id, practice=_practice(request))


@requires("core.manage_users")
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = _practice_user(request, user_id)
    initial = {"full_name": subject.full_name, "roles": [r.slug for r in roles_of(subject)]}
    form = EditUserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            services.user_update(
                user=subject,
                full_name=form.cleaned_data["full_name"],
                roles=services.roles_from_slugs(form.cleaned_data["roles"]),
                changed_by=request.user,  # type: ignore[arg-type]
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
        },
        status=status,
    )


@requires("core.manage_users")
@require_POST
def user_action(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    subject = _practice_user(request, user_id)
    actions = {
        "deactivate": lambda: services.user_deactivate(
            user=subject,
            deactivated_by=request.user,  # type: ignore[arg-type]
        ),
        "reactivate": lambda: services.user_reactivate(user=subject),
        "reset-mfa": lambda: services.user_reset_mfa(user=subject),
        "resend-invitation": lambda: services.user_resend_invitation(user=subject),
    }
    if action not in actions:
        raise Http404
    with refusals_as_messages(request):
        actions[action]()
        messages.success(request, f"{subject}: {action.replace('-', ' ')} done.")
    return redirect("core:user_detail", user_id=subject.pk)


# --- practice and locations -------------------------------------------------------------------


@requires("core.manage_practice")
@require_http_methods(["GET", "POST"])
def practice_settings(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    form = PracticeForm(request.POST or None, instance=Practice.objects.get(pk=practice.pk))
    if request.method == "POST" and form.is_valid():
        services.practice_update(practice=practice, values=form.cleaned_data)
        messages.success(request, "Practice settings saved.")
        return redirect("core:practice_settings")
    return render(
        request, "core/practice_settings.html", {"form": form}, status=400 if form.errors else 200
    )


@requires("core.manage_locations")
@require_GET
def location_list(request: HttpRequest) -> HttpResponse:
    locations = selectors.practice_locations(_practice(request))
    return render(request, "core/locations.html", {"locations": locations})


@requires("core.manage_locations")
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, location_id: int | None = None) -> HttpResponse:
    practice = _practice(request)
    location = (
        get_object_or_404(Location, pk=location_id, practice=practice) if location_id else None
    )
    form = LocationForm(
        request.POST or None,
        instance=Location.objects.get(pk=location.pk) if location else None,
        initial=None if location else {"time_zone": practice.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items()}
        try:
            if location is None:
                location = services.location_create(practice=practice, values=values)
            else:
                services.location_update(location=location, values=values)
        except ServiceError as error:
            form.add_error("name", error.messages[0])
        else:
            messages.success(request, f"Saved {location.name}.")
            return redirect("core:location_edit", location_id=location.pk)
    return render(
        request,
        "core/location_edit.html",
        {
            "form": form,
            "location": location,
            "room_form": RoomForm(),
        },
        status=400 if form.errors else 200,
    )


@requires("core.manage_locations")
@require_POST
def room_add(request: HttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=location_id, practice=_practice(request))
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.room_add(location=location, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.messages[0])
        else:
            form = RoomForm()
    status = 400 if form.errors else 200
    return render(
        request,
        "core/location_edit.html#rooms",
        {
            "location": location,
            "room_form": form,
        },
        status=status,
    )


@requires("core.manage_locations")
@require_POST
def room_toggle(request: HttpRequest, room_id: int) -> HttpResponse:
    room = get_object_or_404(
        Room.objects.select_related("location"),
        pk=room_id,
        location__practice=_practice(request),
    )
    services.room_set_active(room=room, active=not room.is_active)
    return render(
        request,
        "core/location_edit.html#rooms",
        {
            "location": room.location,
            "room_form": RoomForm(),
        },
    )


# --- API tokens ------------------------------------------------------------------------------


@requires("core.use_api")
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            issued = services.api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
            form = ApiTokenForm()
    return render(
        request,
        "core/tokens.html",
        {
            "tokens": selectors.user_tokens(request.user),  # type: ignore[arg-type]
            "form": form,
            "issued": issued,
        },
        status=400 if form.errors else 200,
    )


@requires("core.use_api")
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("core:token_list")


# --- audit trail -----------------------------------------------------------------------------

AUDIT_PAGE_SIZE = 50


@requires("core.view_audit")
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, practice=_practice(request))
    events = selectors.audit_event_search(
        form.filters() if form.is_valid() else selectors.AuditFilters(),
        zone=zone_of(_practice(request)),
    )
    if request.GET and not form.is_valid():
        events = events.none()
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "core/audit.html#results" if request.htmx else "core/audit.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
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
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """CSV of the filtered events. A POST because the export itself is audited."""
    form = AuditFilterForm(request.POST, practice=_practice(request))
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
    events = selectors.audit_event_search(filters, zone=zone_of(_practice(request)))
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
    return csv_response(
        "audit-events.csv",
        [
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
        ],
        rows,
    )


# --- health ----------------------------------------------------------------------------------


@public
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever its type
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
