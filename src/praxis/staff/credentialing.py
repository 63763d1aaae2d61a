"""Credentials: adding one (with an optional scanned copy, read by the patients app's upload
rules), verifying it, and the practice's choice of what an expired license does to booking.

Bad input is refused before anything is written: expiry before issue, a state license without
a state, an enrollment without a payer, and a number already on file for the same kind and
state (or the same payer). A refused scan leaves neither a row nor a file behind."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import Practice, User
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse
from praxis.patients import documents as patient_documents
from praxis.patients import uploads

from .models import Credential, StaffMember, StaffSettings

FIELDS = ("kind", "number", "issuer", "state", "payer", "issued_on", "expires_on")
Kind = Credential.Kind


def _check(credential: Credential) -> None:
    errors: dict[str, str] = {}
    if credential.kind == Kind.STATE_LICENSE and not credential.state:
        errors["state"] = "A state license needs the state that issued it."
    if credential.kind == Kind.PAYER_ENROLLMENT and credential.payer_id is None:
        errors["payer"] = "A payer enrollment needs the payer."
    if credential.kind != Kind.PAYER_ENROLLMENT and credential.payer_id is not None:
        errors["payer"] = "Only a payer enrollment names a payer."
    issued, expires = credential.issued_on, credential.expires_on
    if issued and expires and expires < issued:
        errors["expires_on"] = "The expiry date is before the issue date."
    if errors:
        raise ServiceError(errors)
    payer = credential.payer
    if payer is not None and payer.practice_id != credential.practice_id:
        raise ServiceError({"payer": "No such payer in this practice."})
    same = Credential.objects.filter(
        practice_id=credential.practice_id, kind=credential.kind, number=credential.number
    ).exclude(pk=credential.pk)
    if credential.kind == Kind.PAYER_ENROLLMENT:
        same = same.filter(payer=credential.payer)
    else:
        same = same.filter(state=credential.state)
    holder = same.select_related("staff").first()
    if holder is not None:
        where = f" in {credential.state}" if credential.state else ""
        raise ServiceError(
            {
                "number": (
                    f"{credential.get_kind_display()} {credential.number}{where} is already on "
                    f"file for {holder.staff.full_name}."
                )
            }
        )


def credential_add(
    *,
    member: StaffMember,
    values: Mapping[str, Any],
    added_by: User,
    upload: Any = None,
) -> Credential:
    credential = Credential(
        practice_id=member.practice_id,
        staff=member,
        added_by=added_by,
        **{name: values[name] for name in FIELDS if name in values},
    )
    credential.number = (credential.number or "").strip().upper()
    _check(credential)  # first: its messages say more than the constraints' would
    full_clean_or_refuse(credential, exclude=["practice", "staff", "added_by"])
    data = None
    if upload is not None:
        data, file_type = patient_documents.read_upload(upload)
        credential.original_filename = uploads.clean_filename(getattr(upload, "name", "") or "")
        credential.stored_name = uuid.uuid4().hex
        credential.content_type = file_type.content_type
        credential.size = len(data)
        credential.sha256 = hashlib.sha256(data).hexdigest()
    saved = None
    try:
        with transaction.atomic():
            if data is not None:
                saved = default_storage.save(credential.storage_path, ContentFile(data))
                if saved != credential.storage_path:
                    raise RuntimeError("credential storage renamed a generated file name")
            _save_unique(credential)
            audit.record(
                "praxis.staff.credential.added",
                obj=credential,
                details={"staff": member.pk, "kind": credential.kind, "scan": data is not None},
                actor=added_by,
            )
    except BaseException:
        if saved is not None:
            default_storage.delete(saved)
        raise
    return credential


def _save_unique(credential: Credential) -> None:
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError as exc:  # two people adding the same number at once
        raise ServiceError({"number": "This number was just added for someone else."}) from exc


def credential_renew(
    *, credential: Credential, values: Mapping[str, Any], renewed_by: User
) -> Credential:
    """New dates (and number, issuer) for a renewed credential. The verification is cleared:
    the renewed one has not been checked yet."""
    fields = {name: values[name] for name in ("number", "issuer", "issued_on", "expires_on")}
    fields["number"] = str(fields["number"]).strip().upper()
    with transaction.atomic():
        candidate = Credential(
            pk=credential.pk,
            practice_id=credential.practice_id,
            kind=credential.kind,
            state=credential.state,
            payer_id=credential.payer_id,
            **fields,
        )
        _check(candidate)
        fields.update(verified_by=None, verified_at=None, verification_method="")
        changed = apply_changes(credential, fields)
        if changed:
            audit.record(
                "praxis.staff.credential.renewed",
                obj=credential,
                details={"changed": changed},
                actor=renewed_by,
            )
    return credential


def credential_verify(
    *, credential: Credential, method: str, note: str, verified_by: User
) -> Credential:
    if method not in Credential.Method.values:
        raise ServiceError({"method": "Choose how you verified it."})
    with transaction.atomic():
        credential.verified_by = verified_by
        credential.verified_at = timezone.now()
        credential.verification_method = method
        credential.verification_note = note.strip()
        full_clean_or_refuse(credential)
        credential.save()
        audit.record(
            "praxis.staff.credential.verified",
            obj=credential,
            details={"method": method},
            actor=verified_by,
        )
    return credential


def settings_of(practice: Practice) -> StaffSettings:
    """The practice's staff settings (not yet saved: the defaults)."""
    found = StaffSettings.objects.filter(practice=practice).first()
    return found or StaffSettings(practice=practice)


def settings_update(*, practice: Practice, booking_gate: str) -> StaffSettings:
    if booking_gate not in StaffSettings.Gate.values:
        raise ServiceError({"booking_gate": "Choose warn or block."})
    with transaction.atomic():
        row, _ = StaffSettings.objects.get_or_create(practice=practice)
        changed = apply_changes(row, {"booking_gate": booking_gate})
        if changed:
            audit.record(
                "praxis.staff.settings.updated", obj=row, details={"booking_gate": booking_gate}
            )
    return row
