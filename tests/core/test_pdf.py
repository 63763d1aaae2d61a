"""The one way Praxis prints: a template to PDF, read back as text."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from praxis.core.pdf import html_to_pdf, pdf_response, pdf_text
from praxis.core.testing.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_a_document_carries_the_practice_header_and_its_own_text():
    practice = PracticeFactory(name="Riverbend Family Medicine", phone="+18025550100")
    page = Template(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Receipt R-7</h1>'
        "<p>Paid $40.00 by check</p>{% endblock %}"
    )
    pdf = html_to_pdf(page.render(Context({"practice": practice})))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Riverbend Family Medicine" in text
    assert practice.address_line1 in text
    assert "(802) 555-0100" in text  # as people write it, not +18025550100
    assert "Receipt R-7" in text and "Paid $40.00 by check" in text
    assert "Page 1 of 1" in text


def test_a_document_may_not_fetch_anything():
    pdf = html_to_pdf(
        '<img src="http://169.254.169.254/latest/meta-data/"><img src="file:///etc/passwd">'
        "<p>still printed</p>"
    )
    assert "still printed" in pdf_text(pdf)  # the image is dropped, the document still made


def test_the_response_is_shown_inline_under_a_plain_name():
    response = pdf_response(b"%PDF-1.7", "receipt-R-7.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="receipt-R-7.pdf"'
    assert pdf_response(b"%PDF", "s.pdf", download=True)["Content-Disposition"].startswith(
        "attachment"
    )
