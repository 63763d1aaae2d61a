"""ICD-10-CM releases: loading the CDC order file beside the package's release, finding the code
in force on a visit's date, and searching as a coder types."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from praxis.billing import icd10
from praxis.billing.models import Icd10Code, Icd10Release
from praxis.billing.selectors import icd10_in_force, icd10_search

from .conftest import APRIL_2026, FY2027

pytestmark = pytest.mark.django_db


def load(path, on: str) -> str:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("codes", "load-icd10", "--file", str(path), "--effective-from", on, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_releases(order_file):  # type: ignore[no-untyped-def]
    load(order_file("icd10cm_order_2026.txt", APRIL_2026), "2026-04-01")
    load(order_file("icd10cm_order_2027.txt", FY2027), "2026-10-01")


def test_the_fy2027_file_loads_beside_april_and_ends_it_the_day_before(order_file):
    said = load(order_file("icd10cm_order_2026.txt", APRIL_2026), "2026-04-01")
    assert "Loaded 5 codes" in said
    said = load(order_file("icd10cm_order_2027.txt", FY2027), "2026-10-01")
    assert "in force from 10/01/2026" in said

    april, fy2027 = Icd10Release.objects.order_by("effective_from")
    assert april.effective_to == date(2026, 9, 30)
    assert fy2027.effective_to is None
    assert fy2027.code_count == 5
    assert Icd10Code.objects.count() == 10


def test_the_code_in_force_depends_on_the_visit_date(two_releases):
    september = icd10_in_force("E11.21", on=date(2026, 9, 30))
    october = icd10_in_force("E1121", on=date(2026, 10, 1))
    assert september is not None and october is not None
    assert september.description.endswith("diabetic nephropathy")
    assert october.description.endswith("diabetic kidney disease")
    assert icd10_in_force("E11.22", on=date(2026, 9, 30)) is None  # not yet a code
    assert icd10_in_force("J02.0", on=date(2026, 10, 1)) is None  # no longer one
    assert icd10_in_force("E119", on=date(2026, 3, 31)) is None  # before any release loaded


def test_an_older_release_loaded_after_a_newer_one_still_ends_the_day_before(order_file):
    load(order_file("icd10cm_order_2027.txt", FY2027), "2026-10-01")
    load(order_file("icd10cm_order_2026.txt", APRIL_2026), "2026-04-01")
    april, fy2027 = Icd10Release.objects.order_by("effective_from")
    assert (april.effective_to, fy2027.effective_to) == (date(2026, 9, 30), None)


def test_loading_the_same_release_twice_does_nothing_and_says_so(order_file):
    path = order_file("icd10cm_order_2027.txt", FY2027)
    load(path, "2026-10-01")
    said = load(path, "2026-10-01")
    assert "already loaded: nothing to do" in said
    assert Icd10Release.objects.count() == 1
    assert Icd10Code.objects.count() == 5


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("00006 E1165   2 " + "x" * 60 + " Long", "line 6: not in the order file's layout"),
        ("00006 1E165   1 " + "x" * 60 + " Long", "line 6: '1E165' is not an ICD-10-CM code"),
        ("00006 E119    1 " + "x" * 60 + " Again", "line 6: E119 appears twice"),
        ("just some text", "line 6: not in the order file's layout"),
    ],
)
def test_a_malformed_file_loads_nothing_and_names_the_bad_line(order_file, extra, message):
    path = order_file("icd10cm_order_2027.txt", FY2027, extra=extra)
    with pytest.raises(CommandError, match=message):
        load(path, "2026-10-01")
    assert not Icd10Release.objects.exists()
    assert not Icd10Code.objects.exists()


def test_a_file_that_is_not_utf8_loads_nothing(tmp_path):
    path = tmp_path / "order.txt"
    path.write_bytes(b"00001 E11     0 Type 2 diab\xe9tes\n")
    with pytest.raises(CommandError, match="line 1: not UTF-8 text"):
        load(path, "2026-10-01")
    assert not Icd10Code.objects.exists()


def test_a_file_needs_its_first_day(order_file):
    with pytest.raises(CommandError, match="--file needs --effective-from"):
        call_command("codes", "load-icd10", "--file", str(order_file("x.txt", FY2027)))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("E11", ["E1121", "E1122", "E119", "E11"]),  # billable first, then by code
        ("e11.2", ["E1121", "E1122"]),
        ("E11.21", ["E1121"]),
        ("diab kid", ["E1121", "E1122"]),
        ("kidney DIABETIC", ["E1121", "E1122"]),
        ("general exam", ["Z0000"]),
        ("iabetes", []),  # words are matched from their beginning
        ("", []),
    ],
)
def test_search_by_code_or_words(two_releases, q, expected):
    found = icd10_search(q, on=date(2026, 12, 1))
    assert [c.code for c in found] == expected


def test_search_reads_the_release_in_force(two_releases):
    assert [c.code for c in icd10_search("strep", on=date(2026, 6, 1))] == ["J020"]
    assert icd10_search("strep", on=date(2026, 11, 1)) == []


def test_search_stops_at_the_limit(two_releases):
    assert len(icd10_search("E", on=date(2026, 12, 1), limit=2)) == 2


@pytest.mark.slow
def test_slow_the_package_release_loads_whole_once():
    """The one test that imports simple_icd_10_cm (seconds): the April 2026 tabular list."""
    data = icd10.read_package()
    assert data.effective_from == date(2026, 4, 1)
    result = icd10.icd10_release_load(data=data)
    assert result.loaded
    assert result.release.code_count == 98_186 == Icd10Code.objects.count()
    in_force = icd10_in_force("E11.9", on=date(2026, 5, 1))
    assert in_force is not None and in_force.billable
    header = icd10_in_force("E11", on=date(2026, 5, 1))
    assert header is not None and not header.billable
    assert not icd10.icd10_release_load(data=data).loaded


def test_word_search_has_an_index_on_postgresql():
    """PostgreSQL matches '% word%' through a trigram index (measured on the package's 98,186
    codes: 3 to 20 ms a search); SQLite scans the column (30 to 50 ms)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'icd10_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
