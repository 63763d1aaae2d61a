from django.urls import include, path

from praxis.api import api_urls

handler400 = "praxis.core.errors.bad_request"
handler403 = "praxis.core.errors.permission_denied"
handler404 = "praxis.core.errors.page_not_found"
handler500 = "praxis.core.errors.server_error"

urlpatterns = [
    path("", include("praxis.core.urls")),
    path("home/", include("praxis.dashboards.urls")),
    path("patients/", include("praxis.patients.urls")),
    path("scheduling/", include("praxis.scheduling.urls")),
    path("api/v1/", api_urls()),
]
