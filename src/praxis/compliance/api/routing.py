"""The one router of compliance's API: each resource's module adds its operations to it."""

from ninja import Router

router = Router(tags=["compliance"])
