"""Verification of an agreement's PDF that anyone may upload: is it intact, who signed it and
when, was it modified after signing, and what terms does it carry.

The upload is hostile input. It is refused above ``SIGNED_PDF_MAX_BYTES`` before anything reads
it; then it is read in a separate process (``inspection``), never in the web process: a process
forked for each upload from a server process that has already loaded the PDF libraries, so that
starting it costs little. That process has a memory cap, and it is killed if it has not answered
within ``SIGNED_PDF_READ_SECONDS``: a file built to make the parser loop, recurse or swell costs
one short-lived process, never a web worker, and a crash in a library costs only that process.
A thread with a timeout could not do this, as Python cannot stop a thread that is parsing.

Whatever happens, ``verify_pdf`` returns a report; a file that cannot be read gets a message in
the reader's language, never an exception.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.models import Administration

from ..models import SignerCertificate, SigningAuthority
from . import inspection, keys

logger = logging.getLogger(__name__)

#: The embedded file that carries an agreement's structured terms, the one that carries the change
#: a people annex makes, and the key of the identifier either states.
TERMS_FILE_NAME = "terms.json"
ANNEX_FILE_NAME = "annex.json"
IDENTIFIER_KEY = "identifier"

TOO_LARGE = "too_large"
TOO_SLOW = "too_slow"


@dataclass(frozen=True)
class SignatureCheck:
    """One signature in the file, as verified."""

    field_name: str
    #: As the certificate names the signer: their name, their role, whom they sign for.
    signer_name: str
    signer_title: str
    signer_organisation: str
    #: The time the signer's system stated when signing (there is no time-stamping authority).
    signed_at: datetime | None
    #: A certification signature (the administration's): it fixes what may change afterwards.
    certifies: bool
    #: The signed bytes are unchanged and the signature over them is sound.
    intact: bool
    #: Issued by an administration's authority in this system, in its register, not revoked.
    trusted: bool
    #: Something other than later signatures was added to the file after this signature.
    modified_after: bool
    #: What changed after this signature is within what the certification allows (DocMDP).
    changes_allowed: bool
    #: SHA-256 of the file as this signature left it.
    signed_sha256: str
    certificate_fingerprint: str
    #: The register's record of the certificate, and the administration whose root it chains to.
    certificate: SignerCertificate | None
    administration: Administration | None
    #: What is wrong, in the reader's words; empty when the signature is valid.
    problems: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class EmbeddedFile:
    name: str
    size: int
    sha256: str
    #: The PDF/A-3 relationship of the file to the document (Data, Source…).
    relationship: str
    #: The parsed content of a JSON file; None for another file or JSON that does not parse.
    content: Any = None


@dataclass(frozen=True)
class VerificationReport:
    sha256: str
    size: int
    #: Why the file could not be read, in the reader's words; empty when it was read.
    problem: str = ""
    signatures: tuple[SignatureCheck, ...] = ()
    files: tuple[EmbeddedFile, ...] = ()

    @property
    def readable(self) -> bool:
        return not self.problem

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def intact(self) -> bool:
        return self.signed and all(s.intact for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return self.signed and all(s.trusted for s in self.signatures)

    @property
    def modified_after_signing(self) -> bool:
        return any(s.modified_after for s in self.signatures)

    @property
    def valid(self) -> bool:
        """Readable, signed, and every signature valid."""
        return self.readable and self.signed and all(s.valid for s in self.signatures)

    @property
    def last_signed_sha256(self) -> str:
        """SHA-256 of the file as its last signature left it: the file's own hash unless
        something was appended after signing."""
        return self.signatures[-1].signed_sha256 if self.signatures else ""

    def file(self, name: str) -> EmbeddedFile | None:
        return next((f for f in self.files if f.name == name), None)

    @property
    def terms(self) -> Any:
        """The structured terms embedded as ``terms.json``, parsed; None if absent."""
        terms = self.file(TERMS_FILE_NAME)
        return terms.content if terms is not None else None

    @property
    def annex(self) -> Any:
        """The change of people embedded as ``annex.json`` in a people annex, parsed; None if
        absent."""
        annex = self.file(ANNEX_FILE_NAME)
        return annex.content if annex is not None else None

    @property
    def identifier(self) -> str | None:
        """The identifier of the agreement, or of its people annex, as its embedded data
        states it."""
        for data in (self.terms, self.annex):
            value = data.get(IDENTIFIER_KEY) if isinstance(data, dict) else None
            if isinstance(value, str):
                return value
        return None


def verify_pdf(data: bytes | File[bytes]) -> VerificationReport:
    """Verify an uploaded PDF (its bytes, or an uploaded file, whose size is checked before it is
    read). Never raises for what the file holds."""
    limit = settings.SIGNED_PDF_MAX_BYTES
    if isinstance(data, bytes):
        content = data
    elif (data.size or 0) > limit:
        return VerificationReport(sha256="", size=data.size or 0, problem=_problem(TOO_LARGE))
    else:
        data.seek(0)
        content = data.read(limit + 1)
    size = len(content)
    if size > limit:
        return VerificationReport(sha256="", size=size, problem=_problem(TOO_LARGE))
    digest = hashlib.sha256(content).hexdigest()
    authorities = {
        authority.fingerprint: authority
        for authority in SigningAuthority.objects.select_related("administration")
    }
    roots = [keys.to_der(keys.load_certificate(a.certificate_pem)) for a in authorities.values()]
    found = _inspect_isolated(content, roots)
    if "problem" in found:
        return VerificationReport(sha256=digest, size=size, problem=_problem(found["problem"]))
    facts = found.get("signatures", [])
    certificates = SignerCertificate.objects.select_related("authority__administration").in_bulk(
        [s["certificate_sha256"] for s in facts], field_name="fingerprint"
    )
    # Bytes appended after the last signature modify the document for every signature.
    appended = bool(facts) and not facts[-1]["covers_whole_file"]
    signatures = tuple(
        _signature_check(
            fact,
            certificates.get(fact["certificate_sha256"]),
            authorities.get(fact["anchor_sha256"]),
            appended,
        )
        for fact in facts
    )
    files = tuple(
        EmbeddedFile(
            name=f["name"],
            size=f["size"],
            sha256=f["sha256"],
            relationship=f["relationship"],
            content=f["content"],
        )
        for f in found.get("files", [])
    )
    return VerificationReport(sha256=digest, size=size, signatures=signatures, files=files)


def _signature_check(
    fact: inspection.SignatureFacts,
    certificate: SignerCertificate | None,
    authority: SigningAuthority | None,
    appended: bool,
) -> SignatureCheck:
    problems: list[str] = []
    intact = fact["intact"]
    trusted = intact and fact["trusted"] and authority is not None
    modified_after = appended or not fact["harmless_changes_after"]
    if not intact:
        problems.append(_("The signed content has been altered: it is not what was signed."))
    elif not trusted or authority is None:
        problems.append(
            _("The signer's certificate was not issued by an administration in this system.")
        )
    elif certificate is None or certificate.authority_id != authority.pk:
        # Issued with an authority's key, yet not by this system: the key was used elsewhere.
        trusted = False
        problems.append(_("The signer's certificate is not in this system's register."))
    elif certificate.revoked_at is not None and _revocation_applies(certificate, fact["signed_at"]):
        trusted = False
        problems.append(
            _("The signer's certificate was revoked on %(date)s.")
            % {"date": date_format(certificate.revoked_at, "DATETIME_FORMAT")}
        )
    if modified_after:
        problems.append(_("The document was modified after this signature."))
    if not fact["changes_allowed"]:
        problems.append(_("The changes made after this signature are not allowed by the document."))
    return SignatureCheck(
        field_name=fact["field_name"],
        signer_name=fact["signer_name"],
        signer_title=fact["signer_title"],
        signer_organisation=fact["signer_organisation"],
        signed_at=fact["signed_at"],
        certifies=fact["certifies"],
        intact=intact,
        trusted=trusted,
        modified_after=modified_after,
        changes_allowed=fact["changes_allowed"],
        signed_sha256=fact["signed_sha256"],
        certificate_fingerprint=fact["certificate_sha256"],
        certificate=certificate,
        administration=authority.administration if authority is not None else None,
        problems=tuple(problems),
    )


def _revocation_applies(certificate: SignerCertificate, signed_at: datetime | None) -> bool:
    """A signature made before its certificate was revoked stays valid, unless the key may have
    been exposed: then any signature could be a forgery, whatever time it states."""
    assert certificate.revoked_at is not None
    return (
        certificate.revocation_reason == SignerCertificate.RevocationReason.KEY_COMPROMISE
        or signed_at is None
        or certificate.revoked_at <= signed_at
    )


def _problem(code: str) -> str:
    if code == TOO_LARGE:
        return _(
            "The file is larger than %(size)s: no agreement from this system is that large."
        ) % {"size": filesizeformat(settings.SIGNED_PDF_MAX_BYTES)}
    if code == TOO_SLOW:
        return _("Reading this file took too long, so it was given up. It is not a usable PDF.")
    if code == inspection.NOT_PDF:
        return _("This file is not a PDF.")
    if code == inspection.ENCRYPTED:
        return _("This PDF is protected with a password; agreements from this system never are.")
    return _("This PDF is damaged or incomplete and cannot be read.")


def _inspect_isolated(data: bytes, roots: list[bytes]) -> inspection.Inspection:
    """Run ``inspection.inspect_pdf`` in a process of its own; kill it at the deadline."""
    context = multiprocessing.get_context("forkserver")
    # The server process imports the PDF libraries once; each reading process is forked from it.
    context.set_forkserver_preload([inspection.__name__])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=inspection.run, args=(sender, data, roots), name="pdf-inspection", daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(settings.SIGNED_PDF_READ_SECONDS):
            logger.warning("Reading an uploaded PDF took too long; it was stopped.")
            return {"problem": TOO_SLOW}
        found: inspection.Inspection = receiver.recv()
        return found
    except EOFError:
        # The process ended without an answer: it hit its memory cap, or a library crashed.
        process.join()
        logger.warning(
            "Reading an uploaded PDF ended its process (exit code %s).", process.exitcode
        )
        return {"problem": inspection.UNREADABLE}
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
