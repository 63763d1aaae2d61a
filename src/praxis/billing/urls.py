from django.urls import URLPattern, URLResolver, path

from . import ar_views, code_views, day_views, encounter_views, fee_views, payment_views

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("codes/", code_views.code_list, name="codes"),
    path("codes/add/", code_views.code_add, name="code_add"),
    path("codes/<int:code_id>/", code_views.code_edit, name="code_edit"),
    path("codes/export.csv", code_views.code_export, name="codes_csv"),
    path("codes/import/", code_views.code_import, name="codes_import"),
    path("icd10/", code_views.icd10, name="icd10"),
    path("fees/", fee_views.fee_list, name="fees"),
    path("fees/add/", fee_views.fee_add, name="fee_add"),
    path("fees/<int:fee_id>/", fee_views.fee_edit, name="fee_edit"),
    path("fees/export.csv", fee_views.fee_export, name="fees_csv"),
    path("fees/import/", fee_views.fee_import, name="fees_import"),
    path("encounters/", encounter_views.queue, name="queue"),
    path("encounters/new/", encounter_views.encounter_new, name="encounter_new"),
    path("encounters/<int:encounter_id>/", encounter_views.encounter_detail, name="encounter"),
    path(
        "encounters/<int:encounter_id>/icd10/",
        encounter_views.encounter_icd10,
        name="encounter_icd10",
    ),
    path(
        "encounters/<int:encounter_id>/ready/",
        encounter_views.encounter_ready,
        name="encounter_ready",
    ),
    path(
        "encounters/<int:encounter_id>/void/",
        encounter_views.encounter_void,
        name="encounter_void",
    ),
    path("visits/<int:appointment_id>/bill/", encounter_views.bill_visit, name="bill_visit"),
    path("ar/", ar_views.ar_aging, name="ar_aging"),
    path("ar/aging.csv", ar_views.ar_aging_csv, name="ar_aging_csv"),
    path("ar/lines/", ar_views.ar_lines, name="ar_lines"),
    path("ar/lines.csv", ar_views.ar_lines_csv, name="ar_lines_csv"),
    path("ar/collections/", ar_views.ar_collections, name="ar_collections"),
    path(
        "ar/collections/<int:patient_id>/",
        ar_views.ar_collection_patient,
        name="ar_collection_patient",
    ),
    path("patients/<int:patient_id>/account/", payment_views.account_page, name="account"),
    path("patients/<int:patient_id>/pay/", payment_views.payment_take, name="payment_take"),
    path(
        "patients/<int:patient_id>/apply-credit/",
        payment_views.credit_apply,
        name="credit_apply",
    ),
    path("patients/<int:patient_id>/refund/", payment_views.refund, name="refund"),
    path("payments/<int:payment_id>/", payment_views.payment_page, name="payment"),
    path("payments/<int:payment_id>/receipt.pdf", payment_views.receipt, name="receipt"),
    path("day/", day_views.day_sheet, name="day_sheet"),
    path("day/export.csv", day_views.day_sheet_csv, name="day_sheet_csv"),
    path("day/close/", day_views.day_close_view, name="day_close"),
]
