"""What the scheduling app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest
from praxis.core.models import Practice
from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem, Widget
from praxis.core.roles import BILLER, CLINICAL, FRONT_DESK, MANAGER, PROVIDER, Role

from . import operations, today

NAVIGATION = (
    NavItem("Calendar", "scheduling:calendar", "scheduling.view_schedule", order=100),
    NavItem("Ready for tomorrow", "scheduling:board", "scheduling.view_readiness_board", order=110),
    NavItem("Waitlist", "scheduling:waitlist", "scheduling.book_appointment", order=120),
    NavItem("Calendar feeds", "scheduling:feeds", "scheduling.view_schedule", order=130),
    NavItem(
        "Scheduling setup",
        "scheduling:setup",
        "scheduling.manage_scheduling_setup",
        order=50,
        in_settings=True,
    ),
)

# Whoever books, bills or treats sees the calendar; only the desk books.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "scheduling.view_schedule": frozenset({MANAGER, FRONT_DESK, BILLER, PROVIDER, CLINICAL}),
    "scheduling.book_appointment": frozenset({MANAGER, FRONT_DESK}),
    "scheduling.update_appointment_status": frozenset({MANAGER, FRONT_DESK, PROVIDER, CLINICAL}),
    "scheduling.manage_scheduling_setup": frozenset({MANAGER}),
    "scheduling.view_readiness_board": frozenset({MANAGER, FRONT_DESK}),
}


# --- the day's work on "My work": the response's one PHI-read event names what each shows ----


def desk_today(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    day = today.desk_day(practice)
    phi_audit.shown(*day.patient_ids, what="front desk today")
    return {"day": day}


def rooming(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    queue = today.rooming_queue(practice)
    phi_audit.shown(*queue.patient_ids, what="rooming queue")
    return {"queue": queue}


def my_day(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    provider = today.provider_of(request.user)
    if provider is None:
        return {"day": None}
    day = today.provider_day(provider)
    phi_audit.shown(*day.patient_ids, what="provider day")
    return {"day": day}


def operations_figures(request: AuthedRequest, practice: Practice) -> Mapping[str, Any]:
    ops = operations.operations(practice)
    groups = [("Providers", ops.providers, "providers"), ("Rooms", ops.rooms, "rooms")]
    return {"ops": ops, "groups": groups}


WIDGETS = (
    Widget(
        "my_work",
        "main",
        1,
        "scheduling/widgets/provider_day.html",
        my_day,
        permission="scheduling.view_schedule",
    ),
    Widget(
        "my_work",
        "main",
        2,
        "scheduling/widgets/desk_today.html",
        desk_today,
        permission="scheduling.book_appointment",
    ),
    Widget(
        "my_work",
        "main",
        3,
        "scheduling/widgets/rooming_queue.html",
        rooming,
        permission="scheduling.update_appointment_status",
    ),
    *(
        Widget(home, "figures", 5, "scheduling/widgets/operations_figures.html", operations_figures)
        for home in ("manager", "administrator")
    ),
    *(
        Widget(home, "main", 5, "scheduling/widgets/utilization.html", operations_figures)
        for home in ("manager", "administrator")
    ),
)

# How "My work" and the audit trail tell what was done (core.activity).
ACTIVITY = {
    "praxis.scheduling.appointment.booked": "booked a visit for {patient}",
    "praxis.scheduling.appointment.rescheduled": "rescheduled {patient}'s visit",
    "praxis.scheduling.appointment.cancelled": "canceled {patient}'s visit",
    "praxis.scheduling.appointment.confirmed": "confirmed {patient}'s visit",
    "praxis.scheduling.appointment.arrived": "checked in {patient}",
    "praxis.scheduling.appointment.in_room": "roomed {patient}",
    "praxis.scheduling.appointment.completed": "completed {patient}'s visit",
    "praxis.scheduling.appointment.no_show": "marked {patient} a no-show",
    "praxis.scheduling.appointment.moved_on_merge": "moved a visit to {patient}'s merged record",
    "praxis.scheduling.waitlist_entry.added": "put {patient} on the waitlist",
    "praxis.scheduling.waitlist_entry.removed": "took {patient} off the waitlist",
    "praxis.scheduling.waitlist_entry.offered": "offered {patient} a freed time",
    "praxis.scheduling.waitlist_entry.declined": "noted that {patient} declined a freed time",
    "praxis.scheduling.waitlist_entry.booked": "booked {patient} from the waitlist",
    "praxis.scheduling.waitlist_opening.opened": "freed a time for the waitlist",
    "praxis.scheduling.waitlist_opening.dismissed": "dismissed a freed time",
    "praxis.scheduling.reminder.sent": "sent {patient} a reminder",
    "praxis.scheduling.reminder.reply": "received {patient}'s reply to a reminder",
    "praxis.scheduling.reminder.outcome_unknown": "could not tell if a reminder reached {patient}",
    "praxis.scheduling.reminder.forgotten": "dropped a reminder of a moved visit",
    "praxis.scheduling.reminder_rule.saved": "saved a reminder rule",
    "praxis.scheduling.reminder_rule.paused": "paused a reminder rule",
    "praxis.scheduling.reminder_rule.resumed": "resumed a reminder rule",
    "praxis.scheduling.reminder_rule.tested": "sent a test reminder",
    "praxis.scheduling.provider.created": "added a provider",
    "praxis.scheduling.provider.updated": "changed a provider",
    "praxis.scheduling.resource.created": "added a room or piece of equipment",
    "praxis.scheduling.appointment_type.created": "added a visit type",
    "praxis.scheduling.appointment_type.updated": "changed a visit type",
    "praxis.scheduling.availability_template.created": "added weekly hours",
    "praxis.scheduling.availability_template.deleted": "removed weekly hours",
    "praxis.scheduling.availability_exception.created": "added time off or an extra session",
    "praxis.scheduling.availability_exception.deleted": "removed time off or an extra session",
    "praxis.scheduling.feed.created": "created a calendar feed",
    "praxis.scheduling.feed.revoked": "revoked a calendar feed",
    "praxis.scheduling.feed.read": "had a calendar feed read",
    "praxis.scheduling.demo.seeded": "added the demo schedule",
}

PLUGIN = AppPlugin(
    app="scheduling",
    activity=ACTIVITY,
    navigation=NAVIGATION,
    permissions=PERMISSIONS,
    widgets=WIDGETS,
    # visits are booked for the demo patients
    demo=DemoSeeder("praxis.scheduling.demo.seed_schedule", after=("patients",)),
)
