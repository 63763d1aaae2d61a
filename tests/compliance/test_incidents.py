"""Incidents: reporting, who sees what, the breach assessment and its deadlines, notices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from praxis.compliance import incidents, selectors
from praxis.compliance.models import BreachAssessment, BreachNotice, Incident
from praxis.core.service_support import ServiceError

pytestmark = pytest.mark.django_db


def _values(**changes):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return {
        "kind": "privacy",
        "title": "Fax sent to the wrong number",
        "description": "A referral was faxed to a wrong number.",
        "occurred_on": today - timedelta(days=3),
        "discovered_on": today - timedelta(days=2),
        "where": "Front office",
        "severity": "moderate",
        "people_involved": "Front desk",
        "actions_taken": "Called the recipient, who shredded it.",
        **changes,
    }


@pytest.fixture
def fax(practice, frontdesk_fay) -> Incident:  # type: ignore[no-untyped-def]
    return incidents.incident_report(practice=practice, values=_values(), by=frontdesk_fay)


def test_staff_report_and_see_their_own_reports_only(fax, frontdesk_fay, biller_bo, client_for):
    assert client_for(frontdesk_fay).get(f"/compliance/incidents/{fax.pk}/").status_code == 200
    other = client_for(biller_bo)
    assert other.get(f"/compliance/incidents/{fax.pk}/").status_code == 404
    assert "Fax sent" not in other.get("/compliance/incidents/").content.decode()


def test_the_compliance_officer_sees_every_incident(fax, compliance_cole, client_for):
    page = client_for(compliance_cole).get("/compliance/incidents/").content.decode()
    assert "Fax sent to the wrong number" in page


def test_reporting_from_the_page(practice, clinical_cleo, client_for):
    today = timezone.localdate()
    response = client_for(clinical_cleo).post(
        "/compliance/incidents/report/",
        {
            "kind": "workplace_injury",
            "title": "Slipped on a wet floor",
            "occurred_on": today.isoformat(),
            "discovered_on": today.isoformat(),
            "severity": "low",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.reported_by, incident.status) == (clinical_cleo, "open")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"occurred_on": date(2026, 5, 2), "discovered_on": date(2026, 5, 1)},
            "discovered_on",
            "An incident cannot be discovered before it happened.",
        ),
        (
            {"discovered_on": timezone.localdate() + timedelta(days=1)},
            "discovered_on",
            "This date is in the future.",
        ),
    ],
)
def test_dates_out_of_order_are_refused(practice, frontdesk_fay, changes, field, message):
    with pytest.raises(ServiceError) as refused:
        incidents.incident_report(practice=practice, values=_values(**changes), by=frontdesk_fay)
    assert refused.value.message_dict == {field: [message]}
    assert not Incident.objects.exists()


def test_a_location_of_another_practice_is_refused(practice, other_practice, frontdesk_fay):
    from praxis.core.testing.factories import LocationFactory

    elsewhere = LocationFactory(practice=other_practice)
    with pytest.raises(ServiceError, match="No such location in this practice"):
        incidents.incident_report(
            practice=practice, values=_values(location=elsewhere), by=frontdesk_fay
        )


def test_a_breach_shows_its_deadlines_and_notices(fax, compliance_cole, client_for):
    client = client_for(compliance_cole)
    response = client.post(
        f"/compliance/incidents/{fax.pk}/breach/",
        {"affected_total": "620", "affected_by_state": "VT=560, NH=60", "notes": ""},
    )
    assert response.status_code == 302
    breach = BreachAssessment.objects.get()
    assert breach.affected_by_state == {"VT": 560, "NH": 60}
    due = fax.discovered_on + timedelta(days=60)
    states = selectors.deadline_states(breach, today=timezone.localdate())
    assert [(s.deadline.recipient, s.deadline.state, s.deadline.due) for s in states] == [
        ("individuals", "", due),
        ("media", "VT", due),
        ("hhs", "", due),
    ]
    client.post(
        f"/compliance/incidents/{fax.pk}/notices/",
        {"recipient": "individuals", "sent_on": timezone.localdate().isoformat(), "method": "Mail"},
    )
    page = client.get(f"/compliance/incidents/{fax.pk}/").content.decode()
    assert "Sent" in page and "Media in VT" in page and "45 CFR 164.406(b)" in page
    assert BreachNotice.objects.get().recipient == "individuals"


def test_overdue_and_due_soon_notices(fax, compliance_cole):
    breach = incidents.breach_assess(
        incident=fax,
        affected_total=10,
        affected_by_state={"VT": 10},
        law_enforcement_delay_until=None,
        notes="",
        by=compliance_cole,
    )
    sixty = fax.discovered_on + timedelta(days=60)
    states = {s.deadline.recipient: s.state for s in selectors.deadline_states(breach, today=sixty)}
    assert states["individuals"] == "due soon"
    late = {
        s.deadline.recipient: s.state
        for s in selectors.deadline_states(breach, today=sixty + timedelta(days=1))
    }
    assert late == {"individuals": "overdue", "hhs": "upcoming"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("VT 12", "Write each state as VT=512"),
        ("XX=3", "'XX' is not a US state or territory code."),
        ("VT=700", "The states add up to more people than were affected in all."),
    ],
)
def test_bad_breach_input_is_refused(fax, compliance_cole, client_for, text, message):
    response = client_for(compliance_cole).post(
        f"/compliance/incidents/{fax.pk}/breach/",
        {"affected_total": "600", "affected_by_state": text},
    )
    assert response.status_code == 400
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not BreachAssessment.objects.exists()


def test_only_privacy_and_security_incidents_can_be_breaches(
    practice, frontdesk_fay, compliance_cole
):
    complaint = incidents.incident_report(
        practice=practice, values=_values(kind="complaint"), by=frontdesk_fay
    )
    with pytest.raises(ServiceError, match="Only a privacy or security incident"):
        incidents.breach_assess(
            incident=complaint,
            affected_total=3,
            affected_by_state={"VT": 3},
            law_enforcement_delay_until=None,
            notes="",
            by=compliance_cole,
        )


def test_a_media_notice_names_a_state_of_the_breach(fax, compliance_cole):
    breach = incidents.breach_assess(
        incident=fax,
        affected_total=600,
        affected_by_state={"VT": 600},
        law_enforcement_delay_until=None,
        notes="",
        by=compliance_cole,
    )
    with pytest.raises(ServiceError, match="Choose the state whose media were notified"):
        incidents.notice_record(
            breach=breach,
            recipient="media",
            state="NH",
            sent_on=timezone.localdate(),
            method="Press release",
            by=compliance_cole,
        )
    assert not BreachNotice.objects.exists()
