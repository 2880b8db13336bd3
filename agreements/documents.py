"""The signed MoU and its signed people annexes: each one PDF/A-3 in the MoU's language, with its
data embedded (the MoU's terms, an annex's change of people), certified by the administration's
director and then countersigned by the organisation's signatory, kept with the hashes the
verification page compares against.

Signing (``services.signing.agreement_sign``, ``services.annexes.annex_sign``) records who signed
and asks for the signed copy; the slow part (rendering, keys, signatures) runs here, in a Celery
task (``tasks.agreement_pdf_prepare``, ``tasks.annex_pdf_prepare``), never in a request. The
countersignature is added to the very file the administration certified, as an incremental
update, so the certified file is rendered once and never again: it names the administration's
signer; the organisation's signatory is named by their signature in the file. An MoU and an
annex go through the same steps; only what is rendered differs.

Once signed, the MoU can also be read in the other languages: a copy in each, asked for on its
page (the one in the administration's main language at the signature), rendered here in a task
(``tasks.agreement_translation_prepare``) from the signed version, with the same ``terms.json``,
marked on every page as a translation whose signed original is in the MoU's language. Nobody
signs it: its words were never negotiated nor signed, so a signature, even the administration's
as a certified translation, would vouch for what nobody checked. The register keeps its hash so
that the verification page recognises it, as a translation and never as the signed MoU.
"""

import hashlib
import io
import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from activity.errors import DomainError
from activity.pdf import PdfAttachment, PdfResourceError, render_pdf
from activity.services import audit_record
from activity.texts import language_name
from activity.typing import User
from directory.models import Organisation, Person, Role

from .models import (
    Agreement,
    AgreementTranslation,
    PdfStatus,
    PeopleAnnex,
    Side,
    Signature,
    SignerCertificate,
    SigningAuthority,
    Variable,
)
from .selectors import (
    AGREEMENT_TERM_PREFETCH,
    annex_data,
    language_is_bidi,
    people_in_force_ids,
    recorded_term_values,
    rendered_clauses,
    term_values,
    terms_data,
    translated_clauses,
)
from .signing.pdf import sign_pdf, signature_fields
from .signing.selectors import signer_certificate_for
from .signing.services import signer_certificate_issue
from .signing.verification import ANNEX_FILE_NAME, IDENTIFIER_KEY, TERMS_FILE_NAME

logger = logging.getLogger(__name__)
T = TypeVar("T")

TEMPLATE = "agreements/pdf/mou.html"
TRANSLATION_TEMPLATE = "agreements/pdf/mou_translation.html"
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


def _render_with_terms(template: str, context: dict[str, Any], terms: bytes) -> bytes:
    """A PDF/A-3 of the MoU with ``terms`` embedded as ``terms.json``, in the active language."""
    return render_pdf(
        template,
        context,
        variant="pdf/a-3b",
        attachments=[
            PdfAttachment(
                TERMS_FILE_NAME,
                terms,
                description=_("The terms of the MoU as data"),
                relationship="Data",
            )
        ],
    )


def render_mou(agreement: Agreement, certification: Signature) -> bytes:
    """The MoU as PDF/A-3, its terms embedded, in the MoU's language; not signed yet."""
    # The clauses, the terms table and the embedded data all read the terms: once, with the
    # areas' facilities, however many the MoU names.
    prefetch_related_objects([agreement], *AGREEMENT_TERM_PREFETCH)
    with translation.override(agreement.language):
        return _render_with_terms(
            TEMPLATE, mou_context(agreement, certification), _as_json(embedded_terms(agreement))
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

    def sign() -> bool:
        with transaction.atomic():
            return _sign_what_is_missing(document, signatures)

    with translation.override(_agreement_of(document).language):
        changed, failure = _attempt(
            sign, f"Preparing the signed copy of {document._meta.label} {document.pk}"
        )
        if changed is None:
            _record_failure(document, failure)
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


def _attempt(work: Callable[[], T], what: str) -> tuple[T | None, str]:
    """Run ``work``: its result, or why it failed in words for the MoU's page. An unexpected
    error's traceback goes to the site administration, its page says only that it happened."""
    try:
        return work(), ""
    except DomainError as error:
        return None, error.message
    except PdfResourceError as error:
        return None, str(error)
    except Exception:
        logger.exception("%s failed.", what)
        return None, _("Something went wrong on the server; the site administration has been told.")


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


# Copies in other languages ---------------------------------------------------------------------


def signed_terms(agreement: Agreement) -> bytes:
    """The ``terms.json`` the signed file embeds, byte for byte: what a copy in another language
    carries, and whose terms it states. Read under the lock on the MoU, which the preparation
    of the signed file holds while it replaces the file."""
    pdf = _stored(agreement)
    found = PdfReader(io.BytesIO(pdf)).attachments.get(TERMS_FILE_NAME) if pdf else None
    if not found:
        raise DomainError(
            _(
                "The signed copy is not ready, and a copy in another language is made from it. "
                "Ask for this one again once the signed copy can be downloaded."
            )
        )
    terms: bytes = found[0]
    return terms


def translation_context(
    agreement: Agreement, language: str, terms: dict[str, Any]
) -> dict[str, Any]:
    """What the copy in ``language`` says, in the active language (``language``, set by the
    caller): the signed version's clauses, the signed ``terms``, who signed the original."""
    signatures = {
        signature.side: signature
        for signature in agreement.signatures.filter(annex__isnull=True).select_related(
            "signer", "version"
        )
    }
    certification = signatures.get(Side.ADMINISTRATION)
    if (
        certification is None
        or certification.version is None
        or Side.ORGANISATION not in signatures
    ):
        raise DomainError(_("Only a signed MoU has copies in other languages."))
    version = certification.version
    words = recorded_term_values(agreement, terms)
    parties = (
        (Side.ADMINISTRATION, agreement.administration.name),
        (Side.ORGANISATION, agreement.organisation.name),
    )
    return {
        "administration": agreement.administration,
        "agreement": agreement,
        "organisation": agreement.organisation,
        "members": words[Variable.MEMBERS] if terms["member_organisations"] else "",
        "version": version,
        "clauses": translated_clauses(agreement, version, language, words),
        "terms": words,
        "signed_by": [
            {
                "party": party,
                "name": signatures[side].signer.get_full_name()
                or signatures[side].signer.get_username(),
                "signed_at": signatures[side].signed_at,
            }
            for side, party in parties
        ],
        "language_name": language_name(language),
        "original_language": agreement.language,
        "original_language_name": language_name(agreement.language),
        "original_rtl": language_is_bidi(agreement.language),
        "verification_address": verification_address(),
    }


def render_translation(agreement: Agreement, language: str) -> bytes:
    """The copy of a signed MoU in ``language`` as PDF/A-3, for reading, not signed: the signed
    version's clauses in that language where the library has them (the others quoted from the
    original, saying so), the terms of the signed file and its very ``terms.json``, marked on
    every page as a translation of the original."""
    terms = signed_terms(agreement)
    with translation.override(language):
        context = translation_context(agreement, language, json.loads(terms))
        return _render_with_terms(TRANSLATION_TEMPLATE, context, terms)


def agreement_translation_prepare(*, translation_id: int) -> bool:
    """Prepare a copy asked for in another language. Safe to run twice, or twice at once: the
    second run waits for the first and finds the copy ready. A failure is recorded on the copy,
    for the MoU's page to say; asking again (``services.signing.agreement_translation_request``)
    puts it back in the queue. Return whether a file was made."""
    with transaction.atomic():
        agreement_id = (
            AgreementTranslation.objects.filter(pk=translation_id)
            .values_list("agreement_id", flat=True)
            .first()
        )
        if agreement_id is None:
            return False
        # The MoU first, as the services lock it, then the copy: its signed file cannot be
        # replaced while the copy reads it.
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("administration", "organisation")
            .get(pk=agreement_id)
        )
        copy = AgreementTranslation.objects.select_for_update().get(pk=translation_id)
        if copy.status != PdfStatus.PENDING:
            return False
        with translation.override(agreement.language):
            pdf, failure = _attempt(
                lambda: render_translation(agreement, copy.language),
                f"Preparing the copy of MoU {agreement.pk} in {copy.language}",
            )
            if pdf is None:
                copy.status = PdfStatus.FAILED
                copy.error = failure
                copy.save(update_fields=["status", "error"])
                audit_record(
                    actor=None,
                    action="agreement.translation_failed",
                    target=agreement,
                    changes={"translation": copy.language, "reason": failure},
                )
                return False
        copy.pdf.save("mou-translation.pdf", ContentFile(pdf), save=False)
        copy.sha256 = hashlib.sha256(pdf).hexdigest()
        copy.status = PdfStatus.READY
        copy.error = ""
        copy.prepared_at = timezone.now()
        copy.save(update_fields=["pdf", "sha256", "status", "error", "prepared_at"])
        audit_record(
            actor=None,
            action="agreement.translation_prepared",
            target=agreement,
            changes={"translation": copy.language, "sha256": copy.sha256},
        )
    logger.info("Copy of MoU %s in %s prepared.", agreement.pk, copy.language)
    return True


def agreement_translation_request(copy: AgreementTranslation) -> None:
    """Ask, once the transaction commits, for a copy in another language to be prepared."""
    from .tasks import agreement_translation_prepare as task

    pk = copy.pk
    transaction.on_commit(lambda: task.delay(pk), robust=True)
