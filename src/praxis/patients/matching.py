"""Pure text rules for finding patients: accent folding, reading a search box, and what makes two
registrations look like the same person. No database access here; selectors.py builds queries
from these."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError

from praxis.core.validators import normalize_phone

# Apostrophes vanish ("O'Connor" is found as "oconnor" and "o'connor"); any other punctuation
# separates words ("Smith-Jones" is found as "smith" and as "jones").
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Letters NFKD does not decompose into a base letter and a mark.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Zoë Åberg-Núñez" -> "zoe aberg nunez"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = bare.casefold().translate(_EXTRA_FOLDS)
    lowered = _APOSTROPHES.sub("", lowered)
    return " ".join(_NOT_WORD.sub(" ", lowered).split())


def search_name_for(last: str, first: str, preferred: str = "") -> str:
    """The stored, folded "last first preferred" that name searches match against."""
    return " ".join(part for part in (fold(last), fold(first), fold(preferred)) if part)[:200]


# --- the search box --------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_US_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
# A run of digits with the punctuation people type in phone numbers: "(802) 555-0142".
_NUMBER = re.compile(r"\+?\(?\d[\d\s().-]*\d|\d")
MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class NumberTerm:
    text: str  # as typed, trimmed: matched against the MRN
    digits: str
    phone: str = ""  # the E.164 form when the digits make a valid phone number


@dataclass(frozen=True)
class SearchTerms:
    names: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    numbers: tuple[NumberTerm, ...] = ()
    invalid_dates: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.names or self.dates or self.numbers or self.invalid_dates)


def _to_date(year: str, month: str, day: str) -> date | None:
    try:
        return datetime(int(year), int(month), int(day)).date()  # noqa: DTZ001 - a calendar day
    except ValueError:
        return None


def parse_query(query: str) -> SearchTerms:
    """Split what was typed into dates of birth (2001-02-03 or 02/03/2001), numbers (an MRN or a
    phone number in any format) and name words (folded, each matched as a prefix)."""
    text = (query or "")[:200]
    dates: list[date] = []
    invalid: list[str] = []

    def take_date(match: re.Match[str], order: tuple[int, int, int]) -> str:
        groups = match.groups()
        found = _to_date(groups[order[0]], groups[order[1]], groups[order[2]])
        if found is None:
            invalid.append(match.group(0))
        else:
            dates.append(found)
        return " "

    text = _ISO_DATE.sub(lambda m: take_date(m, (0, 1, 2)), text)
    text = _US_DATE.sub(lambda m: take_date(m, (2, 0, 1)), text)

    numbers: list[NumberTerm] = []

    def take_number(match: re.Match[str]) -> str:
        typed = match.group(0).strip()
        digits = re.sub(r"\D", "", typed)
        phone = ""
        if len(digits) >= 10:
            try:
                phone = normalize_phone(typed)
            except ValidationError:
                phone = ""
        numbers.append(NumberTerm(text=typed, digits=digits, phone=phone))
        return " "

    text = _NUMBER.sub(take_number, text)
    names = tuple(dict.fromkeys(fold(text).split()))
    return SearchTerms(
        names=names, dates=tuple(dates), numbers=tuple(numbers), invalid_dates=tuple(invalid)
    )


# --- likely duplicates -----------------------------------------------------------------------


def names_look_alike(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    """Same folded last name, or the same first three letters of both first and last name (also
    with first and last swapped, a common slip at the front desk)."""
    fa, la, fb, lb = fold(first_a), fold(last_a), fold(first_b), fold(last_b)
    if la and la == lb:
        return True

    def prefixes_match(f1: str, l1: str, f2: str, l2: str) -> bool:
        return bool(f1 and l1) and f1[:3] == f2[:3] and l1[:3] == l2[:3]

    return prefixes_match(fa, la, fb, lb) or prefixes_match(fa, la, lb, fb)
