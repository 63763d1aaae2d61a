"""The JSON API at /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json). Each app adds a router."""

from ninja import NinjaAPI

from praxis import __version__
from praxis.core.access import public
from praxis.core.api import router as core_router
from praxis.core.api_support import AUTH, install_error_handlers
from praxis.patients.api import router as patients_router
from praxis.scheduling.api import router as scheduling_router

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


def api_urls() -> tuple[list, str, str]:  # type: ignore[type-arg]
    """The API's URL patterns. The API authenticates each operation itself (401/403 JSON), so
    the page-level access middleware lets its views through; the route census checks that every
    operation declares a rule."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            public(pattern.callback)
    return patterns, app_name, namespace
