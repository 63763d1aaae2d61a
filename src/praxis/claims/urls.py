from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "claims"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.claim_list, name="list"),
    path("create/", views.claim_create, name="create"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/scrub/", views.claim_scrub, name="scrub"),
    path("batches/create/", views.batch_create, name="batch_create"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/file/", views.batch_download, name="batch_file"),
    path("batches/<int:batch_id>/submit/", views.batch_submit, name="batch_submit"),
]
