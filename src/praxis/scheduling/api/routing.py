"""The one router of scheduling's API: each resource's module adds its operations to it, and
``api/__init__.py`` imports them all. One flat router rather than a router per module, so that
every operation is mounted (and listed by the route census) under ``/scheduling`` itself."""

from ninja import Router

router = Router(tags=["scheduling"])
