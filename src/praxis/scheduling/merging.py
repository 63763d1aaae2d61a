"""What scheduling moves when two patient records are merged (``praxis.patients.merging``)."""

from __future__ import annotations

from praxis.core import audit
from praxis.patients.merging import moves_on_merge
from praxis.patients.models import Patient

from .models import Appointment, WaitlistEntry


@moves_on_merge("scheduling.Appointment.patient", "scheduling.WaitlistEntry.patient")
def move_visits_and_waitlist(*, keep: Patient, duplicate: Patient) -> dict[str, int]:
    """The duplicate's appointments (past and future) and waitlist entries move to the record
    that is kept, inside the merge's transaction."""
    appointments = []
    for appointment in Appointment.objects.filter(patient=duplicate).order_by("pk"):
        appointment.patient = keep
        appointment.save(update_fields=["patient"])  # a save, not update(): history records it
        appointments.append(appointment.pk)
    entries = list(
        WaitlistEntry.objects.filter(patient=duplicate).order_by("pk").values_list("pk", flat=True)
    )
    WaitlistEntry.objects.filter(pk__in=entries).update(patient=keep)
    if appointments or entries:
        audit.record(
            "praxis.scheduling.appointment.moved_on_merge",
            object_type="patients.patient",
            object_id=keep.pk,
            patient_id=keep.pk,
            details={
                "from_patient": duplicate.pk,
                "appointments": appointments,
                "waitlist_entries": entries,
            },
        )
    return {"appointments": len(appointments), "waitlist_entries": len(entries)}
