"""Which certificate a signatory signs with."""

from datetime import datetime

from activity.typing import User
from directory.models import Administration, Organisation

from ..models import SignerCertificate


def signer_certificate_for(
    *,
    user: User,
    administration: Administration,
    organisation: Organisation | None = None,
    at: datetime | None = None,
) -> SignerCertificate | None:
    """The certificate ``user`` signs with under ``administration``'s authority: as its director
    (``organisation`` None) or for ``organisation``; None if they have none in force."""
    role = (
        SignerCertificate.Role.CERTIFY if organisation is None else SignerCertificate.Role.APPROVE
    )
    return (
        SignerCertificate.objects.current(at)
        .filter(
            authority__administration=administration,
            user=user,
            role=role,
            organisation=organisation,
        )
        .select_related("authority")
        .first()
    )
