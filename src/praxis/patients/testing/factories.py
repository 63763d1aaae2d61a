"""factory_boy factories for patients, payers and coverages, shared by the tests and the demo.

They write rows directly (no audit events), with the same MRN sequence and folded search name
the registration service uses."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from django.db import transaction

from praxis.core.testing.factories import PracticeFactory

from ..matching import search_name_for
from ..models import Coverage, Patient, PatientDocument, Payer
from ..registration import next_mrn


class PayerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payer

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Payer {n}")
    edi_payer_id = factory.Sequence(lambda n: f"P{n:05d}")
    kind = Payer.Kind.COMMERCIAL


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    practice = factory.SubFactory(PracticeFactory)
    legal_first_name = factory.Sequence(lambda n: f"Pat{chr(97 + n % 26)}{n}")
    legal_last_name = factory.Sequence(lambda n: f"Person{n}")
    date_of_birth = date(1980, 5, 17)
    sex = Patient.Sex.FEMALE
    phone = ""

    @classmethod
    def _create(cls, model_class: type[Patient], *args: Any, **kwargs: Any) -> Patient:
        kwargs.setdefault(
            "search_name",
            search_name_for(
                kwargs["legal_last_name"],
                kwargs["legal_first_name"],
                kwargs.get("preferred_name", ""),
            ),
        )
        with transaction.atomic():
            if "mrn" not in kwargs:
                kwargs["mrn"] = next_mrn(kwargs["practice"])
            return super()._create(model_class, *args, **kwargs)  # type: ignore[no-any-return]


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coverage

    patient = factory.SubFactory(PatientFactory)
    payer = factory.SubFactory(PayerFactory, practice=factory.SelfAttribute("..patient.practice"))
    member_id = factory.Sequence(lambda n: f"M{n:08d}")
    effective_date = date(2024, 1, 1)


class ConsentFormFactory(factory.django.DjangoModelFactory):
    """A signed consent form on file (the record only: no file is stored)."""

    class Meta:
        model = PatientDocument

    patient = factory.SubFactory(PatientFactory)
    kind = PatientDocument.Kind.CONSENT_FORM
    original_filename = "consent.pdf"
    stored_name = factory.Sequence(lambda n: f"consent{n}")
    content_type = "application/pdf"
    size = 1
    sha256 = "0" * 64
