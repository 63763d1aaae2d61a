"""The JSON API at /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json). Each app adds a router."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from praxis import __version__
from praxis.billing.api import router as billing_router
from praxis.claims.api import router as claims_router
from praxis.compliance.api import router as compliance_router
from praxis.core.access import public
from praxis.core.api import router as core_router
from praxis.core.api_support import AUTH, install_error_handlers
from praxis.patients.api import router as patients_router
from praxis.scheduling.api import router as scheduling_router
from praxis.staff.api import router as staff_router

api = NinjaAPI(
    title="Praxis API",
    version=__version__,
    description="Practice management. Authenticate with a personal token: "
    "`Authorization: Bearer prx_…` (create one under API tokens).",
    auth=AUTH,
    urls_namespace="api",
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is enough
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/scheduling", scheduling_router)
api.add_router("/patients", patients_router)
api.add_router("/billing", billing_router)
api.add_router("/claims", claims_router)
api.add_router("/staff", staff_router)
api.add_router("/compliance", compliance_router)


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method a path does not serve (HEAD, PUT, …) with a plain-text 405; a
    client reads every error of this API as JSON, so this one is JSON too, Allow header kept.
    HEAD is not served as GET: a GET of a patient records a read of their information, and a
    HEAD that reads nothing should not."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        refused = api.create_response(
            request,
            {
                "code": "method_not_allowed",
                "message": f"{request.method} is not allowed here; this path answers {allowed}.",
            },
            status=405,
        )
        refused["Allow"] = allowed
        return refused

    return wrapper


def _refuses_nul(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No text Praxis stores or searches may hold a NUL character: PostgreSQL's text cannot, so
    one in a query or a JSON body would be a 500 there (and a different answer on SQLite).
    Refused here once for every operation, before any parameter is read."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        in_query = "%00" in query or "\x00" in query or "\x00" in request.path
        in_body = request.content_type == "application/json" and (
            b"\x00" in request.body or b"\\u0000" in request.body
        )
        if in_query or in_body:
            return api.create_response(
                request,
                {"code": "invalid", "message": "Text may not contain NUL (0x00) characters."},
                status=422,
            )
        return view(request, *args, **kwargs)

    return wrapper


def api_urls() -> tuple[list, str, str]:  # type: ignore[type-arg]
    """The API's URL patterns. The API authenticates each operation itself (401/403 JSON), so
    the page-level access middleware lets its views through; the route census checks that every
    operation declares a rule. A method a path does not serve is a JSON 405 like every other
    error."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = public(_json_not_allowed(_refuses_nul(pattern.callback)))
    return patterns, app_name, namespace
