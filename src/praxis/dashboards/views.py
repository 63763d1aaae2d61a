"""The two home pages: the widgets the apps register for each (``core.plugins``), laid out as
figure cards over two columns. Read-only: every widget's figures come from its app's selectors."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from praxis.core import plugins
from praxis.core.access import AuthedRequest, practice_of, requires


def _home(request: AuthedRequest, home: plugins.Home) -> HttpResponse:
    return render(
        request,
        f"dashboards/{home}.html",
        {
            "practice": practice_of(request.user),
            "widgets": plugins.widgets_for(request, home=home),
        },
    )


@requires("core.view_admin_home")
@require_GET
def administrator_home(request: AuthedRequest) -> HttpResponse:
    return _home(request, "administrator")


@requires("core.view_manager_home")
@require_GET
def manager_home(request: AuthedRequest) -> HttpResponse:
    return _home(request, "manager")
