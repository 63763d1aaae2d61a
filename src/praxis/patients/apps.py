from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "praxis.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from praxis.core import plugins

        # merge: this app's own merge steps (coverages, documents, earlier merges)
        from . import merge  # noqa: F401
        from .plugin import PLUGIN

        plugins.register(PLUGIN)
        # PHI shown is PHI audited: reading these models' fields during a request names the
        # patient in the response's PHI-read event (core/phi_audit.py).
        from praxis.core.phi_audit import patient_fk, watch_phi

        from .models import Coverage, Patient, PatientDocument

        watch_phi(Patient)
        watch_phi(Coverage, patient_of=patient_fk)
        watch_phi(PatientDocument, patient_of=patient_fk)
        # Their history rows hold the same data (the historical patient keeps the patient's id).
        watch_phi(Patient.history.model)
        watch_phi(Coverage.history.model, patient_of=patient_fk)
        watch_phi(PatientDocument.history.model, patient_of=patient_fk)
