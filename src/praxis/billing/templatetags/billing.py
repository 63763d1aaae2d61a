"""``{% patient_account patient %}``: the patient's balance and a link to the account, on the
patient's page (a template tag, so the patients app does not import billing)."""

from __future__ import annotations

from typing import Any

from django import template

from praxis.billing.permissions import VIEW_ACCOUNTS
from praxis.billing.selectors import patient_balance

register = template.Library()


@register.inclusion_tag("billing/patient_account.html", takes_context=True)
def patient_account(context: dict[str, Any], patient: Any) -> dict[str, Any]:
    if not context["request"].user.has_perm(VIEW_ACCOUNTS):
        return {"allowed": False}
    return {"allowed": True, "patient": patient, "balance": patient_balance(patient)}
