"""The two shapes of a view that calls a service: a refusal lands on the form (next to its field
when it names one) or, for a button that posts and redirects, in an error message; any other
failure is not swallowed."""

from __future__ import annotations

import pytest
from django import forms

from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.core.service_support import ServiceError


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


def test_a_refusal_behind_a_button_becomes_an_error_message(rf):  # type: ignore[no-untyped-def]
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with refusals_as_messages(request):
        raise ServiceError("A visit that is completed cannot be cancelled.")
    with pytest.raises(RuntimeError), refusals_as_messages(request):
        raise RuntimeError("database went away")
    assert [str(m) for m in get_messages(request)] == [
        "A visit that is completed cannot be cancelled."
    ]
