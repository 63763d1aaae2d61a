"""How an app plugs into Praxis, so that core names no app.

Each app declares one ``AppPlugin`` in its ``plugin.py``: its entries in the navigation bar, its
rows of the role matrix, its home-page widgets and its demo seeder. Its ``AppConfig.ready()``
registers it::

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)

Core registers its own plugin the same way, first; the registry keeps the order in which apps
register (``INSTALLED_APPS``), which is the order of the role matrix and of equal-order entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Any, Literal

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .access import AuthedRequest
    from .models import Practice
    from .roles import Role

Home = Literal["administrator", "manager", "my_work"]
Area = Literal["figures", "main", "side"]

# The areas each home page lays out: a row of figure cards, then a main and a side column.
HOME_AREAS: dict[str, tuple[Area, ...]] = {
    "administrator": ("figures", "main", "side"),
    "manager": ("figures", "main", "side"),
    "my_work": ("main",),
}


@dataclass(frozen=True)
class NavItem:
    """An entry of the navigation bar, shown to whoever holds ``permission``."""

    label: str
    url_name: str
    permission: str | None  # None: every signed-in user
    order: int  # left to right in the bar, top to bottom in the Settings menu
    in_settings: bool = False  # set-up pages, used now and then, sit in one Settings menu
    home: bool = False  # a home page: "/" opens the first one in the bar the person may open
    # A menu of the bar this entry sits in ("Billing"), where its first entry would be: an app
    # with several pages takes one place in the bar. A person who may open only one entry of a
    # menu sees that entry itself, not a menu of one.
    menu: str = ""


WidgetContext = Callable[["AuthedRequest", "Practice"], Mapping[str, Any]]


@dataclass(frozen=True)
class Widget:
    """A part of a home page: ``template`` is included in one area with ``data`` set to what
    ``context(request, practice)`` returns. Widgets that share a context function share one call
    per page, so a figure card and its panel cost the queries once."""

    home: Home
    area: Area
    order: int  # top to bottom (left to right among figure cards)
    template: str
    context: WidgetContext
    permission: str | None = None  # besides the home page's own


@dataclass(frozen=True)
class DemoSeeder:
    """Adds the app's demo data to the demo practice; must leave a seeded practice unchanged."""

    seed: str  # dotted path of ``seed(practice)``, imported only when the demo is seeded
    after: tuple[str, ...] = ()  # the apps whose demo data this one builds on


@dataclass(frozen=True)
class AppPlugin:
    app: str  # the app label; every permission row it brings starts with it
    navigation: tuple[NavItem, ...] = ()
    permissions: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    widgets: tuple[Widget, ...] = ()
    demo: DemoSeeder | None = None
    # How "My work" and the audit trail tell this app's audit actions: action -> phrase, with
    # "{patient}" where the patient's name goes (core.activity).
    activity: Mapping[str, str] = field(default_factory=dict)
    # Dotted path of ``names(ids) -> {id: "Name (MRN ...)"}`` for the app that holds patients.
    patient_names: str | None = None
    # Dotted path of ``find(practice, mrn) -> patient id | None``, the same app's.
    patient_by_mrn: str | None = None
    # Dotted path of ``balances(patient_ids) -> {id: Decimal}``, what each patient owes after
    # their credit (one query for them all), for the app that keeps the ledger: the readiness
    # board shows it without importing that app.
    patient_balances: str | None = None


_PLUGINS: dict[str, AppPlugin] = {}


def register(plugin: AppPlugin) -> None:
    """Add an app's plugin (registering the same app again replaces it)."""
    others = [p for p in _PLUGINS.values() if p.app != plugin.app]
    foreign = [perm for perm in plugin.permissions if not perm.startswith(f"{plugin.app}.")]
    if foreign:
        raise ValueError(f"{plugin.app} may only bring its own permissions, not {foreign}")
    taken_urls = {item.url_name for p in others for item in p.navigation}
    clash = taken_urls.intersection(item.url_name for item in plugin.navigation)
    if clash:
        raise ValueError(f"navigation entries already registered: {sorted(clash)}")
    strays = [a for a in plugin.activity if not a.startswith(f"praxis.{plugin.app}.")]
    if strays:
        raise ValueError(f"{plugin.app} may only name its own actions, not {strays}")
    for widget in plugin.widgets:
        if widget.area not in HOME_AREAS[widget.home]:
            raise ValueError(f"the {widget.home} home has no {widget.area!r} area")
    _PLUGINS[plugin.app] = plugin


def registered() -> tuple[AppPlugin, ...]:
    return tuple(_PLUGINS.values())


def navigation() -> list[NavItem]:
    """Every entry, bar first then the Settings menu, each in order."""
    items = [item for plugin in _PLUGINS.values() for item in plugin.navigation]
    return sorted(items, key=lambda item: (item.in_settings, item.order))


def permission_rows() -> dict[str, frozenset[Role]]:
    """Every app's rows of the role matrix, in the order the apps registered."""
    return {perm: held for plugin in _PLUGINS.values() for perm, held in plugin.permissions.items()}


def activity_phrases() -> dict[str, str]:
    """Every app's phrases for its audit actions."""
    return {
        action: text for plugin in _PLUGINS.values() for action, text in plugin.activity.items()
    }


def patient_names(ids: list[int]) -> dict[int, str]:
    """Patients' names with their MRN, from the app that registered a reader (none: {})."""
    reader = next((p.patient_names for p in _PLUGINS.values() if p.patient_names), None)
    if not ids or reader is None:
        return {}
    names: dict[int, str] = import_string(reader)(ids)
    return names


def patient_id_by_mrn(practice: Any, mrn: str) -> int | None:
    """The id of the practice's patient with this MRN, from the app that holds patients."""
    finder = next((p.patient_by_mrn for p in _PLUGINS.values() if p.patient_by_mrn), None)
    if finder is None:
        return None
    found: int | None = import_string(finder)(practice, mrn)
    return found


def patient_balances(ids: Iterable[int]) -> dict[int, Decimal] | None:
    """What each of these patients owes (absent: nothing), from the app that registered a
    reader; None when no app keeps balances (the board then says it does not track them)."""
    reader = next((p.patient_balances for p in _PLUGINS.values() if p.patient_balances), None)
    if reader is None:
        return None
    wanted = sorted(set(ids))
    balances: dict[int, Decimal] = import_string(reader)(wanted) if wanted else {}
    return balances


def widgets_for(request: AuthedRequest, *, home: Home) -> dict[Area, list[dict[str, Any]]]:
    """The widgets of one home page the person may see, by area and in order, each as
    ``{"template": ..., "data": ...}`` for ``{% include w.template with data=w.data %}``."""
    from .access import practice_of  # loads the models: the registry itself imports none

    practice = practice_of(request.user)
    computed: dict[WidgetContext, Mapping[str, Any]] = {}
    parts: dict[Area, list[dict[str, Any]]] = {area: [] for area in HOME_AREAS[home]}
    widgets = [w for plugin in _PLUGINS.values() for w in plugin.widgets if w.home == home]
    for widget in sorted(widgets, key=lambda w: w.order):
        if widget.permission is not None and not request.user.has_perm(widget.permission):
            continue
        if widget.context not in computed:
            computed[widget.context] = widget.context(request, practice)
        parts[widget.area].append({"template": widget.template, "data": computed[widget.context]})
    return parts


def demo_seeders() -> list[tuple[str, Callable[[Practice], object]]]:
    """(app, seed) for every app with demo data, each after the apps it builds on."""
    seeders = {p.app: p.demo for p in _PLUGINS.values() if p.demo is not None}
    for app, seeder in seeders.items():
        unknown = set(seeder.after) - seeders.keys()
        if unknown:
            raise LookupError(f"the {app} demo builds on {sorted(unknown)}, which seed nothing")
    graph = TopologicalSorter({app: seeder.after for app, seeder in seeders.items()})
    try:
        graph.prepare()
    except CycleError as exc:
        raise ValueError(f"the demo seeders wait on each other: {exc.args[1]}") from exc
    registered = list(seeders)
    ordered: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready(), key=registered.index)  # registration order among equals
        ordered.extend(ready)
        graph.done(*ready)
    return [(app, import_string(seeders[app].seed)) for app in ordered]
