"""Use cases of the directory: memberships and the object permissions they grant, people, and
the details of organisations and facilities."""

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

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


#: Permissions that a role gives everywhere, not on one object.
GLOBAL_GRANTS: dict[str, list[str]] = {
    Role.DIRECTOR: ["activity.view_auditentry"],
}


def _grants(role: str, scope: Scope) -> list[str]:
    """The object permissions a membership gives on its scope."""
    model = scope._meta.model_name
    perms = [f"directory.view_{model}"]
    if role == Role.NGO_ADMIN or (role == Role.DIRECTOR and isinstance(scope, Administration)):
        perms.append(f"directory.change_{model}")
    return perms


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
    """Give a user a role in an administration, a facility or an organisation, with the object
    permissions that come with it."""
    field = _scope_field(role, scope)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, role=role, **{field: scope})
    except IntegrityError:
        raise DomainError(_("This person already holds this role there.")) from None
    for perm in _grants(role, scope):
        assign_perm(perm, user, scope)
    for perm in GLOBAL_GRANTS.get(role, []):
        assign_perm(perm, user)
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        changes={"user": user.get_username(), "role": role, field: str(scope)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    """End a membership; permissions that another of the user's memberships still gives stay."""
    scope = membership.scope
    user = membership.user
    remaining = Membership.objects.filter(
        user=user, **{membership_scope_field(membership): scope}
    ).exclude(pk=membership.pk)
    still_granted = {perm for other in remaining for perm in _grants(other.role, scope)}
    for perm in set(_grants(membership.role, scope)) - still_granted:
        remove_perm(perm, user, scope)
    other_roles = set(
        Membership.objects.filter(user=user)
        .exclude(pk=membership.pk)
        .values_list("role", flat=True)
    )
    still_global = {perm for role in other_roles for perm in GLOBAL_GRANTS.get(role, [])}
    for perm in set(GLOBAL_GRANTS.get(membership.role, [])) - still_global:
        remove_perm(perm, user)
    audit_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        changes={"user": user.get_username(), "role": membership.role, "scope": str(scope)},
    )
    membership.delete()


def membership_scope_field(membership: Membership) -> str:
    if membership.administration_id:
        return "administration"
    if membership.facility_id:
        return "facility"
    return "organisation"


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
    _update(organisation, actor=actor, action="organisation.update", data=data)


@transaction.atomic
def facility_update(*, actor: Actor, facility: Facility, data: dict[str, Any]) -> None:
    _update(facility, actor=actor, action="facility.update", data=data)


@transaction.atomic
def person_create(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> Person:
    """Name a person the organisation may send into prisons."""
    person = Person(organisation=organisation, **data)
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action="person.create",
        target=person,
        changes={"organisation": str(organisation), "full_name": person.full_name},
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, data: dict[str, Any]) -> None:
    _update(person, actor=actor, action="person.update", data=data)
