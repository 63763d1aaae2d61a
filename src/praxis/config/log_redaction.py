"""Keep secrets that travel in URL paths out of the logs.

A calendar app can only subscribe to a plain URL, so a feed's secret sits in its path
(``/scheduling/feeds/<token>.ics``), as an invitation's does (``/invitation/<uid>/<token>/``).
Django logs paths: every 404 ("Not Found: <path>") and, under the development server, every
request line. The filter rewrites the secret part of each message to ``[redacted]`` before a
handler writes it. It imports nothing of Praxis: logging is set up before the apps load.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

REDACTED = "[redacted]"


class RedactPaths(logging.Filter):
    """``patterns``: regular expressions, each with a group named ``secret`` to hide."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        super().__init__()
        self._patterns = [re.compile(p) for p in patterns]

    def _hide(self, match: re.Match[str]) -> str:
        start, end = match.span("secret")
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + REDACTED + whole[end - offset :]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to the handler to report
            return True
        redacted = message
        for pattern in self._patterns:
            redacted = pattern.sub(self._hide, redacted)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
