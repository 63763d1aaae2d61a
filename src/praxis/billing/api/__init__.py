"""The billing API: one module per resource, each adding its operations to this router."""

from ninja import Router

router = Router(tags=["billing"])
