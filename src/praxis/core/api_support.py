"""What every API endpoint shares: token and session authentication, the permission check, and
JSON error bodies of the form {"code": "...", "message": "..."}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import model_validator

from .access import NotInPractice
from .mfa import mfa_state
from .models import ApiToken
from .roles import ROLES
from .service_support import ServiceError
from .services import hash_token

logger = logging.getLogger("praxis.api")

F = TypeVar("F", bound=Callable[..., Any])
# Refresh ApiToken.last_used_at at most this often: a read should not cost a write each time.
_LAST_USED_RESOLUTION_S = 300


class BodyIn(Schema):
    """The base of every request body: a JSON object. ninja's schemas also read attributes off
    any object (to serialize models), so without this a body of ``""`` or ``[]`` would read as
    an object with every field left out, and a PATCH of nothing would answer 200."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja hands its schemas the data wrapped in a DjangoGetter: look at what it wraps.
        sent = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(sent, dict):
            raise ValueError("The body must be a JSON object.")
        return data


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error body: a code to branch on, a message for a person, and the fields at fault
    when a body or query was refused (422, and 400s about one field)."""

    code: str
    message: str
    errors: list[FieldErrorOut] | None = None


# What any operation may answer besides its own results: a refused business rule (400), no or a
# bad token (401), a role without the permission (403), an id not in the practice (404), a value
# out of shape or range (422). A 409 is declared by the operations that have one, with its body.
ERROR_STATUSES = (400, 401, 403, 404, 422)


def with_errors(ok: Any) -> dict[int, Any]:
    """An operation's ``response=``: its own answers (a schema for 200, or a dict by status) and
    the error statuses every operation shares, so that the schema lists all an operation
    answers and a client (or the schema fuzz test) can rely on it."""
    answers: dict[int, Any] = dict(ok) if isinstance(ok, dict) else {200: ok}
    for status in ERROR_STATUSES:
        answers.setdefault(status, ErrorOut)
    return answers


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _second_factor_annotations() -> dict[str, Any]:
    """Whether the token's owner must have a second factor (a role that requires one, or a
    superuser) and whether they have one: subqueries of the token's own query, no extra trip."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    strict = [role.label for role in ROLES if role.mfa_required]
    strict_role = Group.objects.filter(user=OuterRef("user_id"), name__in=strict)
    return {
        "needs_second_factor": Q(user__is_superuser=True) | Q(Exists(strict_role)),
        "has_second_factor": Exists(
            TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
        ),
    }


class TokenAuth(HttpBearer):
    """``Authorization: Bearer prx_…`` with a personal token (core.services.api_token_create)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # The user's practice comes along: every endpoint scopes its queries to it.
        found = (
            ApiToken.objects.select_related("user__practice")
            .annotate(**_second_factor_annotations())
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None or not found.is_usable or not found.user.is_active:
            return None
        if not found.user.has_perm("core.use_api"):  # the role that allowed it was taken away
            return None
        # A role that needs a second factor gets no token without one, and a reset revokes its
        # tokens; this holds even if a factor went some other way (answered in the same query).
        if found.needs_second_factor and not found.has_second_factor:  # type: ignore[attr-defined]
            return None
        now = timezone.now()
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > _LAST_USED_RESOLUTION_S
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(NinjaSessionAuth):
    """The browser's session, once past MFA; ninja checks the CSRF token on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and mfa_state(request) == "ok":
            return user
        return None


AUTH = [TokenAuth(), SessionAuth()]


def permission(*perms: str) -> Callable[[F], F]:
    """Declare (and enforce) the permissions an endpoint needs; the route census reads it."""

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.auth.has_perms(perms):  # type: ignore[attr-defined]
                raise ApiError(403, "forbidden", "Your role does not allow this.")
            return func(request, *args, **kwargs)

        wrapper.praxis_permissions = perms  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def any_signed_in(func: F) -> F:
    """Declare an endpoint open to every authenticated user."""
    func.praxis_permissions = ()  # type: ignore[attr-defined]
    return func


def _error(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _error(api, request, exc.status, exc.code, exc.message)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(
            api,
            request,
            401,
            "unauthenticated",
            "Sign in, or send a valid token as 'Authorization: Bearer <token>'.",
        )

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                "message": e.get("msg"),
            }
            for e in exc.errors
        ]
        return _error(api, request, 422, "invalid", "Some values are not valid.", errors=errors)

    @api.exception_handler(ServiceError)
    def _rejected(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        extra = {}
        if hasattr(exc, "error_dict"):  # refusals about one field name it, as 422s do
            extra["errors"] = [
                {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        return _error(api, request, 400, "rejected", " ".join(exc.messages), **extra)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = str(exc) if isinstance(exc, NotInPractice) else "Not found."
        return _error(api, request, 404, "not_found", message)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 403, "forbidden", "Your role does not allow this.")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, "http_error", str(exc))

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error (request %s)", getattr(request, "request_id", ""))
        return _error(
            api,
            request,
            500,
            "server_error",
            "Something went wrong; quote the X-Request-ID header to support.",
        )
