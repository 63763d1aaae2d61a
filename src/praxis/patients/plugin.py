"""What the patients app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem
from praxis.core.roles import BILLER, CLINICAL, FRONT_DESK, MANAGER, PROVIDER, Role

NAVIGATION = (
    NavItem("Patients", "patients:list", "patients.view_patient", order=200),
    NavItem("Payers", "patients:payer_list", "patients.manage_payers", order=10, in_settings=True),
)

# The people who schedule, bill or treat see patients; HR and Compliance do not (minimum
# necessary: an investigation is done with the Administrator).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "patients.view_patient": frozenset({MANAGER, FRONT_DESK, BILLER, PROVIDER, CLINICAL}),
    "patients.manage_patient": frozenset({MANAGER, FRONT_DESK, BILLER}),
    "patients.merge_patient": frozenset(),
    "patients.manage_payers": frozenset({MANAGER, BILLER}),
}

PLUGIN = AppPlugin(
    app="patients",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    demo=DemoSeeder("praxis.patients.demo.seed_patients"),
)
