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

# How "My work" and the audit trail tell what was done (core.activity).
ACTIVITY = {
    "praxis.patients.patient.registered": "registered {patient}",
    "praxis.patients.patient.updated": "updated {patient}'s record",
    "praxis.patients.patient.merged": "merged a duplicate record into {patient}",
    "praxis.patients.patient.merged_into": "merged {patient} into another record",
    "praxis.patients.document.uploaded": "uploaded a document for {patient}",
    "praxis.patients.coverage.added": "added insurance for {patient}",
    "praxis.patients.coverage.updated": "updated {patient}'s insurance",
    "praxis.patients.coverage.ended": "ended a coverage of {patient}",
    "praxis.patients.coverage.eligibility_recorded": "recorded an eligibility check for {patient}",
    "praxis.patients.payer.created": "added a payer",
    "praxis.patients.payer.updated": "changed a payer",
}

PLUGIN = AppPlugin(
    app="patients",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    demo=DemoSeeder("praxis.patients.demo.seed_patients"),
    activity=ACTIVITY,
    patient_names="praxis.patients.selectors.names_with_mrn",
    patient_by_mrn="praxis.patients.selectors.patient_id_by_mrn",
)
