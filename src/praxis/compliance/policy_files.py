"""A policy version's PDF: judged by its bytes (``praxis.patients.uploads.sniff``) and size
(``PRAXIS_UPLOAD_MAX_MB``, as for patients' documents) before anything is stored, and kept under
a generated name."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from praxis.core.service_support import ServiceError
from praxis.patients import uploads
from praxis.patients.documents import upload_limit_bytes


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    original_filename: str
    sha256: str


def check_pdf(upload: Any) -> CheckedPdf:
    """The upload's bytes if it is a PDF within the size limit; a ``ServiceError`` on ``file``
    otherwise (reading stops as soon as the limit is passed)."""
    limit = upload_limit_bytes()
    declared = getattr(upload, "size", None)
    chunks, total = [], 0
    if declared is None or declared <= limit:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            total += len(chunk)
            if total > limit:
                break
            chunks.append(chunk)
    size = declared if declared is not None and declared > limit else total
    if size > limit:
        raise ServiceError(
            {
                "file": f"The file is {size / 1024 / 1024:.1f} MB; a policy's PDF can be at "
                f"most {limit // (1024 * 1024)} MB."
            }
        )
    data = b"".join(chunks)
    if not data:
        raise ServiceError({"file": "The file is empty."})
    if uploads.sniff(data[:32]) is not uploads.PDF:
        raise ServiceError(
            {
                "file": "Only a PDF can be a policy's document, and this file is not one, whatever "
                "its name says. Save or print the policy as PDF."
            }
        )
    return CheckedPdf(
        data=data,
        original_filename=uploads.clean_filename(getattr(upload, "name", "") or "policy.pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def store(pdf: CheckedPdf) -> str:
    """Save the bytes under a new generated name and return it."""
    name = uuid.uuid4().hex
    saved = default_storage.save(f"policy-documents/{name}", ContentFile(pdf.data))
    if saved != f"policy-documents/{name}":  # a generated name is never taken
        default_storage.delete(saved)
        raise RuntimeError("policy storage renamed a generated file name")
    return name
