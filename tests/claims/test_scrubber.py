"""Each scrubber rule fires on a claim that breaks it and stays quiet on a good one; a practice
can switch a rule off; the writer's own refusal is a finding, never a crash."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from praxis.billing.models import ChargeLine, EncounterDiagnosis
from praxis.claims import scrubber
from praxis.claims.build import claims_loaded
from praxis.claims.models import Claim, ScrubRuleSetting
from praxis.claims.services import claim_scrub
from praxis.scheduling.models import Provider

from .conftest import DAY

pytestmark = pytest.mark.django_db


def found(claim: Claim, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    loaded = claims_loaded(Claim.objects.filter(pk=claim.pk)).get()
    out: dict[str, list[str]] = {}
    for f in scrubber.scrub(loaded, **kwargs):
        out.setdefault(f.rule_id, []).append(f"{f.severity}: {f.message}")
    return out


def test_a_good_claim_has_no_findings(new_claim):
    assert found(new_claim()) == {}


def test_every_rule_has_a_title_and_a_fix_hint():
    assert set(scrubber.RULES) == {
        "npi",
        "subscriber",
        "icd10",
        "pointers",
        "total",
        "timely_filing",
        "duplicate",
        "x12",
    }
    assert all(rule.title and rule.fix_hint for rule in scrubber.RULES.values())


def test_npi_check_digits_of_the_rendering_and_the_billing_provider(new_claim):
    claim = new_claim()
    Provider.objects.filter(pk=claim.encounter.rendering_provider_id).update(npi="1234567890")
    claim.practice.__class__.objects.filter(pk=claim.practice_id).update(group_npi="1234567890")
    messages = found(claim)["npi"]
    assert len(messages) == 2
    assert "rendering provider" in messages[0] and "(billing) NPI" in messages[1]


def test_member_id_and_payer_edi_id(new_claim, aetna):
    claim = new_claim()
    claim.coverage.__class__.objects.filter(pk=claim.coverage_id).update(member_id=" ")
    aetna.__class__.objects.filter(pk=aetna.pk).update(edi_payer_id="")
    assert found(claim)["subscriber"] == [
        "error: The coverage has no member id.",
        "error: The payer Aetna has no EDI payer id.",
    ]


def test_icd10_billable_on_the_date_of_service(new_claim):
    claim = new_claim()
    EncounterDiagnosis.objects.filter(encounter=claim.encounter).update(code="E11")
    assert found(claim)["icd10"] == [f"error: E11 is a category, not billable on {DAY:%m/%d/%Y}."]
    EncounterDiagnosis.objects.filter(encounter=claim.encounter).update(code="Q999")
    assert "is not an ICD-10-CM code" in found(claim)["icd10"][0]


def test_pointers_present(new_claim):
    claim = new_claim()
    ChargeLine.objects.filter(encounter=claim.encounter, line_number=2).update(
        diagnosis_pointers=[]
    )
    assert found(claim)["pointers"] == [
        "error: Line 2 points at no diagnosis; the encounter has 1."
    ]


def test_total_is_the_sum_of_the_lines(new_claim):
    claim = new_claim()
    Claim.objects.filter(pk=claim.pk).update(total_charge=Decimal("111.00"))
    assert found(claim)["total"] == [
        "error: The claim's total 111.00 is not the sum of its lines 110.00."
    ]


def test_timely_filing_warns_near_the_limit_and_refuses_past_it(new_claim):
    claim = new_claim()
    limit = scrubber.TIMELY_FILING_DAYS
    assert found(claim, today=DAY + timedelta(days=limit - 20)) == {}
    near = found(claim, today=DAY + timedelta(days=limit - 3))
    assert near == {"timely_filing": [f"warning: The filing limit ({limit} days) is 3 days away."]}
    late = found(claim, today=DAY + timedelta(days=limit + 1))["timely_filing"]
    assert late == [
        f"error: The date of service is {limit + 1} days ago, past the {limit}-day filing limit."
    ]


def test_a_duplicate_claim_is_found(new_claim, ready_encounter):
    first = new_claim()
    second = new_claim(ready_encounter())  # the same visit entered twice
    assert found(second)["duplicate"] == [
        f"error: Claim {first.pk} bills the same patient, date and codes."
    ]
    Claim.objects.filter(pk=first.pk).update(status=Claim.Status.VOID)
    assert "duplicate" not in found(second)


def test_the_writers_refusal_is_a_finding(new_claim, billing_practice):
    claim = new_claim()
    billing_practice.__class__.objects.filter(pk=billing_practice.pk).update(postal_code="05401")
    assert found(claim)["x12"] == [
        "error: The 837P cannot be written: billing provider: the ZIP code '05401' must be "
        "nine digits (ZIP+4)"
    ]


def test_a_practice_switches_a_rule_off(new_claim, billing_practice, biller_bo):
    claim = new_claim()
    Claim.objects.filter(pk=claim.pk).update(total_charge=Decimal("1.00"))
    ScrubRuleSetting.objects.create(practice=billing_practice, rule_id="total", enabled=False)
    ScrubRuleSetting.objects.create(practice=billing_practice, rule_id="x12", enabled=False)
    assert claim_scrub(claim=claim, by=biller_bo) == []
