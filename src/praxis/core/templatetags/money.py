"""``{% load money %}{{ amount|money }}``: an amount as pages show it ("$1,234.50", "-$12.00")."""

from __future__ import annotations

from decimal import Decimal

from django import template

from praxis.core.money import format_money, parse_money

register = template.Library()


@register.filter(name="money")
def money(value: Decimal | int | str | None) -> str:
    """Nothing for no amount; text (e.g. from a form) is read as ``parse_money`` reads it. A float
    is refused loudly rather than shown a cent off."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return format_money(parse_money(value))
    return format_money(value)
