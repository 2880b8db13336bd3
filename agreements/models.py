"""Agreements between a prison administration and an organisation, and the certificates their
signatories sign them with."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Administration, Organisation

# Signing: each administration's certificate authority and its signatories' certificates ---------


class SigningAuthority(models.Model):
    """An administration's own certificate authority: every signature on its agreements chains to
    this root certificate. The certificate is public and kept here; its private key is a file in
    ``SIGNING_KEYS_DIR`` (``agreements.signing.keys``)."""

    #: A root outlives the certificates it issues and the agreements signed under it.
    VALIDITY = timedelta(days=20 * 365)

    administration = models.OneToOneField(
        Administration,
        on_delete=models.PROTECT,
        related_name="signing_authority",
        verbose_name=_("administration"),
    )
    certificate_pem = models.TextField(_("root certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    serial = models.CharField(_("serial number"), max_length=40)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing authority")
        verbose_name_plural = _("signing authorities")

    def __str__(self) -> str:
        return _("Signing authority of %(administration)s") % {
            "administration": self.administration
        }


class SignerCertificateQuerySet(models.QuerySet["SignerCertificate"]):
    def current(self, at: datetime | None = None) -> "SignerCertificateQuerySet":
        """Certificates that may sign at ``at`` (now): in their validity period, not revoked."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=at, valid_until__gt=at)


class SignerCertificate(models.Model):
    """The certificate an administration's authority issued to one signatory: its director, who
    certifies agreements for the administration, or an organisation's signatory, who approves
    them for the organisation. Public; the private key is a file (``agreements.signing.keys``).
    """

    class Role(models.TextChoices):
        CERTIFY = "certify", _("Certifies agreements for the administration")
        APPROVE = "approve", _("Signs agreements for an organisation")

    class RevocationReason(models.TextChoices):
        SUPERSEDED = "superseded", _("Replaced by a new certificate")
        LEFT_ROLE = "left_role", _("No longer signs for them")
        KEY_COMPROMISE = "key_compromise", _("The key may have been exposed")

    #: Longer than most agreements; a signature stays verifiable after its certificate expires.
    VALIDITY = timedelta(days=3 * 365)
    #: Within this long of its end, issuing again replaces a certificate instead of keeping it.
    RENEW_WITHIN = timedelta(days=30)

    authority = models.ForeignKey(
        SigningAuthority,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("signing authority"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signer_certificates",
        verbose_name=_("signatory"),
    )
    role = models.CharField(_("signs as"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signer_certificates",
        verbose_name=_("organisation"),
    )
    subject_name = models.CharField(_("name in the certificate"), max_length=64)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    serial = models.CharField(_("serial number"), max_length=40)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("reason for revocation"), max_length=20, choices=RevocationReason.choices, blank=True
    )

    objects = SignerCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("signer certificate")
        verbose_name_plural = _("signer certificates")
        ordering = ["-issued_at"]
        constraints = [
            # The director certifies for the administration; a signatory signs for one
            # organisation.
            models.CheckConstraint(
                name="signer_certificate_organisation_fits_role",
                condition=Q(role="certify", organisation__isnull=True)
                | Q(role="approve", organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="signer_certificate_revocation_has_reason",
                condition=Q(revoked_at__isnull=True, revocation_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revocation_reason=""),
            ),
            # One certificate in use per signatory and role: a new one revokes the old.
            models.UniqueConstraint(
                fields=["authority", "user"],
                condition=Q(role="certify", revoked_at__isnull=True),
                name="signer_certificate_one_certifying_per_user",
            ),
            models.UniqueConstraint(
                fields=["authority", "user", "organisation"],
                condition=Q(role="approve", revoked_at__isnull=True),
                name="signer_certificate_one_approving_per_user_and_organisation",
            ),
            models.UniqueConstraint(
                fields=["authority", "serial"], name="signer_certificate_unique_serial"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.get_role_display()}, {self.serial})"

    @property
    def audit_administration_id(self) -> int:
        return self.authority.administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    def is_current(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.valid_from <= at < self.valid_until

    def needs_renewal(self, at: datetime | None = None) -> bool:
        """Whether issuing again should replace this certificate: it is not current, or ends
        within ``RENEW_WITHIN``."""
        at = at or timezone.now()
        return not self.is_current(at) or self.valid_until - at <= self.RENEW_WITHIN
