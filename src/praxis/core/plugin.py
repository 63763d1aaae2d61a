"""What core itself plugs in (``core.plugins``), first and like any app: its navigation
entries, its rows of the role matrix, and the home-page widgets on people, security, the
facility, background work and the person's own recent activity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import activity, phi_audit, selectors
from .access import AuthedRequest
from .models import Practice
from .plugins import AppPlugin, Area, Home, NavItem, Widget, WidgetContext
from .roles import CORE_PERMISSIONS

NAVIGATION = (
    NavItem("My work", "core:my_home", None, order=30, home=True),
    NavItem("Audit trail", "core:audit_list", "core.view_audit", order=900),
    NavItem("Locations", "core:location_list", "core.manage_locations", order=20, in_settings=True),
    NavItem("Users", "core:user_list", "core.manage_users", order=30, in_settings=True),
    NavItem(
        "Practice", "core:practice_settings", "core.manage_practice", order=40, in_settings=True
    ),
    NavItem("API tokens", "core:token_list", "core.use_api", order=90, in_settings=True),
)


# --- what the widgets show: one call per page for each, however many widgets show it ---------


def people(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    return selectors.people_figures(practice)


def security(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    return selectors.security_figures(practice)


def facility(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    return selectors.facility_figures(practice)


def open_locations(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    return {"locations": selectors.practice_locations(practice).filter(is_active=True)}


def background(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    return selectors.background_figures()


def recent_activity(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    mine = selectors.AuditFilters(actor_id=request.user.pk)
    events = list(selectors.audit_event_search(mine, practice=practice)[:10])
    named = activity.patient_ids_named(events)
    phi_audit.shown(*named, what="recent activity")
    return {"lines": activity.lines(events)}


def _widget(home: Home, area: Area, order: int, name: str, context: WidgetContext) -> Widget:
    return Widget(home, area, order, f"core/widgets/{name}.html", context)


WIDGETS = (
    _widget("administrator", "figures", 10, "admin_people_figures", people),
    _widget("administrator", "figures", 20, "sign_in_figures", security),
    _widget("administrator", "figures", 30, "admin_facility_figures", facility),
    _widget("administrator", "main", 10, "security", security),
    _widget("administrator", "side", 10, "staff_by_role", people),
    _widget("manager", "figures", 10, "manager_people_figures", people),
    _widget("manager", "figures", 20, "manager_facility_figures", facility),
    _widget("manager", "figures", 30, "background_figures", background),
    _widget("manager", "main", 10, "locations", open_locations),
    _widget("manager", "side", 10, "team_by_role", people),
    _widget("manager", "side", 20, "daily_jobs", background),
    _widget("my_work", "main", 10, "recent_activity", recent_activity),
)

PLUGIN = AppPlugin(app="core", navigation=NAVIGATION, permissions=CORE_PERMISSIONS, widgets=WIDGETS)
