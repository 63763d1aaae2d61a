"""The shared X12 sample files the tests read (from ../shared/testdata, never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TESTDATA

REMITTANCES = [
    "badx12/X221-dollars-and-data-sent-together.edi",
    "badx12/X221-era-sample.edi",
    "badx12/X221-secondary-payments.edi",
    "badx12/error_validation.edi",
    "badx12/segment_terminator.edi",
    "edi-835-parser/blue_cross_nc_sample.txt",
    "edi-835-parser/united_healthcare_legacy_sample.txt",
    "edi-835-parser-affect/exhaustive_sample.txt",
    "edi-835-parser-affect/sample_835.txt",
    "linuxforhealth-x12/managed-care.835",
    "linuxforhealth-x12/secondary-payment.835",
    "linuxforhealth-x12/tertiary-payment.835",
    "pyx12/835_mult_loops.txt",
]
# The remittances that cannot be read, and why (the segment and reason the error names).
UNREADABLE = {
    "badx12/segment_terminator.edi": "the file holds no transaction set",
    "edi-835-parser-affect/sample_835.txt": "segment 23: CAS03 'amount' is not a number",
}


def sample(name: str) -> Path:
    path = TESTDATA / name
    if not path.is_file():
        pytest.skip(f"shared test data not found at {path}")
    return path


def all_x12_samples() -> list[str]:
    if not TESTDATA.is_dir():
        return []
    folders = [
        "badx12",
        "edi-835-parser",
        "edi-835-parser-affect",
        "imsweb-x12-parser",
        "linuxforhealth-x12",
        "pyx12",
    ]
    return sorted(
        str(path.relative_to(TESTDATA))
        for folder in folders
        for path in (TESTDATA / folder).iterdir()
    )
