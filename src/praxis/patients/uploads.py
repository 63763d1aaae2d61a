"""What an uploaded file is, judged by its bytes and never by its name, and the names it is shown
and downloaded under."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]  # the first one is added to download names that lack one


PDF = FileType("application/pdf", "PDF", (".pdf",))
PNG = FileType("image/png", "PNG image", (".png",))
JPEG = FileType("image/jpeg", "JPEG image", (".jpg", ".jpeg", ".jpe", ".jfif"))
ALLOWED = (PDF, PNG, JPEG)


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes (magic numbers), or None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    # PNG: the 8-byte signature, then the IHDR chunk (length 13) that every PNG starts with.
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[8:16] == b"\x00\x00\x00\x0dIHDR":
        return PNG
    # JPEG: start-of-image, then the next marker's 0xFF.
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def clean_filename(name: str) -> str:
    """The uploader's file name, kept for display: no folders, no control characters, at most
    200 characters with the extension kept."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().strip(".")
    if not base:
        return "document"
    if len(base) > 200:
        stem, ext = os.path.splitext(base)
        ext = ext[:20]
        base = stem[: 200 - len(ext)] + ext
    return base


def download_name(original: str, content_type: str) -> str:
    """The name a download is saved under: the original, with the real type's extension added
    when the original's does not match (a PNG uploaded as "card.pdf" downloads as
    "card.pdf.png")."""
    kind = next((t for t in ALLOWED if t.content_type == content_type), None)
    if kind is None or os.path.splitext(original)[1].lower() in kind.extensions:
        return original
    return original + kind.extensions[0]
