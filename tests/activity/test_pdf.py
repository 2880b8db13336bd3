import copy
import io
import logging
import re
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from activity.pdf import PdfAttachment, PdfResourceError, StaticFilesFetcher, render_pdf

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

USER_TEXT = [
    '<img src="http://127.0.0.1:9/x.png">',
    '<link rel=stylesheet href="file:///etc/passwd">',
    "{{ 7|add:7 }} {% now 'Y' %}",
    "<script>alert(1)</script>",
]


@pytest.fixture(autouse=True)
def _test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve a name or open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_user_text_is_printed_as_text_and_nothing_outside_is_fetched(fetched, no_network):
    pdf = render_pdf(
        "pdf_tests/user_text.html",
        {"administration": "Dirección de Centros Penales", "reference": "A-17", "lines": USER_TEXT},
    )

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for line in USER_TEXT:
        assert line in text
    assert "14" not in text
    assert fetched == ["pdf-static:css/pdf.css"]


def test_the_base_stylesheet_is_served_and_applied(fetched):
    pdf = render_pdf(
        "pdf_tests/user_text.html",
        {"administration": "Dirección de Centros Penales", "reference": "A-17", "lines": ["x"]},
    )

    assert fetched == ["pdf-static:css/pdf.css"]
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    text = text_of(pdf)
    # The header and the page number live in the stylesheet's @page margin boxes.
    assert "Dirección de Centros Penales" in text
    assert "Ref. A-17" in text
    assert "Page 1 / 1" in text
    fonts = {font.get_object()["/BaseFont"] for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVu-Sans" in font for font in fonts)
    assert [round(float(side)) for side in page.mediabox[2:]] == [595, 842]  # A4


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/style.css",
        "HTTP://example.org/x.png",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/x.png",
        "etc/passwd",
        "pdf-static:../../../../etc/passwd",
        "pdf-static:css/../../../../etc/passwd",
        "pdf-static:css%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "pdf-static:/etc/passwd",
        "pdf-static://example.org/css/pdf.css",
        "pdf-static:css\\..\\..\\settings.py",
        "pdf-static:css/missing.css",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url, caplog, no_network):
    with caplog.at_level(logging.WARNING, logger="activity.pdf"), pytest.raises(PdfResourceError):
        StaticFilesFetcher()(url)

    assert "PDF resource refused" in caplog.text


def test_the_fetcher_serves_static_files_and_inline_data():
    stylesheet = StaticFilesFetcher()("pdf-static:css/pdf.css")
    data = StaticFilesFetcher()("data:text/plain;base64,aGVsbG8=")

    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
    assert data.content_type == "text/plain"
    assert data.read() == b"hello"


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="http://127.0.0.1:9/x.png">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        "<style>@import url(https://example.org/a.css);</style>",
        '<p style="background: url(ftp://example.org/a.png)">x</p>',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<base href="file:///etc/"><img src="passwd">',
    ],
)
def test_a_template_referring_to_an_outside_resource_is_not_rendered(markup, fetched, no_network):
    with pytest.raises(PdfResourceError):
        render_pdf("pdf_tests/outside_resource.html", {"markup": markup})

    assert fetched[0] == "pdf-static:css/pdf.css"
    assert len(fetched) == 2


def test_pdf_a_with_embedded_terms():
    terms = b'{"visits_per_month": 4}'

    pdf = render_pdf(
        "pdf_tests/terms.html",
        {"administration": "Dirección de Centros Penales"},
        variant="pdf/a-3b",
        attachments=[PdfAttachment("terms.json", terms, relationship="Data")],
    )

    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments["terms.json"] == [terms]
    assert reader.xmp_metadata is not None
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert reader.xmp_metadata.pdfaid_conformance == "B"
