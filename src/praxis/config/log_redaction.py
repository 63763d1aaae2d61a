"""Keep secrets that travel in URL paths out of the logs.

A calendar app can only subscribe to a plain URL, so a feed's secret sits in its path
(``/scheduling/feeds/<token>.ics``), as an invitation's and a password reset's do
(``/invitation/<uid>/<token>/``, ``/password/reset/<uid>/<token>/``).
Django logs paths: every 404 ("Not Found: <path>") and, under the development server, every
request line. The formatter writes the secret part of each line as ``[redacted]``. It imports
nothing of Praxis: logging is set up before the apps load.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

REDACTED = "[redacted]"

# The paths that carry a secret, each with the secret as the group named ``secret``.
SECRET_PATHS = (
    r"/scheduling/feeds/(?P<secret>[^/\s\"?#]+)\.ics",
    r"/invitation/(?P<secret>[^/\s\"?#]+/[^/\s\"?#]+)/",
    r"/password/reset/(?P<secret>[^/\s\"?#]+/[^/\s\"?#]+)/",
)


def redact(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """``text`` with the secret part of every match of ``patterns`` written as [redacted]."""
    for pattern in patterns:
        text = pattern.sub(_hide, text)
    return text


def _hide(match: re.Match[str]) -> str:
    start, end = match.span("secret")
    offset = match.start(0)
    whole = match.group(0)
    return whole[: start - offset] + REDACTED + whole[end - offset :]


class RedactingFormatter(logging.Formatter):
    """A formatter that hides secrets in the finished line (message and traceback alike).
    ``patterns``: regular expressions, each with a group named ``secret``. Formatting, not
    filtering: the record itself stays as it was for any other handler (tests capture it)."""

    def __init__(self, *args: Any, patterns: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patterns = [re.compile(p) for p in patterns]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._patterns)
