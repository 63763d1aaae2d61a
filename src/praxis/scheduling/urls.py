from django.urls import path

from . import views

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
]
