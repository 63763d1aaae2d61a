"""What the scheduling app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, NavItem

NAVIGATION = (
    NavItem("Calendar", "scheduling:calendar", "scheduling.view_schedule", order=100),
    NavItem("Ready for tomorrow", "scheduling:board", "scheduling.view_readiness_board", order=110),
    NavItem("Waitlist", "scheduling:waitlist", "scheduling.book_appointment", order=120),
    NavItem("Calendar feeds", "scheduling:feeds", "scheduling.view_schedule", order=130),
    NavItem(
        "Scheduling setup",
        "scheduling:setup",
        "scheduling.manage_scheduling_setup",
        order=50,
        in_settings=True,
    ),
)

PLUGIN = AppPlugin(app="scheduling", navigation=NAVIGATION)
