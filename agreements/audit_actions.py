"""How agreements' entries read in the audit trail (see ``activity.audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from activity import audit_actions

from .models import SignerCertificate


def register() -> None:
    audit_actions.register(
        "signing_authority.created",
        _("Signing authority created"),
        _("%(actor)s created “%(object)s”"),
    )
    audit_actions.register(
        "signer_certificate.issued",
        _("Signing certificate issued"),
        _("%(actor)s issued a signing certificate to %(object)s"),
        choices={"role": SignerCertificate.Role},
    )
    audit_actions.register(
        "signer_certificate.revoked",
        _("Signing certificate revoked"),
        _("%(actor)s revoked the signing certificate of %(object)s: %(reason)s"),
        choices={"reason": SignerCertificate.RevocationReason},
    )
