"""The dashboard shows each role its own panels and nobody else's."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Application
from directory.models import Role
from directory.services import membership_grant
from tests.accreditation.factories import (
    ApplicationFactory,
    FrameworkFactory,
    ReviewAssignmentFactory,
)
from tests.conftest import login
from tests.factories import (
    AreaFactory,
    FacilityFactory,
    NotificationFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db

DASHBOARD = "/"

#: Text that only the given panel shows.
PANELS = {
    "director": "Latest in the audit trail",
    "reviewer": "All your reviews",
    "coordinator": "Partnerships, coordination meetings and the follow-up tracker",
    "facilities": '<h2 id="panel-facilities">Facilities</h2>',
    "gate": "Today's manifest of expected visitors will appear here.",
    "visits_officer": "Visit requests waiting for your decision will appear here.",
    "organisation": "Accreditation, applications and people",
    "monitoring_body": "Visits you notify under your mandate will appear here.",
    "official": '<h2 id="panel-recommendations-official">Actions assigned to you</h2>',
    "no_role": "Your account has no role yet.",
}


@pytest.fixture
def no_role(db):
    return UserFactory(username="newcomer")


def dashboard(client, user) -> str:
    response = login(client, user).get(DASHBOARD)
    assert response.status_code == 200
    return text(response)


def test_dashboard_sends_anonymous_visitors_to_log_in(client, db):
    assert_login_redirect(client.get(DASHBOARD), DASHBOARD)


def test_dashboard_is_the_root_url():
    assert reverse("dashboard") == DASHBOARD


@pytest.mark.parametrize(
    ("persona", "panels"),
    [
        ("director", {"director", "facilities"}),
        ("reviewer", {"reviewer", "facilities"}),
        ("coordinator", {"coordinator", "facilities"}),
        ("responsible_official", {"official", "facilities"}),
        ("facility_officer", {"visits_officer"}),
        ("gate_officer", {"gate"}),
        ("ngo_admin", {"organisation"}),
        ("ngo_member", {"organisation"}),
        ("outsider", {"organisation"}),
        ("monitor", {"monitoring_body"}),
        ("no_role", {"no_role"}),
    ],
)
def test_each_role_sees_its_own_panels_and_no_others(client, request, world, persona, panels):
    page = dashboard(client, request.getfixturevalue(persona))
    for panel in panels:
        assert PANELS[panel] in page, f"{persona} should see the {panel} panel"
    for panel in PANELS.keys() - panels:
        assert PANELS[panel] not in page, f"{persona} should not see the {panel} panel"


def test_dashboard_names_the_users_roles(client, world, gate_officer):
    assert "Gate officer · Central Penitentiary" in dashboard(client, gate_officer)


def test_director_sees_the_organisation_count_and_the_latest_audit_entries(client, world, director):
    page = dashboard(client, director)
    assert "2 organisations in the directory." in page
    assert "The system gave a role: martha – Director – State A Prison System" in page
    assert "membership.granted" not in page
    assert "Open the audit trail" in page


def test_coordinator_sees_the_organisation_count(client, world, coordinator):
    OrganisationFactory()
    assert "3 organisations in the directory." in dashboard(client, coordinator)


@pytest.mark.parametrize("persona", ["director", "reviewer", "coordinator"])
def test_administration_staff_see_their_administrations_facilities(client, request, world, persona):
    FacilityFactory(name="Foreign Prison")
    page = dashboard(client, request.getfixturevalue(persona))
    assert "Central Penitentiary" in page
    assert "Women's Centre" in page
    assert "Foreign Prison" not in page


@pytest.mark.parametrize("persona", ["facility_officer", "gate_officer"])
def test_facility_staff_see_their_facility_and_its_areas_only(client, request, world, persona):
    page = dashboard(client, request.getfixturevalue(persona))
    assert '<h2 id="panel-facility-' in page
    assert "Central Penitentiary" in page
    assert "Visitor capacity: 20 at a time." in page
    assert "Education wing (Open)" in page
    assert "Women's Centre" not in page
    assert "Handcraft workshop" not in page


def test_organisation_administrator_sees_their_organisation_and_its_people(
    client, world, ngo_admin
):
    page = dashboard(client, ngo_admin)
    assert "Local Human Rights Centre" in page
    assert "1 person named to enter prisons." in page
    assert "Legal Aid Clinic" not in page
    assert "Central Penitentiary" not in page


def test_organisation_of_another_persona_is_not_on_the_dashboard(client, world, outsider):
    page = dashboard(client, outsider)
    assert "Legal Aid Clinic" in page
    assert "Local Human Rights Centre" not in page


def test_monitor_sees_their_body(client, world, monitor):
    page = dashboard(client, monitor)
    assert "National Preventive Mechanism" in page
    assert "Local Human Rights Centre" not in page


def test_dashboard_shows_only_the_users_unread_notifications(client, world, ngo_admin, outsider):
    NotificationFactory(recipient=ngo_admin, subject="Your MoU awaits signature")
    NotificationFactory(recipient=outsider, subject="Report due for Legal Aid")
    page = dashboard(client, ngo_admin)
    assert "Your MoU awaits signature" in page
    assert "Report due for Legal Aid" not in page
    assert "Nothing new." not in page


def test_dashboard_says_when_nothing_is_new(client, world, ngo_member):
    assert "Nothing new." in dashboard(client, ngo_member)


def test_navigation_offers_what_the_role_may_open(client, world, director, gate_officer):
    page = dashboard(client, director)
    assert reverse("activity:audit_list") in page
    assert reverse("directory:organisation_list") in page
    page = dashboard(client, gate_officer)
    assert reverse("activity:audit_list") not in page
    assert reverse("directory:organisation_list") not in page
    assert reverse("directory:facility_list") in page


def test_director_dashboard_makes_the_same_queries_for_one_facility_and_fifty(
    client, world, director
):
    login(client, director)
    client.get(DASHBOARD)
    one = count_queries(client, DASHBOARD)
    for n in range(48):
        FacilityFactory(administration=world.administration, name=f"Probe {n:02d}")
    fifty = count_queries(client, DASHBOARD)
    page = dashboard(client, director)
    # Fifty are a count, a search and a link, not a list however many there are.
    assert "All 50 facilities" in page
    assert "Find a facility by name" in page
    assert "Probe 00" not in page
    assert "Central Penitentiary" not in page
    assert fifty == one


def test_a_search_from_the_dashboard_opens_the_facilities_list_by_name(client, world, director):
    for n in range(10):
        FacilityFactory(administration=world.administration, name=f"Probe {n:02d}")
    page = dashboard(client, director)
    form = re.search(
        r'<form method="get" action="([^"]+)"[^>]*role="search">(.*?)</form>', page, re.S
    )
    assert form and form[1] == reverse("directory:facility_list")
    assert 'name="name"' in form[2]
    listed = text(client.get(form[1], {"name": "central"}))
    assert "Central Penitentiary" in listed and "Probe 01" not in listed


def test_a_reviewer_dashboard_names_the_ten_reviews_due_soonest(client, world, reviewer):
    application = ApplicationFactory(
        framework=FrameworkFactory(administration=world.administration, published=True),
        status=Application.Status.UNDER_REVIEW,
    )
    login(client, reviewer)
    ReviewAssignmentFactory(
        application=application, reviewer=reviewer, due_at=timezone.now() + timedelta(days=1)
    )
    client.get(DASHBOARD)
    one = count_queries(client, DASHBOARD)
    for n in range(2, 13):
        ReviewAssignmentFactory(
            application=ApplicationFactory(
                framework=application.framework,
                organisation=OrganisationFactory(name=f"Probe organisation {n:02d}"),
                status=Application.Status.UNDER_REVIEW,
            ),
            reviewer=reviewer,
            due_at=timezone.now() + timedelta(days=n),
        )
    twelve = count_queries(client, DASHBOARD)
    page = dashboard(client, reviewer)
    assert "Probe organisation 10" in page
    assert "Probe organisation 11" not in page
    assert "More reviews wait for you." in page
    assert twelve == one


def test_facility_dashboard_makes_the_same_queries_for_one_facility_and_fifty(client, world):
    """A gate officer may cover several facilities; each panel lists the facility's areas."""
    user = UserFactory()
    membership_grant(actor=None, user=user, role=Role.GATE_OFFICER, scope=world.facility)
    login(client, user)
    client.get(DASHBOARD)
    one = count_queries(client, DASHBOARD)
    for n in range(49):
        facility = FacilityFactory(administration=world.administration, name=f"Probe {n:02d}")
        AreaFactory(facility=facility, name=f"Probe area {n:02d}")
        membership_grant(actor=None, user=user, role=Role.GATE_OFFICER, scope=facility)
    fifty = count_queries(client, DASHBOARD)
    assert "Probe area 48" in dashboard(client, user)
    assert fifty == one


def test_organisation_dashboard_makes_the_same_queries_for_one_organisation_and_fifty(
    client, world
):
    """Each organisation panel counts the organisation's people."""
    user = UserFactory()
    membership_grant(actor=None, user=user, role=Role.NGO_MEMBER, scope=world.organisation)
    login(client, user)
    client.get(DASHBOARD)
    one = count_queries(client, DASHBOARD)
    for n in range(49):
        org = OrganisationFactory(name=f"Probe organisation {n:02d}")
        PersonFactory(organisation=org)
        PersonFactory(organisation=org)
        membership_grant(actor=None, user=user, role=Role.NGO_MEMBER, scope=org)
    fifty = count_queries(client, DASHBOARD)
    page = dashboard(client, user)
    assert "Probe organisation 48" in page
    assert "2 people named to enter prisons." in page
    assert fifty == one
