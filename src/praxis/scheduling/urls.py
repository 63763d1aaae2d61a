from django.urls import path

from . import desk_views, ical_views, setup_views, sms_views, views, waitlist_views

app_name = "scheduling"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("find/", views.find_slot, name="find"),
    path("find/patients/", views.pick_patient, name="pick_patient"),
    path("book/", views.book, name="book"),
    path("appointments/<int:appointment_id>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:appointment_id>/status/", views.transition, name="transition"),
    path("appointments/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("ready/", views.readiness_board, name="board"),
    # moving a visit, weekly series, the visit-type colours of the calendar
    path(
        "appointments/<int:appointment_id>/reschedule/",
        desk_views.reschedule,
        name="reschedule",
    ),
    path(
        "appointments/<int:appointment_id>/reschedule/move/",
        desk_views.reschedule_move,
        name="reschedule_move",
    ),
    path("series/", desk_views.series, name="series"),
    path("series/book/", desk_views.series_book, name="series_book"),
    path("series/<int:series_id>/", desk_views.series_detail, name="series_detail"),
    path("appointment-types.css", desk_views.type_colours, name="type_colours"),
    # reminders, calendar files and feeds, the waitlist
    path("sms/reply", sms_views.sms_reply, name="sms_reply"),
    path(
        "appointments/<int:appointment_id>/ical",
        ical_views.appointment_ical,
        name="appointment_ical",
    ),
    path("feeds/", ical_views.feeds, name="feeds"),
    path("feeds/new/", ical_views.feed_create, name="feed_create"),
    path("feeds/<int:feed_id>/revoke/", ical_views.feed_revoke, name="feed_revoke"),
    path("feeds/<str:token>.ics", ical_views.provider_feed, name="provider_feed"),
    path("waitlist/", waitlist_views.waitlist_page, name="waitlist"),
    path("waitlist/add/", waitlist_views.waitlist_add, name="waitlist_add"),
    path("waitlist/<int:entry_id>/remove/", waitlist_views.waitlist_remove, name="waitlist_remove"),
    path(
        "waitlist/<int:entry_id>/decline/", waitlist_views.waitlist_decline, name="waitlist_decline"
    ),
    path(
        "waitlist/openings/<int:opening_id>/offer/",
        waitlist_views.waitlist_offer,
        name="waitlist_offer",
    ),
    path(
        "waitlist/openings/<int:opening_id>/book/",
        waitlist_views.waitlist_book,
        name="waitlist_book",
    ),
    path(
        "waitlist/openings/<int:opening_id>/dismiss/",
        waitlist_views.waitlist_dismiss,
        name="waitlist_dismiss",
    ),
    path("setup/", setup_views.setup, name="setup"),
    path("setup/reminders/", setup_views.reminder_rule_add, name="reminder_rule_add"),
    path(
        "setup/reminders/<int:rule_id>/toggle/",
        setup_views.reminder_rule_toggle,
        name="reminder_rule_toggle",
    ),
    path(
        "setup/reminders/<int:rule_id>/test/",
        setup_views.reminder_rule_test,
        name="reminder_rule_test",
    ),
    path("setup/providers/new/", setup_views.provider_edit, name="provider_new"),
    path("setup/providers/<int:provider_id>/", setup_views.provider_edit, name="provider_edit"),
    path("setup/providers/<int:provider_id>/hours/", setup_views.hours_add, name="hours_add"),
    path("setup/hours/<int:template_id>/delete/", setup_views.hours_delete, name="hours_delete"),
    path(
        "setup/providers/<int:provider_id>/exceptions/",
        setup_views.exception_add,
        name="exception_add",
    ),
    path(
        "setup/exceptions/<int:exception_id>/delete/",
        setup_views.exception_delete,
        name="exception_delete",
    ),
    path("setup/types/new/", setup_views.appointment_type_edit, name="appointment_type_new"),
    path(
        "setup/types/<int:type_id>/",
        setup_views.appointment_type_edit,
        name="appointment_type_edit",
    ),
    path("setup/resources/new/", setup_views.resource_new, name="resource_new"),
]
