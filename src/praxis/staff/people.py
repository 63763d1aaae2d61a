"""Staff records, positions and pay: the writes. Each runs in one transaction and is audited;
a refused rule is a ``ServiceError`` with the field it concerns."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from praxis.core import audit
from praxis.core.models import Location, Practice, User
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse

from .models import Compensation, Position, StaffMember

# The fields of a staff record a form or the API may set (status and separation have their
# own services: a separation ends access, which a field edit must not do by the way).
RECORD_FIELDS = (
    "user",
    "full_name",
    "email",
    "job_title",
    "position",
    "department",
    "employment_type",
    "fte",
    "manager",
    "hire_date",
    "npi",
)


def _guard_ownership(practice: Practice, values: Mapping[str, Any]) -> None:
    user = values.get("user")
    if user is not None and user.practice_id != practice.pk:
        raise ServiceError({"user": "No such user in this practice."})
    for name in ("position", "manager"):
        obj = values.get(name)
        if obj is not None and obj.practice_id != practice.pk:
            raise ServiceError({name: f"No such {name} in this practice."})
    for loc in values.get("locations") or ():
        if loc.practice_id != practice.pk:
            raise ServiceError({"locations": "No such location in this practice."})


def _guard_unique(member: StaffMember) -> None:
    """The clear messages the database's unique rules would otherwise give as a 500."""
    others = StaffMember.objects.filter(practice_id=member.practice_id).exclude(pk=member.pk)
    if (
        member.user_id is not None
        and StaffMember.objects.filter(user_id=member.user_id).exclude(pk=member.pk).exists()
    ):
        raise ServiceError({"user": "This sign-in already belongs to another staff record."})
    if member.npi and others.filter(npi=member.npi).exists():
        raise ServiceError({"npi": f"Another staff record has the NPI {member.npi}."})
    if member.manager_id is not None and member.manager_id == member.pk:
        raise ServiceError({"manager": "Someone cannot be their own manager."})


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in RECORD_FIELDS if name in values}


def staff_create(*, practice: Practice, values: Mapping[str, Any]) -> StaffMember:
    _guard_ownership(practice, values)
    member = StaffMember(practice=practice, **_fields(values))
    if "status" in values and values["status"] != StaffMember.Status.SEPARATED:
        member.status = values["status"]
    _guard_unique(member)  # first: its messages say more than the model's would
    full_clean_or_refuse(member, exclude=["practice"])
    with transaction.atomic():
        member.save()
        member.locations.set(values.get("locations") or ())
        audit.record("praxis.staff.member.created", obj=member, details={"status": member.status})
    return member


def staff_update(*, member: StaffMember, values: Mapping[str, Any]) -> StaffMember:
    practice = member.practice
    _guard_ownership(practice, values)
    fields = _fields(values)
    if "status" in values:
        status = values["status"]
        if StaffMember.Status.SEPARATED in (status, member.status) and status != member.status:
            raise ServiceError(
                {"status": "Record a separation to end someone's work; rehire comes later."}
            )
        fields["status"] = status
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=member.pk).first()
        candidate = copy.copy(member)
        for name, value in fields.items():
            setattr(candidate, name, value)
        _guard_unique(candidate)
        changed = apply_changes(member, fields)
        if "locations" in values:
            before = set(member.locations.values_list("pk", flat=True))
            after = {loc.pk for loc in values["locations"]}
            if before != after:
                member.locations.set(values["locations"])
                changed.append("locations")
        if changed:
            audit.record("praxis.staff.member.updated", obj=member, details={"changed": changed})
    return member


def position_create(*, practice: Practice, values: Mapping[str, Any]) -> Position:
    position = Position(practice=practice)
    with transaction.atomic():
        _position_save(position, values)
        audit.record("praxis.staff.position.created", obj=position)
    return position


def position_update(*, position: Position, values: Mapping[str, Any]) -> Position:
    with transaction.atomic():
        changed = _position_save(position, values)
        if changed:
            audit.record(
                "praxis.staff.position.updated", obj=position, details={"changed": changed}
            )
    return position


def _position_save(position: Position, values: Mapping[str, Any]) -> list[str]:
    title = str(values.get("title", position.title)).strip()
    taken = Position.objects.filter(practice_id=position.practice_id, title__iexact=title)
    if taken.exclude(pk=position.pk).exists():
        raise ServiceError({"title": f"There is already a position called {title}."})
    fields = {"title": title}
    for name in ("salary_benchmark", "benchmark_source"):
        if name in values:
            fields[name] = values[name]
    if position.pk is None:
        for name, value in fields.items():
            setattr(position, name, value)
        full_clean_or_refuse(position, exclude=["practice"])
        position.save()
        return list(fields)
    return apply_changes(position, fields)


def compensation_add(
    *, member: StaffMember, values: Mapping[str, Any], recorded_by: User
) -> Compensation:
    """Pay from a date on. One change per day: a second on the same day is refused, so the
    history reads plainly (correct a slip with a later entry and a note)."""
    pay = Compensation(
        staff=member,
        pay_type=values.get("pay_type", ""),
        rate=values["rate"],
        effective_from=values["effective_from"],
        note=values.get("note", ""),
        recorded_by=recorded_by,
    )
    full_clean_or_refuse(pay, exclude=["staff", "recorded_by"])
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=member.pk).first()
        if Compensation.objects.filter(staff=member, effective_from=pay.effective_from).exists():
            raise ServiceError({"effective_from": "There is already a pay change on this date."})
        pay.save()
        # The amount stays out of the audit trail, which more people read than pay.
        audit.record(
            "praxis.staff.compensation.added",
            obj=pay,
            details={"staff": member.pk, "effective_from": pay.effective_from},
            actor=recorded_by,
        )
    return pay


def locations_of(practice: Practice, ids: Iterable[int]) -> list[Location]:
    """The practice's locations among these ids (the API names them by id)."""
    wanted = set(ids)
    found = list(Location.objects.filter(practice=practice, pk__in=wanted))
    if len(found) != len(wanted):
        raise ServiceError({"locations": "No such location in this practice."})
    return found
