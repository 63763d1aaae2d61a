"""The 835 health care claim payment/advice (005010X221A1), read into dataclasses.

One transaction set is one payment (a check, an EFT, or a notice with no money): BPR and TRN
give the amount, method and trace number; N1*PR and N1*PE the payer and payee; each CLP a claim
with its adjustments (CAS), service lines (SVC, with their own CAS, dates and LQ remark codes)
and interest (AMT*I); PLB the provider-level adjustments. Amounts are ``Decimal`` as written.

The balancing rules of the TR3 are checked and *reported* (``findings``), never raised: a
claim's charge less its payment equals its claim and line adjustments, a line's likewise, and
the payment equals the claims paid less the provider-level adjustments. An amount that is not a
number raises ``X12Error``: money that cannot be read cannot be posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .envelope import Interchange, TransactionSet, kind_of, read_interchange
from .errors import X12Error
from .tokenizer import Segment
from .values import ZERO, amount, article, decimal_or_none, iso_date, money_text, paused_gc

VERSION = "005010X221A1"
CLAIM_STATUSES = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to additional payer(s)",
    "20": "processed as secondary, forwarded to additional payer(s)",
    "21": "processed as tertiary, forwarded to additional payer(s)",
    "22": "reversal of previous payment",
    "23": "not our claim, forwarded to additional payer(s)",
    "25": "predetermination pricing only, no payment",
}
GROUP_CODES = {"CO", "PR", "OA", "PI", "CR"}
REVERSAL = "22"
_DATE_NAMES = {
    "472": "service",
    "150": "service_from",
    "151": "service_to",
    "232": "statement_from",
    "233": "statement_to",
    "050": "received",
    "036": "coverage_expiration",
    "405": "production",
}


@dataclass
class Adjustment:
    group: str  # CO contractual, PR patient responsibility, OA other, PI payer initiated
    reason: str  # the CARC
    amount: Decimal
    quantity: Decimal | None = None


@dataclass
class Party:
    name: str = ""
    id_qualifier: str = ""
    id: str = ""


@dataclass
class ServiceLine:
    segment: int
    qualifier: str  # SVC01-1: HC (CPT/HCPCS), AD (dental), NU (revenue code) …
    procedure: str  # SVC01-2
    modifiers: list[str]
    charge: Decimal
    paid: Decimal
    revenue_code: str = ""
    units: Decimal | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # LQ*HE remark codes (RARC)
    dates: dict[str, str] = field(default_factory=dict)
    control_number: str = ""  # REF*6R: the line item control number sent on the claim
    allowed: Decimal | None = None  # AMT*B6

    def balance_difference(self) -> Decimal:
        return self.charge - self.paid - sum((a.amount for a in self.adjustments), ZERO)


@dataclass
class ClaimPayment:
    segment: int
    patient_control_number: str  # CLP01: the claim id the practice sent
    status: str  # CLP02, see CLAIM_STATUSES
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    filing_indicator: str = ""  # CLP06
    payer_claim_number: str = ""  # CLP07
    frequency: str = ""  # CLP09
    adjustments: list[Adjustment] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # from MOA/MIA
    dates: dict[str, str] = field(default_factory=dict)
    interest: Decimal | None = None  # AMT*I, included in ``paid``
    patient: Party = field(default_factory=Party)

    @property
    def status_text(self) -> str:
        return CLAIM_STATUSES.get(self.status, "unknown status")

    @property
    def is_reversal(self) -> bool:
        return self.status == REVERSAL

    def all_adjustments(self) -> list[Adjustment]:
        return self.adjustments + [a for line in self.lines for a in line.adjustments]

    def balance_difference(self) -> Decimal:
        adjusted = sum((a.amount for a in self.all_adjustments()), ZERO)
        return self.charge - self.paid - adjusted


@dataclass
class ProviderAdjustment:
    segment: int
    provider: str  # PLB01
    fiscal_period: str  # PLB02
    reason: str  # PLB03-1: WO overpayment recovery, L6 interest, FB forwarding balance …
    reference: str  # PLB03-2
    amount: Decimal  # positive reduces the payment; negative increases it


@dataclass
class Payment:
    segment: int
    control_number: str  # ST02
    handling: str  # BPR01: C payment with advice, I remittance information only, H notice …
    amount: Decimal  # BPR02
    credit_debit: str  # BPR03
    method: str  # BPR04: ACH, CHK, FWT, BOP, NON
    date: str  # BPR16
    trace_number: str  # TRN02: check or EFT trace number
    originator: str  # TRN03
    payer: Party = field(default_factory=Party)
    payee: Party = field(default_factory=Party)
    claims: list[ClaimPayment] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def balance_difference(self) -> Decimal:
        claims = sum((claim.paid for claim in self.claims), ZERO)
        levy = sum((adj.amount for adj in self.provider_adjustments), ZERO)
        return self.amount - (claims - levy)


@dataclass
class Remittance:
    version: str
    payments: list[Payment]
    warnings: list[str]

    @property
    def findings(self) -> list[str]:
        return [finding for payment in self.payments for finding in payment.findings]


def read_835(data: bytes | str) -> Remittance:
    """Read an 835 file (one or more payments); ``X12Error`` when it is not an 835."""
    with paused_gc():
        return remittance_from(read_interchange(data))


def remittance_from(interchange: Interchange) -> Remittance:
    warnings = list(interchange.warnings)
    payments, version = [], ""
    for transaction in interchange.transaction_sets:
        if kind_of(transaction) != "835":
            raise X12Error(
                f"{article(kind_of(transaction))} transaction set where an 835 was expected",
                segment=transaction.start,
            )
        version = version or transaction.version
        reader = _PaymentReader(transaction, interchange.delimiters.component, warnings)
        payments.append(reader.read())
    if version and version != VERSION:
        warnings.append(f"the file says version {version}; read as {VERSION}")
    return Remittance(version or VERSION, payments, warnings)


def _adjustments(segment: Segment) -> list[Adjustment]:
    group, found = segment[1].strip(), []
    last = min(len(segment.elements), 20)
    for start in range(2, last, 3):
        reason = segment[start].strip()
        value = decimal_or_none(segment, start + 1)
        if not reason and value is None:
            continue
        if not reason or value is None:
            raise X12Error(
                f"CAS{start:02d}-{start + 1:02d}: an adjustment needs both a reason and an amount",
                segment=segment.number,
            )
        found.append(Adjustment(group, reason, value, decimal_or_none(segment, start + 2)))
    if not found:
        raise X12Error("CAS holds no adjustment (reason and amount)", segment=segment.number)
    return found


class _PaymentReader:
    def __init__(self, transaction: TransactionSet, component: str, warnings: list[str]) -> None:
        self.transaction = transaction
        self.component = component
        self.warnings = warnings
        self.payment = Payment(
            transaction.start, transaction.control_number, "", ZERO, "", "", "", "", ""
        )
        self.party: Party | None = None
        self.claim: ClaimPayment | None = None
        self.line: ServiceLine | None = None
        self.seen_bpr = False

    def warn(self, segment: Segment, text: str) -> None:
        self.warnings.append(f"segment {segment.number}: {text}")

    def read(self) -> Payment:
        handlers = {
            "BPR": self.bpr,
            "TRN": self.trn,
            "N1": self.n1,
            "LX": self.lx,
            "CLP": self.clp,
            "CAS": self.cas,
            "NM1": self.nm1,
            "MOA": self.moa,
            "MIA": self.mia,
            "DTM": self.dtm,
            "AMT": self.amt,
            "SVC": self.svc,
            "REF": self.ref,
            "LQ": self.lq,
            "PLB": self.plb,
        }
        for segment in self.transaction.segments:
            handler = handlers.get(segment.id)
            if handler is not None:
                handler(segment)
        if not self.seen_bpr:
            self.warnings.append(
                f"segment {self.transaction.start}: the payment has no BPR; its amount reads 0.00"
            )
        _check_balances(self.payment)
        return self.payment

    def bpr(self, segment: Segment) -> None:
        payment, self.seen_bpr = self.payment, True
        payment.handling, payment.credit_debit = segment[1], segment[3]
        payment.amount = amount(segment, 2, self.warnings)
        payment.method, payment.date = segment[4], iso_date(segment[16])

    def trn(self, segment: Segment) -> None:
        self.payment.trace_number, self.payment.originator = segment[2], segment[3]

    def n1(self, segment: Segment) -> None:
        party = Party(segment[2], segment[3], segment[4])
        if segment[1] == "PR":
            self.payment.payer = party
        elif segment[1] == "PE":
            self.payment.payee = party

    def lx(self, segment: Segment) -> None:
        self.claim = self.line = None

    def clp(self, segment: Segment) -> None:
        claim = ClaimPayment(
            segment=segment.number,
            patient_control_number=segment[1],
            status=segment[2],
            charge=amount(segment, 3, self.warnings),
            paid=amount(segment, 4, self.warnings),
            patient_responsibility=amount(segment, 5),
            filing_indicator=segment[6],
            payer_claim_number=segment[7],
            frequency=segment[9],
        )
        if claim.status not in CLAIM_STATUSES:
            self.warn(segment, f"CLP02 {claim.status!r} is not a claim status code")
        self.payment.claims.append(claim)
        self.claim, self.line = claim, None

    def cas(self, segment: Segment) -> None:
        found = _adjustments(segment)
        if found[0].group not in GROUP_CODES:
            self.warn(segment, f"CAS01 {found[0].group!r} is not a claim adjustment group code")
        target = self.line or self.claim
        if target is None:
            self.warn(segment, "CAS outside a claim is ignored")
            return
        target.adjustments.extend(found)

    def nm1(self, segment: Segment) -> None:
        if self.claim is not None and segment[1] == "QC":
            name = ", ".join(part for part in (segment[3], segment[4]) if part)
            self.claim.patient = Party(name, segment[8], segment[9])

    def moa(self, segment: Segment) -> None:
        if self.claim is not None:
            self.claim.remarks.extend(code for code in segment.elements[3:8] if code)

    def mia(self, segment: Segment) -> None:
        if self.claim is not None:
            positions = (5, 20, 21, 22, 23)
            self.claim.remarks.extend(segment[p] for p in positions if segment[p])

    def dtm(self, segment: Segment) -> None:
        target = self.line or self.claim
        if target is not None:
            target.dates[_DATE_NAMES.get(segment[1], segment[1])] = iso_date(segment[2])

    def amt(self, segment: Segment) -> None:
        if self.line is not None and segment[1] == "B6":
            self.line.allowed = decimal_or_none(segment, 2)
        elif self.line is None and self.claim is not None and segment[1] == "I":
            self.claim.interest = decimal_or_none(segment, 2)

    def svc(self, segment: Segment) -> None:
        if self.claim is None:
            self.warn(segment, "SVC outside a claim is ignored")
            return
        parts = segment[1].split(self.component)
        line = ServiceLine(
            segment=segment.number,
            qualifier=parts[0],
            procedure=parts[1] if len(parts) > 1 else "",
            modifiers=[m for m in parts[2:6] if m],
            charge=amount(segment, 2, self.warnings),
            paid=amount(segment, 3, self.warnings),
            revenue_code=segment[4],
            units=decimal_or_none(segment, 5),
        )
        self.claim.lines.append(line)
        self.line = line

    def ref(self, segment: Segment) -> None:
        if self.line is not None and segment[1] == "6R":
            self.line.control_number = segment[2]

    def lq(self, segment: Segment) -> None:
        if self.line is not None and segment[2]:
            self.line.remarks.append(segment[2])

    def plb(self, segment: Segment) -> None:
        self.claim = self.line = None
        for start in range(3, 15, 2):
            reason = segment[start]
            value = decimal_or_none(segment, start + 1)
            if not reason and value is None:
                continue
            if value is None:
                raise X12Error(
                    f"PLB{start + 1:02d}: a provider adjustment needs an amount",
                    segment=segment.number,
                )
            code, _, reference = reason.partition(self.component)
            self.payment.provider_adjustments.append(
                ProviderAdjustment(
                    segment.number, segment[1], iso_date(segment[2]), code, reference, value
                )
            )


def _check_balances(payment: Payment) -> None:
    findings = payment.findings
    for claim in payment.claims:
        pcn = claim.patient_control_number
        for line in claim.lines:
            difference = line.balance_difference()
            if difference:
                findings.append(
                    f"segment {line.segment}: line {line.procedure or line.qualifier} of claim "
                    f"{pcn}: charge {money_text(line.charge)} less paid {money_text(line.paid)} "
                    f"differs from its adjustments by {money_text(difference)}"
                )
        difference = claim.balance_difference()
        if difference:
            findings.append(
                f"segment {claim.segment}: claim {pcn}: charge {money_text(claim.charge)} less "
                f"paid {money_text(claim.paid)} differs from its claim and line adjustments by "
                f"{money_text(difference)}"
            )
    difference = payment.balance_difference()
    if difference:
        findings.append(
            f"segment {payment.segment}: payment {payment.trace_number}: BPR02 "
            f"{money_text(payment.amount)} differs from the claims paid less the provider "
            f"adjustments by {money_text(difference)}"
        )
