"""`make demo PORT=8123` works: the server listens on the port, and every link the demo prints
or hands out (the sign-in address, calendar feeds) follows PRAXIS_BASE_URL, which the Makefile
sets from the port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from praxis.core.testing.factories import PracticeFactory
from praxis.scheduling.ical import feed_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_passes_the_port_to_the_server_and_the_links() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"PORT", "PRAXIS_BASE_URL"}}
    dry_run = subprocess.run(
        ["make", "-n", "demo", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    commands = [line for line in dry_run.splitlines() if "praxis " in line]
    assert any(line.endswith("runserver 127.0.0.1:8123") for line in commands), dry_run
    assert all("PRAXIS_BASE_URL=http://127.0.0.1:8123" in line for line in commands), dry_run


@pytest.mark.django_db
def test_the_seed_output_names_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from praxis.core.management.commands import seed_demo

    practice = PracticeFactory(name="Riverbend Family Medicine")
    monkeypatch.setattr(seed_demo, "seed_demo", lambda: practice)  # the links, not the seeding
    out = StringIO()
    with override_settings(DEMO_MODE=True, PRAXIS_BASE_URL="http://127.0.0.1:8123"):
        call_command("seed_demo", stdout=out)
    assert "Open http://127.0.0.1:8123/ and sign in." in out.getvalue()
    assert "8000" not in out.getvalue()


def test_feed_links_follow_the_base_url() -> None:
    with override_settings(PRAXIS_BASE_URL="http://127.0.0.1:8123"):
        assert feed_url("abc") == "http://127.0.0.1:8123/scheduling/feeds/abc.ics"


def test_the_demo_profile_reads_the_base_url_from_the_environment(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PRAXIS_PROFILE": "demo",
        "PRAXIS_DATA_DIR": str(tmp_path),
        "PRAXIS_BASE_URL": "http://127.0.0.1:8123/",
        "DJANGO_SETTINGS_MODULE": "praxis.config.settings",
    }
    env.pop("PRAXIS_DATABASE_URL", None)
    praxis = Path(sys.executable).parent / "praxis"
    printed = subprocess.run(
        [
            str(praxis),
            "shell",
            "-c",
            "from django.conf import settings; print(settings.PRAXIS_BASE_URL)",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
