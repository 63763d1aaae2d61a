"""Signals other apps listen to.

``patient_merged(sender=Patient, keep=..., duplicate=...)`` is sent inside the merge's
transaction, after the patients app moved its own rows: a receiver moves the rows its app keeps
for ``duplicate`` over to ``keep``. A receiver that raises undoes the whole merge.
"""

from django.dispatch import Signal

patient_merged = Signal()
