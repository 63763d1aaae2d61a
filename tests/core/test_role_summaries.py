"""What the roles table says a role does is what the matrix lets it do."""

from __future__ import annotations

from pathlib import Path

from praxis.core.roles import PROVIDER, permissions_for

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "roles-and-security.md"


def _guide_row(label: str) -> str:
    for line in GUIDE.read_text().splitlines():
        if line.startswith(f"| {label} |"):
            return line
    raise AssertionError(f"no row for {label} in the guide's roles table")


def test_the_provider_summary_says_the_schedule_is_shared():
    # The matrix gives every provider every calendar and every patient of the practice: the
    # summary must say so rather than promise "their own schedule".
    assert {"scheduling.view_schedule", "patients.view_patient"} <= permissions_for(PROVIDER)
    assert "own schedule" not in PROVIDER.summary
    assert "every provider's calendar" in PROVIDER.summary
    # Nothing in the matrix signs anything off: the summary promises no sign-offs.
    assert "sign-off" not in PROVIDER.summary


def test_the_guide_gives_the_same_provider_summary():
    assert f"| {PROVIDER.summary} |" in _guide_row(PROVIDER.label)
