"""Browser fixtures: one headless Debian Chromium for this package (Playwright's sync API), a
fresh context and page per test, and pytest-django's ``live_server`` for the pages.

Playwright is never asked to download a browser: it drives /usr/bin/chromium. Without it the
browser tests skip, unless PRAXIS_REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
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


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    """Playwright's sync API keeps an asyncio event loop running in this thread, and the tests
    create database rows from this thread: Django refuses that ("SynchronousOnlyOperation")
    unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while Playwright runs (package
    scope), never for the whole process: ``check --deploy`` in a subprocess of another test
    would inherit it and fail with async.E001."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed: pip install playwright")
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ.setdefault(ASYNC_UNSAFE, "true")
    try:
        with sync_playwright() as pw:
            yield pw
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
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
