"""Batches: the clean scrubbed claims of one payer written as one 837P file, under the
practice's next control number, then submitted once (a folder drop for now)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from praxis.billing.billed import encounter_mark_billed
from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.models import Practice, User
from praxis.core.service_support import ServiceError
from praxis.patients.models import Payer
from praxis.x12.errors import X12Error
from praxis.x12.writer_837p import write_837p

from .build import build_batch, claims_loaded
from .models import Claim, ClaimBatch, ClaimFinding, ControlSequence


def next_control_number(practice: Practice) -> int:
    """The practice's next interchange control number, never handed out twice: one UPDATE
    … SET n = n + 1 takes the row's write lock (PostgreSQL) or the database's (SQLite) until the
    caller's transaction ends, and the number is read back inside it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_control_number runs inside the caller's transaction")
    ControlSequence.objects.get_or_create(practice=practice)
    ControlSequence.objects.filter(practice=practice).update(last_number=F("last_number") + 1)
    return ControlSequence.objects.values_list("last_number", flat=True).get(practice=practice)


def clean_claims(practice: Practice, payer: Payer):  # type: ignore[no-untyped-def]
    """Scrubbed claims of the payer with no error finding: what a batch takes."""
    return (
        Claim.objects.filter(practice=practice, payer=payer, status=Claim.Status.SCRUBBED)
        .exclude(findings__severity=ClaimFinding.Severity.ERROR)
        .order_by("pk")
    )


def batch_create(*, practice: Practice, payer: Payer, by: User | None) -> ClaimBatch:
    """One 837P of the payer's clean claims; they become batched and their encounters billed."""
    if payer.practice_id != practice.pk:
        raise ServiceError("That payer is not one of this practice's.")
    with transaction.atomic():
        ids = list(clean_claims(practice, payer).values_list("pk", flat=True))
        claims = list(
            claims_loaded(
                Claim.objects.select_for_update(of=("self",)).filter(
                    pk__in=ids, status=Claim.Status.SCRUBBED
                )
            ).order_by("pk")
        )
        if not claims:
            raise ServiceError(f"{payer.name} has no scrubbed claim without errors to send.")
        number = next_control_number(practice)
        now = timezone.now().astimezone(wallclock.zone_of(practice))  # the ISA's wall clock
        batch_data, header = build_batch(
            practice, payer, claims, control_number=number, created=now
        )
        try:
            content = write_837p(batch_data, header, control_number=f"{number:04d}")
        except X12Error as refused:
            raise ServiceError(f"The 837P cannot be written: {refused}. Scrub again.") from None
        batch = ClaimBatch.objects.create(
            practice=practice, payer=payer, control_number=number, content=content, created_by=by
        )
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
            status=Claim.Status.BATCHED, batch=batch
        )
        for claim in claims:
            encounter_mark_billed(encounter=claim.encounter, by=by)
        audit.record(
            "praxis.claims.batch.created",
            obj=batch,
            details={"control_number": number, "claims": [c.pk for c in claims]},
            actor=by,
        )
    return batch


def outbox() -> Path:
    folder = getattr(settings, "PRAXIS_CLAIMS_OUTBOX", "")
    if not folder:
        raise ServiceError("No outbox folder is set (PRAXIS_CLAIMS_OUTBOX): nothing was sent.")
    return Path(folder)


def batch_submit(*, batch: ClaimBatch, by: User | None) -> ClaimBatch:
    """Drop the file in the outbox folder, once: a batch already submitted is refused."""
    with transaction.atomic():
        current = ClaimBatch.objects.select_for_update().get(pk=batch.pk)
        if current.submitted_at is not None:
            raise ServiceError(
                f"Batch {current.control_number:09d} was already submitted "
                f"({current.submitted_to}); it is not sent again."
            )
        folder = outbox()
        target = folder / f"p{current.practice_id}-{current.filename}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="ascii", newline="") as out:
                out.write(current.content)
        except FileExistsError:
            raise ServiceError(f"{target.name} is already in the outbox; not sent again.") from None
        except OSError as failed:
            raise ServiceError(f"The outbox could not be written: {failed.strerror}.") from None
        current.submitted_at = timezone.now()
        current.submitted_by = by
        current.submitted_to = str(target)
        current.save(update_fields=["submitted_at", "submitted_by", "submitted_to"])
        audit.record(
            "praxis.claims.batch.submitted",
            obj=current,
            details={"path": str(target)},
            actor=by,
        )
    batch.submitted_at = current.submitted_at
    batch.submitted_to = current.submitted_to
    return current
