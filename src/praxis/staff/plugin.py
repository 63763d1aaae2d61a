"""What the staff app plugs in (``praxis.core.plugins``)."""

from __future__ import annotations

from praxis.core.plugins import AppPlugin

PLUGIN = AppPlugin(app="staff")
