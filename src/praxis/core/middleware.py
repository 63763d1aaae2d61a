"""Request-wide concerns: request ids and the audit context, session timeouts, route access
(deny by default, MFA gate, permissions) and no-store caching."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import audit, context, datefmt
from .access import access_of
from .mfa import mfa_state

logger = logging.getLogger("praxis.access")

# The only shape of request id taken from outside: safe to log, to store, and to echo.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

SESSION_AUTH_AT = "praxis_auth_at"
SESSION_SEEN_AT = "praxis_seen_at"
SESSION_EXPIRED_FLAG = "praxis_expired"
# Sent by a page's own timed refresh (``hx-headers`` next to ``hx-trigger="every …"``): not a
# person at the keyboard, so it does not count as activity for the idle timeout. A client that
# sends it only signs itself out sooner.
BACKGROUND_HEADER = "X-Praxis-Background"
# Refresh the "last seen" stamp at most this often, so most requests don't rewrite the session.
_SEEN_RESOLUTION_S = 15


def client_ip(request: HttpRequest) -> str | None:
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            return forwarded[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def request_id_for(request: HttpRequest) -> str:
    """The request's id: the one the reverse proxy set, when the installation says its proxy
    sets it (PRAXIS_TRUST_REQUEST_ID) and it has a safe shape; otherwise a new one. A client
    must not choose the id the audit trail files its actions under."""
    if settings.PRAXIS_TRUST_REQUEST_ID:
        incoming = request.headers.get("X-Request-ID", "")
        if _REQUEST_ID.fullmatch(incoming):
            return incoming
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Give every request an id (echoed as X-Request-ID) and make it the audit context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        with context.acting(
            user_getter=lambda: getattr(request, "user", None),
            ip=client_ip(request),
            request_id=request_id,
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class PracticeTimeZoneMiddleware:
    """Pages show times on the practice's clock, not the server's: the date filters convert to
    the active time zone, so a signed-in user's requests run with their practice's, and with its
    choice of the 12- or 24-hour clock (``datefmt.clock_of``).
    (Pages about one location, such as its calendar, switch to the location's zone.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        practice = getattr(user, "practice", None) if user and user.is_authenticated else None
        if practice is None:
            return self.get_response(request)
        with timezone.override(ZoneInfo(practice.time_zone)), datefmt.clock_of(practice):
            return self.get_response(request)


def is_background(request: HttpRequest) -> bool:
    """A request the page made on its own timer, not on something the person did."""
    return request.headers.get(BACKGROUND_HEADER) == "1"


class SessionTimeoutMiddleware:
    """End a session after PRAXIS_SESSION_IDLE_MINUTES idle or PRAXIS_SESSION_ABSOLUTE_HOURS.
    Background refreshes (``BACKGROUND_HEADER``) are checked but never count as activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = time.time()
        session = request.session
        auth_at = session.get(SESSION_AUTH_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        if auth_at is None or seen_at is None:
            session[SESSION_AUTH_AT] = auth_at or now
            session[SESSION_SEEN_AT] = now
            return
        reason = None
        if now - auth_at > settings.PRAXIS_SESSION_ABSOLUTE_SECONDS:
            reason = "absolute"
        elif now - seen_at > settings.PRAXIS_SESSION_IDLE_SECONDS:
            reason = "idle"
        if reason:
            audit.record(
                "praxis.auth.session.expired", actor=request.user, details={"reason": reason}
            )
            logout(request)
            request.session[SESSION_EXPIRED_FLAG] = reason
            return
        if now - seen_at >= _SEEN_RESOLUTION_S and not is_background(request):
            session[SESSION_SEEN_AT] = now


class AccessMiddleware:
    """Deny by default: every view must carry an access declaration (``core.access``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        access = access_of(view_func)
        if access is None:
            logger.error("route %s has no access declaration", request.resolver_match)
            raise PermissionDenied("This page declares no access rule.")
        if access.kind == "public":
            return None
        user = request.user
        if not user.is_authenticated:
            return _to_login(request)
        if access.kind == "mfa_step":
            return None
        state = mfa_state(request)
        if state == "enroll":
            return redirect("core:mfa_enroll")
        if state == "verify":
            return redirect_to_login(request.get_full_path(), reverse("core:mfa_verify"))
        if access.kind == "permission" and not user.has_perms(access.permissions):
            raise PermissionDenied
        return None


def _to_login(request: HttpRequest) -> HttpResponse:
    if getattr(request, "htmx", False):
        # htmx swaps responses into the page; tell it to load the login page instead.
        return HttpResponse(status=204, headers={"HX-Redirect": reverse(settings.LOGIN_URL)})
    return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


class NoStoreMiddleware:
    """Pages may hold PHI: browsers and proxies must not keep copies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
