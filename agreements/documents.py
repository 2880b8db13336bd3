"""The signed MoU and its signed people annexes: each one PDF/A-3 in the MoU's language, with its
data embedded (the MoU's terms, an annex's change of people), certified by the administration's
director and then countersigned by the organisation's signatory, kept with the hashes the
verification page compares against.

Signing (``services.agreement_sign``, ``services.annex_sign``) records who signed and asks for
the signed copy; the slow part (rendering, keys, signatures) runs here, in a Celery task
(``tasks.agreement_pdf_prepare``, ``tasks.annex_pdf_prepare``), never in a request. The
countersignature is added to the very file the administration certified, as an incremental
update, so the certified file is rendered once and never again: it names the administration's
signer; the organisation's signatory is named by their signature in the file. An MoU and an
annex go through the same steps; only what is rendered differs.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.pdf import PdfAttachment, PdfResourceError, render_pdf
from activity.services import audit_record
from activity.typing import User
from directory.models import Organisation, Person, Role

from .models import (
    Agreement,
    PdfStatus,
    PeopleAnnex,
    Side,
    Signature,
    SignerCertificate,
    SigningAuthority,
)
from .selectors import (
    annex_data,
    people_in_force_ids,
    rendered_clauses,
    term_values,
    terms_data,
)
from .signing.pdf import sign_pdf, signature_fields
from .signing.selectors import signer_certificate_for
from .signing.services import signer_certificate_issue
from .signing.verification import ANNEX_FILE_NAME, IDENTIFIER_KEY, TERMS_FILE_NAME

logger = logging.getLogger(__name__)

TEMPLATE = "agreements/pdf/mou.html"
ANNEX_TEMPLATE = "agreements/pdf/annex.html"
#: The signature field of each side in the file.
FIELD_NAMES = {Side.ADMINISTRATION: "administration", Side.ORGANISATION: "organisation"}

#: What is signed by both sides and kept as a signed copy: an MoU, or one of its people annexes.
Signed = Agreement | PeopleAnnex


def verification_address() -> str:
    """The public page where anyone checks an MoU's PDF, at the address people use."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('agreements:verify')}"


def _certifier(certification: Signature) -> dict[str, Any]:
    signer = certification.signer
    # Only a director certifies for the administration (``signer_certificate_issue``).
    return {"name": signer.get_full_name() or signer.get_username(), "role": Role.DIRECTOR.label}


def _as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


# The MoU -----------------------------------------------------------------------------------------


def embedded_terms(agreement: Agreement) -> dict[str, Any]:
    """What the file carries as ``terms.json``: the terms as data, and the MoU's identifier
    (its reference), by which the verification page finds it in the register."""
    return {**terms_data(agreement), IDENTIFIER_KEY: agreement.reference}


def mou_context(agreement: Agreement, certification: Signature) -> dict[str, Any]:
    """What the MoU says, in the active language (the MoU's own, set by the caller)."""
    return {
        "administration": agreement.administration,
        "agreement": agreement,
        "organisation": agreement.organisation,
        "members": sorted(o.name for o in agreement.member_organisations.all()),
        "version": certification.version,
        "clauses": rendered_clauses(agreement),
        "terms": term_values(agreement),
        "certification": certification,
        "certifier": _certifier(certification),
        "verification_address": verification_address(),
    }


def render_mou(agreement: Agreement, certification: Signature) -> bytes:
    """The MoU as PDF/A-3, its terms embedded, in the MoU's language; not signed yet."""
    with translation.override(agreement.language):
        return render_pdf(
            TEMPLATE,
            mou_context(agreement, certification),
            variant="pdf/a-3b",
            attachments=[
                PdfAttachment(
                    TERMS_FILE_NAME,
                    _as_json(embedded_terms(agreement)),
                    description=_("The terms of the MoU as data"),
                    relationship="Data",
                )
            ],
        )


# A people annex ----------------------------------------------------------------------------------


def embedded_annex(annex: PeopleAnnex) -> dict[str, Any]:
    """What an annex's file carries as ``annex.json``: the change of people as data, and the
    annex's identifier (``<MoU reference>/A<number>``), by which the verification page finds
    it in the register."""
    return {**annex_data(annex), IDENTIFIER_KEY: annex.identifier}


def annex_context(annex: PeopleAnnex, certification: Signature) -> dict[str, Any]:
    """What the annex says, in the active language (the MoU's own, set by the caller): the
    people it adds and removes, with their role, and who may enter once it is signed."""
    agreement = annex.agreement
    return {
        "administration": agreement.administration,
        "agreement": agreement,
        "organisation": agreement.organisation,
        "annex": annex,
        "added": list(annex.added.order_by("full_name")),
        "removed": list(annex.removed.order_by("full_name")),
        "people": list(
            Person.objects.filter(pk__in=people_in_force_ids(agreement, with_annex=annex)).order_by(
                "full_name"
            )
        ),
        "certification": certification,
        "certifier": _certifier(certification),
        "verification_address": verification_address(),
    }


def render_annex(annex: PeopleAnnex, certification: Signature) -> bytes:
    """The annex as PDF/A-3, its change embedded, in the MoU's language; not signed yet."""
    with translation.override(annex.agreement.language):
        return render_pdf(
            ANNEX_TEMPLATE,
            annex_context(annex, certification),
            variant="pdf/a-3b",
            attachments=[
                PdfAttachment(
                    ANNEX_FILE_NAME,
                    _as_json(embedded_annex(annex)),
                    description=_("The people the annex adds and removes, as data"),
                    relationship="Data",
                )
            ],
        )


# Signing what was signed --------------------------------------------------------------------------


def _certificate(
    agreement: Agreement, user: User, organisation: Organisation | None
) -> SignerCertificate:
    """The signer's certificate under the administration's authority; issued now if they have
    none in force."""
    certificate = signer_certificate_for(
        user=user, administration=agreement.administration, organisation=organisation
    )
    if certificate is not None:
        return certificate
    if not SigningAuthority.objects.filter(administration=agreement.administration).exists():
        raise DomainError(
            _(
                "%(administration)s has no signing authority yet, so nobody can sign its MoUs "
                "electronically. The site administration creates it with “manage.py "
                "signing_authority create”; then prepare the signed copy again."
            )
            % {"administration": agreement.administration.name}
        )
    certificate, _issued = signer_certificate_issue(
        actor=None, administration=agreement.administration, user=user, organisation=organisation
    )
    return certificate


def _agreement_of(document: Signed) -> Agreement:
    return document.agreement if isinstance(document, PeopleAnnex) else document


def _render(document: Signed) -> Callable[[Signature], bytes]:
    if isinstance(document, PeopleAnnex):
        return lambda certification: render_annex(document, certification)
    return lambda certification: render_mou(document, certification)


def _stored(document: Signed) -> bytes:
    if not document.pdf:
        return b""
    try:
        with document.pdf.open("rb") as stored:
            content: bytes = stored.read()
    except OSError:
        logger.warning(
            "The signed copy of %s %s is missing from storage.", document._meta.label, document.pk
        )
        return b""
    return content


def _sign_what_is_missing(document: Signed, signatures: dict[str, Signature]) -> bool:
    """Add to the stored file the signatures recorded but not yet in it; return whether the
    file changed."""
    agreement = _agreement_of(document)
    pdf = _stored(document)
    present = signature_fields(pdf) if pdf else []
    changed = False
    certification = signatures[Side.ADMINISTRATION]
    if FIELD_NAMES[Side.ADMINISTRATION] not in present:
        # Nothing of an earlier file can be kept: the certification is the first signature.
        pdf = sign_pdf(
            _render(document)(certification),
            certificate=_certificate(agreement, certification.signer, None),
            certify=True,
            reason=_("Certified for %(party)s") % {"party": agreement.administration.name},
            location=agreement.administration.name,
            field_name=FIELD_NAMES[Side.ADMINISTRATION],
        )
        document.pdf_certified_sha256 = hashlib.sha256(pdf).hexdigest()
        present = [FIELD_NAMES[Side.ADMINISTRATION]]
        changed = True
    countersignature = signatures.get(Side.ORGANISATION)
    if countersignature is not None and FIELD_NAMES[Side.ORGANISATION] not in present:
        pdf = sign_pdf(
            pdf,
            certificate=_certificate(agreement, countersignature.signer, agreement.organisation),
            certify=False,
            reason=_("Signed for %(party)s") % {"party": agreement.organisation.name},
            location=agreement.administration.name,
            field_name=FIELD_NAMES[Side.ORGANISATION],
        )
        changed = True
    if changed:
        replaced = document.pdf.name if document.pdf else ""
        document.pdf.save("signed.pdf", ContentFile(pdf), save=False)
        document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        if replaced:
            storage = document.pdf.storage
            transaction.on_commit(lambda: storage.delete(replaced), robust=True)
    return changed


def _prepare(document: Signed, signatures: dict[str, Signature]) -> bool:
    """Bring the locked document's signed copy up to its recorded signatures, or record why it
    cannot be; return whether the file changed."""
    if Side.ADMINISTRATION not in signatures:
        return False
    with translation.override(_agreement_of(document).language):
        try:
            with transaction.atomic():
                changed = _sign_what_is_missing(document, signatures)
        except (DomainError, PdfResourceError) as error:
            message = error.message if isinstance(error, DomainError) else str(error)
            _record_failure(document, message)
            return False
        except Exception:
            # Recorded for the document's page; the traceback goes to the site administration.
            logger.exception(
                "Preparing the signed copy of %s %s failed.", document._meta.label, document.pk
            )
            _record_failure(
                document,
                _("Something went wrong on the server; the site administration has been told."),
            )
            return False
    if not changed and document.pdf_status == PdfStatus.READY:
        return False
    document.pdf_status = PdfStatus.READY
    document.pdf_error = ""
    document.save(
        update_fields=["pdf", "pdf_sha256", "pdf_certified_sha256", "pdf_status", "pdf_error"]
    )
    audit_record(
        actor=None,
        action=f"{document._meta.model_name}.pdf_prepared",
        target=document,
        changes={"signatures": sorted(signatures), "sha256": document.pdf_sha256},
    )
    logger.info("Signed copy of %s %s prepared.", document._meta.label, document.pk)
    return changed


def agreement_pdf_prepare(*, agreement_id: int) -> bool:
    """Prepare the MoU's signed copy after a signature: render and certify it after the
    administration's, add the countersignature after the organisation's. Safe to run twice, or
    twice at once: the second run waits for the first, finds the signatures in the file and
    changes nothing. A failure (no signing authority, an unusable key…) is recorded on the MoU,
    for its page to say; return whether the file changed.

    Whatever signs both sides in one transaction (the demo data) calls this directly after each
    signature: the task is only queued once the transaction commits, and the organisation
    countersigns only the prepared copy."""
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("administration", "organisation")
            .filter(pk=agreement_id)
            .first()
        )
        if agreement is None:
            return False
        signatures = {
            signature.side: signature
            for signature in agreement.signatures.filter(annex__isnull=True).select_related(
                "signer", "version"
            )
        }
        return _prepare(agreement, signatures)


def annex_pdf_prepare(*, annex_id: int) -> bool:
    """Prepare a people annex's signed copy after a signature, as ``agreement_pdf_prepare``
    does the MoU's, and as safely run twice."""
    with transaction.atomic():
        annex = (
            PeopleAnnex.objects.select_for_update(of=("self",))
            .select_related("agreement__administration", "agreement__organisation")
            .filter(pk=annex_id)
            .first()
        )
        if annex is None:
            return False
        signatures = {
            signature.side: signature for signature in annex.signatures.select_related("signer")
        }
        return _prepare(annex, signatures)


def _record_failure(document: Signed, message: str) -> None:
    document.pdf_status = PdfStatus.FAILED
    document.pdf_error = message
    document.save(update_fields=["pdf_status", "pdf_error"])
    audit_record(
        actor=None,
        action=f"{document._meta.model_name}.pdf_failed",
        target=document,
        changes={"reason": message},
    )


def pdf_request(document: Signed) -> None:
    """Ask, once the transaction commits, for the signed copy of the MoU or annex to be
    prepared."""
    from . import tasks

    if isinstance(document, PeopleAnnex):
        task = tasks.annex_pdf_prepare
    else:
        task = tasks.agreement_pdf_prepare
    pk = document.pk
    transaction.on_commit(lambda: task.delay(pk), robust=True)
