"""Two-factor sign-in: who must enrol, the code step, recovery codes, throttling, step-up, and
the limits of a session."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.models import AuditEntry
from directory import twofactor
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.support.pages import text

# Declared for the module: tests that ask for their personas by name would otherwise run after the
# tests that commit and empty the tables (pytest-django orders by the fixtures it can see).
pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
LOGIN = reverse("login")
CODE_PAGE = reverse("directory:second_factor")
ENROL = reverse("directory:two_factor_enrol")
ACCOUNT = reverse("directory:account")
STEP_UP = reverse("directory:step_up")
RENEW = reverse("directory:recovery_codes_renew")
TURN_OFF = reverse("directory:two_factor_disable")


def code_for(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """The user has set up an authenticator app (through the service) and kept their codes."""
    key = "3132333435363738393031323334353637383930"
    device, codes = twofactor.two_factor_enrol(
        actor=user, key_hex=key, code=f"{totp(bytes.fromhex(key)):06d}"
    )
    # The confirming code was used in this time step; let the next sign-in use this one.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 1)
    return device, codes


def password_step(client: Client, user, password: str = PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password})


def follow_target(response) -> str:
    assert response.status_code == 302
    return response["Location"]


@pytest.fixture
def site_admin(db):
    return UserFactory.create(username="admin", is_staff=True, is_superuser=True)


# Who must enrol ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "director",
        "reviewer",
        "coordinator",
        "responsible_official",
        "facility_officer",
        "gate_officer",
        "site_admin",
    ],
)
def test_staff_without_an_authenticator_are_sent_to_enrol_and_kept_there(client, request, persona):
    user = request.getfixturevalue(persona)

    assert follow_target(password_step(client, user)) == DASHBOARD

    for path in [DASHBOARD, reverse("directory:organisation_list"), ACCOUNT, "/admin/"]:
        response = client.get(path)
        assert follow_target(response).startswith(f"{ENROL}?next=")
    page = text(client.get(ENROL))
    assert "Your role requires a second step when you sign in" in page


@pytest.mark.parametrize("persona", ["ngo_admin", "ngo_member", "monitor"])
def test_organisation_people_sign_in_with_the_password_only_unless_they_enrol(
    client, request, persona
):
    user = request.getfixturevalue(persona)

    password_step(client, user)

    assert client.get(DASHBOARD).status_code == 200
    page = text(client.get(ACCOUNT))
    assert "Off: you sign in with your password only." in page
    assert "Set up two-factor sign-in" in page


def test_a_rule_registered_by_a_later_app_makes_signatories_enrol(client, ngo_admin):
    def signs_agreements(user) -> bool:
        return user.username == "john"

    twofactor.register_requirement(signs_agreements)
    try:
        password_step(client, ngo_admin)
        assert follow_target(client.get(DASHBOARD)).startswith(ENROL)
    finally:
        twofactor.unregister_requirement(signs_agreements)


def test_a_user_who_has_not_passed_the_code_can_still_log_out(client, director):
    enrolled(director)
    password_step(client, director)

    response = client.post(reverse("logout"))

    assert follow_target(response) == LOGIN
    assert follow_target(client.get(DASHBOARD)).startswith(f"{LOGIN}?next=")


# Enrolment --------------------------------------------------------------------------------------


def test_enrolment_shows_a_local_qr_code_and_the_secret_and_a_code_confirms_it(client, director):
    password_step(client, director)

    page = text(client.get(ENROL))
    key = client.session[twofactor.PENDING_KEY_SESSION_KEY]
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml', page)
    assert twofactor.secret_text(key) in page
    assert "http" not in re.search(r'src="(data:[^"]+)"', page).group(1)[:40]

    response = client.post(ENROL, {"code": f"{totp(bytes.fromhex(key)):06d}", "next": "/"})

    page = text(response)
    assert "Your recovery codes" in page
    assert "They are shown only now." in page
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert TOTPDevice.objects.get(user=director).key == key
    assert client.get(DASHBOARD).status_code == 200
    assert AuditEntry.objects.filter(action="user.two_factor_enrolled", actor=director).exists()


def test_a_wrong_enrolment_code_is_refused_and_nothing_is_enrolled(client, director):
    password_step(client, director)
    client.get(ENROL)

    response = client.post(ENROL, {"code": "000000"})

    assert response.status_code == 200
    assert "That code does not match." in text(response)
    assert not TOTPDevice.objects.filter(user=director).exists()
    assert follow_target(client.get(DASHBOARD)).startswith(ENROL)


def test_an_organisation_member_enrols_from_their_account_page_and_then_needs_a_code(
    client, ngo_member
):
    login(client, ngo_member)
    TOTPDevice.objects.filter(user=ngo_member).delete()
    client.get(ENROL)
    key = client.session[twofactor.PENDING_KEY_SESSION_KEY]
    client.post(ENROL, {"code": f"{totp(bytes.fromhex(key)):06d}"})
    client.post(reverse("logout"))

    password_step(client, ngo_member)

    assert follow_target(client.get(DASHBOARD)).startswith(f"{CODE_PAGE}?next=")


# The code step ---------------------------------------------------------------------------------


def test_a_valid_code_admits_the_user_to_the_page_they_asked_for(client, director):
    device, _codes = enrolled(director)
    password_step(client, director)
    path = reverse("directory:organisation_list")

    target = follow_target(client.get(path))
    assert target == f"{CODE_PAGE}?next={path.replace('/', '%2F')}"
    assert "Open the authenticator app on your phone" in text(client.get(target))
    response = client.post(CODE_PAGE, {"code": code_for(device), "next": path})

    assert follow_target(response) == path
    assert client.get(path).status_code == 200
    entry = AuditEntry.objects.get(action="user.second_factor_passed")
    assert entry.actor == director
    assert entry.changes == {"purpose": "sign-in", "with": "authenticator"}


def test_a_code_works_only_once(client, director):
    device, _codes = enrolled(director)
    code = code_for(device)
    password_step(client, director)
    client.post(CODE_PAGE, {"code": code})
    client.post(reverse("logout"))

    password_step(client, director)
    response = client.post(CODE_PAGE, {"code": code})

    assert response.status_code == 200
    assert "That code has been used already. Wait for the next one." in text(response)
    assert follow_target(client.get(DASHBOARD)).startswith(CODE_PAGE)


def test_wrong_codes_are_throttled_with_a_clear_message(client, director):
    device, _codes = enrolled(director)
    password_step(client, director)

    wrong = client.post(CODE_PAGE, {"code": "000000" if code_for(device) != "000000" else "1"})
    assert "That code is not valid." in text(wrong)
    right_too_soon = client.post(CODE_PAGE, {"code": code_for(device)})

    assert "Too many wrong codes. Wait 1 second before trying again." in text(right_too_soon)
    assert follow_target(client.get(DASHBOARD)).startswith(CODE_PAGE)
    failures = AuditEntry.objects.filter(action="user.second_factor_failed", actor=director)
    assert failures.count() == 2
    assert failures.order_by("seq").last().changes["reason"].startswith("Too many wrong codes.")

    # Once the wait is over, the right code is accepted.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert follow_target(client.post(CODE_PAGE, {"code": code_for(device)})) == DASHBOARD


def test_the_wait_doubles_with_each_wrong_code(client, director):
    device, _codes = enrolled(director)
    password_step(client, director)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )

    response = client.post(CODE_PAGE, {"code": code_for(device)})

    assert "Wait 4 seconds before trying again." in text(response)


def test_a_recovery_code_signs_in_once(client, director):
    _device, codes = enrolled(director)
    password_step(client, director)

    response = client.post(CODE_PAGE, {"code": codes[0].upper()})

    assert follow_target(response) == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert AuditEntry.objects.get(action="user.second_factor_passed").changes == {
        "purpose": "sign-in",
        "with": "recovery code",
    }
    client.post(reverse("logout"))
    password_step(client, director)
    again = client.post(CODE_PAGE, {"code": codes[0]})
    assert "That code is not valid." in text(again)
    assert StaticToken.objects.filter(device__user=director).count() == 9


def test_password_reset_does_not_skip_the_code(client, director):
    device, _codes = enrolled(director)
    client.post(reverse("password_reset"), {"email": director.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = follow_target(client.get(link))
    new_password = "a brand new passphrase 2024"

    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    assert follow_target(done) == reverse("password_reset_complete")
    assert follow_target(client.get(DASHBOARD)).startswith(f"{LOGIN}?next=")
    password_step(client, director, new_password)
    assert follow_target(client.get(DASHBOARD)).startswith(CODE_PAGE)
    assert follow_target(client.post(CODE_PAGE, {"code": code_for(device)})) == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_the_demo_accounts_see_their_current_code_and_no_one_else_does(client, director, reviewer):
    TOTPDevice.objects.create(user=director, key=twofactor.DEMO_KEY_HEX, confirmed=True)
    enrolled(reviewer)

    password_step(client, director)
    demo_page = text(client.get(CODE_PAGE))
    client.post(reverse("logout"))
    password_step(client, reviewer)
    other_page = text(client.get(CODE_PAGE))

    device = TOTPDevice.objects.get(user=director)
    assert re.search(r"Demo account: the current code is (\d{6})", demo_page).group(1) in {
        code_for(device),
        f"{totp(device.bin_key, drift=-1):06d}",
    }
    assert "Demo account" not in other_page


def test_production_settings_refuse_the_demo_hint():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "partnerships.example.org",
        "TWO_FACTOR_DEMO_HINT": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "TWO_FACTOR_DEMO_HINT is for the demo" in result.stderr


# Audit of sign-in ------------------------------------------------------------------------------


def test_password_successes_and_failures_are_audited(client, director):
    password_step(client, director, "not the password")
    password_step(client, director)

    failed = AuditEntry.objects.get(action="user.login_failed")
    assert failed.actor is None
    assert failed.changes == {"username": "martha"}
    assert failed.ip_address == "127.0.0.1"
    logged_in = AuditEntry.objects.get(action="user.logged_in")
    assert logged_in.actor == director
    assert logged_in.changes == {"second_factor": "not enrolled"}


# Sessions -------------------------------------------------------------------------------------


def test_the_session_key_changes_at_login_and_again_after_the_code(client, director):
    device, _codes = enrolled(director)
    client.get(LOGIN)
    session = client.session
    session["language_chosen"] = "en"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    password_step(client, director)
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(CODE_PAGE, {"code": code_for(device)})
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert len({before, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key__in=[before, after_password]).exists()
    assert client.get(DASHBOARD).status_code == 200


def test_a_session_ends_after_30_minutes_without_a_request(client, director, monkeypatch):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60
    login(client, director)
    start = timezone.now()

    def at(minutes: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=minutes))

    at(29)
    assert client.get(DASHBOARD).status_code == 200
    at(58)  # 29 minutes after the last request: still alive, the expiry moves on
    assert client.get(DASHBOARD).status_code == 200
    at(89)  # 31 minutes after the last request
    assert follow_target(client.get(DASHBOARD)).startswith(f"{LOGIN}?next=")


def test_a_session_is_written_once_a_minute_not_on_every_page(client, director, monkeypatch):
    login(client, director)
    start = timezone.now()

    def session_writes_at(seconds: int) -> int:
        monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=seconds))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

    assert session_writes_at(1) == 1  # the first page after login moves the expiry on
    assert session_writes_at(30) == 0
    assert session_writes_at(59) == 0
    assert session_writes_at(61) == 1
    assert session_writes_at(62) == 0
    assert Session.objects.get().expire_date == start + timedelta(seconds=61, minutes=30)


def test_a_session_ends_12_hours_after_login_however_active(client, director):
    login(client, director)
    assert client.get(DASHBOARD).status_code == 200
    session = client.session
    session[twofactor.LOGIN_AT_SESSION_KEY] -= 12 * 3600 + 1
    session.save()

    response = client.get(DASHBOARD)

    assert follow_target(response) == f"{LOGIN}?next=%2F"
    assert follow_target(client.get(DASHBOARD)).startswith(f"{LOGIN}?next=")
    assert "Your session has ended. Please log in again." in text(client.get(LOGIN))


def test_a_session_under_12_hours_old_goes_on(client, director):
    login(client, director)
    session = client.session
    session[twofactor.LOGIN_AT_SESSION_KEY] -= 12 * 3600 - 60
    session.save()

    assert client.get(DASHBOARD).status_code == 200


def test_deactivating_a_user_ends_their_session_for_good(client, director):
    login(client, director)
    assert client.get(DASHBOARD).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    get_user_model().objects.filter(pk=director.pk).update(is_active=False)
    response = client.get(DASHBOARD)

    assert follow_target(response).startswith(f"{LOGIN}?next=")
    assert not Session.objects.filter(session_key=key).exists()
    get_user_model().objects.filter(pk=director.pk).update(is_active=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert follow_target(client.get(DASHBOARD)).startswith(f"{LOGIN}?next=")


# Step-up and the account page ----------------------------------------------------------------


def test_new_recovery_codes_need_the_password_and_a_code_again(client, director):
    device, old_codes = enrolled(director)
    login(client, director)

    target = follow_target(client.get(RENEW))
    assert target == f"{STEP_UP}?next={RENEW.replace('/', '%2F')}"
    assert follow_target(client.post(RENEW)).startswith(STEP_UP)
    page = text(client.get(target))
    assert "Confirm it is you" in page
    assert "Code from your authenticator app" in page

    wrong = client.post(target, {"password": "not it", "code": code_for(device)})
    assert "That password is not right." in text(wrong)
    no_code = client.post(target, {"password": PASSWORD, "code": ""})
    assert "This field is required." in text(no_code)
    right = client.post(target, {"password": PASSWORD, "code": code_for(device), "next": RENEW})
    assert follow_target(right) == RENEW

    assert "Your current recovery codes will stop working." in text(client.get(RENEW))
    page = text(client.post(RENEW))
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new_codes) == 10
    assert not StaticToken.objects.filter(token__in=old_codes).exists()
    assert AuditEntry.objects.filter(action="user.stepped_up", actor=director).count() == 1
    assert AuditEntry.objects.filter(action="user.recovery_codes_renewed").count() == 1


def test_a_step_up_lasts_a_few_minutes(client, director):
    device, _codes = enrolled(director)
    login(client, director)
    client.post(STEP_UP, {"password": PASSWORD, "code": code_for(device)})
    assert client.get(RENEW).status_code == 200
    assert settings.STEP_UP_SECONDS == 5 * 60

    session = client.session
    session[twofactor.STEP_UP_SESSION_KEY] -= settings.STEP_UP_SECONDS
    session.save()

    assert follow_target(client.get(RENEW)).startswith(STEP_UP)


def test_step_up_without_an_authenticator_asks_for_the_password_only(client, ngo_admin):
    login(client, ngo_admin)
    TOTPDevice.objects.filter(user=ngo_admin).delete()

    page = text(client.get(f"{STEP_UP}?next={ACCOUNT}"))
    response = client.post(STEP_UP, {"password": PASSWORD, "next": ACCOUNT})

    assert "Code from your authenticator app" not in page
    assert follow_target(response) == ACCOUNT
    assert twofactor.STEP_UP_SESSION_KEY in client.session


def test_step_up_sends_elsewhere_only_within_the_site(client, ngo_admin):
    login(client, ngo_admin)
    TOTPDevice.objects.filter(user=ngo_admin).delete()

    response = client.post(STEP_UP, {"password": PASSWORD, "next": "https://evil.example/"})

    assert follow_target(response) == DASHBOARD


def test_an_organisation_member_may_turn_two_factor_off_and_staff_may_not(
    client, ngo_member, director
):
    device, _codes = enrolled(ngo_member)
    login(client, ngo_member)
    client.post(STEP_UP, {"password": PASSWORD, "code": code_for(device)})
    assert "Turn off two-factor sign-in" in text(client.get(ACCOUNT))
    client.post(TURN_OFF)
    assert not TOTPDevice.objects.filter(user=ngo_member).exists()
    assert "Off: you sign in with your password only." in text(client.get(ACCOUNT))

    staff = Client()
    staff_device, _codes = enrolled(director)
    login(staff, director)
    staff.post(STEP_UP, {"password": PASSWORD, "code": code_for(staff_device)})
    assert "Turn off two-factor sign-in" not in text(staff.get(ACCOUNT))
    refused = staff.post(TURN_OFF, follow=True)
    assert "Your role requires two-factor sign-in" in text(refused)
    assert TOTPDevice.objects.filter(user=director).exists()


def test_moving_to_a_new_authenticator_needs_a_step_up(client, director):
    enrolled(director)
    login(client, director)

    assert follow_target(client.get(ENROL)).startswith(STEP_UP)


@pytest.mark.parametrize("path", [ACCOUNT, CODE_PAGE, ENROL, STEP_UP, RENEW, TURN_OFF])
def test_anonymous_visitors_are_sent_to_log_in(client, db, path):
    assert follow_target(client.get(path)).startswith(f"{LOGIN}?next=")
