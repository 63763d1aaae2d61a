"""What the dashboards app plugs in (``praxis.core.plugins``): the two home pages' entries."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, NavItem

PLUGIN = AppPlugin(
    app="dashboards",
    navigation=(
        NavItem(
            "Administrator home",
            "dashboards:administrator",
            "core.view_admin_home",
            order=10,
            home=True,
        ),
        NavItem(
            "Manager home", "dashboards:manager", "core.view_manager_home", order=20, home=True
        ),
    ),
)
