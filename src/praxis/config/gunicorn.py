"""gunicorn's settings for Praxis: ``gunicorn -c python:praxis.config.gunicorn praxis.config.wsgi``.

gunicorn's access log writes the request line and the referrer as they came. Neither may reach
a log file here: a query string can carry what someone typed into a search box (a patient's
name), a referrer carries the query of the page before, and a calendar feed's or an
invitation's secret sits in its path. ``AccessLog`` writes the path only, without the query
string, with those secrets written as ``[redacted]``, and the referrer the same way; the request
id ties a line to the application's own log and the audit trail. Settings that depend on the
machine (bind address, workers) stay on the command line or in ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

from praxis.config.log_redaction import SECRET_PATHS, redact

_SECRETS = [re.compile(pattern) for pattern in SECRET_PATHS]

# Only atoms whose values AccessLog cleans, so a header or cookie never slips in.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" %({x-request-id}o)s'


def _clean_path(raw: str) -> str:
    """A path without its query string or fragment, with secrets redacted."""
    path = raw.split("?", 1)[0].split("#", 1)[0]
    return redact(path, _SECRETS) or "/"


def _clean_referrer(referrer: str) -> str:
    if not referrer or referrer == "-":
        return "-"
    parts = urlsplit(referrer)
    return redact(f"{parts.scheme}://{parts.netloc}{parts.path}", _SECRETS)


class AccessLog(Logger):  # type: ignore[misc]
    """gunicorn's logger, with every atom that can hold a URL cleaned before it is written."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        path = _clean_path(str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/"))
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["U"] = path
        atoms["q"] = "-"
        atoms["f"] = _clean_referrer(str(environ.get("HTTP_REFERER", "-")))
        for key in [k for k in atoms if k.endswith("}e") or k == "{referer}i"]:
            del atoms[key]  # the environment holds the raw URI and query string again
        return atoms


logger_class = AccessLog
access_log_format = ACCESS_LOG_FORMAT
accesslog = "-"  # to stdout, for systemd's journal; --access-logfile overrides
