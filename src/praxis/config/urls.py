from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from praxis.api import api_urls
from praxis.core.access import public


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico on their own, whatever the page's <link rel="icon">."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("praxis/favicon.svg")  # looked up per request: the manifest may be new


handler400 = "praxis.core.errors.bad_request"
handler403 = "praxis.core.errors.permission_denied"
handler404 = "praxis.core.errors.page_not_found"
handler500 = "praxis.core.errors.server_error"

urlpatterns = [
    path("favicon.ico", public(FaviconRedirect.as_view()), name="favicon"),
    path("", include("praxis.core.urls")),
    path("home/", include("praxis.dashboards.urls")),
    path("patients/", include("praxis.patients.urls")),
    path("scheduling/", include("praxis.scheduling.urls")),
    path("billing/", include("praxis.billing.urls")),
    path("claims/", include("praxis.claims.urls")),
    path("staff/", include("praxis.staff.urls")),
    path("compliance/", include("praxis.compliance.urls")),
    path("api/v1/", api_urls()),
]
