"""Passwords, as the settings configure them: at least 12 characters, nothing common or
common-with-decoration, no keyboard walks or repeats, nothing like the user's own name, and no
composition rules (NIST SP 800-63B): a long lowercase phrase is a good password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from praxis.core.models import User
from praxis.core.passwords import BreachedLookingPasswordValidator


def refusal_codes(password: str, user: User | None = None) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user=user)
    return {error.code for error in caught.value.error_list}


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short1!", "password_too_short"),
        ("password", "password_too_common"),
        ("jesuslovesme", "password_too_common"),
        ("counterstrike", "password_too_common"),
        ("Password2024!", "password_breached"),
        ("P@ssw0rd2024!!", "password_breached"),
        ("Summer2024!!!", "password_breached"),
        ("letmein12345", "password_breached"),
        ("monkey123456", "password_breached"),
        ("qwertyuiop12", "password_pattern"),
        ("aaaaaaaaaaaa", "password_pattern"),
        ("abcdefghijkl", "password_pattern"),
        ("ababababababab", "password_pattern"),
        ("!!!!!!!!!!!!", "password_pattern"),
        ("123456789012", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    assert reason in refusal_codes(password)


@pytest.mark.parametrize(
    "phrase",
    [
        "violet canoe marble orbit",
        "lanterns drift over quiet harbors",
        "the fox naps under my desk",
        "mountain river 7 lanterns",
    ],
)
def test_a_long_phrase_is_accepted(phrase):
    validate_password(phrase)


def test_there_is_no_composition_rule():
    # All lower case, no digit, no symbol, no space: long enough and not a pattern, so fine.
    validate_password("violetcanoemarbleorbit")


def test_a_password_like_the_users_name_or_email_is_refused():
    max_morgan = User(email="max.morgan@example.org", full_name="Max Morgan")

    assert "password_too_similar" in refusal_codes("maxmorgan2024!!", user=max_morgan)
    assert "password_too_similar" in refusal_codes("max.morgan@example", user=max_morgan)
    validate_password("violet canoe marble orbit", user=max_morgan)


def test_the_messages_tell_people_what_to_do_instead():
    with pytest.raises(ValidationError) as caught:
        validate_password("Password2024!")

    assert caught.value.messages == [
        "This password is a common password with a few characters added; such passwords "
        "appear in breach lists. Choose a longer phrase of unrelated words."
    ]
    with pytest.raises(ValidationError) as caught:
        validate_password("qwertyuiopasdf")
    assert "keyboard pattern or repeated characters" in " ".join(caught.value.messages)


def test_the_sign_up_page_explains_the_rules():
    help_texts = password_validators_help_texts()

    assert "Your password must contain at least 12 characters." in help_texts
    assert BreachedLookingPasswordValidator().get_help_text() in help_texts


@pytest.mark.parametrize(
    "password", ["1234567890ab", "letmein!letmein!", "abcabcabcabc", "zyxwvutsrqpo1"]
)
def test_runs_and_repeats_dressed_up_are_refused(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)
