"""Bo turns Paula's ready visit into a claim, scrubs it, batches it and submits the batch once.
The 837P the batch holds is valid by pyx12's reading; every refusal names what is wrong and
writes nothing."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from decimal import Decimal

import pytest

from praxis.billing.models import Encounter, EncounterDiagnosis
from praxis.claims.batching import batch_create, batch_submit
from praxis.claims.models import Claim, ClaimBatch, ClaimFinding
from praxis.claims.services import claim_create, claim_scrub
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.x12.envelope import read_interchange

from .conftest import DAY

pytestmark = pytest.mark.django_db


def pyx12_says_valid(path) -> bool:  # type: ignore[no-untyped-def]
    pytest.importorskip("pyx12")
    import pyx12.params
    import pyx12.x12n_document

    with tempfile.TemporaryFile(mode="w+", encoding="ascii") as fd_997:
        return bool(
            pyx12.x12n_document.x12n_document(
                param=pyx12.params.params(),
                src_file=str(path),
                fd_997=fd_997,
                fd_html=None,
                fd_xmldoc=None,
            )
        )


def test_a_ready_encounter_becomes_a_claim_scrubbed_clean_batched_and_valid(
    new_claim, aetna, biller_bo, tmp_path
):
    claim = new_claim()
    assert claim.status == Claim.Status.DRAFT
    assert claim.total_charge == Decimal("110.00")  # Aetna's 99213 $95.00 + 36415 $15.00
    assert claim_scrub(claim=claim, by=biller_bo) == []
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SCRUBBED

    batch = batch_create(practice=claim.practice, payer=aetna, by=biller_bo)
    claim.refresh_from_db()
    assert (claim.status, claim.batch) == (Claim.Status.BATCHED, batch)
    assert claim.encounter.status == Encounter.Status.BILLED
    assert AuditEvent.objects.filter(action="praxis.billing.encounter.billed").count() == 1
    interchange = read_interchange(batch.content)
    assert interchange.warnings == []
    assert f"CLM*{claim.control_number}*110*" in batch.content
    assert "NM1*82*1*Dubois*Dana" in batch.content
    (tmp_path / "batch.837").write_text(batch.content)
    assert pyx12_says_valid(tmp_path / "batch.837")


def test_a_claim_for_someone_else_subscriber_validates_too(
    ready_encounter, paula, aetna, biller_bo, tmp_path
):
    from praxis.patients.testing.factories import CoverageFactory

    CoverageFactory(
        patient=paula,
        payer=aetna,
        member_id="W999",
        subscriber_relationship="19",
        subscriber_name="Peter Price",
    )
    encounter = ready_encounter()
    claim = claim_create(practice=encounter.practice, encounter=encounter, by=biller_bo)
    assert claim_scrub(claim=claim, by=biller_bo) == []
    batch = batch_create(practice=claim.practice, payer=aetna, by=biller_bo)
    assert "PAT*19~" in batch.content
    (tmp_path / "child.837").write_text(batch.content)
    assert pyx12_says_valid(tmp_path / "child.837")


def test_only_a_ready_covered_encounter_of_the_practice_becomes_one_claim(
    ready_encounter, new_claim, biller_bo, other_practice
):
    encounter = ready_encounter()
    claim = new_claim(encounter)
    with pytest.raises(ServiceError, match=rf"already has claim {claim.pk}"):
        claim_create(practice=encounter.practice, encounter=encounter, by=biller_bo)
    with pytest.raises(ServiceError, match="No such encounter in this practice"):
        claim_create(practice=other_practice, encounter=encounter, by=biller_bo)
    self_pay = ready_encounter(coverage=False)
    with pytest.raises(ServiceError, match="is self-pay"):
        claim_create(practice=self_pay.practice, encounter=self_pay, by=biller_bo)
    Encounter.objects.filter(pk=self_pay.pk).update(status=Encounter.Status.CODED)
    with pytest.raises(ServiceError, match="is coded"):
        claim_create(practice=self_pay.practice, encounter=self_pay, by=biller_bo)
    assert Claim.objects.count() == 1


def test_errors_keep_a_claim_out_of_a_batch_and_warnings_do_not(new_claim, aetna, biller_bo):
    bad = new_claim()
    # a category, not billable (as when a later release split the code)
    EncounterDiagnosis.objects.filter(encounter=bad.encounter).update(code="E11")
    findings = claim_scrub(claim=bad, by=biller_bo)
    assert [f.rule_id for f in findings] == ["icd10"]
    with pytest.raises(ServiceError, match="Aetna has no scrubbed claim without errors"):
        batch_create(practice=bad.practice, payer=aetna, by=biller_bo)
    assert ClaimBatch.objects.count() == 0
    ClaimFinding.objects.filter(claim=bad).update(severity=ClaimFinding.Severity.WARNING)
    batch = batch_create(practice=bad.practice, payer=aetna, by=biller_bo)
    assert list(batch.claims.all()) == [bad]


def test_a_batched_claim_is_not_scrubbed_again(new_claim, aetna, biller_bo):
    claim = new_claim()
    claim_scrub(claim=claim, by=biller_bo)
    batch_create(practice=claim.practice, payer=aetna, by=biller_bo)
    with pytest.raises(ServiceError, match="is in a batch; only a draft or scrubbed"):
        claim_scrub(claim=claim, by=biller_bo)


def test_a_batch_is_submitted_once(new_claim, aetna, biller_bo, settings, tmp_path):
    settings.PRAXIS_CLAIMS_OUTBOX = str(tmp_path / "outbox")
    claim = new_claim()
    claim_scrub(claim=claim, by=biller_bo)
    batch = batch_create(practice=claim.practice, payer=aetna, by=biller_bo)
    batch_submit(batch=batch, by=biller_bo)
    files = list((tmp_path / "outbox").iterdir())
    assert [f.read_text() for f in files] == [batch.content]
    with pytest.raises(ServiceError, match=r"was already submitted .*not sent again"):
        batch_submit(batch=batch, by=biller_bo)
    assert len(list((tmp_path / "outbox").iterdir())) == 1
    assert AuditEvent.objects.filter(action="praxis.claims.batch.submitted").count() == 1


def test_a_file_already_in_the_outbox_is_not_overwritten(
    new_claim, aetna, biller_bo, settings, tmp_path
):
    settings.PRAXIS_CLAIMS_OUTBOX = str(tmp_path)
    claim = new_claim()
    claim_scrub(claim=claim, by=biller_bo)
    batch = batch_create(practice=claim.practice, payer=aetna, by=biller_bo)
    (tmp_path / f"p{batch.practice_id}-{batch.filename}").write_text("earlier")
    with pytest.raises(ServiceError, match="already in the outbox"):
        batch_submit(batch=batch, by=biller_bo)
    batch.refresh_from_db()
    assert batch.submitted_at is None


def test_batches_take_the_next_control_numbers(ready_encounter, new_claim, aetna, biller_bo):
    numbers = []
    for days_back in range(2):  # two visits, two days: not duplicates
        claim = new_claim(ready_encounter(day=DAY - timedelta(days=days_back)))
        claim_scrub(claim=claim, by=biller_bo)
        numbers.append(batch_create(practice=claim.practice, payer=aetna, by=biller_bo))
    assert [b.control_number for b in numbers] == [1, 2]
    assert "ISA*" in numbers[1].content and "*000000002*" in numbers[1].content
