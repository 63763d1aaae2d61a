"""Route access declarations. Every view says who may reach it; a view that says nothing is
refused (``AccessMiddleware``), and a census test walks every URL to hold that line.

    @public                      anyone, signed in or not (login page, health check)
    @signed_in                   any signed-in user who has passed MFA where required
    @mfa_step                    signed in, possibly still before the MFA step (enrol, verify)
    @requires("core.view_audit") signed in, MFA passed, and holding every named permission
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.http import Http404

from .models import Practice

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    kind: str  # "public" | "signed_in" | "mfa_step" | "permission"
    permissions: tuple[str, ...] = ()


def _declare(view: F, access: Access) -> F:
    view.praxis_access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    return _declare(login_not_required(view), Access("public"))


def signed_in(view: F) -> F:
    return _declare(view, Access("signed_in"))


def mfa_step(view: F) -> F:
    return _declare(view, Access("mfa_step"))


def requires(*permissions: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        return _declare(view, Access("permission", tuple(permissions)))

    return decorator


def access_of(view: Any) -> Access | None:
    return getattr(view, "praxis_access", None)


def practice_of(user: Any) -> Practice:
    """The practice a signed-in user works for; everything they see is scoped to it. A user
    with no practice (a bare superuser) gets 404s rather than another practice's data."""
    practice = getattr(user, "practice", None)
    if practice is None:
        raise Http404("No practice is set up for this account.")
    return practice  # type: ignore[no-any-return]
