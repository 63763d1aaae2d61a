"""Procedure codes and fees out to a spreadsheet and back. An import is all or nothing: every
wrong row is named, and nothing is written unless every row is right."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from praxis.billing import code_imports, csv_files, fee_imports
from praxis.billing.fees import fee_create
from praxis.billing.models import Fee, ProcedureCode
from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import actions_since, audit_mark, shows

pytestmark = pytest.mark.django_db

CODE_HEADER = "code,description,default_units,active_from,active_to\n"
FEE_HEADER = "code,modifier,payer,amount,effective_from,effective_to\n"


def import_codes(practice, text: str | bytes) -> code_imports.ImportSummary:  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return code_imports.procedure_codes_import(practice=practice, data=data)


def import_fees(practice, text: str | bytes) -> code_imports.ImportSummary:  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return fee_imports.fees_import(practice=practice, data=data)


def test_a_good_file_adds_new_codes_and_updates_listed_ones(practice, office_visit):
    mark = audit_mark()
    summary = import_codes(
        practice,
        CODE_HEADER
        + "99213,Office visit (changed),1,2026-01-01,\n"
        + "36415,Drawing blood,1,01/01/2026,\n"
        + "g0439,Medicare wellness visit,1,2026-01-01,2026-12-31\n",
    )
    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 0)
    office_visit.refresh_from_db()
    assert office_visit.description == "Office visit (changed)"
    assert ProcedureCode.objects.get(code="G0439").active_to == date(2026, 12, 31)
    assert actions_since(mark) == ["praxis.billing.procedure_code.imported"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("36415,Drawing blood,0,2026-01-01,\n", "row 2: units must be a whole number ≥ 1"),
        ("36415,Drawing blood,1.5,2026-01-01,\n", "row 2: units must be a whole number ≥ 1"),
        ("36415,Drawing blood,1,2026-13-01,\n", "row 2: active_from '2026-13-01' is not a date"),
        ("36415,Drawing blood,1,,\n", "row 2: active_from is required"),
        ("3641,Drawing blood,1,2026-01-01,\n", "row 2: code: A procedure code is 5 characters"),
        ("36415,,1,2026-01-01,\n", "row 2: description: This field cannot be blank."),
        ("36415,Blood,1,2026-01-01,2025-01-01\n", "row 2: active_to: The last day comes before"),
        ("36415,Blood,1,2026-01-01,\n36415,Again,1,2026-01-01,\n", "row 3: 36415 is also on row 2"),
        ("36415,Blood,1,2026-01-01\n", "row 2: 4 cells, expected 5"),
        ('36415,"=HYPERLINK(""x"")",1,2026-01-01,\n', "row 2: the description starts with '='"),
        ("36415,+1 blood,1,2026-01-01,\n", "row 2: the description starts with '+'"),
        ("36415,-blood,1,2026-01-01,\n", "row 2: the description starts with '-'"),
        ("@SUM,blood,1,2026-01-01,\n", "row 2: the code starts with '@'"),
    ],
)
def test_a_wrong_row_is_named_and_nothing_is_written(practice, office_visit, body, message):
    good_first = "99214,Office visit moderate,1,2026-01-01,\n"
    mark = audit_mark()
    with pytest.raises(ServiceError) as refused:
        import_codes(practice, CODE_HEADER + body + good_first)
    said = " ".join(refused.value.messages)
    assert message in said
    assert "Nothing was imported." in said
    assert list(ProcedureCode.objects.values_list("code", flat=True)) == ["99213"]
    assert actions_since(mark) == []


def test_the_row_number_is_the_spreadsheets(practice):
    rows = "".join(f"{99100 + i},Visit {i},1,2026-01-01,\n" for i in range(12))
    with pytest.raises(ServiceError, match="row 14: units must be a whole number ≥ 1"):
        import_codes(practice, CODE_HEADER + rows + "99300,Visit,x,2026-01-01,\n")
    assert not ProcedureCode.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"code,description\n99213,Visit\n", "The first row must name the columns code, desc"),
        (b"code;description;default_units;active_from;active_to\n", "The first row"),
        (
            CODE_HEADER.encode() + "99213,Caf\u00e9 visit,1,2026-01-01,\n".encode("latin-1"),
            "The file is not UTF-8 text",
        ),
        (b"", "The file is empty."),
        (CODE_HEADER.encode(), "The file has a header but no rows."),
        (b"\x00\x01\x02", "NUL characters"),
    ],
)
def test_a_file_that_is_not_the_expected_csv_is_refused_whole(practice, data, message):
    with pytest.raises(ServiceError, match=message):
        import_codes(practice, data)
    assert not ProcedureCode.objects.exists()


def test_too_big_and_too_long_files_are_refused(practice, monkeypatch):
    monkeypatch.setattr(csv_files, "MAX_ROWS", 3)
    rows = "".join(f"{99100 + i},Visit {i},1,2026-01-01,\n" for i in range(4))
    with pytest.raises(ServiceError, match=r"The file has 4 rows; import at most 3 at once\."):
        import_codes(practice, CODE_HEADER + rows)
    monkeypatch.setattr(csv_files, "MAX_BYTES", 100)
    with pytest.raises(ServiceError, match="larger than"):
        import_codes(practice, CODE_HEADER + "x" * 200)
    assert not ProcedureCode.objects.exists()


def test_a_byte_order_mark_and_blank_lines_are_fine(practice):
    summary = import_codes(practice, "\ufeff" + CODE_HEADER + "\n36415,Blood,1,2026-01-01,\n\n")
    assert summary.created == 1


def test_the_export_reads_back_in_unchanged(practice, office_visit, biller_bo, client_for):
    response = client_for(biller_bo).get("/billing/codes/export.csv")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(CODE_HEADER.encode().replace(b"\n", b"\r\n"))
    summary = import_codes(practice, data)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)


def test_the_export_escapes_formula_cells(practice, biller_bo, client_for):
    # written past the services' checks, as an older version might have stored it
    ProcedureCode.objects.create(
        practice=practice, code="99213", description="=cmd()", active_from=date(2026, 1, 1)
    )
    response = client_for(biller_bo).get("/billing/codes/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'=cmd()"


def test_the_import_page_shows_the_errors_and_writes_nothing(biller_bo, client_for, practice):
    upload = SimpleUploadedFile(
        "codes.csv", (CODE_HEADER + "36415,Blood,0,2026-01-01,\n").encode(), "text/csv"
    )
    response = client_for(biller_bo).post("/billing/codes/import/", {"file": upload})
    assert response.status_code == 400
    assert shows(response, "row 2: units must be a whole number ≥ 1 (at most 999).")
    assert not ProcedureCode.objects.exists()


def test_the_import_page_is_the_keepers(frontdesk_fay, client_for):
    assert client_for(frontdesk_fay).get("/billing/codes/import/").status_code == 403


# --- fees --------------------------------------------------------------------------------------


def test_fees_import_by_payer_name_and_update_by_their_first_day(practice, office_visit, aetna):
    summary = import_fees(
        practice,
        FEE_HEADER
        + "99213,,,115.00,2026-01-01,\n"
        + "99213,,aetna,$89.70,2026-01-01,\n"
        + "99213,25,Aetna,95,2026-01-01,\n",
    )
    assert summary.created == 3
    summary = import_fees(practice, FEE_HEADER + "99213,,Aetna,90.00,2026-01-01,\n")
    assert (summary.created, summary.updated) == (0, 1)
    assert Fee.objects.get(payer=aetna, modifier="").amount == Decimal("90.00")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("99999,,,10.00,2026-01-01,\n", "row 3: 99999 is not one of your procedure codes."),
        ("99213,ZZ,,10.00,2026-01-01,\n", "row 3: 'ZZ' is not a modifier Praxis knows."),
        ("99213,,Cigna,10.00,2026-01-01,\n", "row 3: no payer is called 'Cigna'."),
        ("99213,,,ten,2026-01-01,\n", "row 3: amount: 'ten' is not an amount of money"),
        ("99213,,,-5.00,2026-01-01,\n", "row 3: amount must be $0.00 or more."),
        ("99213,,,10.005,2026-01-01,\n", "row 3: amount: '10.005' has 3 decimal places"),
        ("99213,,,10.00,2026-02-01,2026-01-01\n", "row 3: effective_to comes before"),
        ("99213,,=1+1,10.00,2026-01-01,\n", "row 3: the payer starts with '='"),
        (
            "99213,,,10.00,2026-01-01,\n99213,,,12.00,2026-06-01,\n",
            "row 3: its dates overlap another fee for 99213 (06/01/2026 on)",
        ),
        ("99213,,,12.00,2025-06-01,\n", "row 3: its dates overlap another fee for 99213"),
    ],
)
def test_a_wrong_fee_row_is_named_and_nothing_is_written(practice, office_visit, body, message):
    fee_create(
        practice=practice,
        values={
            "procedure_code": office_visit,
            "amount": Decimal("115.00"),
            "effective_from": date(2025, 1, 1),
            "effective_to": date(2025, 12, 31),
        },
    )
    mark = audit_mark()
    with pytest.raises(ServiceError) as refused:
        import_fees(practice, FEE_HEADER + "99213,25,,130.00,2026-01-01,\n" + body)
    said = " ".join(refused.value.messages)
    assert message in said
    assert Fee.objects.count() == 1
    assert actions_since(mark) == []


def test_the_fee_export_reads_back_unchanged(practice, office_visit, aetna, biller_bo, client_for):
    import_fees(
        practice, FEE_HEADER + "99213,,,115.00,2026-01-01,\n99213,,Aetna,89.70,2026-01-01,\n"
    )
    response = client_for(biller_bo).get("/billing/fees/export.csv", {"payer": str(aetna.pk)})
    data = b"".join(response.streaming_content)
    assert data.decode().splitlines()[1:] == ["99213,,Aetna,89.70,2026-01-01,"]
    summary = import_fees(practice, data)
    assert summary.unchanged == 1


def test_the_fee_import_page_shows_the_errors(biller_bo, client_for, office_visit):
    upload = SimpleUploadedFile(
        "fees.csv", (FEE_HEADER + "99213,,,abc,2026-01-01,\n").encode(), "text/csv"
    )
    response = client_for(biller_bo).post("/billing/fees/import/", {"file": upload})
    assert response.status_code == 400
    assert shows(response, "row 2: amount: 'abc' is not an amount of money")
    assert not Fee.objects.exists()


def test_an_oversized_upload_is_refused_without_reading_it_whole(
    biller_bo, client_for, monkeypatch
):
    monkeypatch.setattr(csv_files, "MAX_BYTES", 1000)
    upload = SimpleUploadedFile("big.csv", (CODE_HEADER + "x" * 5000).encode(), "text/csv")
    response = client_for(biller_bo).post("/billing/codes/import/", {"file": upload})
    assert response.status_code == 400
    assert shows(response, "The file is larger than")
    assert not ProcedureCode.objects.exists()
