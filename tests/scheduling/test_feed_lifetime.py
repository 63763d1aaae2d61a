"""A calendar feed does not outlive its owner: deactivating the provider's user (or the person
who made the feed and saw its address) revokes it, a feed of a deactivated provider user serves
nothing, and feed addresses stay out of the logs."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from praxis.config.log_redaction import RedactingFormatter
from praxis.core import services
from praxis.core.models import AuditEvent
from praxis.scheduling import ical
from praxis.scheduling.models import ProviderFeedToken


def feed_status(token: str) -> int:
    return Client().get(f"/scheduling/feeds/{token}.ics").status_code


def test_deactivating_the_providers_user_revokes_their_feed(admin_ada, dr_dana, dana, lee):
    danas = ical.feed_token_create(provider=dana, by=dr_dana)
    lees = ical.feed_token_create(provider=lee, by=admin_ada)
    assert feed_status(danas) == 200

    services.user_deactivate(user=dr_dana, deactivated_by=admin_ada)

    assert feed_status(danas) == 404
    assert feed_status(lees) == 200
    assert not ProviderFeedToken.objects.filter(provider=dana, revoked_at=None).exists()
    event = AuditEvent.objects.get(action="praxis.core.user.deactivated")
    assert event.details["feeds_revoked"] == 1


def test_deactivating_whoever_made_a_feed_revokes_it(admin_ada, manager_max, lee):
    # The Manager saw the address when making it; once gone, it must not keep working.
    token = ical.feed_token_create(provider=lee, by=manager_max)
    services.user_deactivate(user=manager_max, deactivated_by=admin_ada)
    assert feed_status(token) == 404


def test_a_feed_of_a_deactivated_provider_user_is_not_served(dr_dana, dana):
    token = ical.feed_token_create(provider=dana, by=dr_dana)
    type(dr_dana).objects.filter(pk=dr_dana.pk).update(is_active=False)  # behind the service
    assert feed_status(token) == 404


def test_a_provider_without_a_user_keeps_a_working_feed(lee):
    assert feed_status(ical.feed_token_create(provider=lee, by=None)) == 200


@pytest.fixture
def log_output():  # type: ignore[no-untyped-def]
    """What Praxis's own log handler writes (the root logger's console handler)."""
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, RedactingFormatter)]
    assert ours, "the console handler formats with redaction"
    stream = io.StringIO()
    previous = [h.setStream(stream) for h in ours]
    yield stream
    for handler, old in zip(ours, previous, strict=True):
        handler.setStream(old)


def test_a_feed_address_is_not_written_to_the_log(db, log_output):
    secret = "s3cret-feed-token_value"
    assert feed_status(secret) == 404  # Django logs "Not Found: <path>" as a warning
    written = log_output.getvalue()
    assert "Not Found" in written
    assert secret not in written
    assert "/scheduling/feeds/[redacted].ics" in written


def test_the_development_servers_request_lines_are_redacted(log_output):
    logging.getLogger("django.server").warning(
        '"%s" %s %s', "GET /scheduling/feeds/abc_DEF-123.ics HTTP/1.1", 404, 0
    )
    logging.getLogger("django.request").warning(
        "Not Found: %s", "/invitation/MTI/cx1a2b-0123456789abcdef/"
    )
    written = log_output.getvalue()
    assert "abc_DEF-123" not in written and "/scheduling/feeds/[redacted].ics" in written
    assert "cx1a2b" not in written and "/invitation/[redacted]/" in written
