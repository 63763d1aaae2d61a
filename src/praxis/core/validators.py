"""Validators for identifiers a practice types in: NPI, TIN, taxonomy, time zone, phone, ZIP, and
the X12 character set of everything that goes into a payer file."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError


def npi_check_digit_ok(npi: str) -> bool:
    """Luhn over the NPI with the 80840 health-industry prefix (CMS NPI check-digit rule)."""
    if not re.fullmatch(r"[0-9]{10}", npi):
        return False
    digits = [int(c) for c in "80840" + npi[:-1]]
    total = 0
    # double every second digit from the right of the payload (i.e. the last payload digit first)
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[-1])


def validate_npi(value: str) -> None:
    if not re.fullmatch(r"[0-9]{10}", value or ""):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if value[0] not in "12":
        raise ValidationError("An NPI starts with 1 or 2.", code="npi_format")
    if not npi_check_digit_ok(value):
        raise ValidationError(
            "This NPI fails the check-digit test; please re-check each digit.", code="npi_check"
        )


def normalize_tin(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_tin(value: str) -> None:
    digits = normalize_tin(value)
    if not re.fullmatch(r"[0-9]{9}", digits):
        raise ValidationError("A TIN (EIN) is 9 digits, e.g. 12-3456789.", code="tin_format")
    if digits[:2] in {
        "00",
        "07",
        "08",
        "09",
        "17",
        "18",
        "19",
        "28",
        "29",
        "49",
        "69",
        "70",
        "78",
        "79",
        "89",
        "96",
        "97",
    }:
        raise ValidationError("This EIN prefix is not issued by the IRS.", code="tin_prefix")


def validate_taxonomy(value: str) -> None:
    if not re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", value or ""):
        raise ValidationError(
            "A taxonomy code has 10 characters and ends in X, e.g. 207Q00000X.",
            code="taxonomy_format",
        )


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    # available_timezones() also lists files of the system's zoneinfo that are not zone names.
    return frozenset(zoneinfo.available_timezones()) - {"localtime", "Factory", "posixrules"}


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(
            "Unknown time zone; use an IANA name such as America/New_York.", code="time_zone"
        )


def normalize_phone(value: str, region: str = "US") -> str:
    """Return the E.164 form of a valid phone number, or raise ValidationError."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Enter a phone number such as (555) 201-3344.", code="phone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("This is not a valid phone number.", code="phone")
    if parsed.extension:
        raise ValidationError(
            "Extensions cannot be stored here; enter the main number.", code="phone_extension"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    if value:
        normalize_phone(value)


def validate_postal_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{5}(-[0-9]{4})?", value or ""):
        raise ValidationError("A ZIP code is 5 digits or ZIP+4 (12345-6789).", code="zip")


# --- the X12 character set --------------------------------------------------------------------
# What a payer file (X12 5010) can carry: the basic character set (upper-case letters, digits,
# space, ! " & ' ( ) + , - . / ; ? =) and the extended one (lower-case letters, % @ [ ] _ { } \
# < > # $ `), without the characters Praxis's files use as delimiters (~ * : ^ |).
X12_ALLOWED = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !\"&'()+,-./;?=%@[]_{}\\<>#$`"
)
# Letters that carry no combining accent to strip, written the way US payers file them.
_X12_LETTERS = str.maketrans(
    {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ł": "L",
     "ł": "l", "Đ": "D", "đ": "d", "Þ": "TH", "þ": "th", "\u0131": "i"}
)  # fmt: skip


def x12_fold(value: str) -> str:
    """The text as it goes into a payer file: accented Latin letters folded to their base letter
    (José → Jose, Müller → Muller, Łukasz → Lukasz). X12 has no accented letters, and payers'
    own records hold the folded name, so the claim matches what they have on file."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_X12_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _shown(character: str) -> str:
    if character.isprintable() and not character.isspace():
        return f"“{character}”"
    return f"The character U+{ord(character):04X} (a tab, line break or other invisible one)"


def validate_x12_text(value: str) -> None:
    """A name, address or identifier that goes into a payer file: every character must be one
    X12 can carry once accents are folded (``x12_fold``). Emoji, other scripts, control
    characters and the delimiters ~ * : ^ | are refused, naming the first one found."""
    for character in value or "":
        folded = x12_fold(character)
        if not folded or any(c not in X12_ALLOWED for c in folded):
            raise ValidationError(
                f"{_shown(character)} cannot go on an insurance claim: use letters, digits, "
                "spaces and common punctuation (not ~ * : ^ | or emoji).",
                code="x12_character",
                params={"character": character},
            )
