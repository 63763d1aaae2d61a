"""Where a signed-in person lands: the first home page they may open, or their own page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from praxis.core import plugins
from praxis.core.access import AuthedRequest, signed_in
from praxis.core.navigation import home_for
from praxis.core.roles import roles_of


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their most senior role."""
    return redirect(home_for(request.user))


@signed_in
@require_GET
def my_home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "core/my_home.html",
        {
            "roles": roles_of(request.user),
            "widgets": plugins.widgets_for(request, home="my_work"),
        },
    )
