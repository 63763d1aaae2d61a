"""What a practice types in for its identity: NPI, EIN, taxonomy, time zone, phone and ZIP. Each
table lists what the front office really types, and the message they see when it is wrong."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from praxis.core.validators import (
    normalize_phone,
    normalize_tin,
    npi_check_digit_ok,
    validate_npi,
    validate_phone,
    validate_postal_code,
    validate_taxonomy,
    validate_time_zone,
    validate_tin,
)


def full_width(text: str) -> str:
    """'12' -> '\uff11\uff12': what a Japanese or Chinese keyboard types for digits."""
    return "".join(chr(0xFF10 + int(c)) if c in "0123456789" else c for c in text)


def arabic_indic(text: str) -> str:
    return "".join(chr(0x0660 + int(c)) if c in "0123456789" else c for c in text)


# Python's \d also matches full-width and Arabic-Indic digits; the validators must not accept
# them (they would reach X12 claim files as non-ASCII).


def rejection(validator, value) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value


# --- NPI -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "npi",
    [
        "1234567893",  # the CMS example
        "1245319599",
        "1003000126",
        "2234567891",  # a type 2 (organization) NPI
    ],
)
def test_valid_npis(npi):
    validate_npi(npi)
    assert npi_check_digit_ok(npi)


@pytest.mark.parametrize(
    "npi, code, message",
    [
        ("1234567890", "npi_check", "fails the check-digit test"),
        ("1234567839", "npi_check", "fails the check-digit test"),  # two digits swapped
        ("123456789", "npi_format", "exactly 10 digits"),
        ("12345678931", "npi_format", "exactly 10 digits"),
        ("", "npi_format", "exactly 10 digits"),
        ("12345678A3", "npi_format", "exactly 10 digits"),
        ("1234 67893", "npi_format", "exactly 10 digits"),
        pytest.param(
            full_width("1234567893"), "npi_format", "exactly 10 digits", id="full-width-digits"
        ),
        pytest.param(
            "1" + arabic_indic("234567893"),
            "npi_format",
            "exactly 10 digits",
            id="arabic-indic-digits",
        ),
        ("3234567899", "npi_format", "starts with 1 or 2"),  # check digit right, prefix wrong
        ("0234567893", "npi_format", "starts with 1 or 2"),
    ],
)
def test_invalid_npis(npi, code, message):
    error = rejection(validate_npi, npi)

    assert error.code == code
    assert message in error.messages[0]


def test_the_check_digit_uses_the_80840_prefix():
    # Without the health-industry prefix 1234567893 would need a different check digit.
    assert npi_check_digit_ok("1234567893")
    assert not any(npi_check_digit_ok(f"123456789{d}") for d in "012456789")


# --- TIN (EIN) -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tin", ["12-3456789", "123456789", "12 3456789", " 12-345-6789 "])
def test_valid_tins(tin):
    validate_tin(tin)
    assert normalize_tin(tin) == "123456789"


@pytest.mark.parametrize(
    "tin, code",
    [
        ("12-345678", "tin_format"),
        ("12-34567890", "tin_format"),
        ("AB-CDEFGHI", "tin_format"),
        ("12/3456789", "tin_format"),
        ("", "tin_format"),
        ("00-1234567", "tin_prefix"),
        ("07-1234567", "tin_prefix"),
        ("89-1234567", "tin_prefix"),
        ("96-1234567", "tin_prefix"),
        pytest.param(full_width("12-3456789"), "tin_format", id="full-width"),
    ],
)
def test_invalid_tins(tin, code):
    assert rejection(validate_tin, tin).code == code


# --- taxonomy ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["207Q00000X", "363LF0000X", "261QP2300X", "208D00000X"])
def test_valid_taxonomy_codes(code):
    validate_taxonomy(code)


@pytest.mark.parametrize(
    "code",
    [
        "207q00000x",  # lower case
        "207Q00000",  # nine characters
        "207Q000000",  # no trailing X
        "2O7Q00000X",  # letter O among the three leading digits
        "207Q00000XX",
        " 207Q00000X",
        "",
        pytest.param(full_width("207") + "Q00000X", id="full-width"),
    ],
)
def test_invalid_taxonomy_codes(code):
    error = rejection(validate_taxonomy, code)

    assert error.code == "taxonomy_format"
    assert "ends in X" in error.messages[0]


# --- time zone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone",
    [
        "America/New_York",
        "America/Chicago",
        "America/Phoenix",
        "Pacific/Honolulu",
        "America/Puerto_Rico",
        "UTC",
    ],
)
def test_valid_time_zones(zone):
    validate_time_zone(zone)


@pytest.mark.parametrize(
    "zone",
    [
        "america/new_york",
        "Eastern",
        "EDT",
        "Mars/Olympus",
        "",
        "+05:00",
    ],
)
def test_invalid_time_zones(zone):
    error = rejection(validate_time_zone, zone)

    assert error.code == "time_zone"
    assert "America/New_York" in error.messages[0]


# --- phone ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("(802) 865-4321", "+18028654321"),
        ("802.865.4321", "+18028654321"),
        ("802 865 4321", "+18028654321"),
        ("1-802-865-4321", "+18028654321"),
        ("+1 802 865 4321", "+18028654321"),
        ("+18028654321", "+18028654321"),
        ("(802) 555-0100", "+18025550100"),
        ("+1 800 555 0199", "+18005550199"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed, e164):
    assert normalize_phone(typed) == e164
    validate_phone(typed)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("555-1234", "This is not a valid phone number."),  # no area code
        ("123", "This is not a valid phone number."),
        ("(802) 065-4321", "This is not a valid phone number."),  # exchange cannot start with 0
        ("802-865-43210", "This is not a valid phone number."),
        ("call the front desk", "Enter a phone number such as (555) 201-3344."),
        ("", "Enter a phone number such as (555) 201-3344."),
    ],
)
def test_bad_phone_numbers(typed, message):
    error = rejection(normalize_phone, typed)

    assert error.code == "phone"
    assert error.messages == [message]


def test_a_phone_number_is_optional_where_the_field_allows_it():
    validate_phone("")  # e.g. a location without its own line


def test_a_bad_phone_number_is_refused_by_the_validator_too():
    assert rejection(validate_phone, "555-1234").code == "phone"


# --- ZIP -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("zip_code", ["05401", "05401-1234", "99501", "00601"])
def test_valid_zip_codes(zip_code):
    validate_postal_code(zip_code)


@pytest.mark.parametrize(
    "zip_code",
    [
        "5401",
        "054011",
        "054011234",
        "05401-12",
        "05401 1234",
        "ABCDE",
        " 05401",
        "05401-",
        "",
        pytest.param(full_width("05401"), id="full-width"),
    ],
)
def test_invalid_zip_codes(zip_code):
    error = rejection(validate_postal_code, zip_code)

    assert error.code == "zip"
    assert error.messages == ["A ZIP code is 5 digits or ZIP+4 (12345-6789)."]
