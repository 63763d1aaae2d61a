from django.urls import URLPattern, URLResolver, path

from . import incident_views, policy_views

app_name = "compliance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("policies/to-read/", policy_views.to_read, name="to_read"),
    path("policies/", policy_views.policy_list, name="policies"),
    path("policies/add/", policy_views.policy_add, name="policy_add"),
    path("policies/people/", policy_views.people, name="people"),
    path("policies/<int:policy_id>/", policy_views.policy_detail, name="policy"),
    path("policies/<int:policy_id>/versions/add/", policy_views.version_add, name="version_add"),
    path("policies/<int:policy_id>/acknowledge/", policy_views.acknowledge, name="acknowledge"),
    path("policies/<int:policy_id>/remind/", policy_views.remind, name="remind"),
    path("policies/<int:policy_id>/retire/", policy_views.policy_retire, name="retire"),
    path("versions/<int:version_id>/", policy_views.version_detail, name="version"),
    path("versions/<int:version_id>/submit/", policy_views.version_submit, name="version_submit"),
    path(
        "versions/<int:version_id>/approve/", policy_views.version_approve, name="version_approve"
    ),
    path("versions/<int:version_id>/file/", policy_views.version_file, name="version_file"),
    path("incidents/", incident_views.incident_list, name="incidents"),
    path("incidents/report/", incident_views.incident_add, name="incident_add"),
    path("incidents/<int:incident_id>/", incident_views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/edit/", incident_views.incident_edit, name="incident_edit"),
    path("incidents/<int:incident_id>/breach/", incident_views.breach_assess, name="breach"),
    path("incidents/<int:incident_id>/notices/", incident_views.notice_add, name="notice_add"),
]
