from django.urls import URLPattern, URLResolver, path

from . import credential_views, views

app_name = "staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.staff_list, name="list"),
    path("add/", views.member_add, name="add"),
    path("me/", views.my_page, name="mine"),
    path("<int:member_id>/", views.member_detail, name="member"),
    path("<int:member_id>/edit/", views.member_edit, name="edit"),
    path(
        "<int:member_id>/credentials/add/", credential_views.credential_add, name="credential_add"
    ),
    path("<int:member_id>/pay/", credential_views.pay_add, name="pay_add"),
    path("<int:member_id>/separate/", credential_views.separate, name="separate"),
    path(
        "credentials/<int:credential_id>/verify/",
        credential_views.credential_verify,
        name="credential_verify",
    ),
    path(
        "credentials/<int:credential_id>/renew/",
        credential_views.credential_renew,
        name="credential_renew",
    ),
    path(
        "credentials/<int:credential_id>/document/",
        credential_views.credential_document,
        name="credential_document",
    ),
    path("positions/", credential_views.positions, name="positions"),
    path("positions/<int:position_id>/", credential_views.position_edit, name="position_edit"),
    path("settings/", credential_views.gate_settings, name="settings"),
]
