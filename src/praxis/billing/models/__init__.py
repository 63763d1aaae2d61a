"""Billing's models, one module per business process; each is imported here so Django sees it."""
