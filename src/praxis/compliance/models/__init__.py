"""Compliance's models, one module per business process; each is imported here so Django sees it."""

from .incidents import BreachAssessment, BreachNotice, Incident
from .policies import Acknowledgment, AcknowledgmentReminder, Policy, PolicyVersion

__all__ = [
    "Acknowledgment",
    "AcknowledgmentReminder",
    "BreachAssessment",
    "BreachNotice",
    "Incident",
    "Policy",
    "PolicyVersion",
]
