"""The one way to make a PDF: render a Django template, lay it out with WeasyPrint, get bytes.

Templates are autoescaped, so text typed by users reaches WeasyPrint as text, never as markup.
Behind that, WeasyPrint gets a fetcher that reads nothing but the project's own static files,
named ``pdf-static:<path>`` in templates (``<img src="pdf-static:img/seal.png">``), and
``data:`` URLs, which carry their content inline. Every other URL (http, https, ftp, file,
anything) is refused and logged, and the refusal stops the rendering: prison networks are
closed, and a letter that silently lost its stylesheet or a pass that lost its photo is worse
than an error.
"""

import binascii
import logging
import mimetypes
from base64 import b64decode
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML, Attachment
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_STATIC_SCHEME = "pdf-static"


class PdfResourceError(Exception):
    """A document referred to a resource outside the project's static files, or to a static
    file that does not exist."""


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF, such as the machine-readable terms of an agreement.

    The name's extension gives the embedded file's type (``terms.json``: application/json).
    ``relationship`` is the PDF/A-3 AFRelationship: Source, Data, Alternative, Supplement or
    Unspecified.
    """

    name: str
    content: bytes
    description: str = ""
    relationship: str = "Unspecified"


class StaticFilesFetcher(URLFetcher):
    """Serves ``pdf-static:`` URLs from the static files and ``data:`` URLs; refuses the rest.

    ``data:`` is allowed because it reads nothing: its bytes are already in the document, which
    lets a template embed an image made in memory (a QR code on a pass) without a file.
    """

    def __init__(self) -> None:
        # Nothing may reach the inherited urllib machinery; should it ever, no scheme is allowed.
        super().__init__(allowed_protocols=(), fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme, _, rest = url.partition(":")
        scheme = scheme.lower()
        if scheme == PDF_STATIC_SCHEME:
            path = find_pdf_static(rest)
            if path is None:
                logger.warning("PDF resource refused: no static file %r", url[:300])
                raise PdfResourceError(f"No static file for {url[:300]!r}.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )
        if scheme == "data":
            return _data_response(url)
        logger.warning("PDF resource refused: %r is not a %s: URL", url[:300], PDF_STATIC_SCHEME)
        raise PdfResourceError(
            f"Refused to fetch {url[:300]!r}: a PDF may only use {PDF_STATIC_SCHEME}: URLs."
        )


def find_pdf_static(path: str) -> Path | None:
    """The static file a ``pdf-static:`` URL names, or None. Only plain relative paths are
    looked up: no absolute paths, no ``..``, no backslashes, no query or fragment."""
    path = unquote(path)
    parts = path.split("/")
    if (
        not path
        or any(part in ("", ".", "..") for part in parts)
        or any(char in path for char in "\\\0?#")
    ):
        return None
    found = finders.find(path)
    return Path(found) if isinstance(found, str) else None


def _data_response(url: str) -> URLFetcherResponse:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise PdfResourceError("Malformed data: URL.")
    params = header.split(";")
    try:
        body = (
            b64decode(unquote_to_bytes(payload), validate=True)
            if params[-1].strip().lower() == "base64"
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError) as error:
        raise PdfResourceError("Malformed data: URL.") from error
    content_type = params[0].strip() or "text/plain"
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    request: HttpRequest | None = None,
    variant: str | None = None,
    attachments: Sequence[PdfAttachment] = (),
) -> bytes:
    """Render ``template_name`` with ``context`` (autoescaped, as every template) and return
    the PDF. ``variant`` asks WeasyPrint for a PDF variant such as ``"pdf/a-3b"`` (archival,
    and the PDF/A level that allows embedded files); ``attachments`` are embedded in the PDF.

    Raises ``PdfResourceError`` if the document refers to anything but the project's static
    files.
    """
    html = render_to_string(template_name, context, request=request)
    fetcher = StaticFilesFetcher()
    embedded = [
        Attachment(
            string=attachment.content,
            name=attachment.name,
            description=attachment.description or None,
            relationship=attachment.relationship,
            url_fetcher=fetcher,
        )
        for attachment in attachments
    ]
    try:
        # No base URL: a relative reference is resolved against no folder and no site; WeasyPrint
        # drops it with a logged error, or hands it to the fetcher, which refuses it.
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(pdf_variant=variant, attachments=embedded or None)
    except FatalURLFetchingError as error:
        # WeasyPrint signals a refusal with a BaseException; turn it back into an ordinary
        # error so that views and tasks handle it like any other.
        raise PdfResourceError(str(error.__cause__ or error)) from error
    return pdf
