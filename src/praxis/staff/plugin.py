"""What the staff app plugs in (``praxis.core.plugins``).

Who may do what (besides the Administrator, who holds every permission):
- ``staff.view_staff`` (Manager, HR): the staff list, a member's page and credentials.
- ``staff.manage_staff`` (Manager, HR): add and edit records, add and verify credentials,
  record separations, the booking gate setting. The issue has both the Administrator and the
  Manager hire and fire, with HR's help.
- ``staff.view_compensation`` (HR): pay history, positions and their salary benchmarks. The
  Manager runs the team day to day but does not see pay.
Every signed-in person sees their own page (``staff:mine``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem
from praxis.core.roles import HR, MANAGER, Role

NAVIGATION = (
    NavItem("Staff", "staff:list", "staff.view_staff", order=400),
    NavItem("My page", "staff:mine", None, order=800),
    NavItem("Positions", "staff:positions", "staff.view_compensation", order=70, in_settings=True),
    NavItem("Credential rules", "staff:settings", "staff.manage_staff", order=71, in_settings=True),
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "staff.view_staff": frozenset({MANAGER, HR}),
    "staff.manage_staff": frozenset({MANAGER, HR}),
    "staff.view_compensation": frozenset({HR}),
}

ACTIVITY = {
    "praxis.staff.member.created": "added a staff record",
    "praxis.staff.member.updated": "changed a staff record",
    "praxis.staff.position.created": "added a position",
    "praxis.staff.position.updated": "changed a position",
    "praxis.staff.compensation.added": "recorded a pay change",
    "praxis.staff.credential.added": "added a credential",
    "praxis.staff.credential.renewed": "renewed a credential",
    "praxis.staff.credential.verified": "verified a credential",
    "praxis.staff.settings.updated": "changed the credential rules",
    "praxis.staff.separation.recorded": "recorded a separation",
    "praxis.staff.separation.applied": "ended a separated person's access",
}

PLUGIN = AppPlugin(
    app="staff",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    activity=ACTIVITY,
    # payer enrollments name the demo payers; providers' records carry the demo providers' NPIs
    demo=DemoSeeder("praxis.staff.demo.seed_staff", after=("patients", "scheduling")),
)
