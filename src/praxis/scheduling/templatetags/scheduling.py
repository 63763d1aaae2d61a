"""``{% patient_visits patient %}``: a patient's visits on the patient's page. A template tag,
so the patients app does not import scheduling (scheduling builds on patients)."""

from __future__ import annotations

from typing import Any

from django import template

from praxis.core import time as wallclock
from praxis.scheduling import selectors

register = template.Library()

SHOWN = 10


@register.inclusion_tag("scheduling/patient_visits.html", takes_context=True)
def patient_visits(context: dict[str, Any], patient: Any) -> dict[str, Any]:
    user = context["request"].user
    if not user.has_perm("scheduling.view_schedule"):
        return {"allowed": False}
    visits = list(selectors.patient_appointments(patient=patient).order_by("-start")[:SHOWN])
    return {
        "allowed": True,
        "patient": patient,
        "visits": [(v, v.start.astimezone(wallclock.zone_of(v.location))) for v in visits],
        "can_book": user.has_perm("scheduling.book_appointment") and not patient.merged_into_id,
    }
