"""How an app plugs in (``core.plugins``): what the registry accepts and refuses, the order it
gives back, and that what the installed apps registered is complete and resolves."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import get_template
from django.urls import reverse

from praxis.core import plugins
from praxis.core.navigation import home_for
from praxis.core.plugins import AppPlugin, DemoSeeder, NavItem, Widget
from praxis.core.roles import MANAGER


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test; the installed apps' plugins come back after it."""
    monkeypatch.setattr(plugins, "_PLUGINS", {})
    return plugins


def nav(label: str, order: int, **kwargs) -> NavItem:
    return NavItem(label, f"x:{label.lower()}", None, order=order, **kwargs)


class TestRegistering:
    def test_an_app_brings_only_its_own_permissions(self, registry):
        with pytest.raises(ValueError, match="only bring its own permissions"):
            registry.register(AppPlugin("billing", permissions={"claims.send": frozenset()}))

    def test_two_apps_cannot_claim_one_navigation_entry(self, registry):
        registry.register(AppPlugin("billing", navigation=(nav("Claims", 10),)))
        with pytest.raises(ValueError, match="already registered"):
            registry.register(AppPlugin("claims", navigation=(nav("Claims", 20),)))

    def test_a_widget_goes_to_an_area_its_home_has(self, registry):
        widget = Widget("my_work", "figures", 10, "x.html", lambda request, practice: {})
        with pytest.raises(ValueError, match="no 'figures' area"):
            registry.register(AppPlugin("billing", widgets=(widget,)))

    def test_registering_an_app_again_replaces_it(self, registry):
        registry.register(AppPlugin("billing", navigation=(nav("Claims", 10),)))
        registry.register(AppPlugin("billing", navigation=(nav("Claims", 20),)))
        assert [item.order for item in registry.navigation()] == [20]


class TestOrder:
    def test_navigation_is_the_bar_then_the_settings_menu_each_in_order(self, registry):
        registry.register(
            AppPlugin("a", navigation=(nav("Setup", 10, in_settings=True), nav("Late", 900)))
        )
        registry.register(AppPlugin("b", navigation=(nav("Early", 100), nav("Same", 100))))
        labels = [item.label for item in registry.navigation()]
        assert labels == ["Early", "Same", "Late", "Setup"]

    def test_the_matrix_keeps_the_order_apps_registered_in(self, registry):
        registry.register(AppPlugin("b", permissions={"b.one": frozenset({MANAGER})}))
        registry.register(AppPlugin("a", permissions={"a.two": frozenset(), "a.one": frozenset()}))
        assert list(registry.permission_rows()) == ["b.one", "a.two", "a.one"]

    def test_demo_seeders_run_after_the_apps_they_build_on(self, registry):
        seed = "praxis.core.demo.seed_demo"  # any importable function
        registry.register(AppPlugin("claims", demo=DemoSeeder(seed, after=("billing",))))
        registry.register(AppPlugin("billing", demo=DemoSeeder(seed, after=("patients",))))
        registry.register(AppPlugin("staff", demo=DemoSeeder(seed)))
        registry.register(AppPlugin("patients", demo=DemoSeeder(seed)))
        registry.register(AppPlugin("quiet"))
        assert [app for app, _ in registry.demo_seeders()] == [
            "staff",
            "patients",
            "billing",
            "claims",
        ]

    def test_a_seeder_cannot_build_on_an_app_that_seeds_nothing(self, registry):
        registry.register(AppPlugin("claims", demo=DemoSeeder("x.y", after=("billing",))))
        with pytest.raises(LookupError, match="billing"):
            registry.demo_seeders()

    def test_seeders_waiting_on_each_other_are_refused(self, registry):
        registry.register(AppPlugin("a", demo=DemoSeeder("x.y", after=("b",))))
        registry.register(AppPlugin("b", demo=DemoSeeder("x.y", after=("a",))))
        with pytest.raises(ValueError, match="wait on each other"):
            registry.demo_seeders()


@pytest.mark.django_db
class TestWidgets:
    def test_shown_by_area_and_order_each_context_computed_once(self, registry, admin_ada):
        calls = []

        def figures(request, practice):
            calls.append(practice)
            return {"n": len(calls)}

        registry.register(
            AppPlugin(
                "billing",
                widgets=(
                    Widget("administrator", "side", 20, "side.html", figures),
                    Widget("administrator", "figures", 10, "card.html", figures),
                    Widget("administrator", "main", 5, "hidden.html", figures, "billing.nobody"),
                    Widget("manager", "main", 1, "elsewhere.html", figures),
                ),
            )
        )
        request = SimpleNamespace(user=admin_ada)
        shown = registry.widgets_for(request, home="administrator")
        assert shown == {
            "figures": [{"template": "card.html", "data": {"n": 1}}],
            "main": [],  # a permission no role holds: not shown
            "side": [{"template": "side.html", "data": {"n": 1}}],
        }
        assert calls == [admin_ada.practice]


class TestWhatTheAppsRegistered:
    def test_core_registers_first(self):
        assert plugins.registered()[0].app == "core"

    def test_every_navigation_entry_opens_a_page(self):
        for item in plugins.navigation():
            assert reverse(item.url_name)

    def test_every_widget_template_exists(self):
        for plugin in plugins.registered():
            for widget in plugin.widgets:
                assert get_template(widget.template)

    def test_every_demo_seeder_imports(self):
        from praxis.billing.demo import seed_billing
        from praxis.compliance.demo import seed_compliance
        from praxis.patients.demo import seed_patients
        from praxis.scheduling.demo import seed_schedule
        from praxis.staff.demo import seed_staff

        assert plugins.demo_seeders() == [
            ("patients", seed_patients),
            ("scheduling", seed_schedule),
            ("billing", seed_billing),
            ("staff", seed_staff),
            ("compliance", seed_compliance),
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("admin_ada", "dashboards:administrator"),
        ("manager_max", "dashboards:manager"),
        ("frontdesk_fay", "core:my_home"),
        ("outsider_otto", "core:my_home"),
    ],
)
def test_each_person_s_home_is_their_most_senior_role_s(persona, name, home):
    assert home_for(persona(name)) == home
