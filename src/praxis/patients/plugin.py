"""What the patients app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin, NavItem

NAVIGATION = (
    NavItem("Patients", "patients:list", "patients.view_patient", order=200),
    NavItem("Payers", "patients:payer_list", "patients.manage_payers", order=10, in_settings=True),
)

PLUGIN = AppPlugin(app="patients", navigation=NAVIGATION)
