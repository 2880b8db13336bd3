"""Who may see and do what in the directory.

Every rule lives here once, in the shape every app follows: ``<entities>_for_user``,
``get_<entity>_for_user(user, pk, action=…)`` which raises ``Http404`` when the user may not know
the object exists and ``PermissionDenied`` (with the reason) when they may see it but not act,
and ``can_<verb>_<entity>`` predicates.
Every rule here follows from the user's memberships, read once per request (``memberships``):
the roles they hold and where. django-guardian keeps only grants on one object that no role
implies (a reviewer's assignment, in accreditation).
"""

from collections.abc import Callable, Iterable
from typing import Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from activity.models import Document
from activity.permissions import Rule, get_for_user
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
    """Administration staff and the site administration see every organisation; others see
    those they hold a role in and, for a network, its member organisations."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser or is_administration_staff(user):
        return Organisation.objects.all()
    own = organisation_ids(user)
    if not own:
        return Organisation.objects.none()
    # The few ids come from the memberships already read: the database finds the rows by
    # primary key and the members by the network index.
    return Organisation.objects.filter(Q(pk__in=own) | Q(network__in=own))


def can_change_organisation(user: AnyUser, org: Organisation) -> bool:
    """Only the organisation's own administrators (and the site administration) keep its
    profile."""
    return user.is_superuser or org.pk in organisation_ids(user, {Role.NGO_ADMIN})


def can_add_person(user: AnyUser, org: Organisation) -> bool:
    """An organisation's administrators name the people it may send into prisons."""
    return can_change_organisation(user, org)


_ONLY_ADMINISTRATORS_KEEP_PEOPLE = gettext_lazy(
    "Only the organisation's administrators can add or change its people."
)

_ORGANISATION_RULES: dict[str, Rule[Organisation]] = {
    "change": Rule(
        can_change_organisation,
        "organisation.change",
        gettext_lazy("Only the organisation's administrators can change its profile."),
    ),
    "add_person": Rule(can_add_person, "person.change", _ONLY_ADMINISTRATORS_KEEP_PEOPLE),
}


def get_organisation_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change", "add_person"] = "view"
) -> Organisation:
    return get_for_user(
        user,
        organisations_for_user(user),
        pk,
        entity="organisation",
        action=action,
        rules=_ORGANISATION_RULES,
    )


# Facilities -------------------------------------------------------------------------------------


def facilities_for_user(user: AnyUser) -> QuerySet[Facility]:
    """Administration staff see their administration's facilities; facility staff see only the
    facility they work in."""
    if not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(
        Q(administration__in=administration_ids(user)) | Q(pk__in=facility_ids(user))
    ).select_related("administration")


def can_change_facility(user: AnyUser, facility: Facility) -> bool:
    """The director of the administration keeps its facilities' details."""
    return facility.administration_id in administration_ids(user, {Role.DIRECTOR})


_FACILITY_RULES: dict[str, Rule[Facility]] = {
    "change": Rule(
        can_change_facility,
        "facility.change",
        gettext_lazy("Only the director of the administration can change a facility's details."),
    ),
}


def get_facility_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Facility:
    return get_for_user(
        user, facilities_for_user(user), pk, entity="facility", action=action, rules=_FACILITY_RULES
    )


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


def can_change_person(user: AnyUser, person: Person) -> bool:
    """The administrators of the person's organisation keep their details."""
    return can_add_person(user, person.organisation)


_PERSON_RULES: dict[str, Rule[Person]] = {
    "change": Rule(can_change_person, "person.change", _ONLY_ADMINISTRATORS_KEEP_PEOPLE),
}


def get_person_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Person:
    return get_for_user(
        user, people_for_user(user), pk, entity="person", action=action, rules=_PERSON_RULES
    )
