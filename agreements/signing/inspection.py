"""Reading an uploaded PDF: its signatures, checked against the trusted roots, and its embedded
files.

This runs in a process of its own (``agreements.signing.verification`` starts it and kills it at
the deadline), on bytes anyone may upload. It imports nothing of Django and touches no database:
it gets the file and the roots' certificates, and returns plain data (``Inspection``), with
problems named by a code that the web process puts into the user's words. Whatever the file makes
the parser do (raise anything, recurse, ask for memory) ends here as ``UNREADABLE``.
"""

import hashlib
import json
import logging
import resource
from datetime import UTC, datetime
from io import BytesIO
from multiprocessing.connection import Connection
from typing import Any, TypedDict

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

# Problem codes.
NOT_PDF = "not_pdf"
UNREADABLE = "unreadable"
ENCRYPTED = "encrypted"

#: The address space the reading process may use: far above what a document of the size the
#: verification page accepts needs, far below what would hurt the server.
MEMORY_LIMIT = 1536 * 1024 * 1024
#: Within the first kilobyte, as PDF readers allow.
PDF_HEADER = b"%PDF-"
MAX_SIGNATURES = 20
MAX_FILES = 20
#: Name-tree nodes visited while looking for embedded files.
MAX_NAME_TREE_NODES = 200
MAX_NAME_TREE_DEPTH = 8
#: An embedded JSON file larger than this is listed but not parsed.
MAX_JSON_BYTES = 1024 * 1024
MAX_TEXT = 300
#: Modifications that leave a signed document as it was signed: later signatures (and the
#: filling in of fields), or long-term-validation data.
HARMLESS_MODIFICATIONS = {
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
}


class SignatureFacts(TypedDict):
    field_name: str
    signer_name: str
    signer_title: str
    signer_organisation: str
    certificate_sha256: str
    signed_at: datetime | None
    certifies: bool
    intact: bool
    trusted: bool
    anchor_sha256: str
    covers_whole_file: bool
    harmless_changes_after: bool
    changes_allowed: bool
    signed_sha256: str


class FileFacts(TypedDict):
    name: str
    size: int
    sha256: str
    relationship: str
    content: Any
    parsed: bool


class Inspection(TypedDict, total=False):
    problem: str
    signatures: list[SignatureFacts]
    files: list[FileFacts]


def run(connection: Connection, data: bytes, roots: list[bytes]) -> None:
    """The reading process: limit it, read the file, send back what was found."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    # What is wrong with the file goes into the report: the libraries' warnings and tracebacks
    # about each hostile upload would only flood the server's log.
    logging.disable(logging.WARNING)
    connection.send(inspect_pdf(data, roots))
    connection.close()


def inspect_pdf(data: bytes, roots: list[bytes]) -> Inspection:
    """What the file holds. ``roots`` are the DER certificates of the trusted authorities."""
    if PDF_HEADER not in data[:1024]:
        return {"problem": NOT_PDF}
    try:
        reader = PdfFileReader(BytesIO(data), strict=True)
        if reader.encrypted:
            return {"problem": ENCRYPTED}
        embedded = reader.embedded_regular_signatures
        if len(embedded) > MAX_SIGNATURES:
            return {"problem": UNREADABLE}
        trust_roots = [asn1_x509.Certificate.load(root) for root in roots]
        signatures = [_signature(signature, trust_roots, data) for signature in embedded]
        files = _embedded_files(reader)
    except Exception:  # the file is hostile: whatever it makes the parser raise means "unreadable"
        return {"problem": UNREADABLE}
    return {"signatures": signatures, "files": files}


def _text(value: object) -> str:
    return str(value or "")[:MAX_TEXT]


def _signature(
    signature: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate], data: bytes
) -> SignatureFacts:
    certificate = signature.signer_cert
    subject = certificate.subject.native
    signed_at = signature.self_reported_timestamp
    now = datetime.now(UTC)
    # Checked as at the time the signer states, which the signature covers: keys never leave
    # the server, and an agreement outlives its signers' certificates. Revocation is the
    # register's (agreements.signing.verification).
    moment = signed_at if signed_at is not None and signed_at <= now else now
    context = ValidationContext(trust_roots=roots, moment=moment, allow_fetching=False)
    status = validate_pdf_signature(signature, context)
    anchor = status.validation_path.trust_anchor if status.validation_path else None
    anchor_key = anchor.authority.public_key.dump() if anchor is not None else None
    start, length, rest, rest_length = (int(n) for n in signature.byte_range)
    level = status.modification_level
    return {
        "field_name": _text(signature.field_name),
        "signer_name": _text(subject.get("common_name")),
        "signer_title": _text(subject.get("title")),
        "signer_organisation": _text(subject.get("organization_name")),
        "certificate_sha256": hashlib.sha256(certificate.dump()).hexdigest(),
        "signed_at": signed_at,
        "certifies": signature.docmdp_level is not None,
        "intact": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "anchor_sha256": next(
            (
                hashlib.sha256(root.dump()).hexdigest()
                for root in roots
                if root.public_key.dump() == anchor_key
            ),
            "",
        ),
        "covers_whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        "harmless_changes_after": (
            status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            or (
                status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
                and level in HARMLESS_MODIFICATIONS
            )
        ),
        "changes_allowed": status.docmdp_ok is not False,
        # The file as this signature left it: what the register keeps the hash of.
        "signed_sha256": hashlib.sha256(
            data[: max(start + length, rest + rest_length)]
        ).hexdigest(),
    }


def _resolved(value: object) -> object:
    """A value read with ``get``, which leaves references as they are, resolved."""
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _embedded_files(reader: PdfFileReader) -> list[FileFacts]:
    names_dictionary = _resolved(reader.root.get("/Names"))
    if not isinstance(names_dictionary, generic.DictionaryObject):
        return []
    pairs: list[tuple[object, object]] = []
    seen: set[object] = set()
    pending: list[tuple[object, int]] = [(names_dictionary.get("/EmbeddedFiles"), 0)]
    while pending and len(pairs) < MAX_FILES and len(seen) < MAX_NAME_TREE_NODES:
        reference, depth = pending.pop()
        if isinstance(reference, generic.IndirectObject):
            if reference.reference in seen:
                continue  # a tree that loops back on itself
            seen.add(reference.reference)
        node = _resolved(reference)
        if not isinstance(node, generic.DictionaryObject):
            continue
        names = _resolved(node.get("/Names"))
        if isinstance(names, generic.ArrayObject):
            pairs.extend((names[i], names[i + 1]) for i in range(0, len(names) - 1, 2))
        kids = _resolved(node.get("/Kids"))
        if isinstance(kids, generic.ArrayObject) and depth < MAX_NAME_TREE_DEPTH:
            pending.extend((kids.raw_get(i), depth + 1) for i in reversed(range(len(kids))))
    return [_embedded_file(key, spec) for key, spec in pairs[:MAX_FILES]]


def _embedded_file(key: object, spec: object) -> FileFacts:
    if not isinstance(spec, generic.DictionaryObject):
        raise ValueError("An embedded file's specification is not a dictionary.")
    name = _text(_resolved(spec.get("/UF")) or _resolved(spec.get("/F")) or key)
    streams = _resolved(spec.get("/EF"))
    if not isinstance(streams, generic.DictionaryObject):
        raise ValueError("An embedded file has no content.")
    stream = _resolved(streams.get("/UF")) or _resolved(streams.get("/F"))
    if not isinstance(stream, generic.StreamObject):
        raise ValueError("An embedded file's content is not a stream.")
    content: bytes = stream.data
    parsed = False
    value: Any = None
    if name.lower().endswith(".json") and len(content) <= MAX_JSON_BYTES:
        try:
            value = json.loads(content)
            parsed = True
        except (ValueError, RecursionError):
            value = None
    return {
        "name": name,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "relationship": _text(_resolved(spec.get("/AFRelationship"))).lstrip("/"),
        "content": value,
        "parsed": parsed,
    }
