"""Keep secrets that travel in URL paths out of the logs.

A calendar app can only subscribe to a plain URL, so a feed's secret sits in its path
(``/scheduling/feeds/<token>.ics``), as an invitation's does (``/invitation/<uid>/<token>/``).
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


class RedactingFormatter(logging.Formatter):
    """A formatter that hides secrets in the finished line (message and traceback alike).
    ``patterns``: regular expressions, each with a group named ``secret``. Formatting, not
    filtering: the record itself stays as it was for any other handler (tests capture it)."""

    def __init__(self, *args: Any, patterns: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patterns = [re.compile(p) for p in patterns]

    @staticmethod
    def _hide(match: re.Match[str]) -> str:
        start, end = match.span("secret")
        offset = match.start(0)
        whole = match.group(0)
        return whole[: start - offset] + REDACTED + whole[end - offset :]

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for pattern in self._patterns:
            line = pattern.sub(self._hide, line)
        return line
