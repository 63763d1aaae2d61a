"""gunicorn's access log (config/gunicorn.py) writes paths without query strings, with the
secrets of calendar feeds and invitations redacted, and the referrer the same way."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

from gunicorn.config import Config

from praxis.config import gunicorn as praxis_gunicorn


def _logged_line(raw_uri: str, referrer: str = "-") -> str:
    config = Config()
    config.set("logger_class", "praxis.config.gunicorn.AccessLog")
    config.set("access_log_format", praxis_gunicorn.ACCESS_LOG_FORMAT)
    config.set("accesslog", "-")
    access_log = praxis_gunicorn.AccessLog(config)
    written = io.StringIO()
    for handler in access_log.access_log.handlers:
        handler.setStream(written)  # type: ignore[attr-defined]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": raw_uri.split("?")[0],
        "QUERY_STRING": raw_uri.partition("?")[2],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": referrer,
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_COOKIE": "sessionid=s3cr3t",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "req-1")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=s3cr3t"), ("REFERER", referrer)])
    access_log.access(response, request, environ, datetime.timedelta(milliseconds=12))
    return written.getvalue()


def test_the_request_line_has_no_query_string():
    line = _logged_line("/patients/?q=Haddad&dob=1950-02-03")
    assert '"GET /patients/ HTTP/1.1" 200 512 12ms' in line
    assert "Haddad" not in line and "1950" not in line
    assert "req-1" in line


def test_feed_and_invitation_secrets_are_redacted():
    feed = _logged_line("/scheduling/feeds/Zx9_feed-secret.ics")
    invitation = _logged_line("/invitation/MTI/c4k-7f0e/")
    assert "/scheduling/feeds/[redacted].ics" in feed and "Zx9_feed-secret" not in feed
    assert "/invitation/[redacted]/" in invitation and "c4k-7f0e" not in invitation
    reset = _logged_line("/password/reset/MTI/d9q-1a2b/")
    assert "/password/reset/[redacted]/" in reset and "d9q-1a2b" not in reset


def test_the_referrer_loses_its_query_and_secrets_and_cookies_never_appear():
    line = _logged_line(
        "/scheduling/", referrer="https://praxis.example.org/patients/?q=Haddad#top"
    )
    assert '"https://praxis.example.org/patients/"' in line
    assert "Haddad" not in line and "s3cr3t" not in line
