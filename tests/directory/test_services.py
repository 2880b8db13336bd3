"""Memberships and what they let a user see and do; people; details of organisations and
facilities."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.errors import DomainError
from activity.models import AuditEntry
from activity.permissions import can_view_audit
from directory import services
from directory.models import Membership, Organisation, Person, Role
from directory.permissions import (
    can_change_facility,
    can_change_organisation,
    facilities_for_user,
    organisations_for_user,
)
from tests.factories import AdministrationFactory, FacilityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request would load it, without the memberships read for another."""
    return get_user_model().objects.get(pk=user.pk)


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


def updates_of(table: str, queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]


def sees(user, organisation: Organisation) -> bool:
    return organisations_for_user(user).filter(pk=organisation.pk).exists()


# membership_grant -------------------------------------------------------------------------------


def test_director_keeps_their_administrations_facilities_and_reads_its_audit_trail(world):
    user = UserFactory()
    services.membership_grant(actor=None, user=user, role=Role.DIRECTOR, scope=world.administration)
    user = fresh(user)
    assert set(facilities_for_user(user)) == {world.facility, world.other_facility}
    assert can_change_facility(user, world.facility)
    assert can_view_audit(user)
    assert not can_change_facility(user, FacilityFactory(administration=AdministrationFactory()))


def test_reviewer_sees_the_facilities_but_neither_changes_them_nor_reads_the_audit(world):
    user = UserFactory()
    services.membership_grant(actor=None, user=user, role=Role.REVIEWER, scope=world.administration)
    user = fresh(user)
    assert set(facilities_for_user(user)) == {world.facility, world.other_facility}
    assert not can_change_facility(user, world.facility)
    assert not can_view_audit(user)


def test_facility_officer_sees_their_facility_only(world):
    user = UserFactory()
    services.membership_grant(
        actor=None, user=user, role=Role.FACILITY_OFFICER, scope=world.facility
    )
    user = fresh(user)
    assert list(facilities_for_user(user)) == [world.facility]
    assert not can_change_facility(user, world.facility)


@pytest.mark.parametrize(("role", "may_change"), [(Role.NGO_ADMIN, True), (Role.NGO_MEMBER, False)])
def test_organisation_roles_see_it_and_administrators_also_change_it(world, role, may_change):
    user = UserFactory()
    services.membership_grant(actor=None, user=user, role=role, scope=world.organisation)
    user = fresh(user)
    assert sees(user, world.organisation)
    assert can_change_organisation(user, world.organisation) is may_change
    assert not sees(user, world.other_organisation)


def test_granting_a_membership_is_audited(world, director):
    user = UserFactory(username="newcomer")
    membership = services.membership_grant(
        actor=director, user=user, role=Role.COORDINATOR, scope=world.administration
    )
    entry = entries("membership.granted").get(actor=director)
    assert entry.object_id == str(membership.pk)
    assert entry.changes == {
        "user": "newcomer",
        "role": "coordinator",
        "administration": "State A Prison System",
    }


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.DIRECTOR, "facility"),
        (Role.REVIEWER, "organisation"),
        (Role.GATE_OFFICER, "administration"),
        (Role.FACILITY_OFFICER, "organisation"),
        (Role.NGO_ADMIN, "facility"),
        (Role.NGO_MEMBER, "administration"),
    ],
)
def test_a_role_held_in_the_wrong_kind_of_scope_is_refused(world, role, scope):
    user = UserFactory()
    with pytest.raises(DomainError, match="cannot be held in"):
        services.membership_grant(actor=None, user=user, role=role, scope=getattr(world, scope))
    assert not Membership.objects.filter(user=user).exists()
    assert not entries("membership.granted").filter(changes__user=user.username).exists()


@pytest.mark.parametrize("kind", [Organisation.Kind.NPM, Organisation.Kind.SPECIAL_AGREEMENT])
def test_monitors_belong_to_formal_mechanisms(kind):
    body = OrganisationFactory(kind=kind)
    user = UserFactory()
    membership = services.membership_grant(actor=None, user=user, role=Role.MONITOR, scope=body)
    assert membership.organisation == body
    assert sees(fresh(user), body)


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.MONITOR, Organisation.Kind.NGO),
        (Role.MONITOR, Organisation.Kind.NETWORK),
        (Role.NGO_ADMIN, Organisation.Kind.NPM),
        (Role.NGO_MEMBER, Organisation.Kind.SPECIAL_AGREEMENT),
    ],
)
def test_monitor_roles_and_formal_mechanisms_go_together(role, kind):
    user = UserFactory()
    with pytest.raises(DomainError, match="Monitoring-body members belong to"):
        services.membership_grant(
            actor=None, user=user, role=role, scope=OrganisationFactory(kind=kind)
        )
    assert not Membership.objects.filter(user=user).exists()


def test_the_same_role_in_the_same_place_cannot_be_granted_twice(world):
    user = UserFactory()
    services.membership_grant(actor=None, user=user, role=Role.NGO_ADMIN, scope=world.organisation)
    with pytest.raises(DomainError, match="already holds this role"):
        services.membership_grant(
            actor=None, user=user, role=Role.NGO_ADMIN, scope=world.organisation
        )
    assert Membership.objects.filter(user=user).count() == 1
    assert entries("membership.granted").filter(changes__user=user.username).count() == 1


def test_the_same_role_may_be_held_in_two_places(world):
    user = UserFactory()
    for facility in (world.facility, world.other_facility):
        services.membership_grant(actor=None, user=user, role=Role.GATE_OFFICER, scope=facility)
    assert Membership.objects.filter(user=user, role=Role.GATE_OFFICER).count() == 2


# membership_revoke ------------------------------------------------------------------------------


def test_revoking_takes_away_what_the_role_gave_and_the_membership(world, director):
    user = UserFactory(username="leaver")
    membership = services.membership_grant(
        actor=None, user=user, role=Role.NGO_ADMIN, scope=world.organisation
    )
    pk = membership.pk
    services.membership_revoke(actor=director, membership=membership)
    user = fresh(user)
    assert not sees(user, world.organisation)
    assert not can_change_organisation(user, world.organisation)
    assert not Membership.objects.filter(pk=pk).exists()
    entry = entries("membership.revoked").get(actor=director)
    assert entry.object_id == str(pk)
    assert entry.changes == {
        "user": "leaver",
        "role": "ngo_admin",
        "scope": "Local Human Rights Centre",
    }


def test_revoking_one_role_keeps_what_another_role_in_the_same_place_gives(world):
    user = UserFactory()
    admin = services.membership_grant(
        actor=None, user=user, role=Role.NGO_ADMIN, scope=world.organisation
    )
    services.membership_grant(actor=None, user=user, role=Role.NGO_MEMBER, scope=world.organisation)
    services.membership_revoke(actor=None, membership=admin)
    user = fresh(user)
    assert sees(user, world.organisation)
    assert not can_change_organisation(user, world.organisation)


def test_revoking_the_lesser_role_keeps_everything_the_greater_one_gives(world):
    user = UserFactory()
    services.membership_grant(actor=None, user=user, role=Role.NGO_ADMIN, scope=world.organisation)
    member = services.membership_grant(
        actor=None, user=user, role=Role.NGO_MEMBER, scope=world.organisation
    )
    services.membership_revoke(actor=None, membership=member)
    user = fresh(user)
    assert sees(user, world.organisation)
    assert can_change_organisation(user, world.organisation)


def test_revoking_in_one_facility_leaves_the_other_facility(world):
    user = UserFactory()
    first = services.membership_grant(
        actor=None, user=user, role=Role.GATE_OFFICER, scope=world.facility
    )
    services.membership_grant(
        actor=None, user=user, role=Role.GATE_OFFICER, scope=world.other_facility
    )
    services.membership_revoke(actor=None, membership=first)
    assert list(facilities_for_user(fresh(user))) == [world.other_facility]


def test_revoking_the_directorship_removes_the_audit_trail(world):
    user = UserFactory()
    directorship = services.membership_grant(
        actor=None, user=user, role=Role.DIRECTOR, scope=world.administration
    )
    services.membership_grant(actor=None, user=user, role=Role.REVIEWER, scope=world.administration)
    services.membership_revoke(actor=None, membership=directorship)
    user = fresh(user)
    assert not can_view_audit(user)
    assert not can_change_facility(user, world.facility)
    assert set(facilities_for_user(user)) == {world.facility, world.other_facility}


def test_a_director_of_two_administrations_keeps_the_audit_trail_when_leaving_one(world):
    user = UserFactory()
    other = FacilityFactory(administration=AdministrationFactory())
    first = services.membership_grant(
        actor=None, user=user, role=Role.DIRECTOR, scope=world.administration
    )
    services.membership_grant(actor=None, user=user, role=Role.DIRECTOR, scope=other.administration)
    services.membership_revoke(actor=None, membership=first)
    user = fresh(user)
    assert can_view_audit(user)
    assert not can_change_facility(user, world.facility)
    assert can_change_facility(user, other)


# person_create ----------------------------------------------------------------------------------


def person_data(**overrides) -> dict:
    data = {
        "full_name": "Ana Pérez",
        "role_title": "Teacher",
        "document_type": Person.DocumentType.PASSPORT,
        "document_number": "P-123456",
        "nationality": "State A",
        "email": "ana@example.org",
        "phone": "",
    }
    return {**data, **overrides}


def test_creating_a_person_names_them_for_the_organisation_and_is_audited(world, ngo_admin):
    person = services.person_create(
        actor=ngo_admin, organisation=world.organisation, data=person_data()
    )
    person.refresh_from_db()
    assert person.organisation == world.organisation
    assert person.document_number == "P-123456"
    entry = entries("person.created").get()
    assert entry.actor == ngo_admin
    assert entry.object_id == str(person.pk)
    assert entry.changes == {"organisation": "Local Human Rights Centre", "full_name": "Ana Pérez"}


def test_a_second_person_with_the_same_identity_document_is_refused(world, ngo_admin):
    john = world.organisation.people.get()
    data = person_data(document_type=john.document_type, document_number=john.document_number)
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=ngo_admin, organisation=world.organisation, data=data)
    message = " ".join(refused.value.messages)
    assert "Identity document and Document number already exists" in message
    assert world.organisation.people.count() == 1
    assert not entries("person.created").exists()


def test_the_same_identity_document_may_be_named_by_another_organisation(world, ngo_admin):
    john = world.organisation.people.get()
    data = person_data(document_type=john.document_type, document_number=john.document_number)
    person = services.person_create(
        actor=ngo_admin, organisation=world.other_organisation, data=data
    )
    assert person.pk is not None


def test_a_person_with_missing_details_is_refused(world, ngo_admin):
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=ngo_admin, organisation=world.organisation, data=person_data(nationality="")
        )
    assert "nationality" in refused.value.message_dict
    assert not Person.objects.filter(full_name="Ana Pérez").exists()


# organisation_update / facility_update / person_update ------------------------------------------


def test_updating_an_organisation_saves_only_the_changed_field_and_audits_it(world, ngo_admin):
    org = world.organisation
    with CaptureQueriesContext(connection) as queries:
        services.organisation_update(
            actor=ngo_admin,
            organisation=org,
            data={"name": org.name, "country": org.country, "phone": "+502 5555 0100"},
        )
    (update,) = updates_of("directory_organisation", queries)
    assert '"phone"' in update
    assert '"name"' not in update
    assert '"country"' not in update
    org.refresh_from_db()
    assert org.phone == "+502 5555 0100"
    entry = entries("organisation.updated").get()
    assert entry.actor == ngo_admin
    assert entry.changes == {"phone": ["", "+502 5555 0100"]}


def test_updating_does_not_overwrite_fields_changed_meanwhile(world, ngo_admin):
    stale = Organisation.objects.get(pk=world.organisation.pk)
    Organisation.objects.filter(pk=stale.pk).update(description="Written by a colleague")
    services.organisation_update(
        actor=ngo_admin, organisation=stale, data={"email": "office@lhrc.example.org"}
    )
    stale.refresh_from_db()
    assert stale.description == "Written by a colleague"
    assert stale.email == "office@lhrc.example.org"


def test_changes_already_applied_to_the_instance_by_a_form_are_still_recorded(world, ngo_admin):
    # A bound ModelForm sets the new values on the instance before the service runs.
    org = world.organisation
    org.country = "State B"
    services.organisation_update(actor=ngo_admin, organisation=org, data={"country": "State B"})
    assert entries("organisation.updated").get().changes == {"country": ["State A", "State B"]}
    org.refresh_from_db()
    assert org.country == "State B"


def test_an_update_that_changes_nothing_writes_nothing(world, ngo_admin):
    org = world.organisation
    with CaptureQueriesContext(connection) as queries:
        services.organisation_update(
            actor=ngo_admin, organisation=org, data={"name": org.name, "country": org.country}
        )
    assert not updates_of("directory_organisation", queries)
    assert not entries("organisation.updated").exists()


def test_updating_a_facility_audits_before_and_after(world, director):
    facility = world.facility
    services.facility_update(
        actor=director,
        facility=facility,
        data={"visitor_capacity": 35, "security_level": facility.security_level},
    )
    facility.refresh_from_db()
    assert facility.visitor_capacity == 35
    entry = entries("facility.updated").get()
    assert entry.actor == director
    assert entry.changes == {"visitor_capacity": [20, 35]}


def test_a_facility_update_with_an_unknown_time_zone_is_refused(world, director):
    with pytest.raises(ValidationError) as refused:
        services.facility_update(
            actor=director, facility=world.facility, data={"time_zone": "Mars/Olympus"}
        )
    assert "time_zone" in refused.value.message_dict
    world.facility.refresh_from_db()
    assert world.facility.time_zone == "America/Guatemala"
    assert not entries("facility.updated").exists()


def test_a_facility_cannot_take_the_name_of_another_in_the_administration(world, director):
    with pytest.raises(ValidationError, match="already exists"):
        services.facility_update(
            actor=director, facility=world.facility, data={"name": "Women's Centre"}
        )
    world.facility.refresh_from_db()
    assert world.facility.name == "Central Penitentiary"


def test_a_facility_may_share_a_name_with_one_in_another_administration(world, director):
    FacilityFactory(name="Northern Prison")
    services.facility_update(
        actor=director, facility=world.facility, data={"name": "Northern Prison"}
    )
    world.facility.refresh_from_db()
    assert world.facility.name == "Northern Prison"


def test_updating_a_facility_with_the_same_values_writes_nothing(world, director):
    facility = world.facility
    services.facility_update(
        actor=director,
        facility=facility,
        data={"name": facility.name, "visitor_capacity": facility.visitor_capacity},
    )
    assert not entries("facility.updated").exists()


def test_updating_a_person_audits_before_and_after(world, ngo_admin):
    john = world.organisation.people.get()
    with CaptureQueriesContext(connection) as queries:
        services.person_update(
            actor=ngo_admin,
            person=john,
            data={"full_name": john.full_name, "role_title": "Coordinator"},
        )
    (update,) = updates_of("directory_person", queries)
    assert '"role_title"' in update
    assert '"full_name"' not in update
    john.refresh_from_db()
    assert john.role_title == "Coordinator"
    assert entries("person.updated").get().changes == {"role_title": ["", "Coordinator"]}


def test_a_person_cannot_take_the_identity_document_of_a_colleague(world, ngo_admin):
    john = world.organisation.people.get()
    colleague = services.person_create(
        actor=ngo_admin, organisation=world.organisation, data=person_data()
    )
    with pytest.raises(ValidationError, match="already exists"):
        services.person_update(
            actor=ngo_admin,
            person=colleague,
            data={"document_type": john.document_type, "document_number": john.document_number},
        )
    colleague.refresh_from_db()
    assert colleague.document_number == "P-123456"
    assert not entries("person.updated").exists()


def test_updating_a_person_with_the_same_values_writes_nothing(world, ngo_admin):
    john = world.organisation.people.get()
    services.person_update(actor=ngo_admin, person=john, data={"full_name": john.full_name})
    assert not entries("person.updated").exists()
