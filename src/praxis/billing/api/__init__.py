"""/api/v1/billing/: ICD-10-CM lookup, the practice's procedure codes and its fee schedule. The
same services and selectors as the pages. One module per resource, each adding its operations to
the router that ``praxis.api`` mounts."""

# Importing a resource's module adds its operations; this order is the order of the schema.
# isort: off
from . import icd10, procedure_codes, fees, encounters, aging, payments  # noqa: F401

# isort: on
from .routing import router

__all__ = ["router"]
