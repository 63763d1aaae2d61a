"""/api/v1/compliance/: policies (versions, acknowledgments) and incidents (breach assessment,
notices). The same services and selectors as the pages."""

# Importing a resource's module adds its operations; this order is the order of the schema.
# isort: off
from . import policies, incidents  # noqa: F401

# isort: on
from .routing import router

__all__ = ["router"]
