"""The calendar is coloured by visit type from a generated stylesheet (no inline styles under
the CSP), with readable text and the status still visible."""

from __future__ import annotations

import pytest
from django.urls import reverse

from praxis.core.testing.assertions import page_text
from praxis.scheduling import colours
from praxis.scheduling.models import AppointmentType
from praxis.scheduling.testing import AppointmentTypeFactory

from .conftest import book, local

pytestmark = pytest.mark.django_db


class TestTypeColours:
    @pytest.mark.parametrize(
        ("background", "text"),
        [
            ("#ffffff", "#000000"),
            ("#000000", "#ffffff"),
            ("#ffff00", "#000000"),
            ("#000080", "#ffffff"),
            ("#5a8f3d", "#000000"),
            ("#2f6fb0", "#ffffff"),
        ],
    )
    def test_text_is_black_or_white_by_luminance(self, background, text):
        assert colours.text_colour_for(background) == text
        assert colours.contrast_ratio(background, text) >= 4.5

    def test_only_well_formed_colours_reach_the_stylesheet(self):
        css = colours.type_stylesheet([(1, "#A1B2C3"), (2, "red;}body{x"), (3, ""), (4, "#fff")])
        assert ".appt.appt-type-1 { background-color: #a1b2c3; color: #000000; }" in css
        assert "appt-type-2" not in css and "appt-type-3" not in css and "appt-type-4" not in css

    def test_the_stylesheet_has_a_class_per_type_and_an_etag(
        self, client_for, biller_bo, follow_up, practice
    ):
        broken = AppointmentTypeFactory(practice=practice, name="Broken")
        AppointmentType.objects.filter(pk=broken.pk).update(colour="url(x)")  # past validators
        client = client_for(biller_bo)
        url = reverse("scheduling:type_colours")
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/css")
        css = page_text(response)
        assert f".appt.appt-type-{follow_up.pk} " in css and "url(" not in css
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        AppointmentType.objects.filter(pk=follow_up.pk).update(colour="#123456")
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200

    def test_roles_without_the_calendar_do_not_get_it(self, client_for, hr_hana):
        assert client_for(hr_hana).get(reverse("scheduling:type_colours")).status_code == 403

    def test_the_calendar_links_it_and_keeps_the_status_visible(
        self, client_for, frontdesk_fay, paula, dana, clinic, visit_day, follow_up
    ):
        book(paula, dana, clinic, follow_up, local(visit_day, 11))
        client = client_for(frontdesk_fay)
        params = {"location": clinic.pk, "date": visit_day.isoformat()}
        for mode in ("day", "week"):
            text = page_text(client.get(reverse("scheduling:calendar"), {**params, "mode": mode}))
            assert reverse("scheduling:type_colours") in text
            assert f"appt appt-type-{follow_up.pk} status-scheduled" in text
            assert "status-badge status-scheduled" in text
            assert 'style="' not in text
