"""The ranges every date and id a person or a script sends must lie in, in one place.

Python's dates run from year 1 to 9999 and the database's integers to 2**63 - 1, but the
arithmetic around a date (a week around it, a zone's offset, a search window after it) steps
outside those limits at their edges and fails as a 500. A practice books, lists and searches
between 1900 and 2199; anything else is refused at the edge with a message, by the API's schemas
(``BoundedDate``, ``Id``, ``LocalTime``) and the pages' forms (``BoundedDateField``,
``IdField``) alike.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any

from django import forms
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, WithJsonSchema

from praxis.core import datefmt

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# Primary keys are 64-bit signed in PostgreSQL and SQLite alike.
MAX_ID = 2**63 - 1

DATE_RANGE_MESSAGE = (
    f"Choose a date between {datefmt.short(EARLIEST_DATE)} and {datefmt.short(LATEST_DATE)}."
)
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

# What the schema promises, as patterns a client (or a schema-driven test) can check: a date in
# the supported years, a time of day without an offset. The validators hold the API to them:
# pydantic alone would also read 0 as 1970-01-01 and 09:00+05:00 as a time of day.
DATE_PATTERN = r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _iso_text(pattern: str, message: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and compiled.fullmatch(value):
            return value
        if isinstance(value, date | time):  # already parsed (a default, or a test's object)
            return value
        raise ValueError(message)

    return BeforeValidator(check)


BoundedDate = Annotated[
    date,
    _iso_text(DATE_PATTERN, f"Give the date as YYYY-MM-DD. {DATE_RANGE_MESSAGE}"),
    AfterValidator(check_date),
    Field(
        description=f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}",
        json_schema_extra={"pattern": DATE_PATTERN},
    ),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# How many rows a page skips: the database reads it as a 64-bit number too.
Offset = Annotated[int, Field(ge=0, le=MAX_ID)]


def _text_only(value: Any) -> Any:
    if isinstance(value, str | datetime):
        return value
    raise ValueError("Give the time as an ISO 8601 text with a UTC offset.")


# An instant with its offset, as text: pydantic alone would read 0 as 1970-01-01T00:00Z.
Instant = Annotated[AwareDatetime, BeforeValidator(_text_only)]

# Not "format: time": that format (RFC 3339) requires the offset a local time must not carry.
LocalTime = Annotated[
    time,
    _iso_text(TIME_PATTERN, "Give a local time of day as HH:MM, without a UTC offset."),
    AfterValidator(check_local_time),
    WithJsonSchema(
        {"type": "string", "pattern": TIME_PATTERN, "description": "local time of day, HH:MM"}
    ),
]


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
