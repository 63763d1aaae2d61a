"""Money, ready for billing. Bo the biller types amounts the way people write them ("$1,234.50",
"-12", " 12 "); a typing slip ("12.345", "1e3", "12,34") is refused with words that say what is
wrong, never rounded quietly. Pages show "$1,234.50" and "-$12.00"; files and the API carry
"1234.50". Amounts are exact in between and rounded to the cent (half away from zero) only at the
edges, so totals are asserted to the cent, and no float is ever accepted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from ninja import NinjaAPI, Router, Schema
from ninja.testing import TestClient
from pydantic import BaseModel, ValidationError

from praxis.core.api_support import install_error_handlers
from praxis.core.money import (
    LARGEST,
    ApiMoney,
    MoneyError,
    MoneyField,
    format_money,
    money_csv,
    parse_money,
    round_money,
)

D = Decimal

# --- reading what people type ----------------------------------------------------------------

READ = [
    ("1234.5", "1234.50"),
    ("$1,234.50", "1234.50"),
    ("-12", "-12.00"),
    (" 12 ", "12.00"),
    ("\t42\n", "42.00"),
    ("-$12.00", "-12.00"),  # as format_money writes it
    ("$-12", "-12.00"),
    ("+7.1", "7.10"),
    ("$ 5", "5.00"),
    (".5", "0.50"),
    ("12.", "12.00"),
    ("0012.50", "12.50"),
    ("1,234,567.89", "1234567.89"),
    ("0", "0.00"),
    ("-0", "0.00"),  # no negative zero
    ("-0.00", "0.00"),
    ("9,999,999,999.99", "9999999999.99"),
]


@pytest.mark.parametrize(("typed", "amount"), READ, ids=[t for t, _ in READ])
def test_amounts_are_read_as_people_write_them(typed, amount):
    parsed = parse_money(typed)
    assert parsed == D(amount)
    assert str(parsed) == amount  # always two places, the sign only on a real debt
    assert parsed.as_tuple().exponent == -2


REFUSED = [
    ("12.345", "'12.345' has 3 decimal places; an amount has at most 2 (cents)."),
    ("0.001", "'0.001' has 3 decimal places"),
    ("1e3", "'1e3' is in exponent notation; write the amount out in digits, like 1000.00."),
    ("-1.5E+2", "exponent notation"),
    ("abc", "'abc' is not an amount of money; write it like 1234.50 or $1,234.50."),
    ("", "Enter an amount."),
    ("   ", "Enter an amount."),
    ("NaN", "'NaN' is not an amount of money"),
    ("nan", "'nan' is not an amount of money"),
    ("sNaN", "'sNaN' is not an amount of money"),
    ("Infinity", "'Infinity' is not an amount of money"),
    ("-inf", "'-inf' is not an amount of money"),
    ("10000000000", "'10000000000' is too large; amounts go up to $9,999,999,999.99."),
    ("-10,000,000,000.00", "is too large"),
    ("1" * 100, "That is too long to be an amount; amounts go up to $9,999,999,999.99."),
    ("12,34", "'12,34': commas go between groups of three digits (1,234,567.89)"),
    ("1,2345.00", "commas go between groups of three digits"),
    (",123", "is not an amount of money"),
    ("$", "'$' is not an amount of money"),
    (".", "'.' is not an amount of money"),
    ("-", "'-' is not an amount of money"),
    ("--12", "is not an amount of money"),
    ("-$-12", "is not an amount of money"),
    ("12.34.56", "is not an amount of money"),
    ("(12.00)", "is not an amount of money"),
    ("12 34", "is not an amount of money"),
    ("1_000", "is not an amount of money"),  # Decimal() itself would take it
    ("\u0661\u0662", "is not an amount of money"),  # Arabic-Indic digits: Decimal() takes these too
    ("12 USD", "is not an amount of money"),
    ("€12", "is not an amount of money"),
]


@pytest.mark.parametrize(("typed", "message"), REFUSED, ids=[t[:12] or "empty" for t, _ in REFUSED])
def test_a_typing_slip_is_refused_saying_what_is_wrong(typed, message):
    with pytest.raises(MoneyError) as refused:
        parse_money(typed)
    assert message in str(refused.value)


def test_the_largest_amount_is_read_and_one_cent_more_is_not():
    assert parse_money(str(LARGEST)) == LARGEST
    assert parse_money(f"-{LARGEST}") == -LARGEST
    with pytest.raises(MoneyError, match="too large"):
        parse_money(str(LARGEST + D("0.01")))


# --- showing and writing ---------------------------------------------------------------------

SHOWN = [
    # value, on a page, in a file or the API
    (D("1234.5"), "$1,234.50", "1234.50"),
    (D("-12"), "-$12.00", "-12.00"),
    (D("0"), "$0.00", "0.00"),
    (7, "$7.00", "7.00"),
    (D("1234567.891"), "$1,234,567.89", "1234567.89"),
    (D("9999999999.99"), "$9,999,999,999.99", "9999999999.99"),
    # half a cent goes away from zero, only here at the edge
    (D("0.005"), "$0.01", "0.01"),
    (D("-0.005"), "-$0.01", "-0.01"),
    (D("2.675"), "$2.68", "2.68"),  # the float 2.675 is 2.67499999… and would show $2.67
    (D("1.0049999"), "$1.00", "1.00"),
    (D("-0.004"), "$0.00", "0.00"),  # rounds to nothing: no "-$0.00"
    (D("1E+3"), "$1,000.00", "1000.00"),
]


@pytest.mark.parametrize(("value", "page", "csv"), SHOWN, ids=[p for _, p, _ in SHOWN])
def test_amounts_are_shown_with_a_dollar_sign_and_written_plain(value, page, csv):
    assert format_money(value) == page
    assert money_csv(value) == csv
    assert parse_money(page) == parse_money(csv) == round_money(value)  # each reads back


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0.1, TypeError),
        (1.5, TypeError),
        (True, TypeError),
        ("12.00", TypeError),
        (None, TypeError),
        (D("NaN"), ValueError),
        (D("Infinity"), ValueError),
    ],
    ids=["float", "float-2", "bool", "text", "none", "nan", "infinity"],
)
def test_a_float_or_a_non_amount_is_refused_everywhere(value, error):
    for edge in (round_money, format_money, money_csv):
        with pytest.raises(error):
            edge(value)


# --- sums, to the cent -----------------------------------------------------------------------

SUMS = [
    # each line's exact amount, how many lines, Σ of the lines as stored (rounded each),
    # the exact total rounded once
    ("0.105", 1000, "110.00", "105.00"),
    ("33.335", 3, "100.02", "100.01"),
    ("0.001", 10_000, "0.00", "10.00"),
    ("-0.125", 8, "-1.04", "-1.00"),
    ("0.1", 10, "1.00", "1.00"),  # as floats: 0.9999999999999999
    ("19.99", 10_000, "199900.00", "199900.00"),
    ("0.015", 999, "19.98", "14.99"),
]


@pytest.mark.parametrize(("line", "count", "stored_total", "exact_total"), SUMS)
def test_totals_add_up_to_the_cent(line, count, stored_total, exact_total):
    lines = [D(line)] * count
    stored = [round_money(amount) for amount in lines]  # the edge: each line becomes a charge
    assert sum(stored, D("0.00")) == D(stored_total)
    assert money_csv(sum(stored, D("0.00"))) == stored_total
    assert round_money(sum(lines, D("0"))) == D(exact_total)


def test_a_column_of_typed_amounts_sums_exactly():
    typed = ["$1,234.50", "-12", " 0.10 ", "$0.07", "-$1,000.00"] * 2000
    total = sum((parse_money(text) for text in typed), D("0.00"))
    assert total == D("445340.00")
    assert format_money(total) == "$445,340.00"


# --- the form field --------------------------------------------------------------------------


class PaymentForm(forms.Form):
    amount = MoneyField(min_value=D("0.01"), max_value=D("5000.00"))
    tip = MoneyField(required=False)


@pytest.mark.parametrize(
    ("amount", "cleaned", "error"),
    [
        ("$1,234.5", D("1234.50"), None),
        (" 25 ", D("25.00"), None),
        ("0.01", D("0.01"), None),
        ("", None, "This field is required."),
        ("12.345", None, "'12.345' has 3 decimal places; an amount has at most 2 (cents)."),
        ("1e3", None, "exponent notation"),
        ("0", None, "The amount must be at least $0.01."),
        ("-$5", None, "The amount must be at least $0.01."),
        ("5000.01", None, "The amount can be at most $5,000.00."),
    ],
)
def test_the_form_field_cleans_to_a_decimal_or_says_what_is_wrong(amount, cleaned, error):
    form = PaymentForm({"amount": amount, "tip": ""})
    assert form.is_valid() is (error is None)
    if error is None:
        assert form.cleaned_data == {"amount": cleaned, "tip": None}
    else:
        assert error in form.errors["amount"][0]


def test_the_form_field_shows_a_stored_amount_with_two_places():
    html = str(PaymentForm(initial={"amount": D("12.5")})["amount"])
    assert 'value="12.50"' in html
    assert 'inputmode="decimal"' in html


# --- the template filter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("-1234.5"), "-$1,234.50"),
        (D("0.005"), "$0.01"),
        (42, "$42.00"),
        ("1234.5", "$1,234.50"),
        (None, ""),
        ("", ""),
    ],
)
def test_the_money_filter(value, shown):
    assert (
        Template("{% load money %}{{ amount|money }}").render(Context({"amount": value})) == shown
    )


def test_the_money_filter_refuses_a_float_loudly():
    with pytest.raises(TypeError):
        Template("{% load money %}{{ amount|money }}").render(Context({"amount": 0.1}))


# --- the API ---------------------------------------------------------------------------------


class Charge(BaseModel):
    amount: ApiMoney


@pytest.mark.parametrize(
    ("sent", "read"),
    [("1234.5", D("1234.50")), ("$1,234.50", D("1234.50")), (12, D("12.00")), ("-3", D("-3.00"))],
)
def test_the_api_reads_amounts_from_strings_and_whole_dollars(sent, read):
    charge = Charge.model_validate({"amount": sent})
    assert charge.amount == read
    assert charge.model_dump_json() == f'{{"amount":"{money_csv(read)}"}}'
    assert charge.model_dump() == {"amount": money_csv(read)}


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (12.5, 'Send the amount as a string, such as "12.50": a JSON number may not hold cents'),
        ("12.345", "'12.345' has 3 decimal places"),
        ("1e3", "exponent notation"),
        ("NaN", "'NaN' is not an amount of money"),
        (True, "Send the amount as a string"),
        (None, "Send the amount as a string"),
    ],
)
def test_the_api_refuses_floats_and_typing_slips(sent, message):
    with pytest.raises(ValidationError) as refused:
        Charge.model_validate({"amount": sent})
    [error] = refused.value.errors()
    assert message in error["msg"]
    assert not error["msg"].startswith("Value error")  # the person's words, nothing before


def test_the_api_schema_says_amounts_are_strings():
    assert Charge.model_json_schema(mode="serialization")["properties"]["amount"] == {
        "type": "string",
        "pattern": r"^-?[0-9]+\.[0-9]{2}$",
        "examples": ["1234.50"],
        "title": "Amount",
    }
    assert Charge.model_json_schema()["properties"]["amount"]["type"] == "string"


class ChargeIn(Schema):
    amount: ApiMoney


class ChargeOut(Schema):
    amount: ApiMoney
    doubled: ApiMoney


def _echo_api() -> TestClient:
    api = NinjaAPI(urls_namespace="money-test")
    install_error_handlers(api)
    router = Router()

    @router.post("/charges", response=ChargeOut)
    def charge(request, body: ChargeIn):  # type: ignore[no-untyped-def]
        return {"amount": body.amount, "doubled": body.amount * 2}

    api.add_router("", router)
    return TestClient(api)


def test_through_an_api_operation_amounts_are_strings_both_ways():
    client = _echo_api()
    ok = client.post("/charges", json={"amount": "$1,234.5"})
    assert ok.status_code == 200
    assert ok.json() == {"amount": "1234.50", "doubled": "2469.00"}

    refused = client.post("/charges", json={"amount": 12.5})
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "body.amount"
    assert error["message"].startswith('Send the amount as a string, such as "12.50"')
