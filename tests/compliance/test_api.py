"""/api/v1/compliance/: the same services as the pages, the same refusals as JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from praxis.compliance.models import BreachAssessment, PolicyVersion

pytestmark = pytest.mark.django_db

API = "/api/v1/compliance"


def _post(client, url, body=None, method="post"):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        API + url, json.dumps(body or {}), content_type="application/json"
    )


def test_a_policy_from_draft_to_acknowledged(
    compliance_cole, manager_max, frontdesk_fay, biller_bo, client_for
):
    officer = client_for(compliance_cole)
    created = _post(
        officer,
        "/policies",
        {
            "title": "Clean desk",
            "category": "hipaa_privacy",
            "roles": ["front_desk", "biller"],
            "body": "Nothing with PHI on the desk overnight.",
        },
    )
    assert created.status_code == 201, created.json()
    policy = created.json()
    version_id = policy["versions"][0]["id"]
    assert policy["current_version"] is None

    # Readers do not see a draft; writers do.
    reader = client_for(frontdesk_fay)
    assert reader.get(f"{API}/policies/{policy['id']}").status_code == 404
    assert reader.get(f"{API}/policies").json() == []

    assert _post(officer, f"/versions/{version_id}/submit").json()["status"] == "in_review"
    refused = _post(
        client_for(manager_max),
        f"/versions/{version_id}/approve",
        {"effective_date": "2026-03-01", "next_review_date": "2027-03-01"},
    )
    assert refused.status_code == 403
    out_of_order = _post(
        officer,
        f"/versions/{version_id}/approve",
        {"effective_date": "2026-03-01", "next_review_date": "2026-02-01"},
    )
    assert out_of_order.status_code == 400
    assert out_of_order.json()["errors"] == [
        {
            "field": "next_review_date",
            "message": "The next review must come after the effective date.",
        }
    ]
    assert PolicyVersion.objects.get(pk=version_id).status == "in_review"
    approved = _post(
        officer,
        f"/versions/{version_id}/approve",
        {"effective_date": "2026-03-01", "next_review_date": "2027-03-01"},
    )
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == "Cole Carter"

    assert [r["acknowledged_at"] for r in reader.get(f"{API}/policies/to-read").json()] == [None]
    assert _post(reader, f"/policies/{policy['id']}/acknowledge").status_code == 200
    status = officer.get(f"{API}/policies/{policy['id']}/acknowledgments").json()
    assert (status["required"], status["acknowledged"], status["rate_percent"]) == (2, 1, 50)
    assert (
        client_for(frontdesk_fay).get(f"{API}/policies/{policy['id']}/acknowledgments").status_code
        == 403
    )
    reminded = _post(officer, f"/policies/{policy['id']}/remind").json()
    assert reminded == {"sent": 1, "already_reminded_today": 0}
    assert _post(officer, f"/policies/{policy['id']}/remind").json() == {
        "sent": 0,
        "already_reminded_today": 1,
    }


def test_a_new_version_with_roles_outside_the_audience_is_refused(
    conduct, compliance_cole, client_for
):
    response = _post(
        client_for(compliance_cole),
        f"/policies/{conduct.pk}/versions",
        {"body": "New text", "affected_roles": ["hr"]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rejected"
    assert conduct.versions.count() == 1


def _incident_body(**changes):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return {
        "kind": "privacy",
        "title": "Laptop stolen from a car",
        "occurred_on": (today - timedelta(days=2)).isoformat(),
        "discovered_on": (today - timedelta(days=1)).isoformat(),
        "severity": "critical",
        **changes,
    }


def test_incidents_and_a_breach_through_the_api(
    frontdesk_fay, biller_bo, compliance_cole, client_for
):
    reporter = client_for(frontdesk_fay)
    created = _post(reporter, "/incidents", _incident_body())
    assert created.status_code == 201, created.json()
    incident_id = created.json()["id"]
    assert [i["id"] for i in reporter.get(f"{API}/incidents").json()] == [incident_id]
    assert client_for(biller_bo).get(f"{API}/incidents").json() == []
    assert (
        _post(
            reporter,
            f"/incidents/{incident_id}/breach",
            {"affected_total": 3, "affected_by_state": {"VT": 3}},
            "put",
        ).status_code
        == 403
    )

    officer = client_for(compliance_cole)
    bad = _post(
        officer,
        f"/incidents/{incident_id}/breach",
        {"affected_total": 3, "affected_by_state": {"ZZ": 3}},
        "put",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "affected_by_state"
    assert not BreachAssessment.objects.exists()

    breach = _post(
        officer,
        f"/incidents/{incident_id}/breach",
        {"affected_total": 1200, "affected_by_state": {"VT": 700, "NH": 500}},
        "put",
    ).json()
    due = (timezone.localdate() - timedelta(days=1) + timedelta(days=60)).isoformat()
    assert [(d["recipient"], d["state"], d["due"], d["status"]) for d in breach["deadlines"]] == [
        ("individuals", "", due, "upcoming"),
        ("media", "VT", due, "upcoming"),
        ("hhs", "", due, "upcoming"),
    ]
    notice = _post(
        officer,
        f"/incidents/{incident_id}/breach/notices",
        {"recipient": "hhs", "sent_on": timezone.localdate().isoformat(), "method": "HHS portal"},
    )
    assert notice.status_code == 201
    again = officer.get(f"{API}/incidents/{incident_id}/breach").json()
    assert again["deadlines"][2]["status"] == "sent"


def test_an_incident_discovered_before_it_happened_is_refused(frontdesk_fay, client_for):
    response = _post(
        client_for(frontdesk_fay),
        "/incidents",
        _incident_body(occurred_on="2026-05-02", discovered_on="2026-05-01"),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "discovered_on",
            "message": "An incident cannot be discovered before it happened.",
        }
    ]
