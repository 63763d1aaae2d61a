"""Acknowledgments of the claims Praxis sends: the 999 and the 277CA.

The 999 (005010X231A1) answers a functional group: was each transaction set (each 837 batch)
accepted or rejected, and if not, which segment (its id, its position counted from the ST, the
loop) and which element broke which rule (IK3/IK4 with their error codes). The 277CA (005010X214)
answers claim by claim: each claim (found by the patient control number Praxis sent, TRN*2) with
its status categories (STC), accepted into adjudication (A1, A2, A5) or rejected (A3, A4, A6,
A7, A8), and the payer's claim number (REF*1K). A 277 claim status response (005010X212) reads
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .envelope import Interchange, TransactionSet, kind_of, read_interchange
from .errors import X12Error
from .tokenizer import Segment
from .values import article, decimal_or_none, iso_date

ACK_CODES = {
    "A": "accepted",
    "E": "accepted with errors",
    "P": "partially accepted",
    "M": "rejected: message authentication code failed",
    "R": "rejected",
    "W": "rejected: assurance failed",
    "X": "rejected: content after decryption could not be analyzed",
}
SEGMENT_ERRORS = {
    "1": "unrecognized segment ID",
    "2": "unexpected segment",
    "3": "required segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "implementation 'not used' segment present",
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": "implementation dependent 'not used' segment present",
}
ELEMENT_ERRORS = {
    "1": "required data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I10": "implementation 'not used' data element present",
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": "implementation dependent 'not used' data element present",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
}
ACCEPTED_CATEGORIES = {"A1", "A2", "A5"}
REJECTED_CATEGORIES = {"A3", "A4", "A6", "A7", "A8"}
_CLAIM_LEVELS = {"PT", "22", "23"}  # 277CA patient level; 277 subscriber and dependent


@dataclass
class ElementError:
    position: str  # IK401: the element's position in the segment (":2" for a component)
    reference: str  # IK402: the data element reference number
    code: str  # IK403
    value: str  # IK404: a copy of the bad data

    @property
    def text(self) -> str:
        return ELEMENT_ERRORS.get(self.code, "unknown error code")


@dataclass
class SegmentError:
    segment_id: str  # IK301
    position: int | None  # IK302: counted from the ST (the ST is 1)
    loop: str  # IK303
    code: str  # IK304
    elements: list[ElementError] = field(default_factory=list)

    @property
    def text(self) -> str:
        return SEGMENT_ERRORS.get(self.code, "unknown error code")


@dataclass
class SetAcknowledgment:
    transaction: str  # AK201: "837"
    control_number: str  # AK202: the ST02 Praxis sent
    status: str  # IK501: A, E, R …
    error_codes: list[str] = field(default_factory=list)  # IK502-IK506
    segment_errors: list[SegmentError] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status in {"A", "E"}


@dataclass
class GroupAcknowledgment:
    functional_id: str  # AK101: HC for claims
    control_number: str  # AK102: the GS06 Praxis sent
    version: str  # AK103
    status: str = ""  # AK901
    included: int | None = None  # AK902
    received: int | None = None  # AK903
    accepted: int | None = None  # AK904
    error_codes: list[str] = field(default_factory=list)  # AK905-AK909
    sets: list[SetAcknowledgment] = field(default_factory=list)


@dataclass
class FunctionalAcknowledgment:
    version: str
    groups: list[GroupAcknowledgment]
    warnings: list[str]


@dataclass
class ClaimStatus:
    category: str  # STC01-1: A1 … A8
    code: str  # STC01-2
    entity: str  # STC01-3
    date: str  # STC02
    action: str  # STC03: WQ accepted, U reject …
    amount: Decimal | None  # STC04: the claim's total charge


@dataclass
class ClaimAcknowledgment:
    segment: int
    patient_control_number: str  # TRN02
    payer_claim_number: str = ""  # REF*1K
    clearinghouse_trace: str = ""  # REF*D9
    statuses: list[ClaimStatus] = field(default_factory=list)
    service_dates: str = ""  # DTP*472

    @property
    def charge(self) -> Decimal | None:
        return next((s.amount for s in self.statuses if s.amount is not None), None)

    @property
    def status(self) -> str:
        categories = {status.category for status in self.statuses}
        if categories & REJECTED_CATEGORIES:
            return "rejected"
        if categories & ACCEPTED_CATEGORIES:
            return "accepted"
        return "pending"


@dataclass
class ClaimAcknowledgments:
    transaction: str  # "277CA" or "277"
    version: str
    claims: list[ClaimAcknowledgment]
    warnings: list[str]
    # Statuses above the claims (the receiver's batch, a billing provider): a rejection there
    # rejects every claim under it.
    other_statuses: list[tuple[str, ClaimStatus]] = field(default_factory=list)


def read_999(data: bytes | str) -> FunctionalAcknowledgment:
    return functional_acknowledgment_from(read_interchange(data))


def read_277(data: bytes | str) -> ClaimAcknowledgments:
    return claim_acknowledgments_from(read_interchange(data))


def _expect(interchange: Interchange, kinds: set[str]) -> list[TransactionSet]:
    for transaction in interchange.transaction_sets:
        if kind_of(transaction) not in kinds:
            expected = " or ".join(sorted(kinds))
            raise X12Error(
                f"{article(kind_of(transaction))} transaction set where a {expected} was expected",
                segment=transaction.start,
            )
    return interchange.transaction_sets


def _count(segment: Segment, position: int) -> int | None:
    value = decimal_or_none(segment, position)
    return int(value) if value is not None else None


def functional_acknowledgment_from(interchange: Interchange) -> FunctionalAcknowledgment:
    warnings = list(interchange.warnings)
    groups: list[GroupAcknowledgment] = []
    version = ""
    for transaction in _expect(interchange, {"999"}):
        version = version or transaction.version
        group: GroupAcknowledgment | None = None
        current: SetAcknowledgment | None = None
        for segment in transaction.segments:
            if segment.id == "AK1":
                group = GroupAcknowledgment(segment[1], segment[2], segment[3])
                groups.append(group)
            elif group is None and segment.id in {"AK2", "AK9"}:
                raise X12Error(f"{segment.id} before AK1", segment=segment.number)
            elif segment.id == "AK2" and group is not None:
                current = SetAcknowledgment(segment[1], segment[2], "")
                group.sets.append(current)
            elif segment.id in {"IK3", "IK4", "IK5"}:
                if current is None:
                    raise X12Error(f"{segment.id} before AK2", segment=segment.number)
                _set_detail(current, segment)
            elif segment.id == "AK9" and group is not None:
                group.status = segment[1]
                group.included, group.received = _count(segment, 2), _count(segment, 3)
                group.accepted = _count(segment, 4)
                group.error_codes = [code for code in segment.elements[5:10] if code]
                current = None
    if not groups:
        raise X12Error("the 999 acknowledges no functional group (no AK1)")
    return FunctionalAcknowledgment(version or "005010X231A1", groups, warnings)


def _set_detail(current: SetAcknowledgment, segment: Segment) -> None:
    if segment.id == "IK3":
        position = decimal_or_none(segment, 2)
        current.segment_errors.append(
            SegmentError(
                segment[1], int(position) if position is not None else None, segment[3], segment[4]
            )
        )
    elif segment.id == "IK4":
        if not current.segment_errors:
            raise X12Error("IK4 before IK3", segment=segment.number)
        current.segment_errors[-1].elements.append(
            ElementError(segment[1], segment[2], segment[3], segment[4])
        )
    else:
        current.status = segment[1]
        current.error_codes = [code for code in segment.elements[2:7] if code]


def claim_acknowledgments_from(interchange: Interchange) -> ClaimAcknowledgments:
    warnings = list(interchange.warnings)
    transactions = _expect(interchange, {"277CA", "277"})
    result = ClaimAcknowledgments(
        kind_of(transactions[0]), transactions[0].version or "005010X214", [], warnings
    )
    component = interchange.delimiters.component
    for transaction in transactions:
        level, claim = "", None
        for segment in transaction.segments:
            if segment.id == "HL":
                level, claim = segment[3], None
            elif segment.id == "TRN" and level in _CLAIM_LEVELS:
                claim = ClaimAcknowledgment(segment.number, segment[2])
                result.claims.append(claim)
            elif segment.id == "STC":
                for status in _statuses(segment, component):
                    if claim is not None:
                        claim.statuses.append(status)
                    else:
                        result.other_statuses.append((level, status))
            elif segment.id == "REF" and claim is not None:
                if segment[1] == "1K":
                    claim.payer_claim_number = segment[2]
                elif segment[1] == "D9":
                    claim.clearinghouse_trace = segment[2]
            elif segment.id == "DTP" and claim is not None and segment[1] == "472":
                claim.service_dates = "/".join(iso_date(d) for d in segment[3].split("-"))
            elif segment.id == "SVC":
                claim = None  # line-level statuses (2220D) are not claims'
    return result


def _statuses(segment: Segment, component: str) -> list[ClaimStatus]:
    """STC01, and the further statuses STC10 and STC11 (same date, action and amount)."""
    found = []
    for position in (1, 10, 11):
        if segment[position]:
            parts = [*segment[position].split(component), "", ""]
            found.append(
                ClaimStatus(
                    parts[0],
                    parts[1],
                    parts[2],
                    iso_date(segment[2]),
                    segment[3],
                    decimal_or_none(segment, 4),
                )
            )
    return found
