"""Incident reports, the breach assessment of a privacy or security incident, and the notices
sent for a breach. Incidents name no patient: who was involved is free text."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from praxis.core.constants import US_STATES
from praxis.core.models import Location, Practice, User


class IncidentKind(models.TextChoices):
    PATIENT_SAFETY = "patient_safety", "Patient-safety event"
    WORKPLACE_INJURY = "workplace_injury", "Workplace injury"
    COMPLAINT = "complaint", "Complaint"
    PRIVACY = "privacy", "Privacy incident"
    SECURITY = "security", "Security incident"


BREACH_KINDS = frozenset({IncidentKind.PRIVACY, IncidentKind.SECURITY})


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    CLOSED = "closed", "Closed"


class Incident(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=IncidentKind.choices)
    title = models.CharField("what happened, in a line", max_length=200)
    description = models.TextField("what happened", blank=True)
    occurred_on = models.DateField("when it happened")
    discovered_on = models.DateField("when it was discovered")
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    where = models.CharField("where, in words", max_length=200, blank=True)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    people_involved = models.TextField(blank=True)
    actions_taken = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["-discovered_on", "-id"]
        permissions = [
            ("report_incident", "Report an incident and see one's own reports"),
            ("manage_incidents", "See every incident, assess breaches, record notices"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def may_be_breach(self) -> bool:
        return self.kind in BREACH_KINDS


class BreachAssessment(models.Model):
    """A privacy or security incident assessed as a breach of unsecured PHI
    (45 CFR 164.402). The deadlines are computed from these facts (``breach_deadlines``)."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="breach")
    affected_total = models.PositiveIntegerField("people affected")
    # {"VT": 512, "NH": 3}: residents affected per state (media notice is per state).
    affected_by_state = models.JSONField(default=dict)
    law_enforcement_delay_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Breach assessment of incident {self.incident_id}"


class NoticeRecipient(models.TextChoices):
    INDIVIDUALS = "individuals", "Affected individuals"
    MEDIA = "media", "Media"
    HHS = "hhs", "HHS (Secretary)"


class BreachNotice(models.Model):
    breach = models.ForeignKey(BreachAssessment, on_delete=models.PROTECT, related_name="notices")
    recipient = models.CharField(max_length=16, choices=NoticeRecipient.choices)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    sent_on = models.DateField()
    method = models.CharField("how", max_length=200)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_recipient_display()} notified on {self.sent_on}"
