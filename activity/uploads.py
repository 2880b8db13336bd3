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
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
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
        if filesizeformat(size) != filesizeformat(limit):
            raise ValidationError(
                _("This file is %(size)s; the largest accepted is %(max)s."),
                code="too_large",
                params={"size": filesizeformat(size), "max": filesizeformat(limit)},
            )
        # Rounded, both would read "10.0 MB": the exact sizes show the difference.
        raise ValidationError(
            _("This file is %(size)s bytes; the largest accepted is %(max)s bytes (%(rounded)s)."),
            code="too_large",
            params={
                "size": number_format(size, force_grouping=True),
                "max": number_format(limit, force_grouping=True),
                "rounded": filesizeformat(limit),
            },
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
    found is kept on it as ``detected_type``, for the service that stores it. Its name is
    cleaned as a download's would be (``clean_filename``), so that the name shown in lists is
    the one the file is saved under; a file left with no name is refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Helps people pick a suitable file; the check on the server is what counts.
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,.docx,.odt")

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            name = "" if cleaned.name == UNUSABLE_NAME else clean_filename(cleaned.name or "")
            if not name:
                raise ValidationError(
                    _(
                        "This file's name cannot be used (it has no letters or digits, or only "
                        "dots). Rename the file and choose it again."
                    ),
                    code="file_name",
                )
            cleaned.name = name
            cleaned.detected_type = check_upload(cleaned)  # type: ignore[attr-defined]
        return cleaned


#: The name a file that Django would have dropped for its name reaches the form under; see
#: ``KeepFilesDroppedForTheirName``. A file really called so is refused as well: nobody means
#: a name that is only a replacement character.
UNUSABLE_NAME = "\ufffd"


class _NameKeepingParser(MultiPartParser):
    def sanitize_file_name(self, file_name: str) -> str | None:
        return super().sanitize_file_name(file_name) or UNUSABLE_NAME


class KeepFilesDroppedForTheirName(FileUploadHandler):
    """Django leaves out of ``request.FILES`` an uploaded file named ``.`` or ``..`` or with no
    printable character, exactly as if no file had been chosen: the form then saved without
    it and said so. This handler, first in ``FILE_UPLOAD_HANDLERS``, reads the upload with
    Django's own parser and the other handlers, but keeps such a file, under
    ``UNUSABLE_NAME``, so that ``DocumentField`` tells the user."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[Any, Any]:
        handlers = [h for h in self.request.upload_handlers if h is not self]  # type: ignore[union-attr]
        return _NameKeepingParser(META, input_data, handlers, encoding).parse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


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
    name = clean_filename(filename) or "document"
    extension = ACCEPTED_TYPES.get(content_type)
    path = PurePosixPath(name)
    if extension and path.suffix.lower().lstrip(".") not in _extensions_of(extension):
        name = f"{name}.{extension}"
        path = PurePosixPath(name)
    if len(name) > 120:
        name = path.stem[: 120 - len(path.suffix)] + path.suffix
    return name


def clean_filename(filename: str) -> str:
    """The last part of a file name, without control or format characters (line breaks,
    direction overrides that make ``Invoice<U+202E>gpj.exe`` read as ``Invoiceexe.jpg``), nor
    spaces and dots at its ends; empty if nothing is left."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    return name.strip(" .")


def _extensions_of(extension: str) -> set[str]:
    return {"jpg", "jpeg"} if extension == "jpg" else {extension}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(DocumentField):
    """Several documents at once, each checked by its content; a refusal names the file."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned: list[Any] = []
        errors: list[ValidationError] = []
        for uploaded in files:
            try:
                cleaned.append(super().clean(uploaded, initial))
            except ValidationError as error:
                name = getattr(uploaded, "name", "")
                if not name or name == UNUSABLE_NAME:
                    name = _("A file")
                errors.extend(
                    ValidationError(
                        _("%(name)s: %(error)s"), params={"name": name, "error": message}
                    )
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return [f for f in cleaned if f]
