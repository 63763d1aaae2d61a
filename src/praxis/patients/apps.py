from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "praxis.patients"
    label = "patients"
    verbose_name = "Patients"
