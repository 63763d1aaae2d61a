"""The visit-type colours of the calendar as a stylesheet. The CSP forbids inline styles, so
each type gets a class (``appt-type-<id>``) in a small generated stylesheet instead."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
BLACK, WHITE = "#000000", "#ffffff"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_for(background: str) -> str:
    """Black or white, whichever reads better on the background."""
    if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE):
        return BLACK
    return WHITE


def type_stylesheet(types: Iterable[tuple[int, str]]) -> str:
    """One rule per (type id, colour). A colour that is not exactly #rrggbb is left out (the
    status colours then show): whatever reached the database, nothing else enters the CSS."""
    rules = []
    for pk, colour in types:
        if not isinstance(pk, int) or not HEX_COLOUR.fullmatch(colour or ""):
            continue
        text = text_colour_for(colour)
        # Two classes, so the type's background outranks the status backgrounds in praxis.css;
        # the status keeps its coloured border and its badge.
        rules.append(
            f".appt.appt-type-{pk} {{ background-color: {colour.lower()}; color: {text}; }}\n"
            f".appt.appt-type-{pk} a {{ color: {text}; }}"
        )
    return "\n".join(rules) + "\n"


def etag_for(body: str) -> str:
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
