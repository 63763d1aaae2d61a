"""``{% load billing_visit %}{% bill_this_visit appointment %}`` on the visit page: for whoever
may code encounters, a completed visit's "Bill this visit" button, or a link to the encounter it
has. One query, and only for a completed visit."""

from __future__ import annotations

from typing import Any

from django import template

from praxis.scheduling.models import Appointment

from ..models import Encounter

register = template.Library()


@register.inclusion_tag("billing/bill_this_visit.html", takes_context=True)
def bill_this_visit(context: dict[str, Any], appointment: Appointment) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        user is None
        or appointment.status != Appointment.Status.COMPLETED
        or not user.has_perm("billing.view_encounters")
    ):
        return {"show": False}
    encounter = (
        Encounter.objects.filter(appointment=appointment)
        .exclude(status=Encounter.Status.VOIDED)
        .only("pk", "status")
        .first()
    )
    return {
        "show": encounter is not None or user.has_perm("billing.code_encounters"),
        "appointment": appointment,
        "encounter": encounter,
        "csrf_token": context.get("csrf_token"),
    }
