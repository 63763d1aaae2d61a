"""factory_boy factories shared by the tests and ``praxis seed-demo``."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from praxis.core.models import Location, Practice, Room, User
from praxis.core.roles import Role
from praxis.core.validators import npi_check_digit_ok


def valid_npi(seed: int) -> str:
    """A deterministic NPI with a correct check digit (type 1 or 2 by the first digit)."""
    body = f"1{seed % 10**8:08d}"
    return next(body + str(d) for d in range(10) if npi_check_digit_ok(body + str(d)))


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name}, P.C.")
    group_npi = factory.Sequence(lambda n: valid_npi(5_000_000 + n))
    tin = "12-3456789"
    taxonomy_code = "207Q00000X"
    phone = "+18025550100"
    address_line1 = "1 Main Street"
    city = "Burlington"
    state = "VT"
    postal_code = "05401"
    time_zone = "America/New_York"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Location {n}")
    place_of_service = "11"
    address_line1 = "1 Main Street"
    city = "Burlington"
    state = "VT"
    postal_code = "05401"
    time_zone = "America/New_York"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Exam {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(roles=[MANAGER], password="...")``; the role groups exist after migrate."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    practice = factory.SubFactory(PracticeFactory)

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if extracted:
            obj.set_password(extracted)
        else:
            obj.set_unusable_password()
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[Role] | None, **kwargs: Any) -> None:
        if create and extracted:
            obj.groups.set(Group.objects.filter(name__in=[r.label for r in extracted]))
