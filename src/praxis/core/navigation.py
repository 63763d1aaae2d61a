"""The navigation bar: the entries every app registers (``core.plugins``), each naming the
permission it needs, so a role sees only what it may use."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Menu:
    """A menu of the bar: its label and the entries in it, in order."""

    label: str
    items: tuple[NavItem, ...]

    @property
    def url_names(self) -> frozenset[str]:
        return frozenset(item.url_name for item in self.items)


def split_for_menu(items: list[NavItem]) -> tuple[list[NavItem | Menu], list[NavItem]]:
    """(the bar: entries and menus, in order; the Settings menu's entries)."""
    bar = [i for i in items if not i.in_settings]
    menus: dict[str, list[NavItem]] = {}
    for item in bar:
        if item.menu:
            menus.setdefault(item.menu, []).append(item)
    placed: list[NavItem | Menu] = []
    for item in bar:
        members = menus.get(item.menu, [])
        if len(members) < 2:
            placed.append(item)
        elif item is members[0]:
            placed.append(Menu(item.menu, tuple(members)))
    return placed, [i for i in items if i.in_settings]


def home_for(user: Any) -> str:
    """The URL name of the person's home: the first home page in the bar they may open (the
    most senior role's; everyone may open My work)."""
    return next(item.url_name for item in items_for(user) if item.home)
