"""The navigation bar each role sees: the same entries in the same order, the set-up pages in one
Settings menu. Apps contribute their own entries; this pins what the bar looks like as a whole."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from praxis.core.testing.personas import PERSONAS

pytestmark = pytest.mark.django_db

HOMES = ["Administrator home", "Manager home"]
SCHEDULE = ["Calendar", "Ready for tomorrow", "Waitlist", "Calendar feeds"]
CODES = ["Procedure codes", "Fee schedule", "ICD-10-CM codes"]
# A menu of the bar, as the test reads it: its label, then its entries
BILLING = "Billing: To bill, Claims, Day sheet, A/R aging, Collections"
COMPLIANCE = "Compliance: Policies, Incidents"

# persona -> (the bar, the Settings menu), left to right and top to bottom
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "admin_ada": (
        [
            *HOMES,
            "My work",
            *SCHEDULE,
            "Patients",
            BILLING,
            "Staff",
            COMPLIANCE,
            "My page",
            "Audit trail",
        ],
        [
            "Payers",
            "Locations",
            "Users",
            "Practice",
            "Scheduling setup",
            *CODES,
            "Positions",
            "Credential rules",
            "API tokens",
        ],
    ),
    "manager_max": (
        ["Manager home", "My work", *SCHEDULE, "Patients", BILLING, "Staff", COMPLIANCE, "My page"],
        ["Payers", "Locations", "Scheduling setup", *CODES, "Credential rules", "API tokens"],
    ),
    "frontdesk_fay": (
        ["My work", *SCHEDULE, "Patients", "Day sheet", COMPLIANCE, "My page"],
        [*CODES, "API tokens"],
    ),
    "biller_bo": (
        ["My work", "Calendar", "Calendar feeds", "Patients", BILLING, COMPLIANCE, "My page"],
        ["Payers", *CODES, "API tokens"],
    ),
    "dr_dana": (
        ["My work", "Calendar", "Calendar feeds", "Patients", "To bill", COMPLIANCE, "My page"],
        [*CODES, "API tokens"],
    ),
    "clinical_cleo": (
        ["My work", "Calendar", "Calendar feeds", "Patients", COMPLIANCE, "My page"],
        [],
    ),
    "hr_hana": (
        ["My work", "Staff", COMPLIANCE, "My page"],
        ["Positions", "Credential rules", "API tokens"],
    ),
    "compliance_cole": (
        ["My work", COMPLIANCE, "My page", "Audit trail"],
        ["API tokens"],
    ),
    "outsider_otto": (
        ["My work", "My page"],
        [],
    ),
}

BAR_LINK = re.compile(
    r'<li class="nav-item"><a class="nav-link[^"]*"[^>]*href="([^"]+)">([^<]+)</a>'
)
MENU_LINK = re.compile(r'<li><a class="dropdown-item[^"]*"[^>]*href="([^"]+)">([^<]+)</a>')
# In the order they come: an entry of the bar, a menu's toggle, an entry of that menu.
BAR_PART = re.compile(
    r'<li class="nav-item"><a class="nav-link[^"]*"[^>]*>(?P<entry>[^<]+)</a>'
    r'|<a class="nav-link dropdown-toggle[^"]*"[^>]*>(?P<menu>[^<]+)</a>'
    r'|<li><a class="dropdown-item[^"]*"[^>]*>(?P<item>[^<]+)</a>'
)


def _navigation(html: str) -> str:
    """The page up to the account menu (the person's name, Change password): not navigation."""
    return html.split('id="account"')[0]


def _bar_and_settings(html: str) -> tuple[list[str], list[str]]:
    """The bar as read left to right, a menu as "Billing: To bill, Claims"; the Settings menu."""
    bar_html, _, settings_html = _navigation(html).partition('id="settings-menu"')
    bar: list[str] = []
    menu: list[str] = []
    for part in BAR_PART.finditer(bar_html):
        if part["item"] and menu:
            menu.append(part["item"])
            continue
        if menu:
            bar.append(f"{menu[0]}: {', '.join(menu[1:])}")
            menu = []
        if part["menu"]:
            menu = [part["menu"]]
        elif part["entry"]:
            bar.append(part["entry"])
    if menu:
        bar.append(f"{menu[0]}: {', '.join(menu[1:])}")
    return bar, [label for _, label in MENU_LINK.findall(settings_html)]


def test_every_persona_is_pinned():
    assert set(EXPECTED) == set(PERSONAS)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_role_sees_its_bar_and_settings_menu_in_order(persona, client_for, name):
    html = client_for(persona(name)).get(reverse("core:my_home")).content.decode()
    bar, settings = _bar_and_settings(html)
    assert (bar, settings) == EXPECTED[name]
    assert ('id="settings-menu"' in html) == bool(settings)


def test_every_entry_links_where_it_says(persona, client_for):
    html = _navigation(
        client_for(persona("admin_ada")).get(reverse("core:my_home")).content.decode()
    )
    links = dict((label, href) for href, label in BAR_LINK.findall(html) + MENU_LINK.findall(html))
    assert links == {
        "Administrator home": reverse("dashboards:administrator"),
        "Manager home": reverse("dashboards:manager"),
        "My work": reverse("core:my_home"),
        "Calendar": reverse("scheduling:calendar"),
        "Ready for tomorrow": reverse("scheduling:board"),
        "Waitlist": reverse("scheduling:waitlist"),
        "Policies": reverse("compliance:to_read"),
        "Incidents": reverse("compliance:incidents"),
        "Calendar feeds": reverse("scheduling:feeds"),
        "Patients": reverse("patients:list"),
        "To bill": reverse("billing:queue"),
        "A/R aging": reverse("billing:ar_aging"),
        "Collections": reverse("billing:ar_collections"),
        "Day sheet": reverse("billing:day_sheet"),
        "Claims": reverse("claims:list"),
        "Audit trail": reverse("core:audit_list"),
        "Payers": reverse("patients:payer_list"),
        "Locations": reverse("core:location_list"),
        "Users": reverse("core:user_list"),
        "Practice": reverse("core:practice_settings"),
        "Scheduling setup": reverse("scheduling:setup"),
        "Procedure codes": reverse("billing:codes"),
        "Fee schedule": reverse("billing:fees"),
        "ICD-10-CM codes": reverse("billing:icd10"),
        "Staff": reverse("staff:list"),
        "My page": reverse("staff:mine"),
        "Positions": reverse("staff:positions"),
        "Credential rules": reverse("staff:settings"),
        "API tokens": reverse("core:token_list"),
    }


def test_the_current_page_is_marked(persona, client_for):
    html = client_for(persona("manager_max")).get(reverse("patients:list")).content.decode()
    assert f'active" aria-current="page" href="{reverse("patients:list")}">Patients<' in html
