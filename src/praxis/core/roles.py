"""Roles and what each may do: the one place where access is decided.

The matrix maps each permission to the roles that hold it. The Practice Administrator holds every
permission. ``sync_role_groups`` (run after every ``migrate`` and by ``praxis roles sync``) makes
one Django group per role carry exactly these permissions, so ``user.has_perm`` answers from it.
Core's rows are here; each app brings its own (a ``PERMISSIONS`` dict in its ``plugin.py``,
registered through ``core.plugins``), and ``matrix()`` is all of them merged, core's first. A
test fails when a declared permission has no row, or a row names a permission no model declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps

from . import plugins

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class Role:
    slug: str
    label: str
    summary: str
    mfa_required: bool = False


ADMINISTRATOR = Role(
    "administrator",
    "Practice Administrator",
    "Runs the business: finance, billing, legal, policies, compliance, users and security.",
    mfa_required=True,
)
MANAGER = Role(
    "manager",
    "Practice Manager",
    "Runs daily operations: scheduling, staff and training, billing work queues, facility, "
    "marketing. Not legal matters or security settings.",
)
FRONT_DESK = Role("front_desk", "Front Desk", "Registers and schedules patients, checks them in.")
BILLER = Role("biller", "Biller/Coder", "Codes visits, sends claims, posts payments.")
# A small practice shares one schedule: a provider covers for a colleague and sees who is on
# every calendar. The matrix grants exactly that (every schedule, every patient of the
# practice), and the summary says so.
PROVIDER = Role(
    "provider",
    "Provider",
    "Sees patients and moves their visits along (check-in to done). The schedule is shared, "
    "as in most small practices: sees every provider's calendar and the practice's patients.",
)
CLINICAL = Role("clinical", "Clinical Staff", "Rooms patients and prepares visits.")
HR = Role("hr", "HR", "Hiring, staff records, training and credentials.")
COMPLIANCE = Role(
    "compliance",
    "Compliance Officer",
    "Policies, incidents, audit trail review.",
    mfa_required=True,
)

ROLES: tuple[Role, ...] = (
    ADMINISTRATOR,
    MANAGER,
    FRONT_DESK,
    BILLER,
    PROVIDER,
    CLINICAL,
    HR,
    COMPLIANCE,
)
ROLES_BY_SLUG = {role.slug: role for role in ROLES}
ROLES_BY_LABEL = {role.label: role for role in ROLES}

ALL_STAFF = frozenset(ROLES)

# core's rows: permission -> roles that hold it (besides the Administrator, who holds them all)
CORE_PERMISSIONS: dict[str, frozenset[Role]] = {
    "core.manage_practice": frozenset(),
    "core.manage_users": frozenset(),
    "core.view_admin_home": frozenset(),
    "core.view_manager_home": frozenset({MANAGER}),
    "core.manage_locations": frozenset({MANAGER}),
    "core.view_audit": frozenset({COMPLIANCE}),
    "core.use_api": frozenset({MANAGER, FRONT_DESK, BILLER, PROVIDER, HR, COMPLIANCE}),
}


def matrix() -> dict[str, frozenset[Role]]:
    """The one matrix: every registered app's rows (core's first), in registration order."""
    apps.check_apps_ready()
    return plugins.permission_rows()


def permissions_for(role: Role) -> frozenset[str]:
    if role == ADMINISTRATOR:
        return frozenset(matrix())
    return frozenset(perm for perm, roles in matrix().items() if role in roles)


def roles_of(user: User) -> list[Role]:
    """The user's roles, in the matrix's order (cached on the user object for the request).
    Reads ``user.groups.all()`` so a list loaded with ``prefetch_related("groups")`` costs no
    query per user."""
    cached: list[Role] | None = getattr(user, "_praxis_roles", None)
    if cached is None:
        if not user.is_authenticated:
            return []
        labels = {group.name for group in user.groups.all()}
        cached = [role for role in ROLES if role.label in labels]
        user._praxis_roles = cached  # type: ignore[attr-defined]
    return cached


def mfa_required_for(user: User) -> bool:
    return user.is_superuser or any(role.mfa_required for role in roles_of(user))


def sync_role_groups(*, using: str = "default", verbosity: int = 0) -> None:
    """Make one group per role hold exactly the matrix's permissions for that role."""
    from django.contrib.auth.models import Group, Permission

    wanted_codes = set(matrix())
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    missing = wanted_codes - perms.keys()
    if missing:
        raise LookupError(f"permissions in the role matrix but not declared: {sorted(missing)}")
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role.label)
        group.permissions.set([perms[code] for code in permissions_for(role)])
        if verbosity:
            print(f"{role.label}: {len(permissions_for(role))} permissions")
