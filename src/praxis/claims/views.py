"""The claims pages: what to claim, the claims with their findings, a claim, batches. Views
are thin: access, one service or selector, a page. A refused action (ServiceError) comes back
as a message on the page it was asked from, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from praxis.billing.models import Encounter
from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.service_support import ServiceError
from praxis.patients import selectors as patient_selectors
from praxis.patients.models import Payer

from . import batching, scrubber, selectors, services
from .models import Claim, ClaimBatch

VIEW = "claims.view_claims"
WORK = "claims.work_claims"
LIST_LIMIT = 500


def _refused(request: AuthedRequest, action: Callable[[], object]) -> bool:
    """Run the service; a refusal becomes an error message. True when it went through."""
    try:
        action()
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


@requires(VIEW)
@require_GET
def claim_list(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    to_claim = list(selectors.encounters_to_claim(practice)[:LIST_LIMIT])
    claims = list(selectors.claims_of(practice)[:LIST_LIMIT])
    batches = list(selectors.batches_of(practice)[:50])
    phi_audit.shown(
        *([e.patient_id for e in to_claim] + [c.encounter.patient_id for c in claims]),
        what="claims",
    )
    payers = patient_selectors.practice_payers(practice).filter(
        pk__in={
            c.payer_id
            for c in claims
            if c.status == Claim.Status.SCRUBBED and not getattr(c, "errors", 0)
        }
    )
    context = {
        "to_claim": to_claim,
        "claims": claims,
        "batches": batches,
        "ready_payers": list(payers),
        "rules": list(scrubber.RULES.values()),
    }
    return render(request, "claims/list.html", context)


@requires(WORK)
@require_POST
def claim_create(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    encounter = get_in_practice(
        Encounter, practice=practice, what="encounter", pk=_posted_id(request, "encounter")
    )
    made: list[Claim] = []
    if _refused(
        request,
        lambda: made.append(
            services.claim_create(practice=practice, encounter=encounter, by=request.user)
        ),
    ):
        messages.success(request, f"Created claim {made[0].pk}. Scrub it next.")
        return redirect("claims:detail", claim_id=made[0].pk)
    return redirect("claims:list")


def _posted_id(request: AuthedRequest, name: str) -> int:
    text = request.POST.get(name, "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


@requires(VIEW)
@require_GET
def claim_detail(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = get_in_practice(
        Claim.objects.select_related("encounter__patient", "payer", "coverage", "batch"),
        practice=practice_of(request.user),
        what="claim",
        pk=claim_id,
    )
    phi_audit.shown(claim.encounter.patient_id, obj=claim, what="claim")
    context = {
        "claim": claim,
        "findings": list(claim.findings.all()),
        "lines": list(claim.encounter.lines.select_related("procedure_code")),
        "diagnoses": list(claim.encounter.diagnoses.all()),
    }
    return render(request, "claims/claim.html", context)


@requires(WORK)
@require_POST
def claim_scrub(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = get_in_practice(Claim, practice=practice_of(request.user), what="claim", pk=claim_id)
    if _refused(request, lambda: services.claim_scrub(claim=claim, by=request.user)):
        messages.success(request, "Scrubbed.")
    return redirect("claims:detail", claim_id=claim.pk)


@requires(WORK)
@require_POST
def batch_create(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    payer = get_in_practice(Payer, practice=practice, what="payer", pk=_posted_id(request, "payer"))
    made: list[ClaimBatch] = []
    if _refused(
        request,
        lambda: made.append(batching.batch_create(practice=practice, payer=payer, by=request.user)),
    ):
        messages.success(request, f"Created batch {made[0].control_number:09d}.")
        return redirect("claims:batch", batch_id=made[0].pk)
    return redirect("claims:list")


def _batch(request: AuthedRequest, batch_id: int) -> ClaimBatch:
    return get_in_practice(
        ClaimBatch.objects.select_related("payer", "submitted_by"),
        practice=practice_of(request.user),
        what="claim batch",
        pk=batch_id,
    )


@requires(VIEW)
@require_GET
def batch_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    claims = list(batch.claims.select_related("encounter__patient"))
    phi_audit.shown(*(c.encounter.patient_id for c in claims), what="batch")
    return render(request, "claims/batch.html", {"batch": batch, "claims": claims})


@requires(VIEW)
@require_GET
def batch_download(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    patients = batch.claims.values_list("encounter__patient_id", flat=True)
    phi_audit.shown(*patients, what="claim batch file")
    response = HttpResponse(batch.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    return response


@requires(WORK)
@require_POST
def batch_submit(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    if _refused(request, lambda: batching.batch_submit(batch=batch, by=request.user)):
        messages.success(request, f"Submitted: the file is in the outbox ({batch.submitted_to}).")
    return redirect("claims:batch", batch_id=batch.pk)
