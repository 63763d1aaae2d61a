from django.urls import path

from . import setup_views, views

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
    path("setup/", setup_views.setup, name="setup"),
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
        "setup/types/<int:type_id>/", setup_views.appointment_type_edit, name="appointment_type_edit"
    ),
    path("setup/resources/new/", setup_views.resource_new, name="resource_new"),
]
