"""The coordination map: who does what where, from the MoUs in force."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accreditation.models import Framework
from agreements.models import Agreement
from agreements.selectors import MapCell
from directory.models import ActivityType
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    DecisionFactory,
    FrameworkFactory,
    today,
)
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory
from tests.support.pages import count_queries, text

pytestmark = pytest.mark.django_db

MAP = reverse("agreements:coordination_map")


def mou_in_force(world, library, organisation, facilities, activity_codes, director) -> Agreement:
    framework = Framework.objects.filter(
        administration=world.administration, status="published"
    ).first() or FrameworkFactory(administration=world.administration, published=True)
    application = ApplicationFactory(
        organisation=organisation, framework=framework, status="decided"
    )
    AccreditationFactory(decision=DecisionFactory(application=application))
    agreement = Agreement.objects.create(
        administration=world.administration,
        organisation=organisation,
        template=library.template,
        title=f"MoU of {organisation.name}",
        language="en",
        status=Agreement.Status.SIGNED,
        valid_from=today(),
        valid_until=today().replace(year=today().year + 1),
        created_by=director,
    )
    agreement.facilities.set(facilities)
    agreement.activity_types.set(ActivityType.objects.filter(code__in=activity_codes))
    return agreement


def cell(page: str, facility: str) -> str:
    row = page.split(f'<th scope="row">{facility}', 1)[1]
    return row.split("</tr>", 1)[0]


def test_the_map_shows_overlaps_and_gaps(client, world, library, director):
    weavers = OrganisationFactory(name="Women Weavers Collective")
    teachers = OrganisationFactory(name="Hope Education")
    mou_in_force(
        world, library, weavers, [world.other_facility], ["education", "vocational"], director
    )
    mou_in_force(world, library, teachers, [world.other_facility], ["education"], director)
    page = text(login(client, director).get(MAP, {"activity": "education"}))
    row = cell(page, "Women's Centre")
    assert "overlap" in row and "Hope Education, Women Weavers Collective" in row
    assert "gap" in cell(page, "Central Penitentiary")
    assert "1 gap on this page" in page and "1 overlap on this page" in page


def test_an_mou_whose_accreditation_is_not_in_force_leaves_a_gap(client, world, library, director):
    weavers = OrganisationFactory(name="Women Weavers Collective")
    mou = mou_in_force(world, library, weavers, [world.facility], ["vocational"], director)
    mou.organisation.accreditations.update(status="suspended")
    page = text(login(client, director).get(MAP))
    assert "Women Weavers Collective" not in page


def test_the_map_covers_the_users_own_administration_only(
    client, world, library, director, other_director, other_administration, ngo_admin
):
    FacilityFactory(administration=other_administration, name="Northern Reformatory")
    page = text(login(client, other_director).get(MAP))
    assert "Northern Reformatory" in page and "Central Penitentiary" not in page
    assert login(client, ngo_admin).get(MAP).status_code == 403


def test_the_map_makes_the_same_queries_for_one_facility_and_fifty(
    client, world, library, director
):
    first = OrganisationFactory(name="First NGO")
    mou_in_force(world, library, first, [world.facility], ["education"], director)
    login(client, director)
    client.get(MAP)
    one = count_queries(client, MAP)
    organisation = OrganisationFactory(name="Busy NGO")
    facilities = [FacilityFactory(administration=world.administration) for _ in range(48)]
    mou_in_force(world, library, organisation, facilities, ["education", "health"], director)
    assert count_queries(client, MAP) == one
    assert "Busy NGO" in text(client.get(MAP))


def test_a_row_of_cells_is_the_markup_the_template_wrote_with_names_escaped():
    """The cells are written in Python (``agreements.templatetags.coordination``): a gap, one
    organisation, an overlap, each as the template wrote them, the names escaped."""
    activity = ActivityType(code="health")
    cells = [
        MapCell(activity, []),
        MapCell(activity, ["Hope & Care"]),
        MapCell(activity, ["<b>Bold</b>", "Women Weavers Collective"]),
    ]
    drawn = Template("{% load coordination %}{% map_cells cells gap overlap %}").render(
        Context({"cells": cells, "gap": "gap", "overlap": "overlap"})
    )
    assert drawn.split("\n      ") == [
        '<td class="gap"><span class="visually-hidden">gap</span>—</td>',
        "<td>Hope &amp; Care</td>",
        '<td class="overlap"><span class="tag">overlap</span>'
        " &lt;b&gt;Bold&lt;/b&gt;, Women Weavers Collective</td>",
    ]
