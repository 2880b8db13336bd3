"""The signed MoU: one PDF/A-3 in the MoU's language, with its terms embedded as data, certified
by the administration's director and then countersigned by the organisation's signatory, kept
with the hashes the verification page compares against.

Signing (``services.agreement_sign``) records who signed and asks for the signed copy; the slow
part (rendering, keys, signatures) runs here, in a Celery task (``tasks.agreement_pdf_prepare``),
never in a request. The countersignature is added to the very file the administration certified,
as an incremental update, so the certified file is rendered once and never again: it names the
administration's signer; the organisation's signatory is named by their signature in the file.
"""

import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.pdf import PdfAttachment, PdfResourceError, render_pdf
from activity.services import audit_record
from activity.typing import User
from directory.models import Organisation, Role

from .models import Agreement, PdfStatus, Side, Signature, SignerCertificate, SigningAuthority
from .selectors import AGREEMENT_TERM_PREFETCH, rendered_clauses, term_values, terms_data
from .signing.pdf import sign_pdf, signature_fields
from .signing.selectors import signer_certificate_for
from .signing.services import signer_certificate_issue
from .signing.verification import IDENTIFIER_KEY, TERMS_FILE_NAME

logger = logging.getLogger(__name__)

TEMPLATE = "agreements/pdf/mou.html"
#: The signature field of each side in the file.
FIELD_NAMES = {Side.ADMINISTRATION: "administration", Side.ORGANISATION: "organisation"}


def verification_address() -> str:
    """The public page where anyone checks an MoU's PDF, at the address people use."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('agreements:verify')}"


def embedded_terms(agreement: Agreement) -> dict[str, Any]:
    """What the file carries as ``terms.json``: the terms as data, and the MoU's identifier
    (its reference), by which the verification page finds it in the register."""
    return {**terms_data(agreement), IDENTIFIER_KEY: agreement.reference}


def mou_context(agreement: Agreement, certification: Signature) -> dict[str, Any]:
    """What the MoU says, in the active language (the MoU's own, set by the caller)."""
    signer = certification.signer
    return {
        "administration": agreement.administration,
        "agreement": agreement,
        "organisation": agreement.organisation,
        "members": sorted(o.name for o in agreement.member_organisations.all()),
        "version": certification.version,
        "clauses": rendered_clauses(agreement),
        "terms": term_values(agreement),
        "certification": certification,
        # Only a director certifies for the administration (``signer_certificate_issue``).
        "certifier": {
            "name": signer.get_full_name() or signer.get_username(),
            "role": Role.DIRECTOR.label,
        },
        "verification_address": verification_address(),
    }


def render_mou(agreement: Agreement, certification: Signature) -> bytes:
    """The MoU as PDF/A-3, its terms embedded, in the MoU's language; not signed yet."""
    # The clauses, the terms table and the embedded data all read the terms: once, with the
    # areas' facilities, however many the MoU names.
    prefetch_related_objects([agreement], *AGREEMENT_TERM_PREFETCH)
    with translation.override(agreement.language):
        context = mou_context(agreement, certification)
        terms = json.dumps(embedded_terms(agreement), ensure_ascii=False, indent=2, sort_keys=True)
        return render_pdf(
            TEMPLATE,
            context,
            variant="pdf/a-3b",
            attachments=[
                PdfAttachment(
                    TERMS_FILE_NAME,
                    terms.encode(),
                    description=_("The terms of the MoU as data"),
                    relationship="Data",
                )
            ],
        )


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


def _stored(agreement: Agreement) -> bytes:
    if not agreement.pdf:
        return b""
    try:
        with agreement.pdf.open("rb") as stored:
            content: bytes = stored.read()
    except OSError:
        logger.warning("The signed copy of MoU %s is missing from storage.", agreement.pk)
        return b""
    return content


def _sign_what_is_missing(agreement: Agreement, signatures: dict[str, Signature]) -> bool:
    """Add to the stored file the signatures recorded but not yet in it; return whether the
    file changed."""
    pdf = _stored(agreement)
    present = signature_fields(pdf) if pdf else []
    changed = False
    certification = signatures[Side.ADMINISTRATION]
    if FIELD_NAMES[Side.ADMINISTRATION] not in present:
        # Nothing of an earlier file can be kept: the certification is the first signature.
        pdf = sign_pdf(
            render_mou(agreement, certification),
            certificate=_certificate(agreement, certification.signer, None),
            certify=True,
            reason=_("Certified for %(party)s") % {"party": agreement.administration.name},
            location=agreement.administration.name,
            field_name=FIELD_NAMES[Side.ADMINISTRATION],
        )
        agreement.pdf_certified_sha256 = hashlib.sha256(pdf).hexdigest()
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
        replaced = agreement.pdf.name if agreement.pdf else ""
        agreement.pdf.save("mou.pdf", ContentFile(pdf), save=False)
        agreement.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        if replaced:
            storage = agreement.pdf.storage
            transaction.on_commit(lambda: storage.delete(replaced), robust=True)
    return changed


def agreement_pdf_prepare(*, agreement_id: int) -> bool:
    """Prepare the signed copy after a signature: render and certify it after the
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
        if Side.ADMINISTRATION not in signatures:
            return False
        with translation.override(agreement.language):
            try:
                with transaction.atomic():
                    changed = _sign_what_is_missing(agreement, signatures)
            except (DomainError, PdfResourceError) as error:
                message = error.message if isinstance(error, DomainError) else str(error)
                _record_failure(agreement, message)
                return False
            except Exception:
                # Recorded for the MoU's page; the traceback goes to the site administration.
                logger.exception("Preparing the signed copy of MoU %s failed.", agreement.pk)
                _record_failure(
                    agreement,
                    _("Something went wrong on the server; the site administration has been told."),
                )
                return False
        if not changed and agreement.pdf_status == PdfStatus.READY:
            return False
        agreement.pdf_status = PdfStatus.READY
        agreement.pdf_error = ""
        agreement.save(
            update_fields=["pdf", "pdf_sha256", "pdf_certified_sha256", "pdf_status", "pdf_error"]
        )
        audit_record(
            actor=None,
            action="agreement.pdf_prepared",
            target=agreement,
            changes={
                "signatures": sorted(signatures),
                "sha256": agreement.pdf_sha256,
            },
        )
    logger.info("Signed copy of MoU %s prepared.", agreement.pk)
    return changed


def _record_failure(agreement: Agreement, message: str) -> None:
    agreement.pdf_status = PdfStatus.FAILED
    agreement.pdf_error = message
    agreement.save(update_fields=["pdf_status", "pdf_error"])
    audit_record(
        actor=None,
        action="agreement.pdf_failed",
        target=agreement,
        changes={"reason": message},
    )


def agreement_pdf_request(agreement: Agreement) -> None:
    """Ask, once the transaction commits, for the signed copy to be prepared."""
    from .tasks import agreement_pdf_prepare as task

    pk = agreement.pk
    transaction.on_commit(lambda: task.delay(pk), robust=True)
