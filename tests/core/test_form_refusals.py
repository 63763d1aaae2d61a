"""The one shape of a form view: a service's refusal lands on the form, next to its field when it
names one; any other failure is not swallowed."""

from __future__ import annotations

import pytest
from django import forms

from praxis.core.forms import refusals_shown_on
from praxis.core.services import ServiceError


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_refusal_lands_on_top_of_the_form_and_the_block_is_left():
    form = NameForm({"name": "Exam 1"})
    assert form.is_valid()
    reached = []
    with refusals_shown_on(form):
        raise ServiceError("This location already has a room called 'Exam 1'.")
        reached.append(True)  # type: ignore[unreachable]
    assert reached == []
    assert form.non_field_errors() == ["This location already has a room called 'Exam 1'."]


def test_a_refusal_that_names_a_field_lands_next_to_it():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with refusals_shown_on(form):
        raise ServiceError({"name": "Too short.", "other": "Not a field of this form."})
    assert form.errors["name"] == ["Too short."]
    assert form.non_field_errors() == ["Not a field of this form."]


def test_other_failures_propagate():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with pytest.raises(RuntimeError), refusals_shown_on(form):
        raise RuntimeError("database went away")
    assert not form.errors
