"""What the scheduling app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem
from praxis.core.roles import BILLER, CLINICAL, FRONT_DESK, MANAGER, PROVIDER, Role

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

# Whoever books, bills or treats sees the calendar; only the desk books.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "scheduling.view_schedule": frozenset({MANAGER, FRONT_DESK, BILLER, PROVIDER, CLINICAL}),
    "scheduling.book_appointment": frozenset({MANAGER, FRONT_DESK}),
    "scheduling.update_appointment_status": frozenset({MANAGER, FRONT_DESK, PROVIDER, CLINICAL}),
    "scheduling.manage_scheduling_setup": frozenset({MANAGER}),
    "scheduling.view_readiness_board": frozenset({MANAGER, FRONT_DESK}),
}

PLUGIN = AppPlugin(
    app="scheduling",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    # visits are booked for the demo patients
    demo=DemoSeeder("praxis.scheduling.demo.seed_schedule", after=("patients",)),
)
