"""No module of Praxis imports itself back through others, not even from inside a function: a
deferred import hides a cycle (as ``core.services`` and ``core.tasks`` once did), it does not
remove it, and layers that lean on each other both ways cannot be moved or tested apart. Imports
under ``if TYPE_CHECKING:`` are for annotations only and never run, so they do not count."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    guarded = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        )
    ]
    return {inner for node in guarded for stmt in node.body for inner in ast.walk(stmt)}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    tree = ast.parse(path.read_text())
    for_annotations = _type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if node in for_annotations:
            continue
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            candidates = [target, *(f"{target}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found.update(c for c in candidates if c in known and c != name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {
        _module_name(p): p for p in (SRC / "praxis").rglob("*.py") if "migrations" not in p.parts
    }
    known = set(paths)
    return {name: _imports(path, name, known) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_check_sees_a_cycle_hidden_in_a_function(tmp_path):
    graph = {"a.services": {"a.tasks"}, "a.tasks": {"a.services"}, "a.models": set()}
    assert cycles(graph) == [["a.services", "a.tasks"]]
    assert "praxis.core.tasks" in import_graph()["praxis.core.services"]

    module = tmp_path / "tasks.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .models import User\n"
        "def send():\n    from .services import invitation_path\n"
    )
    known = {"a.models", "a.services", "a.tasks"}
    assert _imports(module, "a.tasks", known) == {"a.services"}  # deferred counts, typing not
