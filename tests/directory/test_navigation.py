"""The main menu: each role's links, in the reader's language, drawn once and kept."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from activity.models import NotificationPreference
from directory import navigation
from tests.conftest import login
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def menu_links(client: Client, path: str = "/") -> list[tuple[str, str]]:
    response = client.get(path)
    assert response.status_code == 200
    nav = re.search(r"<nav aria-label=\"[^\"]+\">(.*?)</nav>", response.content.decode(), re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)">([^<]+)', nav[1])


@pytest.fixture(autouse=True)
def _fresh_menus():
    navigation._drawn.cache_clear()


def test_each_role_is_offered_its_own_lists(
    client, director, reviewer, gate_officer, ngo_admin, responsible_official
):
    offered = {}
    for name, user in [
        ("director", director),
        ("reviewer", reviewer),
        ("gate", gate_officer),
        ("ngo", ngo_admin),
        ("official", responsible_official),
    ]:
        login(client, user)
        offered[name] = {url for url, _label in menu_links(client)}
    audit, vetting = reverse("activity:audit_list"), reverse("accreditation:clearance_list")
    reviews, manifest = reverse("accreditation:review_list"), reverse("visits:gate")
    applications = reverse("accreditation:application_list")
    actions = reverse("recommendations:action_list")
    notifications = reverse("activity:notification_list")
    assert {audit, vetting, applications, actions} <= offered["director"]
    assert reviews not in offered["director"] and manifest not in offered["director"]
    assert reviews in offered["reviewer"]
    assert not {audit, vetting, applications, actions} & offered["reviewer"]
    assert manifest in offered["gate"]
    assert not {audit, applications, reviews} & offered["gate"]
    assert {applications, actions} <= offered["ngo"]
    assert not {audit, vetting, manifest} & offered["ngo"]
    assert actions in offered["official"] and applications not in offered["official"]
    # Everyone signed in reaches the dashboard and their notifications.
    for links in offered.values():
        assert {reverse("dashboard"), notifications} <= links


def test_the_public_is_offered_the_public_pages_only(client, director):
    offered = [url for url, _label in menu_links(client, reverse("accreditation:public_register"))]
    assert offered == [
        reverse("accreditation:public_criteria"),
        reverse("accreditation:public_register"),
        reverse("recommendations:public_list"),
        reverse("accreditation:verify"),
        reverse("agreements:verify"),
    ]


def test_the_menu_is_in_the_readers_language_whoever_read_it_first(client, director, coordinator):
    NotificationPreference.objects.update_or_create(user=coordinator, defaults={"language": "es"})
    login(client, director)
    english = dict(menu_links(client))
    login(client, coordinator)
    spanish = dict(menu_links(client))
    vetting = reverse("accreditation:clearance_list")
    assert (english[vetting], english[reverse("dashboard")]) == ("Vetting", "Dashboard")
    assert (spanish[vetting], spanish[reverse("dashboard")]) == (
        "Verificación de personas",
        "Panel principal",
    )
    # And back: the director's menu is still in English.
    login(client, director)
    assert dict(menu_links(client)) == english


def test_the_menu_is_drawn_once_for_a_set_of_roles_and_a_language(client, director, gate_officer):
    login(client, director)
    first = client.get("/")
    again = client.get(reverse("activity:notification_list"))
    assert "directory/menu.html" in [t.name for t in first.templates]
    assert "directory/menu.html" not in [t.name for t in again.templates]
    # Other roles: a menu of their own, drawn for them.
    login(client, gate_officer)
    theirs = client.get("/")
    assert "directory/menu.html" in [t.name for t in theirs.templates]
    assert reverse("activity:audit_list") not in theirs.content.decode()


def test_the_unread_count_stays_the_readers_own(client, director, coordinator):
    NotificationFactory(recipient=director, subject="For the director")
    NotificationFactory(recipient=director, subject="For the director too")
    notifications = reverse("activity:notification_list")
    login(client, director)
    links = dict(menu_links(client))
    assert links[notifications] == "Notifications "  # the badge follows: two unread
    assert 'Notifications <span class="badge">2<' in client.get("/").content.decode()
    login(client, coordinator)
    assert dict(menu_links(client))[notifications] == "Notifications"
