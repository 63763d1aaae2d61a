"""Staff's models, one module per business process; each is imported here so Django sees it."""

from .credentials import Credential, CredentialReminder, StaffSettings
from .records import Compensation, Position, Separation, StaffMember

__all__ = [
    "Compensation",
    "Credential",
    "CredentialReminder",
    "Position",
    "Separation",
    "StaffMember",
    "StaffSettings",
]
