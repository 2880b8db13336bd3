"""The register of formal mechanisms: NPMs and bodies with a special agreement."""

from collections.abc import Iterable
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record, document_add
from activity.typing import User
from directory.models import Administration, Organisation, Person

from ..models import FormalMechanism


@transaction.atomic
def mechanism_register(
    *,
    actor: User,
    administration: Administration,
    organisation: Organisation,
    legal_basis: str,
    mandate: UploadedFile,
    valid_from: date,
    valid_until: date | None = None,
    members: Iterable[Person] = (),
) -> FormalMechanism:
    """Register an NPM or a body with a special agreement with its mandate document. It is not
    accredited: its visits follow its mandate."""
    if not organisation.is_formal_mechanism:
        raise DomainError(
            _(
                "Only a National Preventive Mechanism or a body with a special agreement is "
                "registered; other organisations apply for accreditation."
            ),
            field="organisation",
        )
    already = _("This body is already registered.")
    if FormalMechanism.objects.filter(organisation=organisation).exists():
        raise DomainError(already, field="organisation")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("The mandate cannot end before it starts."), field="valid_until")
    members = list(members)
    if any(m.organisation_id != organisation.pk for m in members):
        raise DomainError(_("Members must be people of this body."), field="members")
    document = document_add(actor=actor, organisation=organisation, uploaded=mandate)
    try:
        with transaction.atomic():
            mechanism = FormalMechanism.objects.create(
                organisation=organisation,
                administration=administration,
                legal_basis=legal_basis,
                mandate_document=document,
                valid_from=valid_from,
                valid_until=valid_until,
                registered_by=actor,
            )
    except IntegrityError:
        # Registered at the same moment by someone else: the database holds one per body.
        raise DomainError(already, field="organisation") from None
    mechanism.members.set(members)
    audit_record(
        actor=actor,
        action="mechanism.registered",
        target=mechanism,
        changes={"legal_basis": legal_basis, "members": [m.pk for m in members]},
    )
    return mechanism


@transaction.atomic
def mechanism_set_members(
    *, actor: User, mechanism: FormalMechanism, members: Iterable[Person]
) -> None:
    """Name the people who visit under the body's mandate: only people of the body."""
    mechanism = FormalMechanism.objects.select_for_update().get(pk=mechanism.pk)
    members = list(members)
    if any(m.organisation_id != mechanism.organisation_id for m in members):
        raise DomainError(_("Members must be people of this body."), field="members")
    mechanism.members.set(members)
    audit_record(
        actor=actor,
        action="mechanism.members_changed",
        target=mechanism,
        changes={"members": [m.pk for m in members]},
    )
