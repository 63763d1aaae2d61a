"""The navigation bar: the entries every app registers (``core.plugins``), each naming the
permission it needs, so a role sees only what it may use."""

from __future__ import annotations

from typing import Any

from . import plugins
from .plugins import NavItem


def items_for(user: Any) -> list[NavItem]:
    """The entries this person may open: the bar's first, then the Settings menu's."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        item
        for item in plugins.navigation()
        if item.permission is None or user.has_perm(item.permission)
    ]


def split_for_menu(items: list[NavItem]) -> tuple[list[NavItem], list[NavItem]]:
    """(items for the bar, items for the Settings menu)."""
    return (
        [i for i in items if not i.in_settings],
        [i for i in items if i.in_settings],
    )


def home_for(user: Any) -> str:
    """The URL name of the person's home: the first home page in the bar they may open (the
    most senior role's; everyone may open My work)."""
    return next(item.url_name for item in items_for(user) if item.home)
