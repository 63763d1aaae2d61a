"""The claim scrubber: a registry of rules, each with an id, a severity, a message and a fix
hint. Errors keep a claim out of a batch; warnings are shown and do not.

Timely filing: payers allow a claim only so many days after the date of service. Until a
payer's own limit can be set, every payer gets ``TIMELY_FILING_DAYS`` (90, the shortest common
commercial limit); a claim past it is an error, one within ``TIMELY_FILING_WARN_DAYS`` of it a
warning. A practice switches rules off with ``ScrubRuleSetting`` (no row: the rule is on).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from praxis.billing.models import Encounter
from praxis.billing.selectors import icd10_in_force
from praxis.billing.today import practice_today
from praxis.x12.claim import npi_is_valid
from praxis.x12.errors import X12Error
from praxis.x12.writer_837p import write_837p

from .build import build_batch
from .models import Claim, ClaimFinding, ScrubRuleSetting

TIMELY_FILING_DAYS = 90
TIMELY_FILING_WARN_DAYS = 14
ERROR = ClaimFinding.Severity.ERROR
WARNING = ClaimFinding.Severity.WARNING


@dataclass(frozen=True)
class Found:
    rule_id: str
    severity: str
    message: str
    fix_hint: str


Check = Callable[[Claim, date], Iterator[tuple[str, str]]]  # (severity, message)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    fix_hint: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, fix_hint: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, title, fix_hint, check)
        return check

    return register


@rule("npi", "NPI check digits", "Correct the NPI on the provider's or the practice's settings.")
def _npi(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    rendering = claim.encounter.rendering_provider
    if not npi_is_valid(rendering.npi):
        yield (
            ERROR,
            (
                f"The rendering provider {rendering.display_name}'s NPI {rendering.npi!r} "
                "is not valid."
            ),
        )
    if not npi_is_valid(claim.practice.group_npi):
        yield ERROR, f"The practice's (billing) NPI {claim.practice.group_npi!r} is not valid."


@rule(
    "subscriber",
    "Member id and payer EDI id",
    "Add the member id on the patient's coverage and the EDI payer id on the payer.",
)
def _subscriber(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    if not claim.coverage.member_id.strip():
        yield ERROR, "The coverage has no member id."
    if not claim.payer.edi_payer_id.strip():
        yield ERROR, f"The payer {claim.payer.name} has no EDI payer id."


@rule(
    "icd10",
    "Diagnoses billable on the date of service",
    "Recode the encounter with a billable (complete) code of the release in force.",
)
def _icd10(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    day = claim.encounter.date_of_service
    for diagnosis in claim.encounter.diagnoses.all():
        found = icd10_in_force(diagnosis.code, on=day)
        if found is None:
            yield ERROR, f"{diagnosis.code} is not an ICD-10-CM code on {day:%m/%d/%Y}."
        elif not found.billable:
            yield ERROR, f"{diagnosis.code} is a category, not billable on {day:%m/%d/%Y}."


@rule(
    "pointers",
    "Diagnosis pointers",
    "Point every line at one to four of the encounter's diagnoses.",
)
def _pointers(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    count = len(claim.encounter.diagnoses.all())
    for line in claim.encounter.lines.all():
        pointers = list(line.diagnosis_pointers)
        if not pointers or any(not 1 <= p <= count for p in pointers):
            yield (
                ERROR,
                (
                    f"Line {line.line_number} points at {pointers or 'no diagnosis'}; "
                    f"the encounter has {count}."
                ),
            )


@rule(
    "total",
    "Claim total is the sum of its lines",
    "Create the claim again from the encounter.",
)
def _total(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    lines = sum((line.amount for line in claim.encounter.lines.all()), Decimal(0))
    if claim.total_charge != lines:
        yield ERROR, f"The claim's total {claim.total_charge} is not the sum of its lines {lines}."


@rule(
    "timely_filing",
    f"Timely filing ({TIMELY_FILING_DAYS} days)",
    "Send it today; past the limit, attach proof of timely filing or appeal.",
)
def _timely(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    age = (today - claim.encounter.date_of_service).days
    if age > TIMELY_FILING_DAYS:
        yield (
            ERROR,
            (
                f"The date of service is {age} days ago, past the {TIMELY_FILING_DAYS}-day "
                "filing limit."
            ),
        )
    elif age > TIMELY_FILING_DAYS - TIMELY_FILING_WARN_DAYS:
        yield (
            WARNING,
            (
                f"The filing limit ({TIMELY_FILING_DAYS} days) is "
                f"{TIMELY_FILING_DAYS - age} days away."
            ),
        )


def _codes(encounter: Encounter) -> list[str]:
    return sorted(line.procedure_code.code for line in encounter.lines.all())


@rule(
    "duplicate",
    "Duplicate claim",
    "Check the other claim; void one of the encounters if the visit was entered twice.",
)
def _duplicate(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    encounter = claim.encounter
    others = (
        Claim.objects.filter(
            practice_id=claim.practice_id,
            encounter__patient_id=encounter.patient_id,
            encounter__date_of_service=encounter.date_of_service,
        )
        .exclude(pk=claim.pk)
        .exclude(status__in=Claim.INACTIVE)
        .prefetch_related("encounter__lines__procedure_code")
    )
    mine = _codes(encounter)
    for other in others:
        if _codes(other.encounter) == mine:
            yield ERROR, f"Claim {other.pk} bills the same patient, date and codes."


@rule("x12", "837P rules", "Correct the field named in the message, then scrub again.")
def _x12(claim: Claim, today: date) -> Iterator[tuple[str, str]]:
    batch, header = build_batch(
        claim.practice, claim.payer, [claim], control_number=1, created=timezone.now()
    )
    try:
        write_837p(batch, header, control_number="0001")
    except X12Error as refused:
        yield ERROR, f"The 837P cannot be written: {refused}"


def enabled_rules(practice_id: int) -> list[Rule]:
    off = set(
        ScrubRuleSetting.objects.filter(practice_id=practice_id, enabled=False).values_list(
            "rule_id", flat=True
        )
    )
    return [r for r in RULES.values() if r.id not in off]


def scrub(claim: Claim, *, today: date | None = None) -> list[Found]:
    """Every finding of the practice's enabled rules on the claim (nothing is stored here)."""
    day = today or practice_today(claim.practice)
    return [
        Found(r.id, severity, message, r.fix_hint)
        for r in enabled_rules(claim.practice_id)
        for severity, message in r.check(claim, day)
    ]
