from typing import Any

from django.http import HttpRequest

from .mfa import mfa_state
from .navigation import items_for
from .roles import roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or mfa_state(request) != "ok":
        return {"nav_items": [], "nav_roles": [], "signed_in_fully": False}
    return {
        "nav_items": items_for(user),
        "nav_roles": roles_of(user),  # type: ignore[arg-type]
        "signed_in_fully": True,
    }
