"""Claims from ready encounters, and their scrubbing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from praxis.billing.models import Encounter
from praxis.core import audit
from praxis.core.models import Practice, User
from praxis.core.money import ZERO
from praxis.core.service_support import ServiceError

from . import scrubber
from .build import claims_loaded
from .models import Claim, ClaimFinding

SCRUBBABLE = (Claim.Status.DRAFT, Claim.Status.SCRUBBED)


def claim_create(*, practice: Practice, encounter: Encounter, by: User | None) -> Claim:
    """An original claim to the encounter's payer, for an encounter ready to bill that has a
    coverage and no active claim yet."""
    with transaction.atomic():
        current = (
            Encounter.objects.select_for_update(of=("self",))
            .filter(pk=encounter.pk, practice=practice)
            .select_related("coverage__payer")
            .first()
        )
        if current is None:
            raise ServiceError("No such encounter in this practice.")
        if current.status != Encounter.Status.READY:
            raise ServiceError(
                f"Only an encounter ready to bill becomes a claim; encounter {current.pk} is "
                f"{current.get_status_display().lower()}."
            )
        if current.coverage is None:
            raise ServiceError(
                f"Encounter {current.pk} is self-pay (no coverage): the patient is billed, "
                "not a payer."
            )
        active = Claim.objects.filter(encounter=current, frequency="1").exclude(
            status__in=Claim.INACTIVE
        )
        if active.exists():
            raise ServiceError(f"Encounter {current.pk} already has claim {active.first().pk}.")  # type: ignore[union-attr]
        total = sum((line.amount for line in current.lines.all()), ZERO)
        claim = Claim.objects.create(
            practice=practice,
            encounter=current,
            coverage=current.coverage,
            payer=current.coverage.payer,
            total_charge=total,
            created_by=by,
        )
        audit.record(
            "praxis.claims.claim.created",
            obj=claim,
            patient_id=current.patient_id,
            details={"encounter": current.pk, "total": str(total)},
            actor=by,
        )
    return claim


def claim_scrub(*, claim: Claim, by: User | None) -> list[ClaimFinding]:
    """Run the practice's rules on a draft or scrubbed claim and store what they found (the
    findings of the last scrub replace the earlier ones); the claim becomes scrubbed."""
    with transaction.atomic():
        current = claims_loaded(
            Claim.objects.select_for_update(of=("self",)).filter(pk=claim.pk)
        ).get()
        if current.status not in SCRUBBABLE:
            raise ServiceError(
                f"Claim {current.pk} is {current.get_status_display().lower()}; only a draft or "
                "scrubbed claim is scrubbed."
            )
        found = scrubber.scrub(current)
        current.findings.all().delete()
        findings = ClaimFinding.objects.bulk_create(
            ClaimFinding(
                claim=current,
                rule_id=f.rule_id,
                severity=f.severity,
                message=f.message[:500],
                fix_hint=f.fix_hint[:500],
            )
            for f in found
        )
        current.status = Claim.Status.SCRUBBED
        current.scrubbed_at = timezone.now()
        current.save(update_fields=["status", "scrubbed_at"])
        audit.record(
            "praxis.claims.claim.scrubbed",
            obj=current,
            patient_id=current.encounter.patient_id,
            details={
                "errors": sum(f.severity == scrubber.ERROR for f in found),
                "warnings": sum(f.severity == scrubber.WARNING for f in found),
            },
            actor=by,
        )
    claim.status = current.status
    return findings
