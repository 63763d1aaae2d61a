"""The patients cast: José Núñez, a patient of Riverbend Family Medicine; Aetna and Medicare,
two of its payers; another practice's patient; and an empty folder for uploaded documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from praxis.core.models import Practice
from praxis.patients.models import Patient, Payer
from praxis.patients.testing.factories import PatientFactory, PayerFactory


@pytest.fixture(autouse=True)
def document_storage(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Each test stores uploads in a folder of its own, so it can see exactly what was written."""
    folder = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "file_permissions_mode": 0o600},
        },
    }
    yield folder


@pytest.fixture
def aetna(practice: Practice) -> Payer:
    return PayerFactory(practice=practice, name="Aetna", edi_payer_id="60054")


@pytest.fixture
def medicare(practice: Practice) -> Payer:
    return PayerFactory(
        practice=practice, name="Medicare", edi_payer_id="VTMCR", kind=Payer.Kind.MEDICARE
    )


@pytest.fixture
def jose(practice: Practice) -> Patient:
    return PatientFactory(
        practice=practice,
        legal_first_name="José",
        legal_last_name="Núñez",
        preferred_name="Pepe",
        date_of_birth=date(1980, 2, 3),
        sex=Patient.Sex.MALE,
        phone="+18025550142",
    )


@pytest.fixture
def elsewhere_patient(other_practice: Practice) -> Patient:
    return PatientFactory(
        practice=other_practice,
        legal_first_name="Olga",
        legal_last_name="Otherton",
        date_of_birth=date(1975, 7, 7),
        mrn="777777",  # MRNs are per practice: this one is not also Riverbend's
    )
