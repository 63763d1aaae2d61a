"""What the compliance app plugs in (``praxis.core.plugins``).

Who may do what (the Administrator holds every permission):

- ``compliance.view_policies``: every role reads the policies meant for them and acknowledges.
- ``compliance.manage_policies``: the Compliance Officer, the Practice Manager (operations
  procedures) and HR (HR policies) write drafts, see who has acknowledged and send reminders.
- ``compliance.approve_policies``: only the Compliance Officer (and the Administrator) approve,
  publish and retire: whoever writes a draft is not by that alone allowed to put it in force.
- ``compliance.report_incident``: every role reports incidents and sees their own reports.
- ``compliance.manage_incidents``: the Compliance Officer (and the Administrator) see every
  incident, assess breaches and record notices. An incident's details are shown only to them
  and to whoever reported it.
"""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem
from praxis.core.roles import ADMINISTRATOR, ALL_STAFF, COMPLIANCE, HR, MANAGER, Role

NAVIGATION = (
    # Everyone's own list first ("Policies to read"); the library is one click on from it.
    NavItem(
        "Policies", "compliance:to_read", "compliance.view_policies", order=700, menu="Compliance"
    ),
    NavItem(
        "Incidents",
        "compliance:incidents",
        "compliance.report_incident",
        order=720,
        menu="Compliance",
    ),
)

EVERY_OTHER_ROLE = ALL_STAFF - {ADMINISTRATOR}  # the Administrator holds every permission anyway

PERMISSIONS: dict[str, frozenset[Role]] = {
    "compliance.view_policies": EVERY_OTHER_ROLE,
    "compliance.manage_policies": frozenset({COMPLIANCE, MANAGER, HR}),
    "compliance.approve_policies": frozenset({COMPLIANCE}),
    "compliance.report_incident": EVERY_OTHER_ROLE,
    "compliance.manage_incidents": frozenset({COMPLIANCE}),
}

ACTIVITY = {
    "praxis.compliance.policy.created": "added a policy",
    "praxis.compliance.policy_version.created": "wrote a policy version",
    "praxis.compliance.policy_version.submitted": "sent a policy version for review",
    "praxis.compliance.policy_version.approved": "approved a policy version",
    "praxis.compliance.policy_version.retired": "retired a policy",
    "praxis.compliance.policy.acknowledged": "acknowledged a policy",
    "praxis.compliance.policy.reminded": "sent policy reminders",
    "praxis.compliance.incident.reported": "reported an incident",
    "praxis.compliance.incident.updated": "updated an incident",
    "praxis.compliance.breach.assessed": "assessed a breach",
    "praxis.compliance.breach_notice.recorded": "recorded a breach notice",
}

PLUGIN = AppPlugin(
    app="compliance",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    activity=ACTIVITY,
    demo=DemoSeeder("praxis.compliance.demo.seed_compliance", after=("billing",)),
)
