from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("administrator/", views.administrator_home, name="administrator"),
    path("manager/", views.manager_home, name="manager"),
]
