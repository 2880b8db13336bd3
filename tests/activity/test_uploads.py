import io
import zipfile

import pytest
from csp.middleware import CSPMiddleware
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory
from PIL import Image
from pypdf import PdfWriter

from activity.uploads import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    DocumentField,
    attachment_response,
    check_upload,
)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format=image_format)
    return out.getvalue()


def _write(
    archive: zipfile.ZipFile, name: str, data: str, compress_type: int | None = None
) -> None:
    """An entry of an archive, dated the same whenever it is made: the archives are the tests'
    parameters, which each worker of a parallel run builds when it collects them, and the
    workers must build them alike."""
    entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    compression = archive.compression if compress_type is None else compress_type
    archive.writestr(entry, data, compress_type=compression)


def docx_bytes() -> bytes:
    """The parts Word writes first, in Word's order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(
            archive,
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        _write(
            archive,
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        _write(
            archive,
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Plan of activities</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def odt_bytes() -> bytes:
    """An OpenDocument text: its first entry is the uncompressed "mimetype"."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        _write(
            archive,
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0" manifest:version="1.2"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'text"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
        )
        _write(
            archive,
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'office:version="1.2"><office:body><office:text><text:p>Plan of activities'
            "</text:p></office:text></office:body></office:document-content>",
        )
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        _write(archive, "notes.txt", "not a document")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("letter.pdf", pdf_bytes(), PDF),
        ("photo.png", image_bytes("PNG"), PNG),
        ("photo.jpg", image_bytes("JPEG"), JPEG),
        ("plan.docx", docx_bytes(), DOCX),
        ("plan.odt", odt_bytes(), ODT),
        # The name plays no part: a PDF called anything is a PDF.
        ("scan", pdf_bytes(), PDF),
    ],
)
def test_accepted_documents_pass_with_the_type_of_their_content(name, content, expected):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    assert check_upload(upload) == expected
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "web page"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "Windows program"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "web page",
        ),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 120, "a program"),
        (zip_bytes(), "ZIP archive"),
        (b"just some words", "text"),
    ],
)
def test_other_content_is_refused_whatever_its_name_and_claimed_type(content, looks_like):
    upload = SimpleUploadedFile("decision.pdf", content, content_type="application/pdf")

    with pytest.raises(ValidationError) as refusal:
        check_upload(upload)

    assert refusal.value.code == "file_type"
    message = refusal.value.messages[0]
    assert "not one of the accepted types (PDF, JPEG, PNG, Word, OpenDocument text)" in message
    assert looks_like in message


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refusal:
        check_upload(SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"))

    assert refusal.value.messages == ["This file is empty."]


def test_a_file_over_the_size_cap_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    content = pdf_bytes()
    content += b"\n%" + b"x" * (2048 - len(content))

    with pytest.raises(ValidationError) as refusal:
        check_upload(SimpleUploadedFile("big.pdf", content, content_type="application/pdf"))

    assert refusal.value.code == "too_large"
    assert refusal.value.messages == ["This file is 2.0\xa0KB; the largest accepted is 1.0\xa0KB."]


def test_a_file_at_the_size_cap_is_accepted(settings):
    content = pdf_bytes()
    settings.DOCUMENT_MAX_BYTES = len(content)

    assert check_upload(SimpleUploadedFile("a.pdf", content)) == PDF


class DocumentForm(forms.Form):
    document = DocumentField()


def test_document_field_keeps_the_detected_type_on_the_file():
    upload = SimpleUploadedFile("plan.docx", docx_bytes(), content_type="text/html")
    form = DocumentForm(data={}, files={"document": upload})

    assert form.is_valid()
    assert form.cleaned_data["document"].detected_type == DOCX


def test_document_field_puts_the_refusal_on_the_form():
    upload = SimpleUploadedFile("decision.pdf", b"<html></html>", content_type="application/pdf")
    form = DocumentForm(data={}, files={"document": upload})

    assert not form.is_valid()
    assert "not one of the accepted types" in form.errors["document"][0]


def test_document_field_suggests_the_accepted_extensions():
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.odt"' in str(DocumentForm()["document"])


def test_attachment_response_is_a_download_that_cannot_run(tmp_path):
    content = pdf_bytes()
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("documents/7.bin", ContentFile(content))
    stored = FieldFile(instance=None, field=models.FileField(storage=storage), name=name)

    response = attachment_response(stored, "Decisión final.pdf", PDF)

    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Decisi%C3%B3n%20final.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == content  # type: ignore[arg-type]


def test_attachment_response_keeps_its_sandbox_through_the_csp_middleware():
    response = attachment_response(ContentFile(b"%PDF-1.7", name="x"), "x.pdf", PDF)

    passed = CSPMiddleware(lambda request: response)(RequestFactory().get("/"))

    assert passed["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize(
    ("filename", "content_type", "saved_as"),
    [
        ("../../etc/evil.pdf", PDF, 'filename="evil.pdf"'),
        ("C:\\Users\\ana\\plan.docx", DOCX, 'filename="plan.docx"'),
        ("letter.html", PDF, 'filename="letter.html.pdf"'),
        ('a"b\r\nSet-Cookie: x=1.png', PNG, 'filename="a\\"bSet-Cookie: x=1.png"'),
        ("photo.JPEG", JPEG, 'filename="photo.JPEG"'),
        ("", ODT, 'filename="document.odt"'),
    ],
)
def test_attachment_response_gives_a_safe_file_name(filename, content_type, saved_as):
    response = attachment_response(ContentFile(b"x", name="x"), filename, content_type)

    assert response["Content-Disposition"] == f"attachment; {saved_as}"


def test_a_file_one_byte_over_the_cap_says_so_in_exact_bytes(settings):
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    content = pdf_bytes()
    content += b"\n%" + b"x" * (settings.DOCUMENT_MAX_BYTES + 1 - len(content) - 2)

    with pytest.raises(ValidationError) as refusal:
        check_upload(SimpleUploadedFile("big.pdf", content, content_type="application/pdf"))

    assert refusal.value.code == "too_large"
    assert refusal.value.messages == [
        "This file is 10,485,761 bytes; the largest accepted is 10,485,760 bytes (10.0\xa0MB)."
    ]


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        # Shown as "Invoiceexe.jpg" wherever the name is printed.
        ("Invoice\u202egpj.exe", "Invoicegpj.exe"),
        ("\u2067report\u2069.pdf", "report.pdf"),
        ("plan\u200f.pdf", "plan.pdf"),
        (" letter.pdf. ", "letter.pdf"),
    ],
)
def test_an_uploaded_files_name_is_kept_without_direction_controls(name, kept):
    form = DocumentForm(data={}, files={"document": SimpleUploadedFile(name, pdf_bytes())})

    assert form.is_valid()
    assert form.cleaned_data["document"].name == kept


@pytest.mark.parametrize("name", ["\u202e", " . ", "...", "\u200e\u200f"])
def test_a_file_whose_name_is_nothing_once_cleaned_is_refused(name):
    form = DocumentForm(data={}, files={"document": SimpleUploadedFile(name, pdf_bytes())})

    assert not form.is_valid()
    assert form.errors["document"] == [
        "This file's name cannot be used (it has no letters or digits, or only dots). "
        "Rename the file and choose it again."
    ]


def browser_post(filename: str, content: bytes):
    """A request as a browser sends a form with one file input: the name is sent as it is,
    and an input left empty is a part with an empty name and no content."""
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="document"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return RequestFactory().generic(
        "POST", "/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )


class OptionalDocumentForm(forms.Form):
    document = DocumentField(required=False)


@pytest.mark.parametrize("name", ["..", ".", "\u202e", "../.."])
def test_a_file_django_would_drop_for_its_name_reaches_the_form_and_is_refused(name):
    request = browser_post(name, pdf_bytes())

    form = OptionalDocumentForm(data=request.POST, files=request.FILES)

    assert not form.is_valid(), "saved as if no file had been chosen"
    assert "This file's name cannot be used" in form.errors["document"][0]


def test_a_form_posted_without_a_file_is_still_valid():
    request = browser_post("", b"")

    form = OptionalDocumentForm(data=request.POST, files=request.FILES)

    assert form.is_valid()
    assert form.cleaned_data["document"] is None


def test_a_file_with_an_ordinary_name_arrives_as_before():
    request = browser_post("Décision.pdf", pdf_bytes())

    form = OptionalDocumentForm(data=request.POST, files=request.FILES)

    assert form.is_valid()
    assert form.cleaned_data["document"].name == "Décision.pdf"
    assert form.cleaned_data["document"].detected_type == PDF


def test_a_download_name_has_no_direction_controls():
    response = attachment_response(ContentFile(b"x", name="x"), "Invoice\u202egpj.exe", JPEG)

    assert response["Content-Disposition"] == 'attachment; filename="Invoicegpj.exe.jpg"'
