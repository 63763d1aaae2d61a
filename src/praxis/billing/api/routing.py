"""The one router of billing's API: each resource's module adds its operations to it, and
``api/__init__.py`` imports them all."""

from ninja import Router

router = Router(tags=["billing"])
