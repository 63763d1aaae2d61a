"""Reads of code sets and the fee schedule, shared by the pages, the CSV exports and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum

from praxis.core.models import Practice
from praxis.core.money import ZERO, format_money, round_money
from praxis.patients.models import Patient, Payer

from .models import Account, Fee, Icd10Code, Icd10Release, JournalLine, OpenItem, ProcedureCode

ICD10_SEARCH_LIMIT = 25
MAX_SEARCH_WORDS = 6
# A code's beginning: a letter, then a digit and more (one letter alone is a code prefix too).
_CODE_LIKE = re.compile(r"[A-Za-z]([0-9][0-9A-Za-z]?(\.?[0-9A-Za-z]{0,4})?)?")


def _in_force(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}effective_from__lte": on}) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on})
    )


def icd10_release_in_force(on: date) -> Icd10Release | None:
    return Icd10Release.objects.filter(_in_force(on)).order_by("-effective_from").first()


def icd10_releases() -> list[Icd10Release]:
    return list(Icd10Release.objects.order_by("-effective_from"))


def normalize_icd10(code: str) -> str:
    return code.strip().replace(".", "").upper()


def icd10_in_force(code: str, *, on: date) -> Icd10Code | None:
    """The code's row in the release in force on ``on`` (with or without its dot), or None when
    that release has no such code (or no release covers the date). One query."""
    return (
        Icd10Code.objects.filter(_in_force(on, "release__"), code=normalize_icd10(code))
        .select_related("release")
        .first()
    )


def icd10_search(q: str, *, on: date, limit: int = ICD10_SEARCH_LIMIT) -> list[Icd10Code]:
    """Codes of the release in force on ``on``: a code's beginning (E11, E11.6, e116), or words
    that begin words of the description ("diab neph"); billable codes first, then by code."""
    return icd10_search_in(icd10_release_in_force(on), q, limit=limit)


def icd10_search_in(
    release: Icd10Release | None, q: str, *, limit: int = ICD10_SEARCH_LIMIT
) -> list[Icd10Code]:
    """``icd10_search`` in a release already at hand (the page shows it too: one query less)."""
    text = q.strip()
    if not text or release is None:
        return []
    codes = Icd10Code.objects.filter(release=release)
    if _CODE_LIKE.fullmatch(text):
        codes = codes.filter(code__startswith=normalize_icd10(text))
    else:
        words = re.findall(r"[a-z0-9]+", text.lower())[:MAX_SEARCH_WORDS]
        if not words:
            return []
        for word in words:
            codes = codes.filter(search_text__contains=f" {word}")
    found = list(codes.order_by("-billable", "code")[:limit])
    for code in found:  # every row is of this release: no query per row to read it
        code.release = release
    return found


# --- procedure codes -------------------------------------------------------------------------


def procedure_codes(practice: Practice, q: str = "") -> QuerySet[ProcedureCode]:
    """The practice's codes, by code; ``q`` matches the code's beginning or words of its
    description."""
    codes = ProcedureCode.objects.filter(practice=practice)
    text = q.strip()
    if text:
        by_words = Q()
        for word in text.split()[:MAX_SEARCH_WORDS]:
            by_words &= Q(description__icontains=word)
        codes = codes.filter(Q(code__startswith=text.upper()) | by_words)
    return codes.order_by("code")


def procedure_codes_in_use(practice: Practice, *, on: date) -> QuerySet[ProcedureCode]:
    return procedure_codes(practice).filter(
        Q(active_from__lte=on) & (Q(active_to__isnull=True) | Q(active_to__gte=on))
    )


# --- fees ------------------------------------------------------------------------------------

STANDARD = "standard"  # the payer filter's value for the practice's own fees


def fees(practice: Practice, *, payer: Payer | str | None = None) -> QuerySet[Fee]:
    """The fee schedule; ``payer``: one payer's contracted fees, STANDARD for the practice's own,
    None for all."""
    rows = Fee.objects.filter(practice=practice).select_related("procedure_code", "payer")
    if payer == STANDARD:
        rows = rows.filter(payer__isnull=True)
    elif isinstance(payer, Payer):
        rows = rows.filter(payer=payer)
    return rows.order_by("procedure_code__code", "modifier", "payer__name", "-effective_from")


def fee_for(
    practice: Practice, code: ProcedureCode | str, modifier: str, payer: Payer | None, on: date
) -> Fee | None:
    """The fee in force on ``on`` for the code and modifier: the payer's contracted fee when it
    has one, else the practice's standard fee; None when neither is on the schedule. One
    query."""
    rows = Fee.objects.filter(_in_force(on), practice=practice, modifier=modifier)
    if isinstance(code, ProcedureCode):
        rows = rows.filter(procedure_code=code)
    else:
        rows = rows.filter(procedure_code__code=code.strip().upper())
    wanted = Q(payer__isnull=True) if payer is None else Q(payer=payer) | Q(payer__isnull=True)
    found = list(rows.filter(wanted).select_related("procedure_code", "payer")[:2])
    # the payer's row first: at most one per payer is in force on a day
    found.sort(key=lambda fee: fee.payer_id is None)
    return found[0] if found else None


# --- the ledger --------------------------------------------------------------------------------


def cents(total: Decimal | None) -> Decimal:
    """A database sum of money as whole cents: SQLite adds decimal columns as floating point, so
    its sums carry float noise far below a cent (every stored amount is whole cents)."""
    return round_money(total or ZERO)


@dataclass(frozen=True)
class PatientBalance:
    patient_due: Decimal  # open patient balances of the charge lines
    insurance_pending: Decimal  # open insurance balances
    unapplied_credit: Decimal  # paid and not applied (a credit)

    @property
    def net_due(self) -> Decimal:
        """What the patient owes after their credit (negative: the practice owes them)."""
        return self.patient_due - self.unapplied_credit


def patient_balance(patient: Patient) -> PatientBalance:
    """The patient's balance from the open items, and their unapplied credit from the journal.
    Two queries."""
    sums = OpenItem.objects.filter(patient=patient).aggregate(
        patient=Sum("patient_balance"), insurance=Sum("insurance_balance")
    )
    credit = JournalLine.objects.filter(
        patient=patient, account=Account.UNAPPLIED_CREDIT
    ).aggregate(total=Sum("amount"))["total"]
    return PatientBalance(
        patient_due=cents(sums["patient"]),
        insurance_pending=cents(sums["insurance"]),
        unapplied_credit=-cents(credit) + ZERO,
    )


def patient_balances(patient_ids: list[int]) -> dict[int, Decimal]:
    """``patient_balance(...).net_due`` of many patients in one query (the readiness board's
    balance column, through ``core.plugins``): what each owes after their unapplied credit;
    patients who owe nothing and hold no credit are left out."""
    due = (
        OpenItem.objects.filter(patient=OuterRef("pk"))
        .values("patient")
        .annotate(total=Sum("patient_balance"))
        .values("total")
    )
    credit = (
        JournalLine.objects.filter(patient=OuterRef("pk"), account=Account.UNAPPLIED_CREDIT)
        .values("patient")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        Patient.objects.filter(pk__in=patient_ids)
        .annotate(
            due=Subquery(due, output_field=DecimalField()),
            credit=Subquery(credit, output_field=DecimalField()),
        )
        .values_list("pk", "due", "credit")
    )
    found = {pk: cents(due) + cents(credit) for pk, due, credit in rows}
    return {pk: amount for pk, amount in found.items() if amount != ZERO}


def ledger_disagreements(*, limit: int = 1) -> list[str]:
    """What ``praxis ledger check`` proves, as the disagreements found (empty: all agree): the
    lines of the whole journal sum to zero; every entry balances; every open item equals its
    charge line's receivable lines in the journal, per party, to the cent."""
    found: list[str] = []
    total = cents(JournalLine.objects.aggregate(total=Sum("amount"))["total"])
    if total != ZERO:
        found.append(f"The journal's lines add up to {format_money(total)}, not $0.00.")
    unbalanced = (
        JournalLine.objects.values("entry_id")
        .annotate(total=Sum("amount"))
        .exclude(total=ZERO)
        .order_by("entry_id")
    )
    for row in unbalanced.iterator():
        if cents(row["total"]) != ZERO:
            found.append(
                f"Entry #{row['entry_id']} does not balance: {format_money(row['total'])}."
            )
            if len(found) >= limit:
                return found
    journal: dict[tuple[int, str], Decimal] = {
        (row["charge_line_id"], row["account"]): cents(row["total"])
        for row in JournalLine.objects.filter(
            charge_line__isnull=False, account__in=[Account.AR_PATIENT, Account.AR_INSURANCE]
        )
        .values("charge_line_id", "account")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    seen: set[int] = set()
    for item in OpenItem.objects.order_by("charge_line_id").iterator():
        seen.add(item.charge_line_id)
        for account, held, party in (
            (Account.AR_PATIENT, item.patient_balance, "patient"),
            (Account.AR_INSURANCE, item.insurance_balance, "insurance"),
        ):
            posted = journal.get((item.charge_line_id, account), ZERO)
            if posted != held:
                found.append(
                    f"Charge line {item.charge_line_id}: the open item holds {format_money(held)} "
                    f"for the {party}, the journal {format_money(posted)}."
                )
        if len(found) >= limit:
            return found[:limit]
    for charge_line_id, account_name in sorted(journal):
        if charge_line_id not in seen and journal[(charge_line_id, account_name)] != ZERO:
            found.append(f"Charge line {charge_line_id} has journal lines but no open item.")
            break
    return found[:limit]
