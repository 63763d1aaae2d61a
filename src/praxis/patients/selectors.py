"""Reads for the patients app: the patient search (shared by the page and the API), likely
duplicates (used by registration and the merge page), a patient's coverages and documents, and
the eligibility figure the scheduling readiness board asks for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from praxis.core import phi_audit
from praxis.core.models import Practice

from .access import patients_visible_to
from .matching import SearchTerms, names_look_alike, parse_query
from .models import Coverage, Patient, PatientDocument, Payer


def _name_condition(word: str) -> Q:
    # search_name is "last first preferred", folded: a word matches the start of any part.
    return Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")


def _number_condition(term: Any) -> Q:
    condition = Q(mrn=term.text) | Q(mrn=term.digits)
    if term.phone:
        condition |= Q(phone=term.phone)
    elif len(term.digits) >= 7:
        # A number typed without its area code, or in a format the parser cannot place.
        condition |= Q(phone__endswith=term.digits)
    return condition


def filter_patients(patients: QuerySet[Patient], terms: SearchTerms) -> QuerySet[Patient]:
    if terms.invalid_dates:
        return patients.none()
    for word in terms.names:
        patients = patients.filter(_name_condition(word))
    if terms.dates:
        patients = patients.filter(date_of_birth__in=terms.dates)
    for number in terms.numbers:
        patients = patients.filter(_number_condition(number))
    return patients


def patient_search(user: Any, query: str) -> QuerySet[Patient]:
    """The patients the user may see that match the query: name words (accent- and
    case-insensitive prefixes), a date of birth (2001-02-03 or 02/03/2001), an MRN, or a phone
    number in any format. An empty query matches every visible patient."""
    patients = patients_visible_to(user).select_related("merged_into")
    return filter_patients(patients, parse_query(query)).order_by("search_name", "id")


def likely_duplicates(
    *,
    practice: Practice,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: date | None,
    phone: str = "",
    exclude_id: int | None = None,
) -> list[Patient]:
    """Records that may be the same person: the same date of birth and a similar name, or the
    same phone number. Merged-away records are not candidates."""
    if date_of_birth is None and not phone:
        return []
    same_dob_or_phone = Q(date_of_birth=date_of_birth) if date_of_birth else Q(pk__in=[])
    if phone:
        same_dob_or_phone |= Q(phone=phone)
    candidates = Patient.objects.filter(practice=practice, merged_into__isnull=True).filter(
        same_dob_or_phone
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    # Comparing names reads every same-day record; only those returned may be shown.
    with phi_audit.unshown():
        return [
            p
            for p in candidates.order_by("search_name", "id")
            if (phone and p.phone == phone)
            or names_look_alike(
                legal_first_name, legal_last_name, p.legal_first_name, p.legal_last_name
            )
        ]


def duplicates_of(patient: Patient) -> list[Patient]:
    return likely_duplicates(
        practice=patient.practice,
        legal_first_name=patient.legal_first_name,
        legal_last_name=patient.legal_last_name,
        date_of_birth=patient.date_of_birth,
        phone=patient.phone,
        exclude_id=patient.pk,
    )


def patient_coverages(patient: Patient) -> QuerySet[Coverage]:
    return Coverage.objects.filter(patient=patient).select_related(
        "payer", "eligibility_checked_by"
    )


def patient_documents(patient: Patient) -> QuerySet[PatientDocument]:
    return PatientDocument.objects.filter(patient=patient).select_related("uploaded_by")


def practice_payers(practice: Practice, *, active_only: bool = False) -> QuerySet[Payer]:
    payers = Payer.objects.filter(practice=practice)
    if active_only:
        payers = payers.filter(is_active=True)
    return payers.order_by("name")


def coverage_verified_since(
    patient_ids: Iterable[int], since: datetime, *, on: date | None = None
) -> set[int]:
    """The patients (of those given) whose primary coverage in effect on ``on`` (default: today)
    was verified active at or after ``since``."""
    ids = list(patient_ids)
    if not ids:
        return set()
    day = on or timezone.localdate()
    verified = (
        Coverage.objects.filter(
            patient_id__in=ids,
            priority=Coverage.Priority.PRIMARY,
            effective_date__lte=day,
            eligibility_status=Coverage.Eligibility.ACTIVE,
            eligibility_checked_at__gte=since,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("patient_id", flat=True)
    )
    return set(verified)


def patients_with_consent_form(patient_ids: Iterable[int]) -> set[int]:
    """The patients (of those given) with a consent form on file."""
    ids = list(patient_ids)
    if not ids:
        return set()
    return set(
        PatientDocument.objects.filter(
            patient_id__in=ids, kind=PatientDocument.Kind.CONSENT_FORM
        ).values_list("patient_id", flat=True)
    )


def patients_with_coverage_on(patient_ids: Iterable[int], day: date) -> set[int]:
    """The patients (of those given) with any coverage in effect on ``day``, verified or not
    (the desk asks the others for a card, or records them as self-pay)."""
    ids = list(patient_ids)
    if not ids:
        return set()
    in_effect = Coverage.objects.filter(patient_id__in=ids, effective_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    return set(in_effect.values_list("patient_id", flat=True))


def patient_id_by_mrn(practice: Practice, mrn: str) -> int | None:
    """The id of the practice's patient with this MRN (as printed, spaces ignored), or None."""
    found: int | None = (
        Patient.objects.filter(practice=practice, mrn=mrn.strip())
        .values_list("pk", flat=True)
        .first()
    )
    return found


def names_with_mrn(ids: Iterable[int]) -> dict[int, str]:
    """How sentences about patients name them: "Amélie Haddad (MRN 100042)"."""
    found = Patient.objects.filter(pk__in=list(ids)).only(
        "legal_first_name", "preferred_name", "legal_last_name", "mrn"
    )
    return {p.pk: f"{p.display_name} (MRN {p.mrn})" for p in found}
