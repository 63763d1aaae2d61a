"""A stored upload sent back as a download (a patient's document, a credential's scan, a
policy's PDF): always saved, never rendered by the browser, whatever its bytes say."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

logger = logging.getLogger("praxis.downloads")


def stored_attachment(
    path: str, *, filename: str, content_type: str, missing: str = "The file is missing."
) -> FileResponse:
    """The file at ``path`` in storage as an attachment named ``filename``; a 404 saying
    ``missing`` (and an error in the log, naming the storage path only) when it is gone."""
    try:
        handle = default_storage.open(path, "rb")
    except FileNotFoundError as exc:
        logger.error("stored file %s is missing", path)
        raise Http404(missing) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store, private"
    return response
