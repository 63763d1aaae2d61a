"""What the claims pages and the API list: one selector each."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from praxis.billing.models import Encounter
from praxis.core.models import Practice

from .models import Claim, ClaimBatch, ClaimFinding


def encounters_to_claim(practice: Practice) -> QuerySet[Encounter]:
    """Ready encounters with a coverage and no active original claim."""
    active = Claim.objects.filter(frequency="1").exclude(status__in=Claim.INACTIVE)
    return (
        Encounter.objects.filter(
            practice=practice, status=Encounter.Status.READY, coverage__isnull=False
        )
        .exclude(pk__in=active.values("encounter_id"))
        .select_related("patient", "coverage__payer", "rendering_provider")
        .order_by("date_of_service", "pk")
    )


def claims_of(practice: Practice, *, status: str = "") -> QuerySet[Claim]:
    """The practice's claims, newest first, with their count of errors and warnings."""
    rows = Claim.objects.filter(practice=practice)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("encounter__patient", "payer").annotate(
        errors=Count("findings", filter=Q(findings__severity=ClaimFinding.Severity.ERROR)),
        warnings=Count("findings", filter=Q(findings__severity=ClaimFinding.Severity.WARNING)),
    )


def batches_of(practice: Practice) -> QuerySet[ClaimBatch]:
    return (
        ClaimBatch.objects.filter(practice=practice)
        .select_related("payer")
        .annotate(claim_count=Count("claims"))
    )
