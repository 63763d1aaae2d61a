"""Showing patient data: phone numbers as people write them, ages."""

from __future__ import annotations

from datetime import date

import phonenumbers
from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """+18025550142 -> (802) 555-0142; numbers abroad keep their international form."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


@register.filter
def age(born: date | None) -> int | str:
    if born is None:
        return ""
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
