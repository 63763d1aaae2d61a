"""What the billing app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem
from praxis.core.roles import BILLER, FRONT_DESK, MANAGER, PROVIDER, Role

NAVIGATION = (
    NavItem("Procedure codes", "billing:codes", "billing.view_codes", order=60, in_settings=True),
    NavItem("Fee schedule", "billing:fees", "billing.view_codes", order=61, in_settings=True),
    NavItem("ICD-10-CM codes", "billing:icd10", "billing.view_codes", order=62, in_settings=True),
)

# Whoever codes a visit or quotes a price looks codes and fees up; the Manager and the biller
# keep the practice's tables.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "billing.view_codes": frozenset({MANAGER, BILLER, PROVIDER, FRONT_DESK}),
    "billing.manage_codes": frozenset({MANAGER, BILLER}),
}

# How "My work" and the audit trail tell what was done (core.activity).
ACTIVITY = {
    "praxis.billing.icd10_release.loaded": "loaded an ICD-10-CM release",
    "praxis.billing.procedure_code.created": "added a procedure code",
    "praxis.billing.procedure_code.updated": "changed a procedure code",
    "praxis.billing.procedure_code.imported": "imported procedure codes",
    "praxis.billing.fee.created": "added a fee",
    "praxis.billing.fee.updated": "changed a fee",
    "praxis.billing.fee.imported": "imported fees",
    "praxis.billing.encounter.created": "opened an encounter",
    "praxis.billing.encounter.coded": "coded an encounter",
    "praxis.billing.encounter.ready": "marked an encounter ready to bill",
    "praxis.billing.encounter.billed": "billed an encounter on a claim",
    "praxis.billing.encounter.moved_on_merge": "moved encounters and ledger lines in a merge",
    "praxis.billing.journal_entry.posted": "posted to the ledger",
}

PLUGIN = AppPlugin(
    app="billing",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    activity=ACTIVITY,
    # the demo payers get contracted fees
    demo=DemoSeeder("praxis.billing.demo.seed_billing", after=("patients",)),
)
