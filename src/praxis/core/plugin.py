"""What core itself plugs in (``core.plugins``), first and like any app: its navigation
entries and its rows of the role matrix."""

from __future__ import annotations

from .plugins import AppPlugin, NavItem
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

PLUGIN = AppPlugin(app="core", navigation=NAVIGATION, permissions=CORE_PERMISSIONS)
