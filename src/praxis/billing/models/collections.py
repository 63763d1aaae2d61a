"""The collections work list's notes: what was done about a patient's old balance and when to
look at it again (billing/collections.py writes them, audited)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from praxis.core.models import Practice, User
from praxis.patients.models import Patient

NOTE_MAX_LENGTH = 2000


class CollectionNote(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=NOTE_MAX_LENGTH)
    follow_up_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        # Who reads the A/R and who works it (plugin.PERMISSIONS says which roles hold them).
        permissions = [
            ("view_ar", "See accounts receivable aging and its charge lines"),
            ("work_collections", "Work the collections list: notes and follow-up dates"),
        ]
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-at"], name="collection_note_patient_at"),
            models.Index(fields=["practice", "follow_up_on"], name="collection_note_follow_up"),
        ]

    def __str__(self) -> str:
        return f"Collection note {self.pk}"
