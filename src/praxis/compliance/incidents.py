"""Incidents: report one, update it, assess a privacy or security incident as a breach of
unsecured PHI, and record each notice sent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.constants import US_STATES
from praxis.core.models import Location, Practice, User
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse

from .models import BreachAssessment, BreachNotice, Incident
from .models.incidents import NoticeRecipient

REPORT_FIELDS = (
    "kind",
    "title",
    "description",
    "occurred_on",
    "discovered_on",
    "location",
    "where",
    "severity",
    "people_involved",
    "actions_taken",
)
UPDATE_FIELDS = (*REPORT_FIELDS, "status")
STATES = {code for code, _ in US_STATES}


def _check_dates(values: Mapping[str, Any], practice: Practice) -> None:
    occurred, discovered = values.get("occurred_on"), values.get("discovered_on")
    today = timezone.localdate()
    if occurred and discovered and discovered < occurred:
        raise ServiceError(
            {"discovered_on": "An incident cannot be discovered before it happened."}
        )
    for name in ("occurred_on", "discovered_on"):
        if values.get(name) and values[name] > today:
            raise ServiceError({name: "This date is in the future."})
    location: Location | None = values.get("location")
    if location is not None and location.practice_id != practice.pk:
        raise ServiceError({"location": "No such location in this practice."})


def incident_report(*, practice: Practice, values: Mapping[str, Any], by: User) -> Incident:
    cleaned = {name: values[name] for name in REPORT_FIELDS if name in values}
    _check_dates(cleaned, practice)
    with transaction.atomic():
        incident = Incident(practice=practice, reported_by=by, **cleaned)
        full_clean_or_refuse(incident, exclude=["practice", "reported_by"])
        incident.save()
        audit.record(
            "praxis.compliance.incident.reported",
            obj=incident,
            details={"kind": incident.kind, "severity": incident.severity},
        )
    return incident


def incident_update(*, incident: Incident, values: Mapping[str, Any], by: User) -> list[str]:
    cleaned = {name: values[name] for name in UPDATE_FIELDS if name in values}
    _check_dates({**{n: getattr(incident, n) for n in UPDATE_FIELDS}, **cleaned}, incident.practice)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        changed = apply_changes(locked, cleaned, exclude_from_clean=["practice", "reported_by"])
        if changed:
            audit.record(
                "praxis.compliance.incident.updated", obj=locked, details={"fields": changed}
            )
    return changed


def _clean_states(by_state: Mapping[str, Any], total: int) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for state, count in by_state.items():
        code = str(state).strip().upper()
        if code not in STATES:
            raise ServiceError(
                {"affected_by_state": f"{state!r} is not a US state or territory code."}
            )
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ServiceError(
                {"affected_by_state": f"The count for {code} must be a whole number of at least 1."}
            )
        cleaned[code] = cleaned.get(code, 0) + count
    if sum(cleaned.values()) > total:
        raise ServiceError(
            {"affected_by_state": "The states add up to more people than were affected in all."}
        )
    return cleaned


def breach_assess(
    *,
    incident: Incident,
    affected_total: int,
    affected_by_state: Mapping[str, Any],
    law_enforcement_delay_until: date | None,
    notes: str,
    by: User,
) -> BreachAssessment:
    """Record (or correct) the assessment that a privacy or security incident is a breach of
    unsecured PHI; the notification deadlines follow from it (``deadlines.breach_deadlines``)."""
    if not incident.may_be_breach:
        raise ServiceError("Only a privacy or security incident can be assessed as a breach.")
    if affected_total < 1:
        raise ServiceError({"affected_total": "A breach affects at least one person."})
    by_state = _clean_states(affected_by_state, affected_total)
    if (
        law_enforcement_delay_until is not None
        and law_enforcement_delay_until < incident.discovered_on
    ):
        raise ServiceError(
            {
                "law_enforcement_delay_until": (
                    "A law-enforcement delay cannot end before the breach was discovered."
                )
            }
        )
    with transaction.atomic():
        breach = BreachAssessment.objects.select_for_update().filter(incident=incident).first()
        breach = breach or BreachAssessment(incident=incident, assessed_by=by)
        breach.affected_total, breach.affected_by_state = affected_total, by_state
        breach.law_enforcement_delay_until, breach.notes = law_enforcement_delay_until, notes
        breach.assessed_by, breach.assessed_at = by, timezone.now()
        full_clean_or_refuse(breach, exclude=["incident", "assessed_by"])
        breach.save()
        audit.record(
            "praxis.compliance.breach.assessed",
            obj=incident,
            details={"affected_total": affected_total, "states": sorted(by_state)},
        )
    return breach


def notice_record(
    *, breach: BreachAssessment, recipient: str, state: str, sent_on: date, method: str, by: User
) -> BreachNotice:
    if recipient not in NoticeRecipient.values:
        raise ServiceError({"recipient": "Choose who was notified."})
    state = state.strip().upper() if recipient == NoticeRecipient.MEDIA else ""
    if recipient == NoticeRecipient.MEDIA and state not in breach.affected_by_state:
        raise ServiceError({"state": "Choose the state whose media were notified."})
    if sent_on < breach.incident.discovered_on:
        raise ServiceError({"sent_on": "A notice cannot go out before the breach was discovered."})
    if sent_on > timezone.localdate():
        raise ServiceError({"sent_on": "Record a notice once it has been sent, not before."})
    with transaction.atomic():
        notice = BreachNotice(
            breach=breach,
            recipient=recipient,
            state=state,
            sent_on=sent_on,
            method=method.strip(),
            recorded_by=by,
        )
        full_clean_or_refuse(notice, exclude=["breach", "recorded_by"])
        notice.save()
        audit.record(
            "praxis.compliance.breach_notice.recorded",
            obj=breach.incident,
            details={"recipient": recipient, "state": state, "sent_on": sent_on.isoformat()},
        )
    return notice
