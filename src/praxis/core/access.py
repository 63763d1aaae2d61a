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
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from .models import Practice

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .models import User

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=Model)


class AuthedRequest(HttpRequest):
    """The request a view or API operation behind an access rule receives: the user is signed
    in (the access middleware or the API's authentication made sure), so ``request.user`` is a
    Praxis ``User``. On API requests ``request.auth`` is the same user (token or session)."""

    user: User
    auth: User
    htmx: HtmxDetails  # django-htmx's middleware: is this an htmx request, and what for


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


class NotInPractice(Http404):
    """A record that is missing and a record of another practice are the same answer: 404 with
    the same words, so an id tells an outsider nothing. Pages show the 404 page; the API answers
    ``{"code": "not_found", "message": "No such <what> in this practice."}``."""

    def __init__(self, what: str) -> None:
        super().__init__(f"No such {what} in this practice.")


def get_in_practice(
    source: type[M] | QuerySet[M],
    *,
    practice: Practice,
    what: str,
    through: str = "",
    **lookup: Any,
) -> M:
    """The one way views and the API load a practice's record by id (or another lookup):
    ``get_in_practice(Location, practice=practice, what="location", pk=location_id)``.
    ``source`` may be a queryset (with its ``select_related``); it is filtered on ``practice``,
    or on the relation that leads to it for records the practice owns through another
    (``through="location"`` for a room, ``through="provider"`` for a provider's hours)."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    owner = f"{through}__practice" if through else "practice"
    # A slice, not .first(): no ORDER BY to compose and sort for what is one row by its key.
    for found in queryset.filter(**{owner: practice}, **lookup)[:1]:
        return found
    raise NotInPractice(what)
