"""The week view's layout classes exist: a class that no stylesheet defines (Bootstrap's grid has
no ``row-cols-md-7``) silently stacks the seven days into one long column."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _stylesheet(path: str) -> str:
    found = finders.find(path)
    assert found, f"{path} is not among the static files"
    with open(found, encoding="utf-8") as handle:
        return handle.read()


class _Classes(HTMLParser):
    """The classes of the element with the given id and of its direct children."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id, self.depth, self.classes = element_id, 0, set[str]()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth == 0 and values.get("id") == self.element_id:
            self.depth = 1
            self.classes.update((values.get("class") or "").split())
        elif self.depth:
            if self.depth == 1:
                self.classes.update((values.get("class") or "").split())
            if tag not in {"br", "img", "input", "hr", "meta", "link"}:
                self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


def _defined(css: str, name: str) -> bool:
    return re.search(rf"\.{re.escape(name)}(?![\w-])", css) is not None


def test_every_class_of_the_week_grid_is_defined(client_for, frontdesk_fay, clinic, dana):
    response = client_for(frontdesk_fay).get(
        reverse("scheduling:calendar"), {"location": clinic.pk, "mode": "week"}
    )
    assert response.status_code == 200
    parser = _Classes("week-grid")
    parser.feed(response.content.decode())
    assert "week-grid" in parser.classes
    css = _stylesheet("praxis/praxis.css") + _stylesheet("bootstrap/css/bootstrap.min.css")
    undefined = sorted(name for name in parser.classes if not _defined(css, name))
    assert undefined == []


def test_the_week_grid_is_seven_columns_in_praxis_css() -> None:
    css = _stylesheet("praxis/praxis.css")
    assert re.search(r"\.week-grid\s*\{[^}]*grid-template-columns:\s*repeat\(7,", css)
