"""The import rules, checked by reading the source (``ast``), not by running it.

1. ``praxis.core`` (its ``testing/`` too) imports no domain app: patients, scheduling,
   dashboards, billing, claims, staff, compliance, finance, operations, outreach.
2. Nor does core's code name one in a string — a URL name (``"scheduling:calendar"``), a
   permission (``"patients.view_patient"``), a dotted path (``"praxis.patients.demo"``): each app
   registers its own through ``core.plugins``. Docstrings are prose and are not read.
3. ``praxis.x12`` imports no Django (``django``, ``django_*``, ``ninja``) and no other praxis
   package: it is a library the apps use, and it must hold when the package appears.
4. ``praxis.staff`` imports neither ``praxis.scheduling`` nor ``praxis.claims``.
5. No app imports ``praxis.dashboards``: the home pages sit on top of the apps.
6. A domain app uses another through its models, services (one module per business process,
   e.g. ``patients.registration``, ``scheduling.booking``), selectors, ``access``, ``signals``
   and ``merging`` — never its pages or wiring: views (``views``, ``*_views``), ``api``,
   ``urls``, forms (``forms``, ``*_forms``), ``tasks``, ``demo``, ``plugin``, ``apps``,
   ``templatetags``, ``management``, ``migrations`` — and never a private (``_name``) of it.

Imports inside functions count; relative imports are resolved. Calls such as
``import_string("…")`` are not followed, and what an import is used for (reading another app's
model, or writing through it) cannot be read off the import: that stays with review. The
composition roots (``praxis.config``, ``praxis.api``, ``praxis.cli``) wire every app and are not
checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

DOMAIN_APPS = frozenset(
    {
        "patients",
        "scheduling",
        "dashboards",
        "billing",
        "claims",
        "staff",
        "compliance",
        "finance",
        "operations",
        "outreach",
    }
)
NOT_THROUGH = frozenset(
    {
        "views",
        "api",
        "urls",
        "forms",
        "tasks",
        "demo",
        "plugin",
        "apps",
        "templatetags",
        "management",
        "migrations",
    }
)


def is_page_or_wiring(module: str) -> bool:
    return module in NOT_THROUGH or module.endswith(("_views", "_forms"))


NAMES_AN_APP = re.compile(rf"^(praxis\.)?({'|'.join(sorted(DOMAIN_APPS))})[:.]\w")


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # "praxis.scheduling.services", or "praxis.scheduling.services._private"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(tree: ast.AST, module: str, is_package: bool) -> Iterator[Import]:
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = ".".join(package[: len(package) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                yield Import(node.lineno, f"{base}.{alias.name}")


def strings_in(tree: ast.AST) -> Iterator[tuple[int, str]]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            yield node.lineno, node.value


def app_of(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if parts[0] == "praxis" and len(parts) > 1 else ""


def broken_rules(module: str, target: str) -> list[str]:
    """The rules an import of ``target`` (a module, or a name in one) from ``module`` breaks."""
    here, there = app_of(module), app_of(target)
    top = target.split(".")[0]
    broken = []
    if here == "core" and there in DOMAIN_APPS:
        broken.append("core imports no domain app")
    if here == "x12" and (top in {"django", "ninja"} or top.startswith("django_")):
        broken.append("x12 imports no Django")
    if here == "x12" and there not in {"", "x12"}:
        broken.append("x12 imports no other praxis package")
    if here == "staff" and there in {"scheduling", "claims"}:
        broken.append("staff imports neither scheduling nor claims")
    if there == "dashboards" and here != "dashboards":
        broken.append("nothing imports dashboards")
    if here in DOMAIN_APPS and there in DOMAIN_APPS and here != there and there != "dashboards":
        parts = target.split(".")
        if len(parts) < 3 or is_page_or_wiring(parts[2]):
            broken.append("another app is used through its services and selectors, not its pages")
        elif any(part.startswith("_") for part in parts[2:]):
            broken.append("another app's private names stay private")
    return broken


def violations(root: Path) -> list[str]:
    """Every broken rule under ``root/praxis``, as "module:line target: rule"."""
    found = []
    for path in sorted((root / "praxis").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = module_name(path, root)
        tree = ast.parse(path.read_text(), filename=str(path))
        for imp in imports_in(tree, module, path.name == "__init__.py"):
            for rule in broken_rules(module, imp.target):
                found.append(f"{module}:{imp.line} {imp.target}: {rule}")
        if app_of(module) == "core":
            for line, text in strings_in(tree):
                if NAMES_AN_APP.match(text):
                    found.append(f"{module}:{line} {text!r}: core names no domain app")
    return found


def test_the_source_keeps_the_rules():
    assert violations(SRC) == []


def test_the_checker_finds_each_broken_rule(tmp_path):
    def write(path: str, text: str) -> None:
        file = tmp_path / "praxis" / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)

    write("__init__.py", "")
    write("core/__init__.py", "from praxis import scheduling\n")
    write(
        "core/navigation.py",
        '"""Mentions patients.view_patient in prose: fine."""\n'
        "from .models import Practice\n"
        "from . import audit\n"
        "ITEM = ('Calendar', 'scheduling:calendar')\n"
        "def seed():\n"
        "    from ..patients.demo import seed_patients\n",
    )
    write("core/testing/factories.py", "import praxis.billing.models\n")
    write(
        "x12/writer.py",
        "from datetime import date\n"
        "from . import segments\n"
        "from .segments import Segment\n"
        "from django.conf import settings\n"
        "import django_tasks\n"
        "from praxis.core import time\n",
    )
    write("staff/services.py", "from praxis.core.models import User\nfrom ..claims import models\n")
    write(
        "patients/views.py",
        "from praxis.scheduling.selectors import visits_of\n"
        "from praxis.scheduling import services\n"
        "from praxis.scheduling.views import calendar\n"
        "from praxis.scheduling.services import _plan_visit\n"
        "from praxis.dashboards import views\n",
    )
    write("dashboards/views.py", "from praxis.scheduling.selectors import visits_of\n")

    assert violations(tmp_path) == [
        "praxis.core:1 praxis.scheduling: core imports no domain app",
        "praxis.core.navigation:6 praxis.patients.demo.seed_patients: core imports no domain app",
        "praxis.core.navigation:4 'scheduling:calendar': core names no domain app",
        "praxis.core.testing.factories:1 praxis.billing.models: core imports no domain app",
        "praxis.patients.views:3 praxis.scheduling.views.calendar: another app is used "
        "through its services and selectors, not its pages",
        "praxis.patients.views:4 praxis.scheduling.services._plan_visit: "
        "another app's private names stay private",
        "praxis.patients.views:5 praxis.dashboards.views: nothing imports dashboards",
        "praxis.staff.services:2 praxis.claims.models: staff imports neither scheduling nor claims",
        "praxis.x12.writer:4 django.conf.settings: x12 imports no Django",
        "praxis.x12.writer:5 django_tasks: x12 imports no Django",
        "praxis.x12.writer:6 praxis.core.time: x12 imports no other praxis package",
    ]
