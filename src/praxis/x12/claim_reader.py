"""Reading an 837P back: the claims a batch holds, for ``praxis x12 parse`` and for tests.

Not a validator (pyx12 is that): it follows the hierarchy (HL 20 billing provider, HL 22
subscriber, HL 23 patient), and picks out of each claim what a biller checks before sending:
the control number, total, place of service, frequency, payer, diagnoses (HI, ICD-10 ABK/ABF and
ICD-9 BK/BF), prior authorization, original claim number and the service lines (SV1, DTP*472,
REF*6R). Amounts that are not numbers raise ``X12Error`` like everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .envelope import Interchange, kind_of
from .errors import X12Error
from .tokenizer import Segment
from .values import amount, decimal_or_none, iso_date

DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "BK", "BF"})


@dataclass
class SentLine:
    qualifier: str
    procedure: str
    modifiers: list[str]
    charge: Decimal
    units: Decimal | None
    pointers: list[str]
    service_date: str = ""
    control_number: str = ""


@dataclass
class SentClaim:
    segment: int
    patient_control_number: str
    charge: Decimal
    place_of_service: str
    frequency: str
    billing_provider_npi: str
    payer_name: str
    payer_id: str
    diagnoses: list[tuple[str, str]] = field(default_factory=list)  # (qualifier, code)
    prior_authorization: str = ""
    original_claim_number: str = ""
    lines: list[SentLine] = field(default_factory=list)


@dataclass
class ClaimFile:
    transaction: str
    version: str
    claims: list[SentClaim]
    warnings: list[str]


def claims_from(interchange: Interchange) -> ClaimFile:
    warnings = list(interchange.warnings)
    claims: list[SentClaim] = []
    component = interchange.delimiters.component
    kind = kind_of(interchange.transaction_sets[0])
    for transaction in interchange.transaction_sets:
        if kind_of(transaction) != kind:
            raise X12Error("the file mixes 837 kinds", segment=transaction.start)
        _Reader(component, claims).read(transaction.segments)
    return ClaimFile(kind, interchange.transaction_sets[0].version, claims, warnings)


class _Reader:
    def __init__(self, component: str, claims: list[SentClaim]) -> None:
        self.component = component
        self.claims = claims
        self.npi = self.payer_name = self.payer_id = ""
        self.claim: SentClaim | None = None
        self.line: SentLine | None = None

    def read(self, segments: list[Segment]) -> None:
        for segment in segments:
            handler = getattr(self, f"on_{segment.id.lower()}", None)
            if handler is not None:
                handler(segment)

    def on_hl(self, segment: Segment) -> None:
        self.claim = self.line = None

    def on_nm1(self, segment: Segment) -> None:
        if segment[1] == "85":
            self.npi = segment[9]
        elif segment[1] == "PR" and self.claim is None:
            self.payer_name, self.payer_id = segment[3], segment[9]

    def on_clm(self, segment: Segment) -> None:
        where = [*segment[5].split(self.component), "", "", ""]
        self.claim = SentClaim(
            segment.number,
            segment[1],
            amount(segment, 2),
            where[0],
            where[2],
            self.npi,
            self.payer_name,
            self.payer_id,
        )
        self.claims.append(self.claim)
        self.line = None

    def on_hi(self, segment: Segment) -> None:
        if self.claim is None:
            return
        for element in segment.elements[1:]:
            qualifier, _, code = element.partition(self.component)
            if qualifier in DIAGNOSIS_QUALIFIERS:
                self.claim.diagnoses.append((qualifier, code.split(self.component)[0]))

    def on_ref(self, segment: Segment) -> None:
        if self.line is not None:
            if segment[1] == "6R":
                self.line.control_number = segment[2]
        elif self.claim is not None and segment[1] == "G1":
            self.claim.prior_authorization = segment[2]
        elif self.claim is not None and segment[1] == "F8":
            self.claim.original_claim_number = segment[2]

    def on_sv1(self, segment: Segment) -> None:
        if self.claim is None:
            raise X12Error("SV1 outside a claim", segment=segment.number)
        parts = segment[1].split(self.component)
        self.line = SentLine(
            parts[0],
            parts[1] if len(parts) > 1 else "",
            [m for m in parts[2:6] if m],
            amount(segment, 2),
            decimal_or_none(segment, 4),
            [p for p in segment[7].split(self.component) if p],
        )
        self.claim.lines.append(self.line)

    def on_dtp(self, segment: Segment) -> None:
        if self.line is not None and segment[1] == "472":
            self.line.service_date = "/".join(iso_date(d) for d in segment[3].split("-"))
