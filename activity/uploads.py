"""Uploaded documents: checked by their content, capped in size, and only ever downloaded.

The type of a file is read from its first bytes, never from its name or the type the browser
claims, and only a few document and image types are accepted. Serving goes through
``attachment_response``, which makes the browser save the file rather than open it, so a
document can never run as a page of the application.
"""

import unicodedata
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

#: The accepted types, each with the extension a downloaded copy is given.
ACCEPTED_TYPES = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", ODT: "odt"}

# How many bytes the type is read from: what filetype itself reads, and enough for it to find
# the first entries of a Word or OpenDocument file (both are ZIP archives).
_SIGNATURE_BYTES = 8192

# Words for the types people send by mistake, for the refusal message.
_DESCRIPTIONS = {
    "application/x-msdownload": _("a Windows program"),
    "application/x-executable": _("a program"),
    "application/zip": _("a ZIP archive"),
    "application/msword": _("an old Word document (.doc)"),
    "image/gif": _("a GIF image"),
    "image/webp": _("a WebP image"),
    "image/heic": _("a HEIC photo"),
}


def check_upload(uploaded_file: File) -> str:
    """Return the MIME type of an uploaded document, read from its content; raise
    ``ValidationError`` if it is empty, too large, or not one of the accepted types."""
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("This file is empty."), code="empty")
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; the largest accepted is %(max)s."),
            code="too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(limit)},
        )
    head = _read_head(uploaded_file)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ACCEPTED_TYPES:
        raise ValidationError(
            _(
                "This file is not one of the accepted types (PDF, JPEG, PNG, Word, "
                "OpenDocument text). Its content looks like: %(kind)s."
            ),
            code="file_type",
            params={"kind": _describe(mime, head)},
        )
    return mime


def _read_head(uploaded_file: File) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(_SIGNATURE_BYTES)
    uploaded_file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _describe(mime: str | None, head: bytes) -> Any:
    if mime is not None:
        return _DESCRIPTIONS.get(mime, mime)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _("a web page or other markup (HTML, SVG, XML)")
    return _("text, or a format that was not recognised")


class DocumentField(forms.FileField):
    """A file field for documents: a new upload is checked with ``check_upload`` and the type
    found is kept on it as ``detected_type``, for the service that stores it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Helps people pick a suitable file; the check on the server is what counts.
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,.docx,.odt")

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            cleaned.detected_type = check_upload(cleaned)  # type: ignore[attr-defined]
        return cleaned


def attachment_response(file: File | IO[bytes], filename: str, content_type: str) -> FileResponse:
    """A download of a stored document: always saved, never shown in the browser, sent with
    the type found when it was uploaded and a file name that is safe to save under."""
    if isinstance(file, File):
        file.open("rb")
    response = FileResponse(
        file,
        as_attachment=True,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it anyway, the document runs in a sandbox: no script, no origin.
    response["Content-Security-Policy"] = "sandbox"
    # Documents are private to the people allowed to see them: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def safe_filename(filename: str, content_type: str) -> str:
    """A name to save a download under: no folders, no control characters, not too long, and
    for an accepted type the extension that matches its content (so a PDF is never saved
    as ``.html`` and then opened by a browser)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip(" .") or "document"
    extension = ACCEPTED_TYPES.get(content_type)
    path = PurePosixPath(name)
    if extension and path.suffix.lower().lstrip(".") not in _extensions_of(extension):
        name = f"{name}.{extension}"
        path = PurePosixPath(name)
    if len(name) > 120:
        name = path.stem[: 120 - len(path.suffix)] + path.suffix
    return name


def _extensions_of(extension: str) -> set[str]:
    return {"jpg", "jpeg"} if extension == "jpg" else {extension}
