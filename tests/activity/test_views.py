"""The notification centre, preferences, the audit trail and the language switch."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activity.models import AuditEntry, DeniedAccess, Notification, NotificationPreference
from activity.services import audit_record
from directory import services
from tests.conftest import login
from tests.factories import NotificationFactory, UserFactory
from tests.support.denied import attempts, refusals
from tests.support.pages import assert_login_redirect, count_queries, csrf_token, text

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"activity:{name}", args=args)


def is_checked(page: str, value: str) -> bool:
    return bool(re.search(rf'<input type="radio"[^>]*value="{value}"[^>]*checked', page))


@pytest.fixture
def inbox(ngo_admin, outsider):
    """Two unread notifications for John, one for someone else."""
    return {
        "signature": NotificationFactory(
            recipient=ngo_admin, subject="Your MoU awaits signature", url="/organisations/"
        ),
        "visit": NotificationFactory(recipient=ngo_admin, subject="Visit tomorrow"),
        "foreign": NotificationFactory(recipient=outsider, subject="Report due for Legal Aid"),
    }


# Anonymous --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "needs_pk"),
    [
        ("get", "notification_list", False),
        ("post", "notification_read", True),
        ("post", "notification_read_all", False),
        ("get", "preferences", False),
        ("post", "preferences", False),
        ("get", "audit_list", False),
    ],
)
def test_anonymous_visitor_is_sent_to_log_in(client, db, method, name, needs_pk):
    notification = NotificationFactory()
    path = url(name, notification.pk) if needs_pk else url(name)
    assert_login_redirect(getattr(client, method)(path), path)
    notification.refresh_from_db()
    assert notification.read_at is None


# Notification list ------------------------------------------------------------------------------


def test_user_sees_only_their_own_notifications(client, inbox, ngo_admin):
    response = login(client, ngo_admin).get(url("notification_list"))
    assert response.status_code == 200
    page = text(response)
    assert "Your MoU awaits signature" in page
    assert "Visit tomorrow" in page
    assert "Report due for Legal Aid" not in page


def test_unread_filter_hides_read_notifications(client, inbox, ngo_admin):
    Notification.objects.filter(pk=inbox["visit"].pk).update(read_at=timezone.now())
    page = text(login(client, ngo_admin).get(url("notification_list"), {"unread": "true"}))
    assert "Your MoU awaits signature" in page
    assert "Visit tomorrow" not in page


def test_user_without_notifications_is_told_so(client, world, ngo_member):
    page = text(login(client, ngo_member).get(url("notification_list")))
    assert "You have no notifications." in page


def test_notification_list_makes_the_same_queries_for_one_row_and_fifty(client, world, ngo_admin):
    NotificationFactory(recipient=ngo_admin, subject="Probe 00", url="/organisations/")
    login(client, ngo_admin)
    path = url("notification_list")
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        NotificationFactory(recipient=ngo_admin, subject=f"Probe {n:02d}", url="/organisations/")
    fifty = count_queries(client, path)
    assert "Probe 49" in text(client.get(path))
    assert fifty == one


# Marking as read --------------------------------------------------------------------------------


def test_marking_a_notification_read(client, inbox, ngo_admin):
    notification = inbox["visit"]
    response = login(client, ngo_admin).post(url("notification_read", notification.pk))
    assert response.status_code == 302
    assert response["Location"] == url("notification_list")
    notification.refresh_from_db()
    assert notification.read_at is not None
    inbox["signature"].refresh_from_db()
    assert inbox["signature"].read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, inbox, ngo_admin):
    notification = inbox["signature"]
    response = login(client, ngo_admin).post(
        url("notification_read", notification.pk), {"open": "1"}
    )
    assert response["Location"] == "/organisations/"
    notification.refresh_from_db()
    assert notification.is_read


def test_marking_read_returns_to_the_page_it_came_from(client, inbox, ngo_admin):
    response = login(client, ngo_admin).post(
        url("notification_read", inbox["visit"].pk), {"next": "/notifications/?unread=true"}
    )
    assert response["Location"] == "/notifications/?unread=true"


def test_marking_read_never_redirects_to_another_site(client, inbox, ngo_admin):
    response = login(client, ngo_admin).post(
        url("notification_read", inbox["visit"].pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == url("notification_list")


def test_marking_another_users_notification_is_not_found(client, inbox, ngo_admin):
    foreign = inbox["foreign"]
    response = login(client, ngo_admin).post(url("notification_read", foreign.pk))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None
    refusal = refusals(ngo_admin, "notification.view").get()
    assert refusal.object_id == str(foreign.pk)


def test_marking_read_by_get_is_not_allowed(client, inbox, ngo_admin):
    response = login(client, ngo_admin).get(url("notification_read", inbox["visit"].pk))
    assert response.status_code == 405
    inbox["visit"].refresh_from_db()
    assert inbox["visit"].read_at is None


def test_marking_all_read_touches_only_the_users_own(client, inbox, ngo_admin):
    response = login(client, ngo_admin).post(url("notification_read_all"), follow=True)
    assert response.redirect_chain == [(url("notification_list"), 302)]
    assert "2 notifications marked as read." in text(response)
    assert not Notification.objects.filter(recipient=ngo_admin, read_at__isnull=True).exists()
    inbox["foreign"].refresh_from_db()
    assert inbox["foreign"].read_at is None


def test_marking_all_read_by_get_is_not_allowed(client, inbox, ngo_admin):
    assert login(client, ngo_admin).get(url("notification_read_all")).status_code == 405
    assert Notification.objects.filter(recipient=ngo_admin, read_at__isnull=True).count() == 2


def test_marking_all_read_needs_the_csrf_token(inbox, ngo_admin):
    client = login(Client(enforce_csrf_checks=True), ngo_admin)
    assert client.post(url("notification_read_all")).status_code == 403
    assert Notification.objects.filter(recipient=ngo_admin, read_at__isnull=True).count() == 2
    token = csrf_token(client.get(url("notification_list")))
    response = client.post(url("notification_read_all"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=ngo_admin, read_at__isnull=True).exists()


# Preferences ------------------------------------------------------------------------------------


def test_preferences_show_the_delivery_choices(client, world, ngo_admin):
    response = login(client, ngo_admin).get(url("preferences"))
    assert response.status_code == 200
    page = text(response)
    assert "Immediately, one e-mail per notification" in page
    assert "Once a day, in a digest e-mail" in page


def test_opening_the_preferences_stores_nothing(client, world, ngo_admin):
    login(client, ngo_admin).get(url("preferences"))
    assert not NotificationPreference.objects.filter(user=ngo_admin).exists()


def test_saving_preferences_stores_delivery_and_language(client, world, ngo_admin):
    response = login(client, ngo_admin).post(
        url("preferences"), {"delivery": "digest", "language": "es"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("preferences")
    assert response.cookies["django_language"].value == "es"
    pref = NotificationPreference.objects.get(user=ngo_admin)
    assert (pref.delivery, pref.language) == ("digest", "es")
    entry = AuditEntry.objects.get(action="notification_preference.updated")
    assert entry.actor == ngo_admin
    assert entry.changes == {
        # No language chosen yet: pages followed the browser until now.
        "before": {"delivery": "immediate", "language": "", "time_zone": ""},
        "after": {"delivery": "digest", "language": "es", "time_zone": ""},
    }


def test_saved_preferences_are_shown_next_time(client, world, ngo_admin):
    NotificationPreference.objects.create(user=ngo_admin, delivery="digest")
    page = text(login(client, ngo_admin).get(url("preferences")))
    assert is_checked(page, "digest")
    assert not is_checked(page, "immediate")


def test_invalid_preferences_keep_what_was_chosen_and_say_what_is_wrong(client, world, ngo_admin):
    response = login(client, ngo_admin).post(
        url("preferences"), {"delivery": "digest", "language": "xx"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Select a valid choice. xx is not one of the available choices." in page
    assert is_checked(page, "digest")
    assert not is_checked(page, "immediate")
    assert not NotificationPreference.objects.filter(user=ngo_admin, delivery="digest").exists()
    assert not AuditEntry.objects.filter(action="notification_preference.updated").exists()


# Audit trail ------------------------------------------------------------------------------------


def test_director_reads_the_audit_trail(client, world, director, outsider):
    login(Client(), outsider).get(reverse("directory:facility_detail", args=[world.facility.pk]))
    response = login(client, director).get(url("audit_list"))
    assert response.status_code == 200
    page = text(response)
    assert "The system gave a role: martha – Director – State A Prison System" in page
    assert "Refused access" in page
    assert "lucia was refused “facility.view” once (Central Penitentiary)" in page


def test_audit_trail_filters_by_kind_of_action(client, world, director, outsider):
    services.facility_update(
        actor=director, facility=world.facility, data={"name": "Central Prison"}
    )
    login(client, director)
    page = text(client.get(url("audit_list"), {"action": "facility.updated"}))
    assert "changed the details of Central Prison" in page
    assert "gave a role" not in page
    page = text(client.get(url("audit_list"), {"action": "membership.granted"}))
    assert "changed the details of Central Prison" not in page
    assert "gave a role" in page


@pytest.mark.parametrize(
    "persona",
    ["reviewer", "coordinator", "facility_officer", "gate_officer", "ngo_admin", "monitor"],
)
def test_others_may_not_read_the_audit_trail(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("audit_list"))
    assert response.status_code == 403
    page = text(response)
    assert "Only directors can read the audit trail." in page
    assert "membership.granted" not in page
    assert attempts(user, "audit.view") == 1


def test_audit_trail_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    facility, org = world.facility, world.organisation
    john = org.people.get()

    def record(n: int) -> None:
        actor = UserFactory.create(
            username=f"probe-actor-{n:02d}", first_name="Probe", last_name=f"{n}"
        )
        audit_record(
            actor=actor,
            action="mechanism.members_changed",
            target=facility,
            changes={"name": [f"Before {n}", f"After {n}"], "members": [john.pk]},
        )
        DeniedAccess.objects.create(
            actor=actor,
            action="facility.view",
            reason="not visible to this user",
            administration=world.administration,
            minute=timezone.now(),
            first_seen=timezone.now(),
            last_seen=timezone.now(),
        )

    record(0)
    login(client, director)
    path = url("audit_list") + "?person=probe"
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        record(n)
    fifty = count_queries(client, path)
    page = text(client.get(path))
    assert "Probe 49 changed the members of Central Penitentiary" in page
    assert "name: Before 49 → After 49" in page
    assert "members: John Representative" in page
    assert fifty == one


# Language ---------------------------------------------------------------------------------------


def test_switching_to_spanish_sets_the_language_cookie(client, world, ngo_admin):
    response = login(client, ngo_admin).post(url("language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "es"


def test_anonymous_visitor_can_switch_language_on_the_login_page(client, db):
    response = client.post(url("language"), {"language": "es", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "es"
    assert not NotificationPreference.objects.exists()


def test_the_header_switch_posts_to_the_switch_that_saves_the_choice(client, world, ngo_admin):
    page = text(login(client, ngo_admin).get("/"))
    assert f'action="{url("language")}"' in page
    for code in ("en", "es", "ru", "ar"):
        assert f'<option value="{code}"' in page


@pytest.mark.parametrize("language", ["ru", "ar", "es"])
def test_switching_language_saves_it_in_the_users_preferences(client, world, ngo_admin, language):
    login(client, ngo_admin).post(url("language"), {"language": language, "next": "/"})
    assert NotificationPreference.objects.get(user=ngo_admin).language == language
    entry = AuditEntry.objects.get(action="notification_preference.updated")
    assert entry.changes == {"before": {"language": ""}, "after": {"language": language}}


def test_an_unknown_language_is_not_saved(client, world, ngo_admin):
    login(client, ngo_admin).post(url("language"), {"language": "xx", "next": "/"})
    assert not NotificationPreference.objects.filter(user=ngo_admin).exclude(language="").exists()


def test_the_saved_language_wins_over_cookie_and_browser(client, world, ngo_admin):
    NotificationPreference.objects.create(user=ngo_admin, language="ar")
    login(client, ngo_admin)
    client.cookies["django_language"] = "es"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ar" dir="rtl">' in text(response)
    assert response["Content-Language"] == "ar"


def test_without_a_saved_language_pages_follow_the_cookie(client, world, ngo_admin):
    login(client, ngo_admin)
    client.cookies["django_language"] = "ru"
    assert '<html lang="ru" dir="ltr">' in text(client.get("/", HTTP_ACCEPT_LANGUAGE="es"))


def test_anonymous_pages_follow_the_browser(client, db):
    page = text(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar"))
    assert '<html lang="ar" dir="rtl">' in page


def test_logging_in_keeps_the_language_of_the_login_page(client, world, ngo_admin, password):
    client.cookies["django_language"] = "ru"
    response = client.post(reverse("login"), {"username": ngo_admin.username, "password": password})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=ngo_admin).language == "ru"
    assert response.cookies["django_language"].value == "ru"


def test_logging_in_brings_back_the_saved_language(client, world, ngo_admin, password):
    NotificationPreference.objects.create(user=ngo_admin, language="ar")
    client.cookies["django_language"] = "es"
    response = client.post(reverse("login"), {"username": ngo_admin.username, "password": password})
    assert NotificationPreference.objects.get(user=ngo_admin).language == "ar"
    # After logging out, the login page is still in the user's language.
    assert response.cookies["django_language"].value == "ar"


def test_preferences_propose_the_language_being_read(client, world, ngo_admin):
    login(client, ngo_admin)
    client.cookies["django_language"] = "ru"
    page = text(client.get(url("preferences")))
    assert re.search(r'<option value="ru"[^>]*selected', page)
    assert not NotificationPreference.objects.exists()


# Unread only ------------------------------------------------------------------------------------


def test_unread_only_is_a_checkbox(client, inbox, ngo_admin):
    page = text(login(client, ngo_admin).get(url("notification_list")))
    assert re.search(r'<input type="checkbox" name="unread"', page)
    assert '<select name="unread"' not in page


def test_unticked_unread_only_shows_read_and_unread(client, inbox, ngo_admin):
    Notification.objects.filter(pk=inbox["visit"].pk).update(read_at=timezone.now())
    # What the browser sends for the filter form with the box left unticked.
    page = text(login(client, ngo_admin).get(url("notification_list"), {}))
    assert "Your MoU awaits signature" in page
    assert "Visit tomorrow" in page


def test_ticked_unread_only_as_a_browser_sends_it(client, inbox, ngo_admin):
    Notification.objects.filter(pk=inbox["visit"].pk).update(read_at=timezone.now())
    page = text(login(client, ngo_admin).get(url("notification_list"), {"unread": "on"}))
    assert "Your MoU awaits signature" in page
    assert "Visit tomorrow" not in page
    assert re.search(r'<input type="checkbox" name="unread"[^>]*checked', page)
