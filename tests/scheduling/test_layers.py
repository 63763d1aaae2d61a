"""Scheduling's services import only downwards: a booking walks down the layers without climbing
back, so no two of them can ever import each other. Pages, the API and the worker sit on top
and may use any of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import praxis.scheduling

APP = Path(praxis.scheduling.__file__).parent
PACKAGE = "praxis.scheduling"

# Lowest first. A module may import only modules of the layers below its own.
LAYERS: list[tuple[str, ...]] = [
    ("models", "signals", "messaging"),
    ("availability",),
    ("selectors",),
    ("rules", "waitlist_openings", "reminder_claims"),
    ("slots", "visits", "setup"),
    ("booking",),
    ("series", "waitlist", "reminders"),
]
LAYER_OF = {module: level for level, modules in enumerate(LAYERS) for module in modules}


def scheduling_imports(module: str) -> set[str]:
    """The scheduling modules `module` imports, at the top or inside a function."""
    tree = ast.parse((APP / f"{module}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .booking import x
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import selectors
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith(PACKAGE + "."):
                found.add(node.module.removeprefix(PACKAGE + ".").split(".")[0])
            elif node.module == PACKAGE:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name.removeprefix(PACKAGE + ".").split(".")[0])
    return found


@pytest.mark.parametrize("module", sorted(LAYER_OF))
def test_a_service_module_imports_only_lower_layers(module: str) -> None:
    climbing = {
        imported
        for imported in scheduling_imports(module)
        if LAYER_OF.get(imported, len(LAYERS)) >= LAYER_OF[module]
    }
    assert climbing == set(), f"{module} imports {sorted(climbing)}, which are not below it"
