"""Scanned documents of a patient: an upload is judged by its content and size before anything
is stored, and a refused or failed upload leaves neither a row nor a file behind."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from praxis.core import audit
from praxis.core.models import User
from praxis.core.service_support import ServiceError, full_clean_or_refuse

from . import uploads
from .models import Patient, PatientDocument
from .service_support import refuse_merged


def upload_limit_bytes() -> int:
    return int(settings.PRAXIS_UPLOAD_MAX_MB) * 1024 * 1024


def _read_limited(upload: Any, limit: int) -> bytes:
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(declared, limit)
    chunks, total = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        total += len(chunk)
        if total > limit:  # the declared size was wrong: stop reading at once
            raise _too_large(total, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> ServiceError:
    return ServiceError(
        {
            "file": (
                f"The file is {size / 1024 / 1024:.1f} MB; files can be at most "
                f"{limit // (1024 * 1024)} MB. Scan at a lower resolution or split the document."
            )
        }
    )


def read_upload(upload: Any) -> tuple[bytes, uploads.FileType]:
    """The bytes of an uploaded file and its type, judged by content: only PDF, PNG and JPEG,
    at most PRAXIS_UPLOAD_MAX_MB, not empty; else a ``ServiceError`` on the "file" field. Every
    app that takes a scanned file (a staff member's license copy too) reads it here."""
    data = _read_limited(upload, upload_limit_bytes())
    if not data:
        raise ServiceError({"file": "The file is empty."})
    file_type = uploads.sniff(data[:32])
    if file_type is None:
        raise ServiceError(
            {
                "file": (
                    "Only PDF, PNG and JPEG files can be uploaded, and this file is none of "
                    "them, whatever its name says. Scan or save it as PDF, PNG or JPEG."
                )
            }
        )
    return data, file_type


def document_upload(
    *, patient: Patient, kind: str, upload: Any, uploaded_by: User
) -> PatientDocument:
    """Store a scanned document for a patient. Only PDF, PNG and JPEG, judged by content; at
    most PRAXIS_UPLOAD_MAX_MB. A refused file leaves nothing behind."""
    refuse_merged(patient)
    if kind not in PatientDocument.Kind.values:
        raise ServiceError({"kind": "Choose what kind of document this is."})
    data, file_type = read_upload(upload)
    document = PatientDocument(
        patient=patient,
        kind=kind,
        original_filename=uploads.clean_filename(getattr(upload, "name", "") or ""),
        stored_name=uuid.uuid4().hex,
        content_type=file_type.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
    )
    full_clean_or_refuse(document, exclude=["patient"])
    saved = None
    try:
        with transaction.atomic():
            saved = default_storage.save(document.storage_path, ContentFile(data))
            if saved != document.storage_path:  # a generated name is never taken
                raise RuntimeError("document storage renamed a generated file name")
            document.save(force_insert=True)
            audit.record(
                "praxis.patients.document.uploaded",
                obj=document,
                patient_id=patient.pk,
                details={
                    "kind": kind,
                    "content_type": document.content_type,
                    "size": document.size,
                    "sha256": document.sha256,
                },
                actor=uploaded_by,
            )
    except BaseException:
        if saved is not None:
            default_storage.delete(saved)
        raise
    return document
