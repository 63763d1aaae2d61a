"""What a patient merge moves: every app that keeps rows pointing at a patient declares a step.

``patient_merge`` runs every step inside its own transaction, after locking both records, so a
step that fails undoes the whole merge. A step names the foreign keys it moves
(``"scheduling.Appointment.patient"``); a contract test enumerates every foreign key to
``Patient`` in the installed apps and fails when one is not named by a step, so a new app cannot
leave a merged patient's rows behind. A step returns counts for the merge's audit event and
audits whatever else it needs itself.

    @moves_on_merge("scheduling.Appointment.patient")
    def move_appointments(*, keep: Patient, duplicate: Patient) -> dict[str, int]: ...

Steps register when their module is imported: an app imports it from ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Patient


class MergeMove(Protocol):
    def __call__(self, *, keep: Patient, duplicate: Patient) -> dict[str, int]: ...


@dataclass(frozen=True)
class MergeStep:
    fields: tuple[str, ...]  # "app_label.Model.field", each a foreign key to Patient
    move: MergeMove


_STEPS: list[MergeStep] = []


def moves_on_merge(*fields: str) -> Callable[[MergeMove], MergeMove]:
    """Declare a function that moves the duplicate's rows in these fields to the record kept."""
    if not fields:
        raise ValueError("Name the foreign keys the step moves.")

    def register(move: MergeMove) -> MergeMove:
        if any(step.move is move for step in _STEPS):
            return move  # the module was imported again
        taken = handled_fields().intersection(fields)
        if taken:
            raise ValueError(f"{sorted(taken)} already moved by another merge step")
        _STEPS.append(MergeStep(tuple(fields), move))
        return move

    return register


def merge_steps() -> tuple[MergeStep, ...]:
    return tuple(_STEPS)


def handled_fields() -> set[str]:
    return {field for step in _STEPS for field in step.fields}
