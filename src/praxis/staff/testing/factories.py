"""factory_boy factories for staff records and credentials, shared by the tests. They write rows
directly (no audit events)."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from praxis.core.models import Practice
from praxis.core.testing.factories import PracticeFactory

from ..models import Credential, Position, StaffMember


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    practice = factory.SubFactory(PracticeFactory)
    title = factory.Sequence(lambda n: f"Position {n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    practice = factory.SubFactory(PracticeFactory)
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    job_title = "Medical Assistant"
    department = "Clinical"
    hire_date = date(2022, 3, 1)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    staff = factory.SubFactory(StaffMemberFactory)
    practice = factory.LazyAttribute(lambda o: o.staff.practice)
    kind = Credential.Kind.STATE_LICENSE
    number = factory.Sequence(lambda n: f"MD.{100000 + n}")
    state = "VT"
    issued_on = date(2024, 1, 1)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=400))


def license_provider(
    practice: Practice,
    npi: str,
    *,
    state: str = "VT",
    expires_on: date | None = None,
    name: str = "Provider",
) -> Credential:
    """A staff record with this NPI and a state license in force (or expiring on a date)."""
    member = StaffMember.objects.filter(practice=practice, npi=npi).first()
    if member is None:
        member = StaffMemberFactory.create(
            practice=practice, npi=npi, full_name=name, job_title="Physician"
        )
    credential: Credential = CredentialFactory.create(
        staff=member,
        state=state,
        expires_on=expires_on or timezone.localdate() + timedelta(days=400),
    )
    return credential
