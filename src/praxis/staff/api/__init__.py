"""/api/v1/staff/: staff records, credentials, pay (Administrator and HR only) and separations.
The same services and selectors as the pages. One module per resource, each adding its
operations to the router that ``praxis.api`` mounts."""

# Importing a resource's module adds its operations; this order is the order of the schema.
# isort: off
from . import members, credentials  # noqa: F401

# isort: on
from .routing import router

__all__ = ["router"]
