from typing import Any

from django.http import HttpRequest

from .mfa import mfa_state
from .navigation import items_for, split_for_menu
from .roles import roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or mfa_state(request) != "ok":
        return {"nav_items": [], "nav_settings": [], "nav_roles": [], "signed_in_fully": False}
    bar, settings_menu = split_for_menu(items_for(user))
    return {
        "nav_items": bar,
        "nav_settings": settings_menu,
        "nav_roles": roles_of(user),
        "signed_in_fully": True,
    }
