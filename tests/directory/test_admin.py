"""The site administration at the scale of a country: organisations and facilities are found
by typing their name, never listed in full on a page."""

import pytest

from directory.models import Organisation
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(db):
    return UserFactory.create(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def sixty(world) -> list[Organisation]:
    organisations = []
    for n in range(60):
        organisation = OrganisationFactory.create(name=f"Probe organisation {n:02d}")
        FacilityFactory(administration=world.administration, name=f"Probe facility {n:02d}")
        PersonFactory(organisation=organisation, full_name=f"Probe person {n:02d}")
        organisations.append(organisation)
    return organisations


def test_granting_a_role_chooses_the_scope_by_name(client, sixty, site_admin):
    page = text(login(client, site_admin).get("/admin/directory/membership/add/"))
    assert "Probe organisation" not in page
    assert "Probe facility" not in page
    assert page.count("admin-autocomplete") >= 4  # user, administration, facility, organisation
    found = login(client, site_admin).get(
        "/admin/autocomplete/",
        {
            "app_label": "directory",
            "model_name": "membership",
            "field_name": "organisation",
            "term": "organisation 07",
        },
    )
    assert [r["text"] for r in found.json()["results"]] == ["Probe organisation 07"]


def test_people_are_found_by_their_organisations_name(client, sixty, site_admin):
    login(client, site_admin)
    listed = text(client.get("/admin/directory/person/"))
    assert "By organisation" not in listed  # no sidebar naming every organisation
    found = text(client.get("/admin/directory/person/", {"q": '"Probe organisation 07"'}))
    assert "Probe person 07" in found
    assert "Probe person 08" not in found
