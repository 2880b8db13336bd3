"""Filtering the lists by organisation and facility, of which a country has thousands: by the
words of a name without JavaScript, by id from a link, and suggestions as one types that name
only what the user may see, however many there are."""

import re

import pytest
from django.urls import reverse

from accreditation.models import Application, Clearance
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ClearanceFactory,
    ConditionFactory,
    DecisionFactory,
    submitted,
)
from tests.accreditation.pages import suggested, url
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory, PersonFactory
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world, framework, draft, ngo_admin):
    """The draft submitted (Local Human Rights Centre, Central Penitentiary) and another
    organisation's application (Legal Aid Clinic, Women's Centre)."""
    draft.facilities.set([world.facility])
    submitted(draft, by=ngo_admin)
    other = ApplicationFactory(
        organisation=world.other_organisation,
        framework=framework,
        status=Application.Status.SUBMITTED,
        facilities=[world.other_facility],
    )
    return draft, other


def listed(client, params: dict, *applications) -> set[int]:
    page = text(client.get(url("application_list"), params))
    return {a.pk for a in applications if url("application_detail", a.pk) in page}


def search_field(page: str, name: str) -> tuple[str, str]:
    """The id kept in the hidden field and the text shown in the search field ``name``."""
    chosen = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    shown = re.search(rf'<input type="text" name="{name}_name" value="([^"]*)"', page)
    assert chosen and shown, f"the page has no search field {name}"
    return chosen[1], shown[1]


# Without JavaScript ----------------------------------------------------------------------------


def test_a_link_naming_an_organisation_filters_by_it_and_shows_its_name(client, two, director):
    _draft, other = two
    login(client, director)
    organisation = other.organisation
    assert listed(client, {"organisation": organisation.pk}, *two) == {other.pk}
    page = text(client.get(url("application_list"), {"organisation": organisation.pk}))
    assert search_field(page, "organisation") == (str(organisation.pk), "Legal Aid Clinic")


def test_the_name_shown_keeps_the_organisation_chosen_when_filtering_again(client, two, director):
    _draft, other = two
    login(client, director)
    params = {"organisation": other.organisation_id, "organisation_name": "Legal Aid Clinic"}
    assert listed(client, params, *two) == {other.pk}


def test_typing_words_of_a_name_filters_without_javascript(client, two, director):
    draft, other = two
    login(client, director)
    assert listed(client, {"organisation": "", "organisation_name": "clinic aid"}, *two) == {
        other.pk
    }
    assert listed(client, {"facility": "", "facility_name": "central"}, *two) == {draft.pk}
    page = text(client.get(url("application_list"), {"organisation_name": "clinic aid"}))
    assert search_field(page, "organisation") == ("", "clinic aid")


def test_typing_another_name_lets_go_of_the_organisation_chosen(client, two, director):
    draft, other = two
    login(client, director)
    params = {"organisation": draft.organisation_id, "organisation_name": "Legal"}
    assert listed(client, params, *two) == {other.pk}
    page = text(client.get(url("application_list"), params))
    assert search_field(page, "organisation") == ("", "Legal")


def test_emptying_the_field_lets_go_of_the_organisation_chosen(client, two, director):
    login(client, director)
    params = {"organisation": two[1].organisation_id, "organisation_name": ""}
    assert listed(client, params, *two) == {a.pk for a in two}


def test_an_organisation_the_user_may_not_see_is_not_named(client, two, ngo_admin):
    _draft, other = two
    login(client, ngo_admin)
    response = client.get(url("application_list"), {"organisation": other.organisation_id})
    assert response.status_code == 200
    page = text(response)
    assert "Legal Aid Clinic" not in page
    assert "Select a valid choice." in page
    assert search_field(page, "organisation") == ("", "")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("clearance_list", {"status": "pending", "organisation_name": "human rights"}),
        ("accreditation_list", {"facility_name": "penitentiary"}),
        ("public_register", {"facility_name": "penitentiary"}),
    ],
)
def test_the_other_lists_filter_by_typed_names(client, world, framework, director, name, params):
    for organisation, facility in (
        (world.organisation, world.facility),
        (world.other_organisation, world.other_facility),
    ):
        AccreditationFactory(
            decision__application__organisation=organisation,
            decision__application__framework=framework,
            decision__application__facilities=[facility],
        )
        ClearanceFactory(person=organisation.people.get(), administration=world.administration)
    page = text(login(client, director).get(url(name), params))
    assert "Local Human Rights Centre" in page or "John Representative" in page
    assert "Legal Aid Clinic" not in page and "Lucía Lawyer" not in page


# Suggestions -------------------------------------------------------------------------------------


def test_suggestions_are_twenty_at_most_in_the_same_queries_however_many_match(
    client, world, framework, director
):
    login(client, director)
    path = url("application_choices", "organisation") + "?q=probe"
    ApplicationFactory(
        organisation=OrganisationFactory(name="Probe 00"),
        framework=framework,
        status=Application.Status.SUBMITTED,
    )
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 60):
        ApplicationFactory(
            organisation=OrganisationFactory(name=f"Probe {n:02d}"),
            framework=framework,
            status=Application.Status.SUBMITTED,
        )
    sixty = count_queries(client, path)
    found = suggested(client, "application_choices", "organisation", "probe")
    assert found == [f"Probe {n:02d}" for n in range(20)]
    assert sixty == one


def test_suggestions_put_names_that_begin_with_the_word_first(client, world, framework, director):
    for name in ("Women's Aid", "Aid for All", "Prison Aid Network"):
        ApplicationFactory(
            organisation=OrganisationFactory(name=name),
            framework=framework,
            status=Application.Status.SUBMITTED,
        )
    login(client, director)
    assert suggested(client, "application_choices", "organisation", "aid") == [
        "Aid for All",
        "Prison Aid Network",
        "Women's Aid",
    ]
    assert suggested(client, "application_choices", "organisation", "network aid") == [
        "Prison Aid Network"
    ]


@pytest.mark.parametrize(
    "name", ["application_choices", "accreditation_choices", "clearance_choices"]
)
def test_suggestions_need_a_login(client, world, name):
    path = url(name, "organisation")
    assert_login_redirect(client.get(path), path)


def test_suggestions_of_a_field_that_is_no_search_are_not_found(client, director):
    login(client, director)
    assert client.get(url("application_choices", "status")).status_code == 404
    assert client.get(url("application_choices", "nothing")).status_code == 404
    assert client.get(url("public_register_choices", "activity")).status_code == 404


def test_an_organisation_is_suggested_only_its_own(client, world, two, outsider, ngo_admin):
    login(client, outsider)
    assert suggested(client, "application_choices", "organisation") == ["Legal Aid Clinic"]
    assert suggested(client, "application_choices", "facility") == ["Women's Centre"]
    assert suggested(client, "clearance_choices", "organisation") == []
    login(client, ngo_admin)
    assert suggested(client, "application_choices", "organisation", "legal") == []


def test_the_second_administration_is_suggested_nothing_of_the_first(
    client, world, framework, two, other_director
):
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
        decision__application__facilities=[world.facility],
    )
    ConditionFactory(decision=accreditation.decision)
    # The submission asked the first administration to vet the people it names.
    assert Clearance.objects.filter(administration=world.administration).exists()
    login(client, other_director)
    assert suggested(client, "application_choices", "organisation") == []
    assert suggested(client, "application_choices", "facility") == ["Erbil Reformatory"]
    assert suggested(client, "clearance_choices", "organisation") == []
    assert suggested(client, "condition_choices", "organisation") == []
    assert suggested(client, "accreditation_choices", "facility") == []


def test_the_conditions_suggestions_are_the_administrations_alone(client, world, ngo_admin):
    login(client, ngo_admin)
    assert client.get(url("condition_choices", "organisation")).status_code == 403


def test_the_public_register_suggests_only_facilities_it_names(client, world):
    AccreditationFactory(decision__application__facilities=[world.facility])
    FacilityFactory(administration=world.administration, name="Central Annex")
    assert suggested(client, "public_register_choices", "facility", "central") == [
        "Central Penitentiary"
    ]


# The size of the page ---------------------------------------------------------------------------


def _applications(world, framework, n: int) -> None:
    for i in range(n):
        ApplicationFactory(
            organisation=OrganisationFactory(name=f"Probe organisation {i:02d}"),
            framework=framework,
            status=Application.Status.SUBMITTED,
            facilities=[FacilityFactory(administration=world.administration)],
        )


def _clearances(world, framework, n: int) -> None:
    for i in range(n):
        organisation = OrganisationFactory(name=f"Probe organisation {i:02d}")
        ClearanceFactory(
            person=PersonFactory(organisation=organisation), administration=world.administration
        )


def _conditions(world, framework, n: int) -> None:
    for i in range(n):
        organisation = OrganisationFactory(name=f"Probe organisation {i:02d}")
        ConditionFactory(
            decision=DecisionFactory(
                application__organisation=organisation, application__framework=framework
            )
        )


def _accreditations(world, framework, n: int) -> None:
    for i in range(n):
        facility = FacilityFactory(administration=world.administration, name=f"Probe {i:02d}")
        AccreditationFactory(
            decision__application__framework=framework,
            decision__application__facilities=[facility],
        )


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("accreditation:application_list", _applications),
        ("accreditation:clearance_list", _clearances),
        ("accreditation:condition_list", _conditions),
        ("accreditation:accreditation_list", _accreditations),
        ("accreditation:public_register", _accreditations),
    ],
)
def test_the_filter_does_not_grow_with_what_it_can_filter_by(
    client, world, framework, director, name, make
):
    """Sixty organisations or facilities more add no choice to the page: they are found by
    name. (Rows of the list itself are limited by its pages.)"""
    login(client, director)
    path = reverse(name)

    def filter_form() -> str:
        form = re.search(
            r'<form method="get" class="filter.*?</form>', text(client.get(path)), re.S
        )
        assert form, "the list has no filter form"
        return form[0]

    before = filter_form()
    make(world, framework, 60)
    after = filter_form()
    assert after.count("<option") == before.count("<option")
    assert "Probe" not in after
