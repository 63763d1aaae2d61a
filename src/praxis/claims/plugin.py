"""What the claims app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, NavItem
from praxis.core.roles import BILLER, MANAGER, Role

NAVIGATION = (NavItem("Claims", "claims:list", "claims.view_claims", order=305, menu="Billing"),)

# The Manager and the biller build, scrub, batch and send (the Administrator holds every
# permission of the matrix, these too).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "claims.view_claims": frozenset({MANAGER, BILLER}),
    "claims.work_claims": frozenset({MANAGER, BILLER}),
}

ACTIVITY = {
    "praxis.claims.claim.created": "created a claim",
    "praxis.claims.claim.scrubbed": "scrubbed a claim",
    "praxis.claims.batch.created": "created a claim batch",
    "praxis.claims.batch.submitted": "submitted a claim batch",
}

PLUGIN = AppPlugin(app="claims", navigation=NAVIGATION, permissions=PERMISSIONS, activity=ACTIVITY)
