"""Riverbend's compliance binder for the demo: a dozen policies across the categories, most
approved a while ago and acknowledged by most of the staff; two with a newer version (one asking
only the front desk to acknowledge again), one in review, one draft; and an open privacy
incident assessed as a breach, with its notice deadlines running.

Everything goes through the services, so the audit trail reads like real work. A practice that
has policies already is left alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from praxis.core.models import Location, Practice, User
from praxis.core.roles import ROLES

from . import incidents, policies
from .models import Acknowledgment, Policy

EVERYONE = [role.slug for role in ROLES]
CLINIC = ["provider", "clinical", "front_desk", "manager"]
BILLING = ["biller", "manager", "front_desk"]
BASE_TEXT = (
    "Purpose\n{purpose}\n\nScope\nThis policy applies to {scope} of Riverbend Family Medicine.\n\n"
    "Policy\n{rule}\n\nResponsibilities\nThe policy owner keeps this policy current and answers "
    "questions about it. Report anything that does not follow it to the Compliance Officer."
)

# (title, category, audience, purpose, rule)
POLICIES = (
    (
        "Notice of Privacy Practices",
        "hipaa_privacy",
        EVERYONE,
        "How we tell patients how their health information is used.",
        "Every new patient is offered the notice and asked to sign the acknowledgment.",
    ),
    (
        "Minimum necessary use of PHI",
        "hipaa_privacy",
        EVERYONE,
        "Use and share only the health information a task needs.",
        "Look up a patient's record only for treatment, payment or operations you are part of.",
    ),
    (
        "Workstation and password security",
        "hipaa_security",
        EVERYONE,
        "Keep computers and accounts that hold PHI safe.",
        "Lock your screen when you step away. Never share a password. Use two-step sign-in.",
    ),
    (
        "Security incident response",
        "hipaa_security",
        EVERYONE,
        "What to do when PHI may have been exposed.",
        "Report a lost device, a misdirected e-mail or a suspicious message at once.",
    ),
    (
        "Bloodborne pathogens exposure control",
        "osha",
        ["provider", "clinical"],
        "Protect staff from exposure to blood and other infectious material.",
        "Use sharps containers, wear gloves, and report every needlestick the same day.",
    ),
    (
        "Hazard communication",
        "osha",
        CLINIC,
        "Know the chemicals used in the office and how to handle them.",
        "Safety data sheets are kept in the lab binder; label every secondary container.",
    ),
    (
        "Coding and billing accuracy",
        "billing",
        BILLING,
        "Bill only what was documented and done.",
        "Code from the visit note; never upcode; query the provider when unsure.",
    ),
    (
        "Collecting patient payments",
        "billing",
        BILLING,
        "Collect copays and balances fairly and consistently.",
        "Collect the copay at check-in; offer a payment plan for balances over $200.",
    ),
    (
        "Code of conduct",
        "hr",
        EVERYONE,
        "How we treat patients and each other.",
        "Be respectful, honest and on time. Harassment of any kind is not tolerated.",
    ),
    (
        "Attendance and time off",
        "hr",
        EVERYONE,
        "Plan coverage so every visit is staffed.",
        "Request time off two weeks ahead; call the manager before 7 a.m. when sick.",
    ),
    (
        "Patient check-in and identity",
        "clinical",
        CLINIC,
        "Make sure we treat and bill the right person.",
        "Confirm two identifiers (name and date of birth) at check-in and before each procedure.",
    ),
    (
        "Fire and evacuation plan",
        "emergency",
        EVERYONE,
        "Get everyone out safely.",
        "Know both exits; the last person out of each room closes its door; meet in the front lot.",
    ),
)
# Titles that get a second, approved version: the first resets only the front desk.
REVISED = {
    "Patient check-in and identity": (["front_desk"], "Check-in now also confirms the address."),
    "Workstation and password security": (EVERYONE, "Screens lock after five minutes."),
}
IN_REVIEW = "Collecting patient payments"
DRAFT_ONLY = "Hazard communication"


def _text(purpose: str, audience: list[str], rule: str) -> str:
    scope = "everyone" if audience == EVERYONE else "the staff named above"
    return BASE_TEXT.format(purpose=purpose, scope=scope, rule=rule)


def _people(practice: Practice) -> dict[str, User]:
    users = User.objects.filter(practice=practice, is_active=True).prefetch_related("groups")
    return {u.email.split("@")[0]: u for u in users}


def _acknowledge_most(policy: Policy, people: list[User], when: date, skip_every: int) -> None:
    """Most of the audience acknowledged a few days after the version took effect."""
    for n, user in enumerate(people):
        if n % skip_every == 0 or not policies.must_read(policy, user):
            continue
        ack = policies.policy_acknowledge(policy=policy, user=user)
        day = when + timedelta(days=n % 9)
        stamp = timezone.make_aware(datetime.combine(day, time(9 + n % 7)))
        Acknowledgment.objects.filter(pk=ack.pk).update(acknowledged_at=stamp)


@transaction.atomic
def seed_compliance(practice: Practice) -> int:
    """Returns the number of policies added: 0 when the practice had some."""
    if Policy.objects.filter(practice=practice).exists():
        return 0
    people = _people(practice)
    admin, officer = people.get("admin"), people.get("compliance")
    if admin is None or officer is None:
        return 0
    staff = sorted(people.values(), key=lambda u: u.email)
    today = timezone.localdate()
    first_effective = today - timedelta(days=200)
    for n, (title, category, audience, purpose, rule) in enumerate(POLICIES):
        policy = policies.policy_create(
            practice=practice,
            title=title,
            category=category,
            owner=officer if category.startswith("hipaa") else admin,
            roles=audience,
            body=_text(purpose, audience, rule),
            by=officer,
        )
        v1 = policy.versions.get()
        if title == DRAFT_ONLY:
            continue
        policies.version_submit(version=v1, by=officer)
        policies.version_approve(
            version=v1,
            effective_date=first_effective,
            next_review_date=first_effective + timedelta(days=365),
            by=admin,
        )
        policy.refresh_from_db()
        _acknowledge_most(policy, staff, first_effective, skip_every=4 + n % 3)
        if title in REVISED:
            affected, change = REVISED[title]
            v2 = policies.version_create(
                policy=policy,
                body=_text(purpose, audience, rule) + f"\n\n{change}",
                change_summary=change,
                affected_roles=affected,
                by=officer,
            )
            policies.version_submit(version=v2, by=officer)
            policies.version_approve(
                version=v2,
                effective_date=today - timedelta(days=5),
                next_review_date=today + timedelta(days=360),
                by=admin,
            )
        if title == IN_REVIEW:
            v2 = policies.version_create(
                policy=policy,
                body=_text(purpose, audience, rule)
                + "\n\nCards on file are charged only with written consent.",
                change_summary="Cards on file need written consent.",
                affected_roles=["front_desk"],
                by=officer,
            )
            policies.version_submit(version=v2, by=officer)
    _seed_breach(practice, people, officer, today)
    return len(POLICIES)


def _seed_breach(practice: Practice, people: dict[str, User], officer: User, today: date) -> None:
    reporter = people.get("frontdesk", officer)
    incident = incidents.incident_report(
        practice=practice,
        values={
            "kind": "privacy",
            "title": "Visit summaries mailed to the wrong addresses",
            "description": "A mail merge paired visit summaries with the wrong envelopes.",
            "occurred_on": today - timedelta(days=24),
            "discovered_on": today - timedelta(days=20),
            "location": Location.objects.filter(practice=practice).order_by("pk").first(),
            "where": "Front office mail room",
            "severity": "high",
            "people_involved": "Front desk team; the mailing vendor",
            "actions_taken": "Mailing stopped; vendor notified; envelopes being recovered.",
        },
        by=reporter,
    )
    breach = incidents.breach_assess(
        incident=incident,
        affected_total=640,
        affected_by_state={"VT": 590, "NH": 38, "NY": 12},
        law_enforcement_delay_until=None,
        notes="Names, addresses and visit dates; no Social Security numbers.",
        by=officer,
    )
    incidents.notice_record(
        breach=breach,
        recipient="individuals",
        state="",
        sent_on=today - timedelta(days=2),
        method="First-class mail",
        by=officer,
    )
    incidents.incident_report(
        practice=practice,
        values={
            "kind": "workplace_injury",
            "title": "Needlestick in the lab",
            "occurred_on": today - timedelta(days=40),
            "discovered_on": today - timedelta(days=40),
            "severity": "moderate",
            "people_involved": "A medical assistant",
            "actions_taken": "Washed, reported, seen at occupational health the same day.",
        },
        by=people.get("clinical", officer),
    )
