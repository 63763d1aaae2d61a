"""/api/v1/scheduling/: free slots, booking, moving, status changes, cancellation, a day's
appointments, weekly series, the waitlist and reminder rules. The same services and selectors as
the pages. One module per resource, each adding its operations to the router that ``praxis.api``
mounts.
"""

# Importing a resource's module adds its operations; this order is the order of the schema.
# isort: off
from . import slots, appointments, series, waitlist, reminder_rules  # noqa: F401

# isort: on
from .routing import router

# Generated clients name their methods after the operation ids: every operation keeps the id it
# had when this API was one module (ninja would otherwise derive it from the new module path).
for path_view in router.path_operations.values():
    for operation in path_view.operations:
        operation.operation_id = f"praxis_scheduling_api_{operation.view_func.__name__}"

__all__ = ["router"]
