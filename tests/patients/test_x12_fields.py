"""What goes into a payer file is held to the X12 character set when it is typed: legal names,
the address, the coverage's member id, group number and subscriber. Accented letters are kept
(a claim folds them to their base letter, as payers file them); emoji, other scripts and the
delimiters ~ * : ^ | are refused with a message that names the character. The preferred name
never leaves the practice and stays free. And an emergency contact's phone needs a name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from praxis.core.testing.assertions import page_text
from praxis.core.validators import validate_x12_text, x12_fold
from praxis.patients.models import Coverage, Patient

from .helpers import edit_form_data, patient_form_data

REGISTER = reverse("patients:register")


@pytest.mark.parametrize(
    ("typed", "on_the_claim"),
    [
        ("José Núñez", "Jose Nunez"),
        ("Zoë Åberg", "Zoe Aberg"),
        ("Łukasz Weiß", "Lukasz Weiss"),
        ("O'Brien-Smith Jr.", "O'Brien-Smith Jr."),
        ("Apt. #4, 12 Pearl St/Unit (B)", "Apt. #4, 12 Pearl St/Unit (B)"),
        ("Nguyễn", "Nguyen"),
    ],
)
def test_names_payers_can_carry_are_accepted_and_fold_to_ascii(typed, on_the_claim):
    validate_x12_text(typed)
    assert x12_fold(typed) == on_the_claim


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Ann 😀", "“😀”"),
        ("Ann~Lee", "“~”"),
        ("Ann*Lee", "“*”"),
        ("Ann:Lee", "“:”"),
        ("Ann^Lee", "“^”"),
        ("Ann|Lee", "“|”"),
        ("王芳", "“王”"),
        ("Ann—Lee", "“—”"),
        ("Ann\tLee", "The character U+0009"),
    ],
)
def test_characters_no_payer_file_can_carry_are_refused_by_name(typed, named):
    with pytest.raises(ValidationError) as refused:
        validate_x12_text(typed)
    assert refused.value.messages[0].startswith(f"{named} ")
    assert "cannot go on an insurance claim" in refused.value.messages[0]


@pytest.mark.django_db
def test_an_emoji_in_a_legal_name_is_a_form_error_and_nothing_is_written(frontdesk_fay, client_for):
    response = client_for(frontdesk_fay).post(
        REGISTER, patient_form_data(legal_first_name="Zoë 🌸", preferred_name="Zoë 🌸")
    )
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert list(errors) == ["legal_first_name"]  # the preferred name may carry it
    assert errors["legal_first_name"][0].startswith("“🌸” cannot go on an insurance claim")
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_the_preferred_name_stays_free(frontdesk_fay, client_for, practice):
    response = client_for(frontdesk_fay).post(REGISTER, patient_form_data(preferred_name="Zo 🌸"))
    assert response.status_code == 302
    assert Patient.objects.get(practice=practice).preferred_name == "Zo 🌸"


@pytest.mark.django_db
def test_a_delimiter_in_the_address_is_refused_on_edit(frontdesk_fay, client_for, jose):
    url = reverse("patients:edit", args=[jose.pk])
    response = client_for(frontdesk_fay).post(
        url, edit_form_data(jose, address_line1="12 Pearl St~NM1*IL")
    )
    assert "cannot go on an insurance claim" in page_text(response)
    jose.refresh_from_db()
    assert jose.address_line1 != "12 Pearl St~NM1*IL"


@pytest.mark.django_db
def test_a_member_id_with_a_delimiter_is_refused(biller_bo, client_for, jose, aetna):
    from .test_coverage import coverage_form_data

    response = client_for(biller_bo).post(
        reverse("patients:coverage_add", args=[jose.pk]),
        coverage_form_data(aetna, member_id="W123*456", group_number="G:1"),
    )
    form = response.context["form"]
    assert form.errors["member_id"][0].startswith("“*”")
    assert form.errors["group_number"][0].startswith("“:”")
    assert not Coverage.objects.filter(patient=jose).exists()


@pytest.mark.django_db
def test_an_emergency_phone_without_a_name_is_refused(frontdesk_fay, client_for):
    response = client_for(frontdesk_fay).post(
        REGISTER, patient_form_data(emergency_contact_name="  ", emergency_contact_relationship="")
    )
    errors = response.context["form"].errors
    assert errors["emergency_contact_name"] == [
        "Give the emergency contact's name with their phone number: whoever calls must know "
        "whom to ask for."
    ]
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_an_emergency_contact_with_a_name_is_shown(frontdesk_fay, client_for, practice):
    fay = client_for(frontdesk_fay)
    assert fay.post(REGISTER, patient_form_data()).status_code == 302
    zoe = Patient.objects.get(practice=practice)
    page = fay.get(reverse("patients:detail", args=[zoe.pk]))
    assert "Erik Åberg (Brother), (802) 555-0178" in page_text(page)
