"""Audit events told as sentences: every action the code records has words, patients are named
with their MRN, and naming them on "My work" is itself audited."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from praxis.core import activity, audit
from praxis.core.models import AuditEvent
from praxis.patients.testing.factories import PatientFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "praxis"


def recorded_actions() -> set[str]:
    """Every action written as a literal in an ``audit.record(...)`` call of the source."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "record"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith("praxis.")
            ):
                found.add(node.args[0].value)
    return found


def test_every_recorded_action_has_words_of_its_own():
    actions = recorded_actions()
    assert len(actions) > 40  # the scan sees the code
    known = activity.plugins.activity_phrases() | activity.CORE_ACTIVITY
    assert sorted(actions - set(known)) == []


def test_an_unnamed_action_still_reads_as_words():
    assert activity.phrase_for("praxis.billing.claim_batch.sent") == "claim batch sent"


@pytest.mark.django_db
def test_sentences_name_patients_with_their_mrn(practice, frontdesk_fay):
    amelie = PatientFactory(practice=practice, legal_first_name="Amélie", legal_last_name="Haddad")
    events = [
        audit.record("praxis.scheduling.appointment.arrived", patient_id=amelie.pk),
        audit.record(
            "praxis.phi.read", patient_id="", details={"what": "waitlist", "patient_ids": [1, 2]}
        ),
        audit.record("praxis.auth.login.succeeded"),
    ]
    told = [line.sentence for line in activity.lines(events)]
    assert told == [
        f"checked in Amélie Haddad (MRN {amelie.mrn})",
        "looked at waitlist (2 patients)",
        "signed in",
    ]


@pytest.mark.django_db
def test_my_work_names_the_patient_and_audits_that_it_did(practice, client_for, frontdesk_fay):
    amelie = PatientFactory(practice=practice, legal_first_name="Amélie", legal_last_name="Haddad")
    audit.record("praxis.patients.patient.registered", patient_id=amelie.pk, actor=frontdesk_fay)
    before = AuditEvent.objects.count()

    html = client_for(frontdesk_fay).get(reverse("core:my_home")).content.decode()

    assert f"You registered Amélie Haddad (MRN {amelie.mrn})" in html
    read = AuditEvent.objects.filter(pk__gt=before, action="praxis.phi.read").get()
    assert "recent activity" in read.details["what"]
    assert read.details["patient_ids"] == [amelie.pk]
