"""Money: US dollars as ``Decimal``, never float.

Amounts are exact in between and rounded to whole cents (half a cent away from zero,
ROUND_HALF_UP) only at the edges: where an amount is typed in (``parse_money``: forms, CSV
imports, the API), where a computed amount becomes a stored one (``round_money``), and where it is
shown (``format_money`` for pages, ``money_csv`` for files and the API). So three units at
$33.335 make one line of $100.01 (rounded once, not $33.34 three times), and a total of stored
lines is the exact sum of the cents each line shows.

For forms there is ``MoneyField``; for templates ``{% load money %}{{ amount|money }}``; for the
API ``ApiMoney``, read from a string ("1234.50", "$1,234.50") and written as one with two places.
Columns holding money: ``DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

DECIMAL_PLACES = 2
MAX_DIGITS = 12  # up to $9,999,999,999.99: more is a typing slip, not a practice's money
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LARGEST = Decimal("9999999999.99")

# Enough precision for any amount in range with room to spare; ties go away from zero.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)
_LONGEST_TEXT = 40  # "-$9,999,999,999.99" is 18 characters; far longer is not an amount
_AMOUNT = re.compile(
    r"(?P<sign>[-+]?)\s*\$?\s*(?P<sign_after>[-+]?)(?P<whole>[0-9][0-9,]*)?(?:\.(?P<cents>[0-9]*))?",
    re.ASCII,
)
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+", re.ASCII)

NOT_AN_AMOUNT = "{text!r} is not an amount of money; write it like 1234.50 or $1,234.50."
TOO_LARGE = "{text!r} is too large; amounts go up to $9,999,999,999.99."


class MoneyError(ValueError):
    """Text that is not an amount of money; the message says what is wrong, for the person."""


def round_money(value: Decimal | int) -> Decimal:
    """An exact amount (a product, a share, a sum) to whole cents, half a cent away from zero.
    Refuses float: a float cannot hold most amounts of cents exactly."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"money is a Decimal (or an int of dollars), not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount of money")
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)
    return rounded if rounded else ZERO  # no "-0.00"


def parse_money(text: str) -> Decimal:
    """An amount as people and spreadsheets write it — "1234.5", "$1,234.50", "-12", " 12 ",
    "-$12.00" — as a Decimal with two places. Refuses, saying why: nothing typed, more than two
    decimal places (no silent rounding of what was typed), exponents, NaN and infinities, commas
    that are not thousands separators, and amounts beyond ``LARGEST``."""
    stripped = text.strip()
    if not stripped:
        raise MoneyError("Enter an amount.")
    if len(stripped) > _LONGEST_TEXT:
        raise MoneyError("That is too long to be an amount; amounts go up to $9,999,999,999.99.")
    match = _AMOUNT.fullmatch(stripped)
    if (
        match is None
        or not (match["whole"] or match["cents"])
        or (match["sign"] and match["sign_after"])
    ):
        raise MoneyError(_why_not(stripped))
    whole, cents = match["whole"] or "0", match["cents"] or ""
    if "," in whole and not _GROUPED.fullmatch(whole):
        raise MoneyError(
            f"{stripped!r}: commas go between groups of three digits (1,234,567.89), "
            "or leave them out."
        )
    if len(cents) > DECIMAL_PLACES:
        raise MoneyError(
            f"{stripped!r} has {len(cents)} decimal places; an amount has at most 2 (cents)."
        )
    sign = "-" if "-" in (match["sign"], match["sign_after"]) else ""
    amount = Decimal(f"{sign}{whole.replace(',', '')}.{cents:0<2}")
    if abs(amount) > LARGEST:
        raise MoneyError(TOO_LARGE.format(text=stripped))
    return amount if amount else ZERO


def _why_not(text: str) -> str:
    if re.fullmatch(r"[-+$\s]*[0-9.,]+[eE][-+]?[0-9]+", text):
        return f"{text!r} is in exponent notation; write the amount out in digits, like 1000.00."
    return NOT_AN_AMOUNT.format(text=text)


def format_money(value: Decimal | int) -> str:
    """For pages: "$1,234.50"; a negative amount "-$12.00"."""
    amount = round_money(value)
    text = f"${abs(amount):,.2f}"
    return f"-{text}" if amount < 0 else text


def money_csv(value: Decimal | int) -> str:
    """For files and the API: "1234.50", "-12.00" (no dollar sign, no thousands commas)."""
    return f"{round_money(value):.2f}"


# --- forms -----------------------------------------------------------------------------------


class MoneyField(forms.Field):
    """An amount typed as people write it, cleaned to a Decimal with two places. Its errors are
    ``parse_money``'s; ``min_value`` / ``max_value`` bound it (e.g. a payment is at least $0.01)."""

    widget = forms.TextInput

    def __init__(
        self, *, min_value: Decimal | None = None, max_value: Decimal | None = None, **kwargs: Any
    ) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            value = format(value, "f")
        try:
            return parse_money(str(value))
        except MoneyError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                f"The amount must be at least {format_money(self.min_value)}.", code="min_value"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                f"The amount can be at most {format_money(self.max_value)}.", code="max_value"
            )

    def prepare_value(self, value: Any) -> Any:
        return money_csv(value) if isinstance(value, Decimal) and value.is_finite() else value


# --- the API ---------------------------------------------------------------------------------


def _api_amount(value: object) -> Decimal:
    if isinstance(value, float):
        raise PydanticCustomError(
            "money_type",
            'Send the amount as a string, such as "12.50": a JSON number may not hold cents '
            "exactly.",
        )
    if isinstance(value, Decimal):
        value = format(value, "f")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError("money_type", 'Send the amount as a string, such as "12.50".')
    try:
        return parse_money(str(value))
    except MoneyError as exc:
        raise PydanticCustomError("money", str(exc)) from exc


ApiMoney = Annotated[
    Decimal,
    PlainValidator(_api_amount),
    PlainSerializer(money_csv, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": 'dollars and cents, e.g. "1234.50" (also read: "$1,234.50", "-12")',
            "examples": ["1234.50"],
        },
        mode="validation",
    ),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["1234.50"]},
        mode="serialization",
    ),
]
"""An amount in an API schema: read from a string (or a whole number of dollars), never from a
JSON number with a fraction; written as a string with two places ("1234.50")."""
