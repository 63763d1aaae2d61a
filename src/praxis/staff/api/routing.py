"""The one router of staff's API: each resource's module adds its operations to it, and
``api/__init__.py`` imports them all."""

from ninja import Router

router = Router(tags=["staff"])
