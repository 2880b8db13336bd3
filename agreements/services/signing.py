"""Signing an MoU: authorised signatories, the signatures in turn, its signed copy and the
copies translated for reading."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.errors import DomainError
from activity.services import audit_record
from activity.texts import language_name
from activity.transitions import transition
from activity.typing import User
from directory.models import Organisation

from .. import documents, effects, reminders
from ..documents import Signed
from ..models import (
    Agreement,
    AgreementTranslation,
    AgreementVersion,
    PdfStatus,
    PeopleAnnex,
    Side,
    Signatory,
    Signature,
    SignerCertificate,
)
from ..signing.services import signer_certificate_revoke
from ._common import _locked
from .mous import remind_expiry

#: Days after which a signer who has not signed is reminded again.
SIGNATURE_FOLLOW_UP_DAYS = 5


@transaction.atomic
def signatory_authorise(*, actor: User, organisation: Organisation, user: User) -> Signatory:
    """Authorise one of the organisation's people to sign MoUs on its behalf."""
    if not user.memberships.filter(organisation=organisation).exists():
        raise DomainError(
            _("%(name)s is not a member of %(organisation)s.")
            % {"name": user.get_full_name() or user.get_username(), "organisation": organisation},
            field="user",
        )
    try:
        with transaction.atomic():
            signatory = Signatory.objects.create(
                organisation=organisation, user=user, authorised_by=actor
            )
    except IntegrityError:
        raise DomainError(
            _("This person is already an authorised signatory."), field="user"
        ) from None
    audit_record(
        actor=actor,
        action="signatory.authorised",
        target=organisation,
        changes={"signatory": user.get_username()},
    )
    return signatory


@transaction.atomic
def signatory_revoke(*, actor: User, signatory: Signatory) -> None:
    """Withdraw someone's authority to sign for the organisation, and the certificate they
    signed with for it."""
    signatory = Signatory.objects.select_for_update().get(pk=signatory.pk)
    if signatory.revoked_at is not None:
        raise DomainError(_("This authority was withdrawn already."))
    signatory.revoked_at = timezone.now()
    signatory.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="signatory.revoked",
        target=signatory.organisation,
        changes={"signatory": signatory.user.get_username()},
    )
    # Their certificate for the organisation signs nothing more; what they signed stays valid.
    for certificate in SignerCertificate.objects.current().filter(
        user=signatory.user,
        organisation=signatory.organisation,
        role=SignerCertificate.Role.APPROVE,
    ):
        signer_certificate_revoke(
            actor=actor,
            certificate=certificate,
            reason=SignerCertificate.RevocationReason.LEFT_ROLE,
        )


def is_authorised_signatory(user: User, organisation: Organisation) -> bool:
    return Signatory.objects.active().filter(organisation=organisation, user=user).exists()


def _signatories(agreement: Agreement) -> list[User]:
    return [
        signatory.user
        for signatory in Signatory.objects.active()
        .filter(organisation=agreement.organisation)
        .select_related("user")
    ]


def _next_reference(agreement: Agreement) -> str:
    year = timezone.localdate().year
    prefix = f"MOU/{agreement.administration_id}/{year}/"
    taken = Agreement.objects.filter(
        administration=agreement.administration, reference__startswith=prefix
    ).count()
    return f"{prefix}{taken + 1:04d}"


@dataclass(frozen=True)
class _Awaited:
    """The reminder that tells signers an MoU or annex awaits their signature."""

    subject: Promise
    body: Promise
    params: dict[str, Any]


def _remind_to_sign(
    document: Signed, recipients: list[User], event: str, awaited: _Awaited
) -> None:
    """Remind ``recipients`` that the document awaits their signature, now and again after
    ``SIGNATURE_FOLLOW_UP_DAYS``; ``event`` names the step, for ``_cancel_reminders_to_sign``."""
    for suffix, kind, delay in (
        ("", reminders.SIGNATURE_AWAITED, 0),
        ("-follow-up", reminders.SIGNATURE_FOLLOW_UP, SIGNATURE_FOLLOW_UP_DAYS),
    ):
        notify.remind(
            recipients=recipients,
            kind=kind,
            key=notify.reminder_key(document, f"{event}{suffix}"),
            subject=awaited.subject,
            body=awaited.body,
            params=awaited.params,
            url=document.get_absolute_url(),
            due_at=timezone.now() + timedelta(days=delay),
        )


def _cancel_reminders_to_sign(document: Signed, event: str) -> None:
    notify.cancel(key=notify.reminder_key(document, event))
    notify.cancel(key=notify.reminder_key(document, f"{event}-follow-up"))


def _sign_in_turn(
    *,
    actor: User,
    document: Signed,
    agreement: Agreement,
    side: str,
    awaited: _Awaited,
    version: AgreementVersion | None = None,
    extra_fields: tuple[str, ...] = (),
    details: dict[str, Any] | None = None,
) -> Signature:
    """Record one side's signature of an MoU or of one of its people annexes, once the caller
    has checked that it is that side's turn: the administration certifies (the document becomes
    "certified") and the organisation's signatories are asked to countersign; an authorised
    signatory countersigns the certified copy, once it is ready (the document becomes "signed").
    One signature per side; the signed copy is then prepared in the background. The document
    is locked by the caller, so two signers racing sign one after the other."""
    annex = document if isinstance(document, PeopleAnnex) else None
    if side == Side.ORGANISATION:
        if not is_authorised_signatory(actor, agreement.organisation):
            raise DomainError(_("Only an authorised signatory of the organisation signs for it."))
        _require_certified_copy(document)
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                agreement=agreement, annex=annex, version=version, side=side, signer=actor
            )
    except IntegrityError:
        raise DomainError(_("Your side has signed already.")) from None
    to = Agreement.Status.CERTIFIED if side == Side.ADMINISTRATION else Agreement.Status.SIGNED
    document.pdf_status = PdfStatus.PENDING
    document.pdf_error = ""
    extra = (*extra_fields, "pdf_status", "pdf_error")
    if to == Agreement.Status.SIGNED:
        document.signed_at = signature.signed_at
        extra = (*extra, "signed_at")
    # Both state machines go from "certified" to "signed"; each is checked against its own.
    transitions = cast("Mapping[str, set[str]]", document.TRANSITIONS)
    transition(
        document,
        to,
        actor=actor,
        transitions=transitions,
        extra_fields=extra,
        details={**(details or {}), "side": side},
    )
    if to == Agreement.Status.CERTIFIED:
        _cancel_reminders_to_sign(document, "certification")
        _remind_to_sign(document, _signatories(agreement), "signature", awaited)
    else:
        _cancel_reminders_to_sign(document, "signature")
    documents.pdf_request(document)
    return signature


@transaction.atomic
def agreement_sign(*, actor: User, agreement: Agreement, side: str) -> Signature:
    """Sign the agreed text for one side, in order: the administration's director certifies
    first, once both sides have approved it; then an authorised signatory of the organisation
    countersigns, and the MoU is in force from its first day. Who may sign and the step-up
    (password and code, just before) are checked by the page; the order and the state here.
    Two signers racing are serialised by the lock on the MoU: one signature each, in order.

    An amendment, once signed, supersedes the MoU it amends, which is published through
    ``agreements.effects`` (visits reviews the visits the old MoU allowed).

    Each signature asks for the signed copy (``documents``), prepared in the background: the
    certified file first, which the organisation countersigns, so not before it is ready."""
    agreement = _locked(agreement)
    version = agreement.versions.order_by("-number").first()
    if side == Side.ADMINISTRATION:
        if agreement.status != Agreement.Status.AGREED:
            raise DomainError(
                _("The administration signs an agreed text, once, before the organisation.")
            )
        if version is None or agreement.approvals.filter(version=version).count() < 2:
            raise DomainError(_("Both sides must approve the agreed text before it is signed."))
    elif agreement.status == Agreement.Status.AGREED:
        raise DomainError(_("The administration signs first; the organisation then countersigns."))
    elif agreement.status != Agreement.Status.CERTIFIED:
        raise DomainError(
            _("There is nothing to sign: the MoU is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    # The reference is given at certification: the certified file carries it, and the
    # countersignature may only add to that file.
    agreement.reference = agreement.reference or _next_reference(agreement)
    details: dict[str, object] = {"version": version.number if version else None}
    translated: AgreementTranslation | None = None
    main_language = agreement.administration.main_language
    if side == Side.ORGANISATION and main_language != agreement.language:
        # The administration reads its MoUs in its main language: a copy in it is made as soon
        # as the MoU is signed (undone with the rest if the signature is refused).
        translated, _created = AgreementTranslation.objects.get_or_create(
            agreement=agreement, language=main_language
        )
        details["translation"] = main_language
    signature = _sign_in_turn(
        actor=actor,
        document=agreement,
        agreement=agreement,
        side=side,
        version=version,
        extra_fields=("reference",),
        details=details,
        awaited=_Awaited(
            subject=gettext_lazy("The MoU “%(title)s” awaits your signature"),
            body=gettext_lazy("The administration has signed. Sign for %(organisation)s."),
            params={"title": agreement.title, "organisation": agreement.organisation.name},
        ),
    )
    if agreement.status == Agreement.Status.SIGNED:
        if agreement.supersedes_id is not None:
            previous = _locked(Agreement(pk=agreement.supersedes_id))
            transition(
                previous,
                Agreement.Status.SUPERSEDED,
                actor=actor,
                transitions=Agreement.TRANSITIONS,
                details={"amendment": agreement.pk},
            )
            notify.cancel(key=notify.reminder_key(previous))
            effects.publish(
                effects.AgreementChange(
                    agreement_id=previous.pk,
                    administration_id=previous.administration_id,
                    organisation_id=previous.organisation_id,
                    kind=effects.Kind.SUPERSEDED,
                    reason="",
                    people_removed=(),
                    actor_id=actor.pk,
                )
            )
        remind_expiry(agreement)
    if translated is not None:
        documents.agreement_translation_request(translated)
    return signature


def _pdf_retry(*, actor: User, document: Signed) -> None:
    if document.pdf_status != PdfStatus.FAILED:
        raise DomainError(
            _("The signed copy is ready or being prepared: there is nothing to retry.")
        )
    document.pdf_status = PdfStatus.PENDING
    document.pdf_error = ""
    document.save(update_fields=["pdf_status", "pdf_error"])
    audit_record(actor=actor, action=f"{document._meta.model_name}.pdf_requested", target=document)
    documents.pdf_request(document)


@transaction.atomic
def agreement_pdf_retry(*, actor: User, agreement: Agreement) -> Agreement:
    """Ask again for a signed copy that could not be prepared, once what stopped it is put
    right (the signing authority created, a signer's key restored)."""
    agreement = _locked(agreement)
    _pdf_retry(actor=actor, document=agreement)
    return agreement


@transaction.atomic
def agreement_translation_request(
    *, actor: User, agreement: Agreement, language: str
) -> AgreementTranslation:
    """Ask for a copy of a signed MoU in another language, for reading; or ask again for one
    that could not be prepared. The copy is made in the background from the signed version and
    is not signed: the signed original, in the MoU's language, stays the MoU."""
    agreement = _locked(agreement)
    if agreement.signed_at is None:
        raise DomainError(
            _("Only a signed MoU has copies in other languages; this one is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the languages offered."), field="language")
    name = language_name(language)
    if language == agreement.language:
        raise DomainError(
            _("The signed MoU is in %(language)s: download the signed copy.") % {"language": name}
        )
    copy = (
        AgreementTranslation.objects.select_for_update()
        .filter(agreement=agreement, language=language)
        .first()
    )
    if copy is None:
        copy = AgreementTranslation.objects.create(
            agreement=agreement, language=language, requested_by=actor
        )
    elif copy.status == PdfStatus.FAILED:
        copy.status = PdfStatus.PENDING
        copy.error = ""
        copy.requested_by = actor
        copy.requested_at = timezone.now()
        copy.save(update_fields=["status", "error", "requested_by", "requested_at"])
    elif copy.status == PdfStatus.READY:
        raise DomainError(_("The copy in %(language)s is ready: download it.") % {"language": name})
    else:
        raise DomainError(
            _("The copy in %(language)s is being prepared already.") % {"language": name}
        )
    audit_record(
        actor=actor,
        action="agreement.translation_requested",
        target=agreement,
        changes={"translation": language},
    )
    documents.agreement_translation_request(copy)
    return copy


def _require_certified_copy(document: Signed) -> None:
    """The organisation countersigns the very file the administration certified: not before
    that file is ready."""
    if document.pdf_status == PdfStatus.READY and document.pdf:
        return
    if document.pdf_status == PdfStatus.FAILED:
        raise DomainError(
            _(
                "The copy certified by the administration could not be prepared, so it cannot be "
                "countersigned yet: %(error)s"
            )
            % {"error": document.pdf_error}
        )
    raise DomainError(
        _(
            "The copy certified by the administration is still being prepared. Countersign once "
            "the page offers it for download."
        )
    )
