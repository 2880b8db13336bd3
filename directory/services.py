"""Use cases of the directory: memberships, people, and the details of organisations and
facilities."""

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import Actor, audit_record
from activity.typing import User

from .models import (
    ADMINISTRATION_ROLES,
    FACILITY_ROLES,
    ORGANISATION_ROLES,
    Administration,
    Facility,
    Membership,
    Organisation,
    Person,
    Role,
)

Scope = Administration | Facility | Organisation


def _scope_field(role: str, scope: Scope) -> str:
    if isinstance(scope, Administration) and role in ADMINISTRATION_ROLES:
        return "administration"
    if isinstance(scope, Facility) and role in FACILITY_ROLES:
        return "facility"
    if isinstance(scope, Organisation) and role in ORGANISATION_ROLES:
        if (role == Role.MONITOR) != scope.is_formal_mechanism:
            raise DomainError(
                _(
                    "Monitoring-body members belong to a National Preventive Mechanism or a body "
                    "with a special agreement; other organisations have administrators and members."
                )
            )
        return "organisation"
    raise DomainError(
        _("The role “%(role)s” cannot be held in “%(scope)s”.")
        % {"role": Role(role).label, "scope": scope}
    )


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, role: str, scope: Scope) -> Membership:
    """Give a user a role in an administration, a facility or an organisation. What the role
    lets them see and do follows from the membership (``directory.permissions``)."""
    field = _scope_field(role, scope)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, role=role, **{field: scope})
    except IntegrityError:
        raise DomainError(_("This person already holds this role there.")) from None
    audit_record(
        actor=actor,
        action="membership.granted",
        target=membership,
        changes={"user": user.get_username(), "role": role, field: str(scope)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    """End a membership; what the user's other memberships give them stays."""
    audit_record(
        actor=actor,
        action="membership.revoked",
        target=membership,
        changes={
            "user": membership.user.get_username(),
            "role": membership.role,
            "scope": str(membership.scope),
        },
    )
    membership.delete()


def _apply(obj: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the given fields; return what changed as ``{field: [before, after]}``."""
    changes: dict[str, list[Any]] = {}
    for field, value in data.items():
        before = getattr(obj, field)
        if before != value:
            changes[field] = [before, value]
            setattr(obj, field, value)
    return changes


def _update(obj: models.Model, *, actor: Actor, action: str, data: dict[str, Any]) -> None:
    # Compare with the row as stored (a bound form may already have changed ``obj``), locked so
    # that two editors do not overwrite each other unseen.
    stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    changes = _apply(stored, data)
    if not changes:
        return
    stored.full_clean()
    stored.save(update_fields=list(changes))
    audit_record(actor=actor, action=action, target=stored, changes=changes)


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> None:
    _update(organisation, actor=actor, action="organisation.updated", data=data)


@transaction.atomic
def facility_update(*, actor: Actor, facility: Facility, data: dict[str, Any]) -> None:
    _update(facility, actor=actor, action="facility.updated", data=data)


@transaction.atomic
def person_create(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> Person:
    """Name a person the organisation may send into prisons."""
    person = Person(organisation=organisation, **data)
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action="person.created",
        target=person,
        changes={"organisation": str(organisation), "full_name": person.full_name},
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, data: dict[str, Any]) -> None:
    _update(person, actor=actor, action="person.updated", data=data)
