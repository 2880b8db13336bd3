"""Each administration's certificate authority and the certificates it issues to signatories."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import Actor, audit_record
from activity.typing import User
from directory.models import Administration, Membership, Organisation, Role

from ..models import Signatory, SignerCertificate, SigningAuthority
from . import keys


@transaction.atomic
def signing_authority_create(*, actor: Actor, administration: Administration) -> SigningAuthority:
    """Create the administration's certificate authority: a root key, kept encrypted in the key
    store, and its self-signed root certificate, which every signature on the administration's
    agreements will chain to. An administration has one."""
    Administration.objects.select_for_update().get(pk=administration.pk)
    if SigningAuthority.objects.filter(administration=administration).exists():
        raise DomainError(
            _("%(administration)s already has a signing authority.")
            % {"administration": administration}
        )
    now = timezone.now()
    key = keys.new_key()
    certificate = keys.authority_certificate(
        key,
        administration=administration.name,
        valid_from=now - keys.CLOCK_SKEW,
        valid_until=now + SigningAuthority.VALIDITY,
    )
    # Written before the row: should the transaction fail, an unused encrypted file remains,
    # never a certificate without its key.
    keys.store_key(key, certificate)
    authority = SigningAuthority.objects.create(
        administration=administration, **keys.recorded_fields(certificate)
    )
    audit_record(
        actor=actor,
        action="signing_authority.created",
        target=authority,
        changes={"fingerprint": authority.fingerprint, "valid_until": authority.valid_until},
    )
    return authority


def _check_signatory(
    user: User, administration: Administration, organisation: Organisation | None
) -> None:
    if not user.is_active:
        raise DomainError(_("%(user)s's account is closed.") % {"user": user.get_username()})
    if organisation is None:
        holds_role = Membership.objects.filter(
            user=user, role=Role.DIRECTOR, administration=administration
        ).exists()
        if not holds_role:
            raise DomainError(
                _("Only a director of %(administration)s certifies its agreements.")
                % {"administration": administration}
            )
    elif not (
        Membership.objects.filter(
            user=user, role=Role.NGO_ADMIN, organisation=organisation
        ).exists()
        or Signatory.objects.active().filter(user=user, organisation=organisation).exists()
    ):
        raise DomainError(
            _(
                "Only an administrator of %(organisation)s, or a person it authorised to sign, "
                "signs for it."
            )
            % {"organisation": organisation}
        )


@transaction.atomic
def signer_certificate_issue(
    *,
    actor: Actor,
    administration: Administration,
    user: User,
    organisation: Organisation | None = None,
    renew: bool = False,
) -> tuple[SignerCertificate, bool]:
    """Issue a signing certificate under the administration's authority: to one of its directors,
    who certifies agreements for it (``organisation`` None), or to an administrator or an
    authorised signatory of an organisation, who signs agreements for that organisation.

    A signatory has one certificate in use per role. While it has more than
    ``SignerCertificate.RENEW_WITHIN`` to run it is returned as it is (``False``: nothing was
    issued), unless ``renew`` is asked; otherwise it is revoked as superseded and a new one issued
    (``True``). Signatures made with the old one stay valid.
    """
    try:
        authority = SigningAuthority.objects.select_for_update().get(administration=administration)
    except SigningAuthority.DoesNotExist:
        raise DomainError(
            _("%(administration)s has no signing authority yet.")
            % {"administration": administration}
        ) from None
    _check_signatory(user, administration, organisation)
    role = (
        SignerCertificate.Role.CERTIFY if organisation is None else SignerCertificate.Role.APPROVE
    )
    in_use = SignerCertificate.objects.filter(
        authority=authority,
        user=user,
        role=role,
        organisation=organisation,
        revoked_at__isnull=True,
    ).first()
    now = timezone.now()
    if in_use is not None:
        if not renew and not in_use.needs_renewal(now):
            return in_use, False
        _revoke(actor, in_use, SignerCertificate.RevocationReason.SUPERSEDED)

    subject = keys.Subject(
        name=user.get_full_name() or user.get_username(),
        title=keys.CERTIFYING_TITLE if organisation is None else keys.APPROVING_TITLE,
        organisation=administration.name if organisation is None else organisation.name,
        email=user.email,
    )
    root = keys.load_certificate(authority.certificate_pem)
    try:
        root_key = keys.load_key(root)
    except keys.KeyStoreError as error:
        raise DomainError(
            _("The signing authority's key cannot be used: %(error)s") % {"error": error}
        ) from error
    key = keys.new_key()
    certificate = keys.signer_certificate(
        subject=subject,
        public_key=key.public_key(),
        issuer=root,
        issuer_key=root_key,
        valid_from=now - keys.CLOCK_SKEW,
        valid_until=now + SignerCertificate.VALIDITY,
    )
    keys.store_key(key, certificate)
    issued = SignerCertificate.objects.create(
        authority=authority,
        user=user,
        role=role,
        organisation=organisation,
        subject_name=subject.common_name,
        **keys.recorded_fields(certificate),
    )
    audit_record(
        actor=actor,
        action="signer_certificate.issued",
        target=issued,
        changes={
            "user": user.get_username(),
            "role": role,
            "serial": issued.serial,
            "valid_until": issued.valid_until,
        },
    )
    return issued, True


def _revoke(actor: Actor, certificate: SignerCertificate, reason: str) -> None:
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(
        actor=actor,
        action="signer_certificate.revoked",
        target=certificate,
        changes={"serial": certificate.serial, "reason": reason},
    )


@transaction.atomic
def signer_certificate_revoke(
    *, actor: Actor, certificate: SignerCertificate, reason: str
) -> SignerCertificate:
    """Withdraw a certificate: it signs nothing more. Signatures made before stay valid unless the
    reason is that its key may have been exposed, when verification no longer trusts any."""
    certificate = SignerCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise DomainError(_("This certificate is already revoked."))
    if reason not in SignerCertificate.RevocationReason.values:
        raise DomainError(_("Choose a reason for revoking the certificate."))
    _revoke(actor, certificate, reason)
    return certificate
