"""The interface reads as one US product: every date and time shown to people comes from
core/datefmt.py (``{% load when %}``), and the words are US spelling.

These tests read the templates (and the user guide) as text. A template that formats a date
itself (``|date:"M j"``, ``|time:"H:i"``, ``{% now "Y" %}``) fails here; a machine value inside
an HTML attribute (a link's ``?date=``, an ``<input>`` value, a ``datetime=`` attribute) may keep
an ISO-shaped format. A British spelling in what people read fails too; code identifiers in
template tags, variables and attribute names (the ``type_colours`` URL name, the ``cancelled``
context variable, ``aria-labelledby``) are not text and are not checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "praxis"
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide"
TEMPLATES = sorted(
    p for p in SRC.rglob("*") if p.suffix in (".html", ".txt") and "templates" in p.parts
)

# Formats a machine reads (ISO 8601 pieces), allowed only inside an attribute value.
MACHINE_FORMATS = {"Y-m-d", "H:i", "c"}
LITERAL_FORMAT = re.compile(r"""\|(date|time):\s*(["'])(?P<format>[^"']*)\2|\{%\s*now\s""")

# Allowed literal formats that are not machine values, each with its reason. Keep it empty.
ALLOWED: dict[tuple[str, str], str] = {}


def _inside_attribute(text: str, at: int) -> bool:
    """Whether position `at` is inside a double-quoted attribute value of an HTML tag."""
    tag_start = text.rfind("<", 0, at)
    if tag_start == -1 or text.rfind(">", 0, at) > tag_start:
        return False
    return text.count('"', tag_start, at) % 2 == 1


def literal_date_formats(text: str) -> list[str]:
    found = []
    for match in LITERAL_FORMAT.finditer(text):
        fmt = match.group("format")
        if fmt in MACHINE_FORMATS and _inside_attribute(text, match.start()):
            continue
        found.append(match.group(0))
    return found


def test_the_templates_were_found() -> None:
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_formats_a_date_itself(path: Path) -> None:
    rel = str(path.relative_to(SRC))
    found = [f for f in literal_date_formats(path.read_text()) if (rel, f) not in ALLOWED]
    assert not found, (
        f"{rel} formats dates itself: {found}. Use {{% load when %}} and |when_day, |when_date, "
        "|when_short, |when_time, |when_datetime (core/datefmt.py)."
    )


def test_the_format_check_catches_what_it_should() -> None:
    assert literal_date_formats('<td>{{ a.start|date:"H:i" }}</td>') == ['|date:"H:i"']
    assert literal_date_formats("<td>{{ t|time:'g:i A' }}</td>") == ["|time:'g:i A'"]
    assert literal_date_formats('<p>{% now "Y" %}</p>') == ["{% now "]
    assert literal_date_formats("""<a href="?date={{ d|date:'Y-m-d' }}">""") == []
    assert literal_date_formats("""<time datetime="{{ t|date:'c' }}">""") == []
    assert literal_date_formats("<p>{{ d|date:'Y-m-d' }}</p>") == ["|date:'Y-m-d'"]


# --- US spelling ----------------------------------------------------------------------------------

BRITISH = re.compile(
    r"\b(colour\w*|cancell(?:ed|ing)|utilis\w*|organis\w*|centres?|"
    r"licences?|behaviours?|enrol|enrols|enrolment|labell(?:ed|ing)|grey|favour\w*|honour\w*|"
    r"recognis\w*|authoris\w*|prioritis\w*|summaris\w*|customis\w*|analys(?:e|ed|es|ing)|"
    r"catalogue|programme|judgement|travell(?:ed|ing)|modell(?:ed|ing)|fulfil|cheque)\b",
    re.IGNORECASE,
)
# Words that must stay, each with its reason. Keep it tiny.
ALLOWED_WORDS: set[str] = set()

_TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_COMMENT_BLOCK = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_SHOWN_ATTRIBUTE = re.compile(r"""\b(?:title|aria-label|placeholder|alt)="([^"]*)\"""")


def shown_text(template: str) -> str:
    """What a person can read: the text between tags and the attributes shown or spoken, without
    template tags, variables, comments and other attributes (class names, URLs, ids)."""
    source = _COMMENT_BLOCK.sub(" ", template)
    shown = " ".join(_SHOWN_ATTRIBUTE.findall(source))
    source = _TEMPLATE_CODE.sub(" ", source)
    return _TAG.sub(" ", source) + " " + _TEMPLATE_CODE.sub(" ", shown)


def british(text: str) -> list[str]:
    return [w for w in BRITISH.findall(text) if w.lower() not in ALLOWED_WORDS]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_use_us_spelling(path: Path) -> None:
    found = british(shown_text(path.read_text()))
    assert not found, f"{path.relative_to(SRC)} shows British spelling: {found}"


@pytest.mark.parametrize("path", sorted(GUIDE.glob("*.md")), ids=lambda p: p.name)
def test_the_user_guide_uses_us_spelling(path: Path) -> None:
    prose = re.sub(r"```.*?```|`[^`]*`", " ", path.read_text(), flags=re.DOTALL)
    found = british(prose)
    assert not found, f"docs/guide/{path.name} uses British spelling: {found}"


def test_the_spelling_check_catches_what_it_should() -> None:
    assert british(shown_text("<h3>Cancelled and no-shows</h3>")) == ["Cancelled"]
    assert british(shown_text('<button title="Pick a colour">')) == ["colour"]
    assert british(shown_text("{% url 'scheduling:type_colours' %}{% if cancelled %}")) == []
    assert british(shown_text('<section aria-labelledby="h">Utilisation</section>')) == [
        "Utilisation"
    ]
    assert british("the practice's licence and centre") == ["licence", "centre"]
    assert british("canceled, color, utilization, cancellation") == []
