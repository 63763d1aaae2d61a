"""The text rules behind search and duplicate detection, and the file sniffing behind uploads:
pure functions, no database."""

from __future__ import annotations

from datetime import date

import pytest

from praxis.patients.matching import fold, names_look_alike, parse_query, search_name_for
from praxis.patients.uploads import JPEG, PDF, PNG, clean_filename, download_name, sniff

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Núñez", "nunez"),
        ("ZOË Åberg", "zoe aberg"),
        ("O'Connor", "oconnor"),
        ("O\u2019Connor", "oconnor"),  # a typographic apostrophe
        ("Smith-Jones", "smith jones"),
        ("Łukasiewicz", "lukasiewicz"),
        ("Søren Ærø", "soren aero"),
        ("Straße", "strasse"),
        ("Nguyễn", "nguyen"),
        ("  de   la Cruz ", "de la cruz"),
        ("", ""),
    ],
)
def test_names_fold_to_plain_lower_case(typed, folded):
    assert fold(typed) == folded


def test_the_search_name_is_last_first_preferred():
    assert search_name_for("Núñez", "José", "Pepe") == "nunez jose pepe"
    assert search_name_for("Åberg", "Zoë") == "aberg zoe"


def test_the_search_box_finds_dates_numbers_and_name_words():
    terms = parse_query("Núñez jo 02/03/1980 (802) 555-0142")
    assert terms.names == ("nunez", "jo")
    assert terms.dates == (date(1980, 2, 3),)
    [number] = terms.numbers
    assert number.digits == "8025550142"
    assert number.phone == "+18025550142"


@pytest.mark.parametrize("typed", ["1980-02-03", "02/03/1980", "2/3/1980"])
def test_both_date_formats_are_read(typed):
    assert parse_query(typed).dates == (date(1980, 2, 3),)


def test_an_impossible_date_is_kept_as_invalid_not_ignored():
    terms = parse_query("02/30/1980")
    assert terms.dates == ()
    assert terms.invalid_dates == ("02/30/1980",)


def test_an_mrn_is_a_number_without_a_phone_form():
    [number] = parse_query(" 100042 ").numbers
    assert (number.text, number.digits, number.phone) == ("100042", "100042", "")


@pytest.mark.parametrize(
    ("first_a", "last_a", "first_b", "last_b", "alike"),
    [
        ("José", "Núñez", "Jose", "Nunez", True),  # same folded last name
        ("Maria", "Nunez", "Pedro", "NÚÑEZ", True),  # same last name is enough (with same DOB)
        ("Jonathan", "Smithers", "Jon", "Smith", True),  # first three letters of both
        ("Smith", "Jonathan", "Jon", "Smithers", True),  # first and last swapped
        ("Zoë", "Åberg", "Zoe", "Abbott", False),
        ("Ann", "Lee", "Bob", "Leeds", False),
    ],
)
def test_which_names_look_alike(first_a, last_a, first_b, last_b, alike):
    assert names_look_alike(first_a, last_a, first_b, last_b) is alike


# --- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", PDF),
        (PNG_HEAD, PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows program
        (b"<!doctype html><script>alert(1)</script>", None),
        (b"\x89PNG\r\n\x1a\n<html>", None),  # a PNG signature glued to something else
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_files_are_known_by_their_first_bytes(head, expected):
    assert sniff(head) is expected


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("card.pdf", "card.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\fay\\scan 1.jpg", "scan 1.jpg"),
        ("bad\x00name\n.png", "badname.png"),
        ("...", "document"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_uploaded_file_names_are_cleaned_for_display(uploaded, kept):
    assert clean_filename(uploaded) == kept


def test_a_download_name_gets_the_real_extension_when_the_name_lies():
    assert download_name("card.pdf", "image/png") == "card.pdf.png"
    assert download_name("card.JPEG", "image/jpeg") == "card.JPEG"
    assert download_name("consent.pdf", "application/pdf") == "consent.pdf"
