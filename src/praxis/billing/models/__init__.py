"""Billing's models, one module per business process; each is imported here so Django sees it."""

from .codes import Icd10Code, Icd10Release, ProcedureCode
from .fees import Fee

__all__ = ["Fee", "Icd10Code", "Icd10Release", "ProcedureCode"]
