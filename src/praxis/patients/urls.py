from django.urls import path

from . import views

app_name = "patients"

# Ids only: no name, date of birth or other PHI ever appears in a patient URL.
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("search/", views.patient_search, name="search"),
    path("new/", views.patient_register, name="register"),
    path("<int:patient_id>/", views.patient_detail, name="detail"),
    path("<int:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<int:patient_id>/coverages/new/", views.coverage_add, name="coverage_add"),
    path("<int:patient_id>/documents/", views.document_upload, name="document_upload"),
    path("<int:patient_id>/merge/", views.patient_merge, name="merge"),
    path("coverages/<int:coverage_id>/", views.coverage_edit, name="coverage_edit"),
    path("coverages/<int:coverage_id>/end/", views.coverage_end, name="coverage_end"),
    path(
        "coverages/<int:coverage_id>/eligibility/",
        views.coverage_eligibility,
        name="coverage_eligibility",
    ),
    path("documents/<int:document_id>/", views.document_download, name="document_download"),
    path("payers/", views.payer_list, name="payer_list"),
    path("payers/<int:payer_id>/", views.payer_edit, name="payer_edit"),
]
