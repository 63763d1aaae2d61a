"""The two home pages: read-only compositions of other apps' selectors. Every figure is counted
from the database; a section appears once the app that owns its data exists."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from praxis.core import selectors
from praxis.core.access import practice_of, requires


@requires("core.view_admin_home")
@require_GET
def administrator_home(request: HttpRequest) -> HttpResponse:
    practice = practice_of(request.user)
    return render(
        request,
        "dashboards/administrator.html",
        {
            "practice": practice,
            "people": selectors.people_figures(practice),
            "security": selectors.security_figures(practice),
            "facility": selectors.facility_figures(practice),
        },
    )


@requires("core.view_manager_home")
@require_GET
def manager_home(request: HttpRequest) -> HttpResponse:
    practice = practice_of(request.user)
    return render(
        request,
        "dashboards/manager.html",
        {
            "practice": practice,
            "people": selectors.people_figures(practice),
            "facility": selectors.facility_figures(practice),
            "locations": selectors.practice_locations(practice).filter(is_active=True),
            "background": selectors.background_figures(),
        },
    )
