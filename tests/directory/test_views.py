"""Every directory page as allowed, forbidden, invisible and anonymous."""

import pytest
from django.test import Client
from django.urls import reverse

from activity.models import AuditEntry
from directory.models import Facility, Organisation, Person
from tests.conftest import login
from tests.factories import (
    AdministrationFactory,
    AreaFactory,
    FacilityFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.support.denied import attempts
from tests.support.pages import assert_login_redirect, count_queries, csrf_token, text

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"directory:{name}", args=args)


def organisation_form(org: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "name": org.name,
        "registration_number": org.registration_number,
        "country": org.country,
        "email": org.email,
        "phone": org.phone,
        "description": org.description,
        "language": org.language,
    }
    return {**data, **changes}


def facility_form(facility: Facility, **changes: str) -> dict[str, str]:
    data = {
        "name": facility.name,
        "kind": facility.kind,
        "security_level": facility.security_level,
        "address": facility.address,
        "time_zone": facility.time_zone,
        "visitor_capacity": str(facility.visitor_capacity),
    }
    return {**data, **changes}


def person_form(person: Person | None = None, **changes: str) -> dict[str, str]:
    data = {
        "full_name": "Ana Pérez",
        "role_title": "Teacher",
        "document_type": Person.DocumentType.PASSPORT,
        "document_number": "P-123456",
        "nationality": "State A",
        "email": "",
        "phone": "",
    }
    if person is not None:
        data = {field: str(getattr(person, field)) for field in data}
    return {**data, **changes}


def john(world) -> Person:
    return world.organisation.people.get()


denied = attempts


# Anonymous --------------------------------------------------------------------------------------

PAGES = [
    ("organisation_list", None),
    ("organisation_detail", "organisation"),
    ("organisation_edit", "organisation"),
    ("person_create", "organisation"),
    ("person_detail", "person"),
    ("person_edit", "person"),
    ("facility_list", None),
    ("facility_detail", "facility"),
    ("facility_edit", "facility"),
]


def page_url(world, name: str, target: str | None) -> str:
    pks = {
        None: [],
        "organisation": [world.organisation.pk],
        "person": [john(world).pk],
        "facility": [world.facility.pk],
    }
    return url(name, *pks[target])


@pytest.mark.parametrize(("name", "target"), PAGES)
def test_anonymous_visitor_is_sent_to_log_in(client, world, name, target):
    path = page_url(world, name, target)
    assert_login_redirect(client.get(path), path)


@pytest.mark.parametrize(
    ("name", "target"), [p for p in PAGES if p[0].endswith(("_edit", "_create"))]
)
def test_anonymous_post_is_sent_to_log_in_and_changes_nothing(client, world, name, target):
    path = page_url(world, name, target)
    response = client.post(path, {"name": "Hijacked", "full_name": "Hijacked"})
    assert_login_redirect(response, path)
    assert not Organisation.objects.filter(name="Hijacked").exists()
    assert not Facility.objects.filter(name="Hijacked").exists()
    assert not Person.objects.filter(full_name="Hijacked").exists()


# Organisation list ------------------------------------------------------------------------------


def test_director_sees_every_organisation_in_the_list(client, world, director):
    response = login(client, director).get(url("organisation_list"))
    assert response.status_code == 200
    page = text(response)
    assert "Local Human Rights Centre" in page
    assert "Legal Aid Clinic" in page


def test_organisation_administrator_sees_only_their_organisation_in_the_list(
    client, world, ngo_admin
):
    page = text(login(client, ngo_admin).get(url("organisation_list")))
    assert "Local Human Rights Centre" in page
    assert "Legal Aid Clinic" not in page


def test_network_administrator_sees_member_organisations_in_the_list(client, world, network_admin):
    page = text(login(client, network_admin).get(url("organisation_list")))
    assert "Women's Handcraft Collective" in page
    assert "Local Human Rights Centre" not in page


def test_facility_officer_finds_no_organisations(client, world, facility_officer):
    page = text(login(client, facility_officer).get(url("organisation_list")))
    assert "No organisations match." in page
    assert "Local Human Rights Centre" not in page


def test_organisation_list_filters_by_name(client, world, director):
    page = text(login(client, director).get(url("organisation_list"), {"name": "legal"}))
    assert "Legal Aid Clinic" in page
    assert "Local Human Rights Centre" not in page


def test_organisation_list_pages_on_to_the_next_rows(client, world, director):
    for n in range(55):
        OrganisationFactory(name=f"Paged organisation {n:02d}")
    login(client, director)
    first = client.get(url("organisation_list"), {"name": "Paged"})
    assert "Paged organisation 49" in text(first)
    assert "Paged organisation 50" not in text(first)
    cursor = first.context["page"].next_cursor
    second = text(client.get(url("organisation_list"), {"name": "Paged", "after": cursor}))
    assert "Paged organisation 50" in second
    assert "Paged organisation 54" in second
    assert "Paged organisation 49" not in second


def test_organisation_list_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    login(client, director)
    path = url("organisation_list") + "?name=Probe"
    OrganisationFactory(name="Probe 00", network=OrganisationFactory(kind="network"))
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        OrganisationFactory(name=f"Probe {n:02d}", network=OrganisationFactory(kind="network"))
    fifty = count_queries(client, path)
    assert "Probe 49" in text(client.get(path))
    assert fifty == one


# Organisation detail ----------------------------------------------------------------------------


def test_member_sees_their_organisation_and_its_people_without_edit_links(
    client, world, ngo_member
):
    response = login(client, ngo_member).get(url("organisation_detail", world.organisation.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Local Human Rights Centre" in page
    assert "John Representative" in page
    assert "Edit the profile" not in page
    assert "Add a person" not in page


def test_administrator_sees_edit_and_add_links_on_their_organisation(client, world, ngo_admin):
    page = text(login(client, ngo_admin).get(url("organisation_detail", world.organisation.pk)))
    assert url("organisation_edit", world.organisation.pk) in page
    assert url("person_create", world.organisation.pk) in page


def test_director_sees_an_organisations_people_but_no_edit_link(client, world, director):
    response = login(client, director).get(url("organisation_detail", world.other_organisation.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Lucía Lawyer" in page
    assert "Edit the profile" not in page


def test_network_page_lists_its_member_organisations(client, world, network_admin, network):
    page = text(login(client, network_admin).get(url("organisation_detail", network.pk)))
    assert "Member organisations" in page
    assert "Women's Handcraft Collective" in page


def test_network_administrator_opens_a_member_organisation(client, world, network_admin, network):
    member = network.members.get()
    response = login(client, network_admin).get(url("organisation_detail", member.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Ana Artisan" in page
    assert "Central American NGO Network" in page
    assert "Edit the profile" not in page


@pytest.mark.parametrize("persona", ["outsider", "facility_officer", "monitor"])
def test_another_organisations_page_is_not_found(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("organisation_detail", world.organisation.pk))
    assert response.status_code == 404
    assert "Local Human Rights Centre" not in text(response)
    assert denied(user, "organisation.view") == 1


def test_organisation_detail_makes_the_same_queries_for_one_person_and_fifty(
    client, world, network_admin, network
):
    login(client, network_admin)
    path = url("organisation_detail", network.pk)
    PersonFactory(organisation=network, full_name="Person 00")
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        PersonFactory(organisation=network, full_name=f"Person {n:02d}")
        OrganisationFactory(name=f"Member {n:02d}", network=network)
    fifty = count_queries(client, path)
    page = text(client.get(path))
    assert "Person 49" in page
    assert "Member 49" in page
    assert fifty == one


# Organisation edit ------------------------------------------------------------------------------


def test_administrator_opens_the_profile_form_with_the_current_values(client, world, ngo_admin):
    response = login(client, ngo_admin).get(url("organisation_edit", world.organisation.pk))
    assert response.status_code == 200
    assert 'value="Local Human Rights Centre"' in text(response)


def test_administrator_saves_the_profile(client, world, ngo_admin):
    org = world.organisation
    response = login(client, ngo_admin).post(
        url("organisation_edit", org.pk), organisation_form(org, phone="+502 5555 0100")
    )
    assert response.status_code == 302
    assert response["Location"] == org.get_absolute_url()
    org.refresh_from_db()
    assert org.phone == "+502 5555 0100"
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert entry.actor == ngo_admin
    assert entry.changes == {"phone": ["", "+502 5555 0100"]}
    assert "The organisation's profile was saved." in text(client.get(response["Location"]))


def test_invalid_profile_keeps_what_was_typed_and_says_what_is_wrong(client, world, ngo_admin):
    org = world.organisation
    response = login(client, ngo_admin).post(
        url("organisation_edit", org.pk),
        organisation_form(org, name="Human Rights Centre of State A", email="not-an-address"),
    )
    assert response.status_code == 200
    page = text(response)
    assert 'value="Human Rights Centre of State A"' in page
    assert 'value="not-an-address"' in page
    assert "Enter a valid email address." in page
    assert "Please correct the fields marked below." in page
    org.refresh_from_db()
    assert org.name == "Local Human Rights Centre"
    assert not AuditEntry.objects.filter(action="organisation.updated").exists()


def test_profile_cannot_take_another_organisations_name(client, world, ngo_admin):
    org = world.organisation
    response = login(client, ngo_admin).post(
        url("organisation_edit", org.pk), organisation_form(org, name="Legal Aid Clinic")
    )
    assert response.status_code == 200
    assert "Organisation with this Name already exists." in text(response)
    org.refresh_from_db()
    assert org.name == "Local Human Rights Centre"


@pytest.mark.parametrize("persona", ["ngo_member", "director"])
def test_changing_the_profile_without_the_right_is_forbidden_with_a_reason(
    client, request, world, persona
):
    user = request.getfixturevalue(persona)
    login(client, user)
    path = url("organisation_edit", world.organisation.pk)
    response = client.get(path)
    assert response.status_code == 403
    assert "Only the organisation's administrators can change its profile." in text(response)
    response = client.post(path, organisation_form(world.organisation, name="Renamed"))
    assert response.status_code == 403
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Local Human Rights Centre"
    assert denied(user, "organisation.change") == 2


def test_another_organisations_profile_form_is_not_found(client, world, outsider):
    login(client, outsider)
    path = url("organisation_edit", world.organisation.pk)
    assert client.get(path).status_code == 404
    response = client.post(path, organisation_form(world.organisation, name="Renamed"))
    assert response.status_code == 404
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Local Human Rights Centre"


def test_profile_form_refuses_a_post_without_a_csrf_token(world, ngo_admin):
    client = login(Client(enforce_csrf_checks=True), ngo_admin)
    path = url("organisation_edit", world.organisation.pk)
    data = organisation_form(world.organisation, phone="+502 5555 0100")
    assert client.post(path, data).status_code == 403
    world.organisation.refresh_from_db()
    assert world.organisation.phone == ""
    data["csrfmiddlewaretoken"] = csrf_token(client.get(path))
    assert client.post(path, data).status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.phone == "+502 5555 0100"


# People -----------------------------------------------------------------------------------------


def test_administrator_opens_the_form_for_a_new_person(client, world, ngo_admin):
    response = login(client, ngo_admin).get(url("person_create", world.organisation.pk))
    assert response.status_code == 200
    assert "New person for Local Human Rights Centre" in text(response)


def test_administrator_names_a_new_person(client, world, ngo_admin):
    response = login(client, ngo_admin).post(
        url("person_create", world.organisation.pk), person_form()
    )
    person = Person.objects.get(full_name="Ana Pérez")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.organisation == world.organisation
    assert person.document_number == "P-123456"
    entry = AuditEntry.objects.get(action="person.created")
    assert (entry.actor, entry.object_id) == (ngo_admin, str(person.pk))
    assert "Ana Pérez was added." in text(client.get(response["Location"]))


def test_new_person_with_missing_details_keeps_what_was_typed(client, world, ngo_admin):
    response = login(client, ngo_admin).post(
        url("person_create", world.organisation.pk), person_form(nationality="")
    )
    assert response.status_code == 200
    page = text(response)
    assert 'value="Ana Pérez"' in page
    assert 'value="P-123456"' in page
    assert "This field is required." in page
    assert not Person.objects.filter(full_name="Ana Pérez").exists()


def test_new_person_with_a_known_identity_document_is_refused_keeping_what_was_typed(
    client, world, ngo_admin
):
    existing = john(world)
    response = login(client, ngo_admin).post(
        url("person_create", world.organisation.pk),
        person_form(document_type=existing.document_type, document_number=existing.document_number),
    )
    assert response.status_code == 200
    page = text(response)
    assert "This could not be saved:" in page
    assert "Identity document and Document number already exists." in page
    assert 'value="Ana Pérez"' in page
    assert f'value="{existing.document_number}"' in page
    assert world.organisation.people.count() == 1
    assert not AuditEntry.objects.filter(action="person.created").exists()


@pytest.mark.parametrize("persona", ["ngo_member", "director"])
def test_adding_a_person_without_the_right_is_forbidden_with_a_reason(
    client, request, world, persona
):
    user = request.getfixturevalue(persona)
    login(client, user)
    path = url("person_create", world.organisation.pk)
    response = client.get(path)
    assert response.status_code == 403
    assert "Only the organisation's administrators can add or change its people." in text(response)
    assert client.post(path, person_form()).status_code == 403
    assert not Person.objects.filter(full_name="Ana Pérez").exists()


@pytest.mark.parametrize("persona", ["outsider", "facility_officer"])
def test_adding_a_person_to_another_organisation_is_not_found(client, request, world, persona):
    login(client, request.getfixturevalue(persona))
    path = url("person_create", world.organisation.pk)
    assert client.get(path).status_code == 404
    assert client.post(path, person_form()).status_code == 404
    assert not Person.objects.filter(full_name="Ana Pérez").exists()


def test_member_sees_a_person_of_their_organisation_without_an_edit_link(client, world, ngo_member):
    """A member sees colleagues by name; their identity data is for the administrators."""
    person = john(world)
    response = login(client, ngo_member).get(url("person_detail", person.pk))
    assert response.status_code == 200
    page = text(response)
    assert "John Representative" in page
    assert person.document_number not in page
    assert url("person_edit", person.pk) not in page


def test_administrator_sees_an_edit_link_on_a_person(client, world, ngo_admin):
    person = john(world)
    page = text(login(client, ngo_admin).get(url("person_detail", person.pk)))
    assert url("person_edit", person.pk) in page


def test_director_sees_a_person_of_any_organisation(client, world, director):
    lucia = world.other_organisation.people.get()
    response = login(client, director).get(url("person_detail", lucia.pk))
    assert response.status_code == 200
    assert "Lucía Lawyer" in text(response)
    assert url("person_edit", lucia.pk) not in text(response)


@pytest.mark.parametrize("persona", ["outsider", "facility_officer", "gate_officer"])
def test_a_person_of_another_organisation_is_not_found(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("person_detail", john(world).pk))
    assert response.status_code == 404
    assert "John Representative" not in text(response)
    assert denied(user, "person.view") == 1


def test_administrator_updates_a_person(client, world, ngo_admin):
    person = john(world)
    response = login(client, ngo_admin).post(
        url("person_edit", person.pk), person_form(person, role_title="Field coordinator")
    )
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    person.refresh_from_db()
    assert person.role_title == "Field coordinator"
    entry = AuditEntry.objects.get(action="person.updated")
    assert entry.actor == ngo_admin
    assert entry.changes == {"role_title": ["", "Field coordinator"]}


def test_person_form_opens_with_the_current_values(client, world, ngo_admin):
    person = john(world)
    response = login(client, ngo_admin).get(url("person_edit", person.pk))
    assert response.status_code == 200
    assert 'value="John Representative"' in text(response)


def test_invalid_person_update_keeps_what_was_typed(client, world, ngo_admin):
    person = john(world)
    response = login(client, ngo_admin).post(
        url("person_edit", person.pk),
        person_form(person, role_title="Field coordinator", email="john at example"),
    )
    assert response.status_code == 200
    page = text(response)
    assert 'value="Field coordinator"' in page
    assert 'value="john at example"' in page
    assert "Enter a valid email address." in page
    person.refresh_from_db()
    assert person.role_title == ""


@pytest.mark.parametrize("persona", ["ngo_member", "director"])
def test_changing_a_person_without_the_right_is_forbidden_with_a_reason(
    client, request, world, persona
):
    person = john(world)
    login(client, request.getfixturevalue(persona))
    path = url("person_edit", person.pk)
    response = client.get(path)
    assert response.status_code == 403
    assert "Only the organisation's administrators can add or change its people." in text(response)
    assert client.post(path, person_form(person, full_name="Renamed")).status_code == 403
    person.refresh_from_db()
    assert person.full_name == "John Representative"


def test_changing_a_person_of_another_organisation_is_not_found(client, world, outsider):
    person = john(world)
    login(client, outsider)
    path = url("person_edit", person.pk)
    assert client.get(path).status_code == 404
    assert client.post(path, person_form(person, full_name="Renamed")).status_code == 404
    person.refresh_from_db()
    assert person.full_name == "John Representative"


# Facility list ----------------------------------------------------------------------------------


def test_director_sees_the_administrations_facilities(client, world, director):
    FacilityFactory(administration=AdministrationFactory(), name="Foreign Prison")
    response = login(client, director).get(url("facility_list"))
    assert response.status_code == 200
    page = text(response)
    assert "Central Penitentiary" in page
    assert "Women's Centre" in page
    assert "Foreign Prison" not in page


@pytest.mark.parametrize("persona", ["facility_officer", "gate_officer"])
def test_facility_staff_see_only_their_facility_in_the_list(client, request, world, persona):
    page = text(login(client, request.getfixturevalue(persona)).get(url("facility_list")))
    assert "Central Penitentiary" in page
    assert "Women's Centre" not in page


def test_organisation_administrator_finds_no_facilities(client, world, ngo_admin):
    page = text(login(client, ngo_admin).get(url("facility_list")))
    assert "No facilities match." in page
    assert "Central Penitentiary" not in page


def test_facility_list_filters_by_name(client, world, director):
    page = text(login(client, director).get(url("facility_list"), {"name": "women"}))
    assert "Women's Centre" in page
    assert "Central Penitentiary" not in page


def test_facility_list_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    login(client, director)
    path = url("facility_list") + "?name=Probe"
    FacilityFactory(administration=world.administration, name="Probe 00")
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        FacilityFactory(administration=world.administration, name=f"Probe {n:02d}")
    fifty = count_queries(client, path)
    assert "Probe 49" in text(client.get(path))
    assert fifty == one


# Facility detail --------------------------------------------------------------------------------


def test_facility_officer_sees_their_facility_and_its_areas(client, world, facility_officer):
    response = login(client, facility_officer).get(url("facility_detail", world.facility.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Central Penitentiary" in page
    assert "Education wing" in page
    assert "America/Guatemala" in page
    assert "Edit the details" not in page


def test_director_sees_a_facility_with_an_edit_link(client, world, director):
    page = text(login(client, director).get(url("facility_detail", world.other_facility.pk)))
    assert "Handcraft workshop" in page
    assert url("facility_edit", world.other_facility.pk) in page


@pytest.mark.parametrize("persona", ["facility_officer", "gate_officer"])
def test_another_facility_is_not_found_for_facility_staff(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("facility_detail", world.other_facility.pk))
    assert response.status_code == 404
    assert "Handcraft workshop" not in text(response)
    assert denied(user, "facility.view") == 1


@pytest.mark.parametrize("persona", ["ngo_admin", "monitor"])
def test_facilities_are_not_found_for_organisations(client, request, world, persona):
    response = login(client, request.getfixturevalue(persona)).get(
        url("facility_detail", world.facility.pk)
    )
    assert response.status_code == 404


def test_another_administrations_facility_is_not_found_for_the_director(client, world, director):
    foreign = FacilityFactory(administration=AdministrationFactory(), name="Foreign Prison")
    assert login(client, director).get(url("facility_detail", foreign.pk)).status_code == 404


def test_facility_detail_makes_the_same_queries_for_one_area_and_fifty(client, world, director):
    facility = FacilityFactory(administration=world.administration, name="Probe Prison")
    AreaFactory(facility=facility, name="Area 00")
    login(client, director)
    path = url("facility_detail", facility.pk)
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        AreaFactory(facility=facility, name=f"Area {n:02d}")
    fifty = count_queries(client, path)
    assert "Area 49" in text(client.get(path))
    assert fifty == one


# Facility edit ----------------------------------------------------------------------------------


def test_director_opens_the_facility_form_with_the_current_values(client, world, director):
    response = login(client, director).get(url("facility_edit", world.facility.pk))
    assert response.status_code == 200
    assert 'value="Central Penitentiary"' in text(response)


def test_director_saves_a_facilitys_details(client, world, director):
    facility = world.facility
    response = login(client, director).post(
        url("facility_edit", facility.pk), facility_form(facility, visitor_capacity="35")
    )
    assert response.status_code == 302
    assert response["Location"] == facility.get_absolute_url()
    facility.refresh_from_db()
    assert facility.visitor_capacity == 35
    entry = AuditEntry.objects.get(action="facility.updated")
    assert entry.actor == director
    assert entry.changes == {"visitor_capacity": [20, 35]}
    assert "The facility's details were saved." in text(client.get(response["Location"]))


def test_invalid_facility_details_keep_what_was_typed(client, world, director):
    facility = world.facility
    response = login(client, director).post(
        url("facility_edit", facility.pk),
        facility_form(facility, time_zone="Mars/Olympus", visitor_capacity="35"),
    )
    assert response.status_code == 200
    page = text(response)
    assert "“Mars/Olympus” is not a known time zone." in page
    assert 'value="Mars/Olympus"' in page
    assert 'value="35"' in page
    facility.refresh_from_db()
    assert facility.visitor_capacity == 20
    assert not AuditEntry.objects.filter(action="facility.updated").exists()


def test_facility_cannot_take_the_name_of_another_facility(client, world, director):
    facility = world.facility
    response = login(client, director).post(
        url("facility_edit", facility.pk),
        facility_form(facility, name="Women's Centre", visitor_capacity="35"),
    )
    assert response.status_code == 200
    page = text(response)
    assert "This could not be saved:" in page
    assert "Facility with this Administration and Name already exists." in page
    assert 'value="35"' in page
    facility.refresh_from_db()
    assert (facility.name, facility.visitor_capacity) == ("Central Penitentiary", 20)


@pytest.mark.parametrize("persona", ["reviewer", "coordinator", "facility_officer", "gate_officer"])
def test_changing_a_facility_without_being_director_is_forbidden_with_a_reason(
    client, request, world, persona
):
    user = request.getfixturevalue(persona)
    login(client, user)
    path = url("facility_edit", world.facility.pk)
    response = client.get(path)
    assert response.status_code == 403
    assert "Only the director of the administration can change a facility" in text(response)
    response = client.post(path, facility_form(world.facility, visitor_capacity="99"))
    assert response.status_code == 403
    world.facility.refresh_from_db()
    assert world.facility.visitor_capacity == 20
    assert denied(user, "facility.change") == 2


@pytest.mark.parametrize("persona", ["ngo_admin", "facility_officer"])
def test_changing_an_invisible_facility_is_not_found(client, request, world, persona):
    login(client, request.getfixturevalue(persona))
    path = url("facility_edit", world.other_facility.pk)
    assert client.get(path).status_code == 404
    response = client.post(path, facility_form(world.other_facility, visitor_capacity="99"))
    assert response.status_code == 404
    world.other_facility.refresh_from_db()
    assert world.other_facility.visitor_capacity == 20
