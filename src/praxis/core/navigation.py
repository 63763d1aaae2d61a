"""The navigation bar: each entry names the permission it needs, so a role sees only what it may
use. Apps add their entries here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None  # None: every signed-in user


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Administrator home", "dashboards:administrator", "core.view_admin_home"),
    NavItem("Manager home", "dashboards:manager", "core.view_manager_home"),
    NavItem("My work", "core:my_home", None),
    NavItem("Calendar", "scheduling:calendar", "scheduling.view_schedule"),
    NavItem("Ready for tomorrow", "scheduling:board", "scheduling.view_readiness_board"),
    NavItem("Waitlist", "scheduling:waitlist", "scheduling.book_appointment"),
    NavItem("Calendar feeds", "scheduling:feeds", "scheduling.view_schedule"),
    NavItem("Patients", "patients:list", "patients.view_patient"),
    NavItem("Payers", "patients:payer_list", "patients.manage_payers"),
    NavItem("Locations", "core:location_list", "core.manage_locations"),
    NavItem("Users", "core:user_list", "core.manage_users"),
    NavItem("Practice", "core:practice_settings", "core.manage_practice"),
    NavItem("Scheduling setup", "scheduling:setup", "scheduling.manage_scheduling_setup"),
    NavItem("Audit trail", "core:audit_list", "core.view_audit"),
    NavItem("API tokens", "core:token_list", "core.use_api"),
)


# Set-up pages, used now and then, sit in one "Settings" menu so the bar fits one line.
SETTINGS_MENU = frozenset(
    {
        "core:practice_settings",
        "core:user_list",
        "core:location_list",
        "patients:payer_list",
        "scheduling:setup",
        "core:token_list",
    }
)


def split_for_menu(items: list[NavItem]) -> tuple[list[NavItem], list[NavItem]]:
    """(items for the bar, items for the Settings menu)."""
    return (
        [i for i in items if i.url_name not in SETTINGS_MENU],
        [i for i in items if i.url_name in SETTINGS_MENU],
    )


def items_for(user: object) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        item
        for item in NAVIGATION
        if item.permission is None or user.has_perm(item.permission)  # type: ignore[attr-defined]
    ]
