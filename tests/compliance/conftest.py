"""The compliance cast: a code of conduct for everyone, approved by Ada, and a helper to take a
version through review to approval."""

from __future__ import annotations

from datetime import date

import pytest

from praxis.compliance import policies
from praxis.compliance.models import Policy, PolicyVersion
from praxis.core.models import Practice, User

TEXT = "Be respectful.\nBe on time.\nReport harassment to the manager."
ALL = [
    "administrator",
    "manager",
    "front_desk",
    "biller",
    "provider",
    "clinical",
    "hr",
    "compliance",
]


def publish(version: PolicyVersion, by: User, *, effective: date = date(2026, 1, 5)) -> None:
    policies.version_submit(version=version, by=by)
    policies.version_approve(
        version=version, effective_date=effective, next_review_date=date(2027, 1, 5), by=by
    )


@pytest.fixture
def conduct(practice: Practice, admin_ada: User, compliance_cole: User) -> Policy:
    policy = policies.policy_create(
        practice=practice,
        title="Code of conduct",
        category="hr",
        owner=compliance_cole,
        roles=["front_desk", "biller", "clinical"],
        body=TEXT,
        by=compliance_cole,
    )
    publish(policy.versions.get(), admin_ada)
    policy.refresh_from_db()
    return policy
