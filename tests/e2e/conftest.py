"""Browser fixtures: one headless Debian Chromium per session (Playwright's sync API), a fresh
context and page per test, and pytest-django's ``live_server`` for the pages.

Playwright is never asked to download a browser: it drives /usr/bin/chromium. Without it the
browser tests skip, unless PRAXIS_REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an asyncio event loop in this thread, and the tests create database
# rows from this thread; without this Django would refuse ("SynchronousOnlyOperation").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TIMEOUT_MS = 15_000


def _no_browser(reason: str) -> None:
    if os.environ.get("PRAXIS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PRAXIS_REQUIRE_BROWSER=1, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed: pip install playwright")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} not found: apt-get install -y chromium (never playwright install)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh context (no cookies) and page per test, with the live server as base URL."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Any:
    """``screenshot(page, "admin-home")``: a full-page PNG in var/screenshots for humans to look
    at. Failing to write one never fails a test."""

    def take(page: Any, name: str) -> None:
        try:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception:
            pass

    return take
