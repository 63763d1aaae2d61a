"""The demo staff: a record for every sign-in, the two published benchmarks, pay, credentials
with some expiring next month and one provider's license lapsed; the provider records carry the
NPIs the scheduling demo gives its providers. Seeding again changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from praxis.core.models import User
from praxis.core.roles import ADMINISTRATOR, CLINICAL, HR, MANAGER, PROVIDER
from praxis.core.testing.factories import UserFactory
from praxis.scheduling.demo import _providers
from praxis.staff import demo
from praxis.staff.models import Credential, Position, StaffMember
from praxis.staff.selectors import license_problems
from praxis.staff.separations import practice_today

pytestmark = pytest.mark.django_db


def test_the_demo_staff(practice, location):
    people = [
        ("admin", ADMINISTRATOR),
        ("manager", MANAGER),
        ("hr", HR),
        ("clinical", CLINICAL),
        ("provider", PROVIDER),
        ("dr.patel", PROVIDER),
        ("np.garcia", PROVIDER),
        ("pa.nguyen", PROVIDER),
    ]
    for local, role in people:
        UserFactory(
            practice=practice, email=f"{local}@riverbend.example", full_name=local, roles=[role]
        )
    providers = _providers(practice)  # the scheduling demo's providers and their NPIs

    assert demo.seed_staff(practice) == len(people) + 1
    benchmarks = dict(Position.objects.values_list("title", "salary_benchmark"))
    assert benchmarks["Practice Administrator"] == Decimal("78929.00")
    assert benchmarks["Practice Manager"] == Decimal("65917.00")
    assert StaffMember.objects.filter(user__in=User.objects.all()).count() == len(people)
    today = practice_today(practice)
    problems = license_problems(
        practice_id=practice.pk, visits={(p.npi, "VT") for p in providers}, on_date=today
    )
    lapsed = [p.display_name for p in providers if problems[(p.npi, "VT")]]
    assert lapsed == ["pa.nguyen"]  # the physician assistant's license lapsed
    next_month = Credential.objects.filter(
        expires_on__gt=today, expires_on__lte=today + timedelta(days=45)
    )
    assert next_month.count() >= 2
    assert demo.seed_staff(practice) == 0
