"""Billing's models, one module per business process; each is imported here so Django sees it."""

from .codes import Icd10Code, Icd10Release, ProcedureCode
from .collections import CollectionNote
from .encounters import ChargeLine, Encounter, EncounterDiagnosis
from .fees import Fee
from .ledger import Account, JournalEntry, JournalLine, OpenItem
from .payments import DayClose, Payment, ReceiptSequence

__all__ = [
    "Account",
    "ChargeLine",
    "CollectionNote",
    "DayClose",
    "Encounter",
    "EncounterDiagnosis",
    "Fee",
    "Icd10Code",
    "Icd10Release",
    "JournalEntry",
    "JournalLine",
    "OpenItem",
    "Payment",
    "ProcedureCode",
    "ReceiptSequence",
]
