"""Printable documents (receipts, estimates, statements): a Django template rendered to PDF by
weasyprint, and read back as text by the tests.

Every document extends ``pdf/base.html`` (letter paper, the practice's name and address at the
top, page numbers at the foot). Nothing is fetched over the network while rendering: the
stylesheet is inline and any image must be a ``data:`` URL, so a template cannot make the server
call out (weasyprint may fetch ``data:`` URLs only)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered to one PDF (bytes)."""
    return html_to_pdf(render_to_string(template, context))


def html_to_pdf(html: str) -> bytes:
    # slow to import: only the processes that print pay for it
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    only_inline = URLFetcher(allowed_protocols=("data",))  # no file:, http: or https:
    return bytes(HTML(string=html, url_fetcher=only_inline).write_pdf())


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """The PDF as a response the browser shows in a tab (or saves, with ``download``). The
    filename must not carry PHI: use the document's number, not the patient's name."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, page after page (for tests and checks)."""
    from pypdf import PdfReader  # a development dependency: only tests call this

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
