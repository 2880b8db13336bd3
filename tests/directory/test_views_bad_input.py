"""Names that go into e-mail subjects, letters and the register, and numbers with a real-world
ceiling, as the directory's forms take them."""

import pytest
from django.urls import reverse

from directory.models import Facility, Organisation, Person
from tests.conftest import login
from tests.directory.test_views import facility_form, organisation_form, person_form
from tests.support.pages import text

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "Remove the line breaks, tabs or other control characters from this name."


def url(name: str, *args: int) -> str:
    return reverse(f"directory:{name}", args=args)


@pytest.mark.parametrize(
    "name", ["Local Human\nRights Centre", "Local Human Rights Centre\r\nBcc: x@example.org"]
)
def test_an_organisation_name_with_a_line_break_is_refused(client, world, ngo_admin, name):
    org = world.organisation
    response = login(client, ngo_admin).post(
        url("organisation_edit", org.pk), organisation_form(org, name=name)
    )

    assert response.status_code == 200
    assert CONTROL_MESSAGE in text(response)
    assert Organisation.objects.get(pk=org.pk).name == "Local Human Rights Centre"


def test_an_organisation_name_is_saved_without_direction_controls(client, world, ngo_admin):
    org = world.organisation
    response = login(client, ngo_admin).post(
        url("organisation_edit", org.pk),
        organisation_form(org, name="\u202eLocal Human Rights Centre\u202c of State A"),
    )

    assert response.status_code == 302
    assert Organisation.objects.get(pk=org.pk).name == "Local Human Rights Centre of State A"


def test_a_persons_name_with_a_control_character_is_refused(client, world, ngo_admin):
    response = login(client, ngo_admin).post(
        url("person_create", world.organisation.pk),
        person_form(full_name="Ana\tPérez", role_title="Teacher\nand more"),
    )

    assert response.status_code == 200
    page = text(response)
    assert page.count(CONTROL_MESSAGE) == 2
    assert not Person.objects.filter(full_name__startswith="Ana").exists()


def test_a_persons_name_and_role_lose_their_direction_controls(client, world, ngo_admin):
    response = login(client, ngo_admin).post(
        url("person_create", world.organisation.pk),
        person_form(full_name="Ana \u2067Pérez\u2069", role_title="\u200fTeacher"),
    )

    assert response.status_code == 302
    person = Person.objects.get(full_name="Ana Pérez")
    assert person.role_title == "Teacher"


@pytest.mark.parametrize("typed", ["10001", "99999999999999999999"])
def test_a_visitor_capacity_beyond_any_prison_is_refused(client, world, director, typed):
    facility = world.facility
    response = login(client, director).post(
        url("facility_edit", facility.pk), facility_form(facility, visitor_capacity=typed)
    )

    assert response.status_code == 200
    page = text(response)
    assert "No facility takes more than 10000 visitors at a time." in page
    assert f'value="{typed}"' in page
    assert Facility.objects.get(pk=facility.pk).visitor_capacity == facility.visitor_capacity


def test_an_organisation_description_states_its_limit_and_keeps_a_longer_text(
    client, world, ngo_admin
):
    org = world.organisation
    login(client, ngo_admin)
    assert "At most 5,000 characters." in text(client.get(url("organisation_edit", org.pk)))

    typed = "We visit prisons every week. " * 200  # 5,800 characters
    response = client.post(
        url("organisation_edit", org.pk), organisation_form(org, description=typed)
    )

    assert response.status_code == 200
    page = text(response)
    assert "Ensure this value has at most 5000 characters (it has 5799)." in page
    assert typed.strip() in page
    assert Organisation.objects.get(pk=org.pk).description == org.description
