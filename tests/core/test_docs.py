"""The user guide's permission matrix is the one the code enforces."""

from pathlib import Path

from praxis.core.roles import ROLES, matrix, permissions_for

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "roles-and-security.md"


def _guide_matrix() -> dict[str, set[str]]:
    text = GUIDE.read_text()
    table = text.split("<!-- matrix:start -->")[1].split("<!-- matrix:end -->")[0]
    rows = [line for line in table.strip().splitlines() if line.startswith("| `")]
    header = table.strip().splitlines()[0].strip("|").split("|")
    role_labels = [cell.strip() for cell in header[2:]]
    matrix = {}
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        perm = cells[0].strip("`")
        matrix[perm] = {label for label, mark in zip(role_labels, cells[2:], strict=True) if mark}
    return matrix


def test_the_guide_shows_the_matrix_the_code_enforces():
    in_code = {perm: {r.label for r in ROLES if perm in permissions_for(r)} for perm in matrix()}
    assert _guide_matrix() == in_code


def test_every_declared_permission_is_in_the_matrix():
    from django.apps import apps

    declared = {
        f"{model._meta.app_label}.{code}"
        for config in apps.get_app_configs()
        if config.name.startswith("praxis.")
        for model in config.get_models()
        for code, _ in model._meta.permissions
    }
    assert declared == set(matrix())
