"""The list of applications and its filters, for the organisation and for the administration."""

from datetime import timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accreditation.models import Application
from directory.models import ActivityType
from tests.accreditation.factories import ApplicationFactory, ReviewAssignmentFactory, submitted
from tests.accreditation.pages import suggested, url
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory
from tests.support.pages import count_queries, text

pytestmark = pytest.mark.django_db


# The list ---------------------------------------------------------------------------------------


def test_the_organisation_lists_only_its_own_applications(
    client, world, framework, draft, ngo_admin
):
    ApplicationFactory(organisation=world.other_organisation, framework=framework)
    page = text(login(client, ngo_admin).get(url("application_list")))
    assert "Local Human Rights Centre" in page
    assert "Legal Aid Clinic" not in page


def test_the_director_lists_every_application_and_filters_by_status(
    client, world, framework, draft, director, ngo_admin
):
    other = ApplicationFactory(
        organisation=world.other_organisation,
        framework=framework,
        status=Application.Status.RETURNED,
    )
    submitted(draft, by=ngo_admin)
    login(client, director)
    assert "Legal Aid Clinic" in text(client.get(url("application_list")))
    page = text(client.get(url("application_list"), {"status": "submitted"}))
    assert url("application_detail", draft.pk) in page
    assert url("application_detail", other.pk) not in page


def test_only_those_who_decide_are_offered_what_waits_on_a_decision(
    client, world, framework, draft, ngo_admin, reviewer, director, coordinator
):
    decision_filters = ('name="ready_for_decision"', 'name="appeal_to_decide"')
    for user in (director, coordinator):
        page = login(client, user).get(url("application_list")).content.decode()
        assert all(field in page for field in decision_filters)
    for user in (ngo_admin, reviewer):
        page = login(client, user).get(url("application_list")).content.decode()
        assert not any(field in page for field in decision_filters)
        assert 'name="status"' in page


def test_the_list_filters_by_activity_facility_and_organisation(
    client, world, framework, draft, ngo_admin, director
):
    submitted(draft, by=ngo_admin)
    other = ApplicationFactory(
        organisation=world.other_organisation,
        framework=framework,
        status=Application.Status.SUBMITTED,
    )
    other.activity_types.set(ActivityType.objects.filter(code="legal_aid"))
    other.facilities.set([world.other_facility])
    login(client, director)
    page = text(client.get(url("application_list"), {"activity_type": "legal_aid"}))
    assert url("application_detail", other.pk) in page
    assert url("application_detail", draft.pk) not in page
    page = text(client.get(url("application_list"), {"facility": world.facility.pk}))
    assert url("application_detail", draft.pk) in page
    assert url("application_detail", other.pk) not in page
    page = text(client.get(url("application_list"), {"organisation": world.other_organisation.pk}))
    assert url("application_detail", other.pk) in page
    assert url("application_detail", draft.pk) not in page


def test_a_reviewer_lists_only_assigned_applications(client, world, framework, draft, reviewer):
    other = ApplicationFactory(organisation=world.other_organisation, framework=framework)
    ReviewAssignmentFactory(application=other, reviewer=reviewer)
    assign_perm("accreditation.view_application", reviewer, other)
    page = text(login(client, reviewer).get(url("application_list")))
    assert url("application_detail", other.pk) in page
    assert url("application_detail", draft.pk) not in page


def test_an_overdue_application_is_flagged_in_the_list(client, world, draft, ngo_admin, director):
    submitted(draft, by=ngo_admin)
    Application.objects.filter(pk=draft.pk).update(submitted_at=timezone.now() - timedelta(days=45))
    assert "Overdue" in text(login(client, director).get(url("application_list")))


def test_the_list_makes_the_same_queries_for_one_row_and_fifty(client, world, framework, director):
    login(client, director)
    path = url("application_list")
    education = ActivityType.objects.filter(code="education")
    ApplicationFactory(
        framework=framework, activity_types=education, status=Application.Status.SUBMITTED
    )
    client.get(path)
    one = count_queries(client, path)
    for _n in range(49):
        ApplicationFactory(
            framework=framework, activity_types=education, status=Application.Status.SUBMITTED
        )
    fifty = count_queries(client, path)
    assert len(client.get(path).context["page"].items) == 50
    assert fifty == one


def test_the_list_pages_by_keyset(client, world, framework, director):
    for _n in range(55):
        ApplicationFactory(framework=framework, status=Application.Status.SUBMITTED)
    login(client, director)
    first = client.get(url("application_list"))
    assert len(first.context["page"].items) == 50
    second = client.get(url("application_list"), {"after": first.context["page"].next_cursor})
    assert len(second.context["page"].items) == 5


def test_paging_shows_every_application_once_even_those_made_in_the_same_millisecond(
    client, world, framework, director
):
    moment = timezone.now().replace(microsecond=500_000)
    made = [
        ApplicationFactory(
            framework=framework,
            status=Application.Status.SUBMITTED,
            created_at=moment + timedelta(microseconds=n),
        )
        for n in range(55)
    ]
    login(client, director)
    first = client.get(url("application_list")).context["page"]
    second = client.get(url("application_list"), {"after": first.next_cursor}).context["page"]
    shown = [a.pk for a in first.items + second.items]
    assert sorted(shown) == sorted(a.pk for a in made)


def test_a_reviewers_list_makes_the_same_queries_for_one_row_and_fifty(
    client, world, framework, reviewer
):
    def assigned():
        application = ApplicationFactory(
            framework=framework, status=Application.Status.UNDER_REVIEW
        )
        ReviewAssignmentFactory(application=application, reviewer=reviewer)
        assign_perm("accreditation.view_application", reviewer, application)

    login(client, reviewer)
    path = url("application_list")
    assigned()
    client.get(path)
    one = count_queries(client, path)
    for _n in range(49):
        assigned()
    fifty = count_queries(client, path)
    assert len(client.get(path).context["page"].items) == 50
    assert fifty == one


def test_the_list_filters_suggest_only_what_the_organisation_applied_with(
    client, world, framework, draft, ngo_admin
):
    draft.facilities.set([world.facility])
    unrelated = OrganisationFactory(name="Unrelated Charity")
    ApplicationFactory(organisation=unrelated, framework=framework).facilities.set(
        [world.other_facility]
    )
    login(client, ngo_admin)
    # Facilities it did not name and organisations whose applications it cannot see are not
    # suggested, however many there are in the country.
    assert suggested(client, "application_choices", "facility") == ["Central Penitentiary"]
    assert suggested(client, "application_choices", "organisation") == ["Local Human Rights Centre"]
    assert suggested(client, "application_choices", "organisation", "Charity") == []


def test_the_list_filters_suggest_staff_their_administrations_facilities(
    client, world, framework, draft, ngo_admin, director
):
    submitted(draft, by=ngo_admin)
    FacilityFactory(name="Another System's Prison")
    login(client, director)
    assert suggested(client, "application_choices", "facility") == [
        "Central Penitentiary",
        "Women's Centre",
    ]
    assert suggested(client, "application_choices", "organisation") == ["Local Human Rights Centre"]
