"""What the billing app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem
from praxis.core.roles import BILLER, FRONT_DESK, MANAGER, PROVIDER, Role

from .permissions import CLOSE_DAY, REFUND, TAKE, VIEW_ACCOUNTS

NAVIGATION = (
    NavItem("To bill", "billing:queue", "billing.view_encounters", order=300, menu="Billing"),
    NavItem("A/R aging", "billing:ar_aging", "billing.view_ar", order=315, menu="Billing"),
    NavItem(
        "Collections",
        "billing:ar_collections",
        "billing.work_collections",
        order=320,
        menu="Billing",
    ),
    NavItem("Procedure codes", "billing:codes", "billing.view_codes", order=60, in_settings=True),
    NavItem("Fee schedule", "billing:fees", "billing.view_codes", order=61, in_settings=True),
    NavItem("ICD-10-CM codes", "billing:icd10", "billing.view_codes", order=62, in_settings=True),
    NavItem("Day sheet", "billing:day_sheet", VIEW_ACCOUNTS, order=310, menu="Billing"),
)

# Whoever codes a visit or quotes a price looks codes and fees up; the Manager and the biller
# keep the practice's tables.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "billing.view_codes": frozenset({MANAGER, BILLER, PROVIDER, FRONT_DESK}),
    "billing.manage_codes": frozenset({MANAGER, BILLER}),
    # A provider often codes their own superbill, so providers code too (their own or a
    # colleague's: the schedule is shared, and the coding checks hold whoever codes); the
    # Administrator, who holds everything, sees and codes as well.
    "billing.view_encounters": frozenset({MANAGER, BILLER, PROVIDER}),
    "billing.code_encounters": frozenset({MANAGER, BILLER, PROVIDER}),
    # The A/R (aging, its charge lines) is read by who answers for the money and who bills it;
    # the collections list is worked by the billing office and the Manager who runs it.
    "billing.view_ar": frozenset({MANAGER, BILLER}),
    "billing.work_collections": frozenset({MANAGER, BILLER}),
    # The desk takes the money; the biller posts what comes by mail; the Manager oversees both.
    VIEW_ACCOUNTS: frozenset({MANAGER, BILLER, FRONT_DESK}),
    TAKE: frozenset({MANAGER, BILLER, FRONT_DESK}),
    # Money going back out: the people who reconcile the accounts, not the desk alone.
    REFUND: frozenset({MANAGER, BILLER}),
    # The Manager signs off the day the desk counted.
    CLOSE_DAY: frozenset({MANAGER}),
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
    "praxis.billing.encounter.voided": "voided an encounter",
    "praxis.billing.encounter.billed": "billed an encounter on a claim",
    "praxis.billing.encounter.moved_on_merge": "moved encounters and ledger lines in a merge",
    "praxis.billing.journal_entry.posted": "posted to the ledger",
    "praxis.billing.collection_note.added": "added a collections note for {patient}",
    "praxis.billing.payment.taken": "took a payment from {patient}",
    "praxis.billing.payment.refunded": "refunded credit to {patient}",
    "praxis.billing.day.closed": "closed a day's books",
}

PLUGIN = AppPlugin(
    app="billing",
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    activity=ACTIVITY,
    # the demo payers get contracted fees; the demo charges need providers and locations, the
    # completed demo visits get encounters, and some of them payments
    demo=DemoSeeder("praxis.billing.demo.seed_billing", after=("patients", "scheduling")),
    patient_balances="praxis.billing.selectors.patient_balances",
)
