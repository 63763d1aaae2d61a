"""`praxis x12 parse FILE`: the reader's understanding as JSON on stdout; an unreadable file is
one line on stderr and exit status 2."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.processes import praxis, praxis_env

from .files import sample


def parse(capsys, name: str) -> dict:
    call_command("x12", "parse", str(sample(name)))
    return json.loads(capsys.readouterr().out)


def test_an_835_prints_its_checks_claims_and_lines(capsys):
    shape = parse(capsys, "badx12/X221-dollars-and-data-sent-together.edi")
    assert list(shape)[:3] == ["transaction", "version", "warnings"]
    assert (shape["transaction"], shape["version"], shape["warnings"]) == (
        "835",
        "005010X221A1",
        [],
    )
    (check,) = shape["checks"]
    assert (check["trace_number"], check["amount"], check["method"]) == (
        "12345",
        "150000.00",
        "ACH",
    )
    assert check["payer"]["name"] == "INSURANCE COMPANY OF TIMBUCKTU"
    assert check["payee"] == {
        "name": "REGIONAL HOPE HOSPITAL",
        "id_qualifier": "XX",
        "id": "6543210903",
    }
    assert check["plb"] == [
        {
            "provider": "6543210903",
            "fiscal_period": "2002-12-31",
            "reason": "CV",
            "reference": "CP",
            "amount": "-1.27",
        }
    ]
    assert check["balanced"] is True
    claim = check["claims"][0]
    assert {
        key: claim[key]
        for key in (
            "patient_control_number",
            "payer_claim_number",
            "status",
            "charge",
            "paid",
            "patient_responsibility",
        )
    } == {
        "patient_control_number": "666123",
        "payer_claim_number": "1999999444444",
        "status": "1",
        "charge": "211366.97",
        "paid": "138018.40",
        "patient_responsibility": "0.00",
    }
    assert claim["adjustments"] == [
        {"group": "CO", "reason": "45", "amount": "73348.57", "quantity": None}
    ]


def test_an_835_line_prints_its_own_adjustments_and_remarks(capsys):
    shape = parse(capsys, "pyx12/835_mult_loops.txt")
    line = shape["checks"][0]["claims"][0]["lines"][0]
    assert line["procedure"] == "T1005" and line["units"] == "68"
    assert line["adjustments"] == [
        {"group": "CO", "reason": "16", "amount": "500.04", "quantity": None}
    ]
    assert line["remarks"] == ["N14"] and line["balanced"] is True


def test_a_999_prints_its_groups_and_transaction_sets(capsys):
    shape = parse(capsys, "imsweb-x12-parser/x12_999_accepted.txt")
    assert shape["transaction"] == "999"
    (group,) = shape["groups"]
    assert (group["control_number"], group["status_text"]) == ("17456", "accepted")
    assert group["transaction_sets"][0]["accepted"] is True
    assert shape["warnings"] == ["segment 10: IEA02 000000001 does not match ISA13 000000286"]


def test_a_277ca_prints_its_claims(capsys):
    shape = parse(capsys, "imsweb-x12-parser/x12_277CA_accepted.txt")
    assert (shape["transaction"], shape["version"]) == ("277CA", "005010X214")
    (claim,) = shape["claims"]
    assert claim["patient_control_number"] == "5781" and claim["status"] == "accepted"
    assert claim["charge"] == "125.00"
    assert claim["statuses"][0]["category"] == "A2"


def test_an_unreadable_file_is_an_x12error_with_status_2(capsys):
    with pytest.raises(CommandError) as caught:
        call_command("x12", "parse", str(sample("edi-835-parser-affect/sample_835.txt")))
    assert type(caught.value).__name__ == "X12Error" and caught.value.returncode == 2
    assert str(caught.value).startswith("segment 23: CAS03 'amount' is not a number")
    assert capsys.readouterr().out == ""


def test_a_missing_file_is_the_same_kind_of_error(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*nothing\.835: No such file"):
        call_command("x12", "parse", str(tmp_path / "nothing.835"))


def test_on_the_command_line_the_error_is_one_line_and_no_traceback(tmp_path):
    broken = tmp_path / "broken.835"
    broken.write_bytes(b"ST*835*1~BPR*I*1O0*C*CHK~SE*3*1~")
    env = praxis_env(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", data_dir=tmp_path)
    run = praxis("x12", "parse", str(broken), env=env)
    assert run.returncode == 2
    assert run.stdout == ""
    assert (
        run.stderr == "X12Error: segment 2: BPR02 '1O0' is not a number (digits, an optional "
        "sign and decimal point)\n"
    )


def test_an_837p_prints_its_claims(capsys):
    shape = parse(capsys, "badx12/X222-commercial-health-insurance.edi")
    assert (shape["transaction"], shape["version"]) == ("837P", "005010X222A1")
    (claim,) = shape["claims"]
    assert (claim["patient_control_number"], claim["charge"], claim["frequency"]) == (
        "26463774",
        "100.00",
        "1",
    )
    assert claim["diagnoses"] == [
        {"qualifier": "BK", "code": "0340"},
        {"qualifier": "BF", "code": "V7389"},
    ]
    assert claim["lines"][0] == {
        "qualifier": "HC",
        "procedure": "99213",
        "modifiers": [],
        "charge": "40.00",
        "units": "1",
        "pointers": ["1"],
        "service_date": "2006-10-03",
        "control_number": "",
    }


def test_a_dash_reads_standard_input(capsys, monkeypatch):
    data = sample("pyx12/835_mult_loops.txt").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    call_command("x12", "parse", "-")
    assert json.loads(capsys.readouterr().out)["checks"][0]["claims"][0]["status"] == "4"
