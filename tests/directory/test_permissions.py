"""Who sees which organisations, facilities and people, and who may change them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from directory import permissions
from directory.models import Organisation, Role
from directory.services import membership_grant
from tests.factories import (
    AdministrationFactory,
    FacilityFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from tests.support.denied import attempts, refusals

pytestmark = pytest.mark.django_db

STAFF = ["director", "reviewer", "coordinator"]
FACILITY_STAFF = ["facility_officer", "gate_officer"]

WORLD_ORGANISATIONS = {"Local Human Rights Centre", "Legal Aid Clinic"}
WORLD_FACILITIES = {"Central Penitentiary", "Women's Centre"}
WORLD_PEOPLE = {"John Representative", "Lucía Lawyer"}


def fresh(user):
    """The user as a new request would load it: no cached memberships or permissions."""
    return get_user_model().objects.get(pk=user.pk)


def names(queryset) -> set[str]:
    return {str(obj) for obj in queryset}


denied_entries = refusals


# Roles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "staff"),
    [
        ("director", True),
        ("reviewer", True),
        ("coordinator", True),
        ("facility_officer", False),
        ("gate_officer", False),
        ("ngo_admin", False),
        ("ngo_member", False),
        ("outsider", False),
        ("monitor", False),
    ],
)
def test_only_administration_level_roles_count_as_administration_staff(request, persona, staff):
    user = request.getfixturevalue(persona)
    assert permissions.is_administration_staff(user) is staff


def test_roles_lists_every_membership_of_the_user(world, ngo_admin):
    membership_grant(actor=None, user=ngo_admin, role=Role.REVIEWER, scope=world.administration)
    user = fresh(ngo_admin)
    assert permissions.roles(user) == {Role.NGO_ADMIN, Role.REVIEWER}
    assert permissions.has_role(user, Role.REVIEWER, Role.DIRECTOR)
    assert not permissions.has_role(user, Role.DIRECTOR)


def test_anonymous_user_has_no_roles_and_sees_nothing(world):
    anonymous = AnonymousUser()
    assert permissions.roles(anonymous) == set()
    assert not permissions.organisations_for_user(anonymous).exists()
    assert not permissions.facilities_for_user(anonymous).exists()
    assert not permissions.people_for_user(anonymous).exists()
    assert not permissions.can_change_facility(anonymous, world.facility)
    assert not permissions.can_change_organisation(anonymous, world.organisation)


# Organisations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_administration_staff_see_every_organisation(request, world, persona):
    user = request.getfixturevalue(persona)
    unrelated = OrganisationFactory(
        name="Faith Education Trust", kind=Organisation.Kind.FAITH_BASED
    )
    visible = names(permissions.organisations_for_user(user))
    assert visible == WORLD_ORGANISATIONS | {unrelated.name}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("facility_officer", set()),
        ("gate_officer", set()),
        ("ngo_admin", {"Local Human Rights Centre"}),
        ("ngo_member", {"Local Human Rights Centre"}),
        ("outsider", {"Legal Aid Clinic"}),
        ("monitor", {"National Preventive Mechanism"}),
    ],
)
def test_others_see_only_their_own_organisation(request, world, persona, expected):
    user = request.getfixturevalue(persona)
    assert names(permissions.organisations_for_user(user)) == expected


def test_network_administrator_sees_the_network_and_its_members(world, network_admin):
    assert names(permissions.organisations_for_user(network_admin)) == {
        "Central American NGO Network",
        "Women's Handcraft Collective",
    }


def test_member_organisation_does_not_see_its_network_or_fellow_members(world, network):
    member = network.members.get()
    OrganisationFactory(name="Another Member", network=network)
    user = UserFactory()
    membership_grant(actor=None, user=user, role=Role.NGO_ADMIN, scope=member)
    assert names(permissions.organisations_for_user(user)) == {"Women's Handcraft Collective"}


def test_get_organisation_returns_a_visible_organisation(world, ngo_member):
    assert permissions.get_organisation_for_user(ngo_member, world.organisation.pk) == (
        world.organisation
    )


@pytest.mark.parametrize("persona", ["outsider", "facility_officer", "monitor"])
def test_another_organisation_is_not_found_and_the_attempt_is_audited(request, world, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(Http404):
        permissions.get_organisation_for_user(user, world.organisation.pk)
    entry = denied_entries(user, "organisation.view").get()
    assert entry.object_type == "directory.organisation"
    assert entry.object_id == str(world.organisation.pk)
    assert entry.reason == "not visible to this user"


def test_an_organisation_that_does_not_exist_is_not_found(world, ngo_admin):
    with pytest.raises(Http404):
        permissions.get_organisation_for_user(ngo_admin, 999_999)
    assert denied_entries(ngo_admin, "organisation.view").get().object_id == ""


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("ngo_admin", True),
        ("ngo_member", False),
        ("director", False),
        ("reviewer", False),
        ("coordinator", False),
        ("outsider", False),
        ("facility_officer", False),
        ("monitor", False),
    ],
)
def test_only_the_organisations_administrators_may_change_it(request, world, persona, allowed):
    user = request.getfixturevalue(persona)
    assert permissions.can_change_organisation(user, world.organisation) is allowed
    assert permissions.can_add_person(user, world.organisation) is allowed
    assert permissions.can_change_person(user, world.organisation.people.get()) is allowed


def test_organisation_administrator_gets_the_organisation_for_change(world, ngo_admin):
    assert permissions.get_organisation_for_user(
        ngo_admin, world.organisation.pk, action="change"
    ) == (world.organisation)


@pytest.mark.parametrize("persona", ["ngo_member", "director", "coordinator"])
def test_changing_a_visible_organisation_without_the_right_is_forbidden_with_a_reason(
    request, world, persona
):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied, match="Only the organisation's administrators"):
        permissions.get_organisation_for_user(user, world.organisation.pk, action="change")
    entry = denied_entries(user, "organisation.change").get()
    assert entry.object_id == str(world.organisation.pk)
    assert "Only the organisation's administrators" in entry.reason


def test_changing_an_invisible_organisation_is_not_found(world, outsider):
    with pytest.raises(Http404):
        permissions.get_organisation_for_user(outsider, world.organisation.pk, action="change")
    assert attempts(outsider, "organisation.view") == 1
    assert not denied_entries(outsider, "organisation.change").exists()


def test_network_administrator_sees_but_may_not_change_a_member_organisation(
    network_admin, network
):
    member = network.members.get()
    assert permissions.get_organisation_for_user(network_admin, member.pk) == member
    with pytest.raises(PermissionDenied):
        permissions.get_organisation_for_user(network_admin, member.pk, action="change")
    assert (
        permissions.get_organisation_for_user(network_admin, network.pk, action="change") == network
    )


# Facilities -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_administration_staff_see_their_administrations_facilities_only(request, world, persona):
    user = request.getfixturevalue(persona)
    FacilityFactory(name="Foreign Prison")  # in another administration
    assert names(permissions.facilities_for_user(user)) == WORLD_FACILITIES


@pytest.mark.parametrize("persona", FACILITY_STAFF)
def test_facility_staff_see_only_their_own_facility(request, world, persona):
    user = request.getfixturevalue(persona)
    assert names(permissions.facilities_for_user(user)) == {"Central Penitentiary"}


@pytest.mark.parametrize(
    "persona", ["ngo_admin", "ngo_member", "outsider", "monitor", "network_admin"]
)
def test_organisations_see_no_facility_in_the_directory(request, world, persona):
    user = request.getfixturevalue(persona)
    assert not permissions.facilities_for_user(user).exists()


def test_responsible_official_at_a_facility_sees_that_facility(world):
    user = UserFactory()
    membership_grant(actor=None, user=user, role=Role.RESPONSIBLE_OFFICIAL, scope=world.facility)
    assert names(permissions.facilities_for_user(user)) == {"Central Penitentiary"}


def test_facility_officer_gets_their_own_facility(world, facility_officer):
    assert permissions.get_facility_for_user(facility_officer, world.facility.pk) == world.facility


def test_another_facility_is_not_found_for_a_facility_officer(world, facility_officer):
    with pytest.raises(Http404):
        permissions.get_facility_for_user(facility_officer, world.other_facility.pk)
    entry = denied_entries(facility_officer, "facility.view").get()
    assert entry.object_id == str(world.other_facility.pk)


def test_another_administrations_facility_is_not_found_for_its_director(world, director):
    foreign = FacilityFactory(administration=AdministrationFactory(), name="Foreign Prison")
    with pytest.raises(Http404):
        permissions.get_facility_for_user(director, foreign.pk)
    with pytest.raises(Http404):
        permissions.get_facility_for_user(director, foreign.pk, action="change")


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("director", True),
        ("reviewer", False),
        ("coordinator", False),
        ("facility_officer", False),
        ("gate_officer", False),
        ("ngo_admin", False),
    ],
)
def test_only_the_director_may_change_a_facility(request, world, persona, allowed):
    user = request.getfixturevalue(persona)
    assert permissions.can_change_facility(user, world.facility) is allowed


def test_director_gets_a_facility_for_change(world, director):
    assert permissions.get_facility_for_user(
        director, world.other_facility.pk, action="change"
    ) == (world.other_facility)


@pytest.mark.parametrize("persona", ["reviewer", "coordinator", "facility_officer", "gate_officer"])
def test_changing_a_visible_facility_without_the_right_is_forbidden_with_a_reason(
    request, world, persona
):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied, match="Only the director of the administration"):
        permissions.get_facility_for_user(user, world.facility.pk, action="change")
    entry = denied_entries(user, "facility.change").get()
    assert entry.object_id == str(world.facility.pk)


def test_changing_a_facility_an_organisation_cannot_see_is_not_found(world, ngo_admin):
    with pytest.raises(Http404):
        permissions.get_facility_for_user(ngo_admin, world.facility.pk, action="change")
    assert attempts(ngo_admin, "facility.view") == 1


# People -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_administration_staff_see_every_organisations_people(request, world, persona):
    user = request.getfixturevalue(persona)
    assert names(permissions.people_for_user(user)) == WORLD_PEOPLE


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("facility_officer", set()),
        ("gate_officer", set()),
        ("ngo_admin", {"John Representative"}),
        ("ngo_member", {"John Representative"}),
        ("outsider", {"Lucía Lawyer"}),
        ("monitor", set()),
        ("network_admin", {"Ana Artisan"}),
    ],
)
def test_others_see_only_their_own_organisations_people(request, world, persona, expected):
    user = request.getfixturevalue(persona)
    assert names(permissions.people_for_user(user)) == expected


def test_monitor_sees_the_people_of_their_own_body_only(world, monitor):
    PersonFactory(organisation=monitor.memberships.get().organisation, full_name="Mario Monitor")
    assert names(permissions.people_for_user(monitor)) == {"Mario Monitor"}


def test_get_person_returns_a_person_of_the_own_organisation(world, ngo_member):
    john = world.organisation.people.get()
    assert permissions.get_person_for_user(ngo_member, john.pk) == john


@pytest.mark.parametrize("persona", ["outsider", "facility_officer", "gate_officer"])
def test_a_person_of_another_organisation_is_not_found(request, world, persona):
    user = request.getfixturevalue(persona)
    john = world.organisation.people.get()
    with pytest.raises(Http404):
        permissions.get_person_for_user(user, john.pk)
    assert denied_entries(user, "person.view").get().object_id == str(john.pk)


def test_organisation_administrator_gets_a_person_for_change(world, ngo_admin):
    john = world.organisation.people.get()
    assert permissions.get_person_for_user(ngo_admin, john.pk, action="change") == john


@pytest.mark.parametrize("persona", ["ngo_member", "director", "reviewer"])
def test_changing_a_visible_person_without_the_right_is_forbidden_with_a_reason(
    request, world, persona
):
    user = request.getfixturevalue(persona)
    john = world.organisation.people.get()
    with pytest.raises(PermissionDenied, match="Only the organisation's administrators"):
        permissions.get_person_for_user(user, john.pk, action="change")
    entry = denied_entries(user, "person.change").get()
    assert entry.object_type == "directory.person"
    assert entry.object_id == str(john.pk)


def test_changing_a_person_of_another_organisation_is_not_found(world, outsider):
    john = world.organisation.people.get()
    with pytest.raises(Http404):
        permissions.get_person_for_user(outsider, john.pk, action="change")
    assert not denied_entries(outsider, "person.change").exists()


def test_adding_people_to_an_organisation_is_refused_to_its_members(world, ngo_member, ngo_admin):
    organisation = world.organisation
    added_to = permissions.get_organisation_for_user(
        ngo_admin, organisation.pk, action="add_person"
    )
    assert added_to == organisation
    with pytest.raises(PermissionDenied, match="add or change its people"):
        permissions.get_organisation_for_user(ngo_member, organisation.pk, action="add_person")
    assert attempts(ngo_member, "person.change") == 1
