"""Who reaches which compliance page, another practice's ids, and what the lists cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from praxis.compliance import incidents, policies
from praxis.compliance.models import Incident, Policy
from praxis.core.models import User
from praxis.core.roles import CLINICAL, COMPLIANCE, FRONT_DESK
from praxis.core.testing.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db

EVERYONE = [
    "admin_ada",
    "manager_max",
    "frontdesk_fay",
    "biller_bo",
    "dr_dana",
    "clinical_cleo",
    "hr_hana",
    "compliance_cole",
]
WRITERS = {"admin_ada", "manager_max", "hr_hana", "compliance_cole"}
INCIDENT_MANAGERS = {"admin_ada", "compliance_cole"}


def _incident(practice, by: User) -> Incident:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return incidents.incident_report(
        practice=practice,
        values={
            "kind": "security",
            "title": "Phishing e-mail clicked",
            "occurred_on": today - timedelta(days=1),
            "discovered_on": today,
            "severity": "high",
        },
        by=by,
    )


@pytest.mark.parametrize("name", [*EVERYONE, "outsider_otto"])
def test_each_role_reaches_what_its_permissions_say(name, request, client_for, conduct, practice):
    user = request.getfixturevalue(name)
    client = client_for(user)
    reader = name != "outsider_otto"
    expected = {
        "/compliance/policies/to-read/": reader,
        "/compliance/policies/": reader,
        f"/compliance/policies/{conduct.pk}/": reader,
        f"/compliance/versions/{conduct.current_version_id}/": reader,
        "/compliance/policies/add/": name in WRITERS,
        "/compliance/policies/people/": name in WRITERS,
        f"/compliance/policies/{conduct.pk}/versions/add/": name in WRITERS,
        "/compliance/incidents/": reader,
        "/compliance/incidents/report/": reader,
    }
    for url, allowed in expected.items():
        assert client.get(url).status_code == (200 if allowed else 403), (name, url)


@pytest.mark.parametrize("name", EVERYONE)
def test_an_incident_is_shown_to_its_reporter_and_the_incident_managers(
    name, request, client_for, practice
):
    reporter = UserFactory.create(email="reporter@example.org", practice=practice, roles=[CLINICAL])
    incident = _incident(practice, reporter)
    client = client_for(request.getfixturevalue(name))
    expected = 200 if name in INCIDENT_MANAGERS else 404
    assert client.get(f"/compliance/incidents/{incident.pk}/").status_code == expected
    breach_page = client.get(f"/compliance/incidents/{incident.pk}/breach/").status_code
    assert breach_page == (200 if name in INCIDENT_MANAGERS else 403)
    api = client.get(f"/api/v1/compliance/incidents/{incident.pk}")
    assert api.status_code == expected


def test_another_practices_ids_are_404(other_practice, admin_ada, client_for):
    ola = UserFactory.create(
        email="ola@elsewhere.example", practice=other_practice, roles=[COMPLIANCE]
    )
    theirs = policies.policy_create(
        practice=other_practice,
        title="Theirs",
        category="hr",
        owner=None,
        roles=["front_desk"],
        body="Their text",
        by=ola,
    )
    publish(theirs.versions.get(), ola)
    theirs.refresh_from_db()
    incident = _incident(other_practice, ola)
    client = client_for(admin_ada)
    version = theirs.current_version_id
    for url in [
        f"/compliance/policies/{theirs.pk}/",
        f"/compliance/policies/{theirs.pk}/versions/add/",
        f"/compliance/versions/{version}/",
        f"/compliance/versions/{version}/file/",
        f"/compliance/incidents/{incident.pk}/",
        f"/compliance/incidents/{incident.pk}/edit/",
        f"/compliance/incidents/{incident.pk}/breach/",
        f"/api/v1/compliance/policies/{theirs.pk}",
        f"/api/v1/compliance/policies/{theirs.pk}/acknowledgments",
        f"/api/v1/compliance/incidents/{incident.pk}",
        f"/api/v1/compliance/incidents/{incident.pk}/breach",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/compliance/policies/{theirs.pk}/acknowledge/",
        f"/compliance/policies/{theirs.pk}/remind/",
        f"/compliance/versions/{version}/submit/",
        f"/api/v1/compliance/policies/{theirs.pk}/acknowledge",
    ]:
        assert client.post(url).status_code == 404, url
    body = client.get(f"/api/v1/compliance/policies/{theirs.pk}").json()
    assert body == {"code": "not_found", "message": "No such policy in this practice."}


def _many_policies(practice, admin_ada, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        policy = policies.policy_create(
            practice=practice,
            title=f"Policy {i}",
            category="hr",
            owner=admin_ada,
            roles=["front_desk", "biller"],
            body=f"Text {i}",
            by=admin_ada,
        )
        publish(policy.versions.get(), admin_ada)


@pytest.mark.parametrize("n", [1, 12])
@pytest.mark.parametrize(
    "url",
    ["/compliance/policies/", "/compliance/policies/to-read/", "/compliance/policies/people/"],
)
def test_policy_lists_cost_the_same_for_1_or_12_policies(
    n,
    url,
    practice,
    admin_ada,
    frontdesk_fay,
    biller_bo,
    client_for,
    session_seen_once,
    django_assert_max_num_queries,
):
    _many_policies(practice, admin_ada, n)
    for policy in Policy.objects.all()[:3]:
        policies.policy_acknowledge(policy=policy, user=frontdesk_fay)
    client = client_for(admin_ada)
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_a_policys_acknowledgment_table_costs_the_same_for_1_or_15_people(
    n, practice, conduct, admin_ada, client_for, session_seen_once, django_assert_max_num_queries
):
    for i in range(n):
        user = UserFactory.create(
            email=f"desk{i}@example.org", practice=practice, roles=[FRONT_DESK]
        )
        if i % 2:
            policies.policy_acknowledge(policy=conduct, user=user)
    client = client_for(admin_ada)
    client.get(f"/compliance/policies/{conduct.pk}/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/compliance/policies/{conduct.pk}/").status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_the_incident_list_costs_the_same_for_1_or_20_incidents(
    n,
    practice,
    compliance_cole,
    frontdesk_fay,
    client_for,
    session_seen_once,
    django_assert_max_num_queries,
):
    for _ in range(n):
        _incident(practice, frontdesk_fay)
    client = client_for(compliance_cole)
    client.get("/compliance/incidents/")
    with django_assert_max_num_queries(8):
        assert client.get("/compliance/incidents/").status_code == 200
