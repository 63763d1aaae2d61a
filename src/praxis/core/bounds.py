"""The ranges every date and id a person or a script sends must lie in, in one place.

Python's dates run from year 1 to 9999 and the database's integers to 2**63 - 1, but the
arithmetic around a date (a week around it, a zone's offset, a search window after it) steps
outside those limits at their edges and fails as a 500. A practice books, lists and searches
between 1900 and 2199; anything else is refused at the edge with a message, by the API's schemas
(``BoundedDate``, ``Id``, ``LocalTime``) and the pages' forms (``BoundedDateField``,
``IdField``) alike.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from django import forms
from pydantic import AfterValidator, Field

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# Primary keys are 64-bit signed in PostgreSQL and SQLite alike.
MAX_ID = 2**63 - 1

DATE_RANGE_MESSAGE = f"Choose a date between {EARLIEST_DATE:%m/%d/%Y} and {LATEST_DATE:%m/%d/%Y}."
ID_RANGE_MESSAGE = f"Ids are whole numbers from 1 to {MAX_ID}."


def check_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(DATE_RANGE_MESSAGE)
    return value


def check_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise ValueError(ID_RANGE_MESSAGE)
    return value


def check_local_time(value: time) -> time:
    """A time of day on a location's clock carries no zone: the location gives it one."""
    if value.tzinfo is not None:
        raise ValueError("Give a local time of day without a UTC offset, e.g. 09:30.")
    return value


# --- the API's types (pydantic) ------------------------------------------------------------------

# The schema shows the range (minimum/maximum, the dates in the description); the validator's
# message is the one a caller reads.
BoundedDate = Annotated[
    date,
    AfterValidator(check_date),
    Field(description=f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
LocalTime = Annotated[time, AfterValidator(check_local_time)]


# --- the pages' form fields --------------------------------------------------------------------


def _date_in_range(value: date) -> None:
    try:
        check_date(value)
    except ValueError as error:
        raise forms.ValidationError(str(error), code="date_range") from None


class BoundedDateField(forms.DateField):
    """A date field whose value lies in the supported range (a date picker by default)."""

    default_validators = [_date_in_range]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                attrs={
                    "type": "date",
                    "min": EARLIEST_DATE.isoformat(),
                    "max": LATEST_DATE.isoformat(),
                }
            ),
        )
        super().__init__(**kwargs)


def _id_in_range(value: int) -> None:
    try:
        check_id(value)
    except ValueError as error:
        raise forms.ValidationError(str(error), code="id_range") from None


class IdField(forms.IntegerField):
    """A record's id sent by a form (a hidden field): a whole number a primary key can hold."""

    widget = forms.HiddenInput
    default_validators = [_id_in_range]
