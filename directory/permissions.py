"""Who may see and do what in the directory.

Every rule lives here once. Fetchers return the object or raise ``Http404`` when the user may
not know it exists, and ``PermissionDenied`` (with the reason) when they may see it but not act.
Object grants that follow from a membership are django-guardian permissions given by
``membership_grant``; role-wide rules (administration staff see every organisation) are written
out below.
"""

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from activity.models import Document
from activity.permissions import deny, granted_ids, not_found
from activity.typing import AnyUser

from .models import (
    ADMINISTRATION_ROLES,
    Facility,
    Membership,
    Organisation,
    Person,
    Role,
)

_CACHE_ATTR = "_directory_memberships"


def memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships, read once per request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related(
                "administration", "facility__administration", "organisation"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def roles(user: AnyUser) -> set[str]:
    return {m.role for m in memberships(user)}


def has_role(user: AnyUser, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def administration_ids(user: AnyUser, roles_: Iterable[str] = ADMINISTRATION_ROLES) -> set[int]:
    """Administrations in which the user holds one of the roles (at administration level)."""
    wanted = set(roles_)
    return {
        m.administration_id for m in memberships(user) if m.role in wanted and m.administration_id
    }


def facility_ids(user: AnyUser, roles_: Iterable[str] | None = None) -> set[int]:
    """Facilities in which the user holds one of the roles (at facility level)."""
    wanted = set(roles_) if roles_ is not None else None
    return {
        m.facility_id
        for m in memberships(user)
        if m.facility_id and (wanted is None or m.role in wanted)
    }


def organisation_ids(user: AnyUser, roles_: Iterable[str] | None = None) -> set[int]:
    wanted = set(roles_) if roles_ is not None else None
    return {
        m.organisation_id
        for m in memberships(user)
        if m.organisation_id and (wanted is None or m.role in wanted)
    }


def is_administration_staff(user: AnyUser) -> bool:
    return bool(administration_ids(user))


def can_read_own_document(user: AnyUser, document: Document) -> bool:
    """An organisation's users read the documents it uploaded."""
    return document.organisation_id in organisation_ids(user)


# Organisations ----------------------------------------------------------------------------------


def organisations_for_user(user: AnyUser) -> QuerySet[Organisation]:
    """Administration staff see every organisation; others see their own and, for a network,
    its member organisations."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if is_administration_staff(user):
        return Organisation.objects.all()
    own = granted_ids(user, "directory.view_organisation", Organisation)
    members = Organisation.objects.filter(network__in=own).order_by().values("pk")
    # One set of ids, each part read from an index: an OR of the two made the database test
    # every organisation.
    return Organisation.objects.filter(pk__in=own.union(members))


def get_organisation_for_user(user: AnyUser, pk: int) -> Organisation:
    org = organisations_for_user(user).filter(pk=pk).first()
    if org is None:
        raise not_found(user, "organisation.view", Organisation.objects.filter(pk=pk).first())
    return org


def can_change_organisation(user: AnyUser, org: Organisation) -> bool:
    """Only the organisation's own administrators keep its profile."""
    return user.has_perm("directory.change_organisation", org)


def get_organisation_for_change(user: AnyUser, pk: int) -> Organisation:
    org = get_organisation_for_user(user, pk)
    if not can_change_organisation(user, org):
        raise deny(
            user,
            "organisation.change",
            org,
            _("Only the organisation's administrators can change its profile."),
        )
    return org


# Facilities -------------------------------------------------------------------------------------


def facilities_for_user(user: AnyUser) -> QuerySet[Facility]:
    """Administration staff see their administration's facilities; facility staff see only the
    facility they work in."""
    if not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(
        Q(administration__in=administration_ids(user)) | Q(pk__in=facility_ids(user))
    ).select_related("administration")


def get_facility_for_user(user: AnyUser, pk: int) -> Facility:
    facility = facilities_for_user(user).filter(pk=pk).first()
    if facility is None:
        raise not_found(user, "facility.view", Facility.objects.filter(pk=pk).first())
    return facility


def can_change_facility(user: AnyUser, facility: Facility) -> bool:
    """The director of the administration keeps its facilities' details."""
    return facility.administration_id in administration_ids(user, {Role.DIRECTOR})


def get_facility_for_change(user: AnyUser, pk: int) -> Facility:
    facility = get_facility_for_user(user, pk)
    if not can_change_facility(user, facility):
        raise deny(
            user,
            "facility.change",
            facility,
            _("Only the director of the administration can change a facility's details."),
        )
    return facility


# People -----------------------------------------------------------------------------------------


def people_for_user(user: AnyUser) -> QuerySet[Person]:
    """People are seen by administration staff (who vet them) and by their own organisation."""
    return Person.objects.filter(organisation__in=organisations_for_user(user)).select_related(
        "organisation"
    )


IdentityReader = Callable[[AnyUser, Person], bool]
_identity_readers: list[IdentityReader] = []


def register_identity_reader(reader: IdentityReader) -> None:
    """A later module says, in its ``AppConfig.ready()``, who else needs a person's identity
    data (accreditation: the staff who vet the person; visits: the gate on the day)."""
    if reader not in _identity_readers:
        _identity_readers.append(reader)


def can_see_identity(user: AnyUser, person: Person) -> bool:
    """A person's identity document and contacts are shown to their own organisation's
    administrators and to whoever a registered rule admits; not to reviewers, officials, gate
    or facility staff without a reason, nor to a network the organisation belongs to."""
    if person.organisation_id in organisation_ids(user, {Role.NGO_ADMIN}):
        return True
    if person.user_id is not None and person.user_id == user.pk:
        return True
    return any(reader(user, person) for reader in _identity_readers)


def get_person_for_user(user: AnyUser, pk: int) -> Person:
    person = people_for_user(user).filter(pk=pk).first()
    if person is None:
        raise not_found(user, "person.view", Person.objects.filter(pk=pk).first())
    return person


def can_manage_people(user: AnyUser, org: Organisation) -> bool:
    """An organisation's administrators name the people it may send into prisons."""
    return can_change_organisation(user, org)


def check_can_manage_people(user: AnyUser, org: Organisation) -> None:
    if not can_manage_people(user, org):
        raise deny(
            user,
            "person.change",
            org,
            _("Only the organisation's administrators can add or change its people."),
        )


def get_person_for_change(user: AnyUser, pk: int) -> Person:
    person = get_person_for_user(user, pk)
    check_can_manage_people(user, person.organisation)
    return person
