"""A password rule beyond Django's: reject passwords that *look* breached.

Breach corpora are dominated by a common word or keyboard walk dressed up with digits, a year or a
symbol ("Password2024!", "qwertyuiop12"). With no network we cannot ask a breach service, so we
strip the decoration and test what is left against Django's list of 20,000 common passwords, and
refuse passwords made of one repeated character or a run of sequential characters. Length (12+)
does the rest; there are no composition rules (NIST SP 800-63B).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

_KEYBOARD_ROWS = ("qwertyuiopasdfghjklzxcvbnm", "1234567890", "abcdefghijklmnopqrstuvwxyz")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)


def _core_word(password: str) -> str:
    lowered = password.lower()
    stripped = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    return stripped.translate(_LEET)


def _is_sequence(text: str) -> bool:
    if len(set(text)) <= 2:
        return True
    return any(text in row or text in row[::-1] for row in _KEYBOARD_ROWS)


def _mostly_sequence(text: str) -> bool:
    """A run like "1234567890ab": a keyboard or alphabet run of 8+ with up to 3 extra characters."""
    for head in range(4):
        for tail in range(4):
            middle = text[head : len(text) - tail]
            if len(middle) >= 8 and _is_sequence(middle):
                return True
    return False


def _repeated_unit(text: str) -> str | None:
    """The unit of a password made by repeating it ("letmein!letmein!" -> "letmein!")."""
    match = re.fullmatch(r"(.+?)\1+", text)
    return match.group(1) if match else None


class BreachedLookingPasswordValidator:
    def __init__(self) -> None:
        self._common = CommonPasswordValidator().passwords

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        core = _core_word(password)
        unit = _repeated_unit(lowered)
        if (
            _is_sequence(lowered)
            or _mostly_sequence(lowered)
            or (len(core) >= 4 and _is_sequence(core))
            or (unit is not None and len(unit) <= 6)
        ):
            raise ValidationError(
                "This password is a keyboard pattern or repeated characters; choose a phrase.",
                code="password_pattern",
            )
        candidates = {core, lowered.translate(_LEET), re.sub(r"[\W_]+", "", lowered)}
        if unit is not None:
            candidates.add(_core_word(unit))
        if any(c and c in self._common for c in candidates):
            raise ValidationError(
                "This password is a common password with a few characters added; such passwords "
                "appear in breach lists. Choose a longer phrase of unrelated words.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password can't be a common password with numbers or symbols added."
