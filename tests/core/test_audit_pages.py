"""The audit trail page: who may read it, how the Compliance Officer narrows it down, and the
CSV export, which is itself audited and cannot smuggle formulas into a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from praxis.core import audit, audit_chain, context
from praxis.core.exports import csv_safe
from praxis.core.models import AuditEvent
from praxis.core.testing.personas import sign_in

NEW_YORK = ZoneInfo("America/New_York")
AUDIT_URL = reverse("core:audit_list")
EXPORT_URL = reverse("core:audit_export")


def record_at(when: datetime, action: str, **kwargs: object) -> AuditEvent:
    """Record an event as if it happened at ``when`` (the trail only takes the present)."""
    with mock.patch.object(audit.timezone, "now", return_value=when):
        return audit.record(action, **kwargs)


def listed(response) -> set[int]:  # type: ignore[no-untyped-def]
    page = response.context["page"]
    return {event.id for event in page} if page else set()


# --- who may look --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["compliance_cole", "admin_ada"])
def test_the_compliance_officer_and_the_administrator_read_the_trail(client_for, persona, who):
    response = client_for(persona(who)).get(AUDIT_URL)

    assert response.status_code == 200
    assert b"Audit trail" in response.content
    assert response["Cache-Control"].startswith("no-store")


@pytest.mark.parametrize("who", ["manager_max", "outsider_otto", "frontdesk_fay"])
def test_everyone_else_is_refused(client_for, persona, who):
    user = persona(who)

    assert client_for(user).get(AUDIT_URL).status_code == 403
    assert client_for(user).post(EXPORT_URL).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, practice):
    response = client.get(AUDIT_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={AUDIT_URL}"
    assert client.post(EXPORT_URL).status_code == 302


# --- filters -----------------------------------------------------------------------------------


@pytest.fixture
def a_week_in_june(admin_ada, manager_max, frontdesk_fay):  # type: ignore[no-untyped-def]
    """Events around 10 and 11 June 2026, in the practice's own time zone (New York, UTC-4)."""
    june = lambda day, hour, minute=0: datetime(2026, 6, day, hour, minute, tzinfo=NEW_YORK)  # noqa: E731
    return {
        "before": record_at(
            june(9, 23, 59),
            "praxis.scheduling.appointment.booked",
            actor=frontdesk_fay,
            patient_id=7,
        ),
        "first_morning": record_at(
            june(10, 0, 0), "praxis.phi.read", actor=frontdesk_fay, patient_id=7
        ),
        "midday": record_at(june(10, 12), "praxis.auth.login.succeeded", actor=manager_max),
        # Late evening in New York is already the next day in UTC: still the 11th here.
        "late_evening": record_at(
            june(11, 23, 30), "praxis.phi.read", actor=manager_max, patient_id=8
        ),
        "after": record_at(
            june(12, 0, 30), "praxis.auth.login.failed", details={"email": "someone@example.org"}
        ),
        "admin": record_at(june(11, 9), "praxis.core.practice.updated", actor=admin_ada),
    }


def test_the_date_range_covers_whole_local_days(client_for, compliance_cole, a_week_in_june):
    response = client_for(compliance_cole).get(
        AUDIT_URL, {"date_from": "2026-06-10", "date_to": "2026-06-11"}
    )

    assert response.status_code == 200
    assert listed(response) == {
        a_week_in_june[name].id for name in ("first_morning", "midday", "late_evening", "admin")
    }


def test_filter_by_user(client_for, compliance_cole, manager_max, a_week_in_june):
    response = client_for(compliance_cole).get(AUDIT_URL, {"actor": manager_max.pk})

    assert listed(response) == {a_week_in_june["midday"].id, a_week_in_june["late_evening"].id}


def test_filter_by_patient(client_for, compliance_cole, a_week_in_june):
    response = client_for(compliance_cole).get(AUDIT_URL, {"patient_id": " 7 "})

    assert listed(response) == {a_week_in_june["before"].id, a_week_in_june["first_morning"].id}


def test_filter_by_action_prefix(client_for, compliance_cole, a_week_in_june):
    response = client_for(compliance_cole).get(
        AUDIT_URL, {"action": "praxis.auth.login", "date_to": "2026-06-30"}
    )

    assert listed(response) == {a_week_in_june["midday"].id, a_week_in_june["after"].id}


def test_filters_combine(client_for, compliance_cole, manager_max, a_week_in_june):
    response = client_for(compliance_cole).get(
        AUDIT_URL,
        {
            "date_from": "2026-06-11",
            "date_to": "2026-06-11",
            "action": "praxis.phi",
            "actor": manager_max.pk,
        },
    )

    assert listed(response) == {a_week_in_june["late_evening"].id}
    assert b"praxis.phi.read" in response.content


def test_the_htmx_filter_returns_only_the_results(client_for, compliance_cole, a_week_in_june):
    response = client_for(compliance_cole).get(
        AUDIT_URL, {"patient_id": "8"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert f"<td>{a_week_in_june['late_evening'].id}</td>" in html
    assert f"<td>{a_week_in_june['first_morning'].id}</td>" not in html


def test_a_user_of_another_practice_is_not_a_valid_filter(
    client_for, compliance_cole, other_practice, persona, a_week_in_june
):
    from praxis.core.testing.factories import UserFactory

    stranger = UserFactory(practice=other_practice)

    response = client_for(compliance_cole).get(AUDIT_URL, {"actor": stranger.pk})

    assert response.status_code == 400
    assert listed(response) == set()


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"date_from": "2026-06-11", "date_to": "2026-06-10"},
            "The end date is before the start date.",
        ),
        ({"date_from": "last tuesday"}, "Enter a valid date."),
        ({"date_to": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_a_bad_filter_is_explained_and_shows_nothing(
    client_for, compliance_cole, a_week_in_june, query, message
):
    response = client_for(compliance_cole).get(AUDIT_URL, query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert listed(response) == set()
    assert "No events match." in response.content.decode()


AUDIT_PAGE_QUERIES = 12


@pytest.mark.parametrize("events", [5, 60])
def test_the_list_costs_the_same_queries_however_long_the_trail(
    client_for,
    compliance_cole,
    admin_ada,
    manager_max,
    frontdesk_fay,
    django_assert_max_num_queries,
    events,
):
    people = [admin_ada, manager_max, frontdesk_fay, compliance_cole]
    for n in range(events):
        audit.record("praxis.phi.read", actor=people[n % len(people)], patient_id=n)
    client = client_for(compliance_cole)

    # Session, user, device, permissions, practice, roles, the actor choices, a count and one
    # page of events: ten today, whatever the number of events.
    with django_assert_max_num_queries(AUDIT_PAGE_QUERIES):
        first = client.get(AUDIT_URL)
    with django_assert_max_num_queries(AUDIT_PAGE_QUERIES):
        client.get(AUDIT_URL, {"page": 2})

    assert first.status_code == 200
    assert len(first.context["page"]) == min(events + 1, 50)  # + the sign-in event


# --- CSV export ----------------------------------------------------------------------------------


def export(client: Client, **filters: str) -> list[dict[str, str]]:
    response = client.post(EXPORT_URL, filters)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_export_is_a_csv_of_the_filtered_events(client_for, compliance_cole, a_week_in_june):
    rows = export(client_for(compliance_cole), patient_id="7")

    assert [int(r["id"]) for r in rows] == [
        a_week_in_june["first_morning"].id,
        a_week_in_june["before"].id,
    ]
    assert rows[0]["user"] == "frontdesk_fay@example.org"
    assert rows[0]["action"] == "praxis.phi.read"
    assert rows[0]["occurred_at_utc"] == "2026-06-10T04:00:00+00:00"
    assert rows[0]["hash"] == a_week_in_june["first_morning"].hash


ATTACKS = [
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://evil.example")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_cells_are_defused_in_the_export(client_for, compliance_cole):
    for payload in ATTACKS:
        audit.record(
            "praxis.patients.patient.imported",
            object_type="patients.patient",
            object_id=payload,
            patient_id=payload,
            practice_id=compliance_cole.practice_id,  # the worker's import, for this practice
        )
    with context.acting(request_id="=HYPERLINK(1)"):
        audit.record("praxis.patients.patient.imported", object_id="plain-42")

    rows = export(client_for(compliance_cole), action="praxis.patients")

    by_object = {r["object_id"]: r for r in rows}
    for payload in ATTACKS:
        row = by_object["'" + payload]
        assert row["patient_id"] == "'" + payload
    assert by_object["plain-42"]["request_id"] == "'=HYPERLINK(1)"
    assert len(rows) == len(ATTACKS) + 1


def test_the_export_is_itself_audited(client_for, compliance_cole):
    export(client_for(compliance_cole), action="praxis.phi", date_from="2026-06-01")

    exported = AuditEvent.objects.get(action="praxis.audit.exported")
    assert exported.actor == compliance_cole
    assert exported.details == {
        "filters": {"action": "praxis.phi", "date_from": "2026-06-01"},
    }
    assert audit_chain.verify_chain().ok


def test_the_export_lists_its_own_audit_event(client_for, compliance_cole):
    rows = export(client_for(compliance_cole), action="praxis.audit")

    assert [r["action"] for r in rows] == ["praxis.audit.exported"]


def test_a_bad_export_filter_exports_nothing_and_audits_nothing(client_for, compliance_cole):
    response = client_for(compliance_cole).post(
        EXPORT_URL, {"date_from": "2026-06-11", "date_to": "2026-06-10"}
    )

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not AuditEvent.objects.filter(action="praxis.audit.exported").exists()


def test_the_export_cannot_be_fetched_with_get(client_for, compliance_cole):
    response = client_for(compliance_cole).get(EXPORT_URL, {"action": "praxis"})

    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="praxis.audit.exported").exists()


def test_the_export_needs_a_csrf_token(compliance_cole):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, compliance_cole)

    response = browser.post(EXPORT_URL, {"action": "praxis"})

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="praxis.audit.exported").exists()


def test_the_export_works_with_the_pages_csrf_token(compliance_cole):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, compliance_cole)
    page = browser.get(AUDIT_URL)
    token = page.context["csrf_token"]

    response = browser.post(EXPORT_URL, {"action": "praxis", "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="praxis.audit.exported").count() == 1


# --- csv_safe ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+1-555-0100", "'+1-555-0100"),
        ("-5", "'-5"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        ("'=already quoted", "'=already quoted"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (-42, "'-42"),
        (Decimal("-12.50"), "'-12.50"),
        (Decimal("12.50"), "12.50"),
        ({"k": "=1"}, "{'k': '=1'}"),
    ],
)
def test_csv_safe(value, cell):
    assert csv_safe(value) == cell


# --- read as sentences, found by MRN and by action ---------------------------------------------


def test_the_trail_reads_as_sentences_naming_patients_by_name_and_mrn(
    client_for, compliance_cole, frontdesk_fay, practice
):
    from praxis.patients.testing.factories import PatientFactory

    amelie = PatientFactory(practice=practice, legal_first_name="Amélie", legal_last_name="Haddad")
    audit.record("praxis.phi.read", actor=frontdesk_fay, patient_id=amelie.pk)
    audit.record("praxis.auth.login.failed", details={"email": "guess@example.org"})

    page = client_for(compliance_cole).get(AUDIT_URL).content.decode()

    assert f"{frontdesk_fay.full_name}</strong> looked at Amélie Haddad (MRN {amelie.mrn})" in page
    assert "Someone signing in as guess@example.org</strong> failed to sign in" in page
    # Showing the names is itself a read of those patients, in the trail.
    shown = AuditEvent.objects.filter(action="praxis.phi.read", actor=compliance_cole).get()
    assert shown.patient_id == str(amelie.pk)


def test_the_trail_is_found_by_mrn(client_for, compliance_cole, frontdesk_fay, practice):
    from praxis.patients.testing.factories import PatientFactory

    amelie, bruno = PatientFactory.create_batch(2, practice=practice)
    hers = audit.record("praxis.phi.read", actor=frontdesk_fay, patient_id=amelie.pk)
    audit.record("praxis.phi.read", actor=frontdesk_fay, patient_id=bruno.pk)
    client = client_for(compliance_cole)

    assert listed(client.get(AUDIT_URL, {"mrn": f" {amelie.mrn} "})) == {hers.id}
    unknown = client.get(AUDIT_URL, {"mrn": "999999999"})
    assert unknown.status_code == 400
    assert "No patient of this practice has MRN 999999999." in unknown.content.decode()
    assert listed(unknown) == set()


def test_another_practices_mrn_finds_nothing(client_for, compliance_cole, other_practice):
    from praxis.patients.testing.factories import PatientFactory

    theirs = PatientFactory(practice=other_practice)
    type(theirs).objects.filter(pk=theirs.pk).update(mrn="777777")  # MRNs repeat across practices
    response = client_for(compliance_cole).get(AUDIT_URL, {"mrn": "777777"})
    assert response.status_code == 400 and listed(response) == set()


def test_actions_are_chosen_from_a_list_of_areas_and_phrases(client_for, compliance_cole):
    page = client_for(compliance_cole).get(AUDIT_URL).content.decode()

    assert '<optgroup label="Sign-in and accounts">' in page
    assert '<option value="praxis.auth">All: sign-in and accounts</option>' in page
    assert '<option value="praxis.auth.login.failed">failed to sign in</option>' in page
    assert '<option value="praxis.scheduling.appointment.booked">' in page
    bad = client_for(compliance_cole).get(AUDIT_URL, {"action": "' OR 1=1 --"})
    assert bad.status_code == 400 and "Choose an action from the list." in bad.content.decode()
