"""`make audit-deps` fails on a known vulnerability, and never passes an unchecked lock off as a
clean one: when the vulnerability database cannot be reached it says that nothing was checked.
pip-audit is stood in for by a script that writes the report pip-audit would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit-deps"

UNREACHABLE = {
    "name": "django",
    "skip_reason": "Dependency not found on PyPI and could not be audited",
}
CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.2"], "description": "..."}],
}


def run_with_report(
    tmp_path: Path, dependencies: list[dict] | None
) -> subprocess.CompletedProcess[str]:  # type: ignore[type-arg]
    """Run the script with a stand-in pip-audit that writes ``dependencies`` as its report (or
    fails like pip-audit does when it cannot connect, for None)."""
    fake = tmp_path / "pip-audit"
    if dependencies is None:
        body = (
            "import sys; sys.stderr.write('ConnectionError: Failed to resolve host'); sys.exit(1)"
        )
    else:
        report = json.dumps({"dependencies": dependencies, "fixes": []})
        body = (
            "import sys; out = sys.argv[sys.argv.index('--output') + 1]; "
            f"open(out, 'w').write({report!r})"
        )
    fake.write_text(f"#!{sys.executable}\n{body}\n")
    fake.chmod(0o755)
    env = {**os.environ, "PIP_AUDIT": str(fake)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "requirements/dev-lock.txt"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_known_vulnerability_fails_the_audit(tmp_path):
    result = run_with_report(tmp_path, [VULNERABLE, CLEAN | {"name": "pytest"}])
    assert result.returncode == 1
    assert "VULNERABLE django 5.2.1: PYSEC-2099-1 (fixed in 5.2.2)" in result.stdout


@pytest.mark.parametrize("dependencies", [[UNREACHABLE, UNREACHABLE | {"name": "pytest"}], None])
def test_an_unreachable_database_is_said_plainly_and_does_not_fail(tmp_path, dependencies):
    result = run_with_report(tmp_path, dependencies)
    assert result.returncode == 0, result.stderr
    assert "NOT CHECKED" in result.stdout
    assert "No known vulnerabilities" not in result.stdout
    assert "no known vulnerabilities" not in result.stdout


def test_a_clean_lock_says_how_many_releases_were_checked(tmp_path):
    result = run_with_report(tmp_path, [CLEAN, CLEAN | {"name": "pytest"}])
    assert result.returncode == 0
    assert "no known vulnerabilities in the 2 releases checked" in result.stdout
