"""Where a signed-in person lands: the home of their most senior role, or their own page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from praxis.core import selectors
from praxis.core.access import practice_of, signed_in
from praxis.core.roles import roles_of
from praxis.core.time import zone_of


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
