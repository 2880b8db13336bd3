"""Fixtures every test package shares: the world of one administration, the personas (the
people whose view of the system the tests take) and an accreditation application at each step of
its way.

Each persona is a user with one membership granted through the service, so that the object
permissions are the ones real users get.
"""

from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accreditation.models import Accreditation, Application, Decision, Framework
from activity.pdf import StaticFilesFetcher
from activity.typing import User
from config.celery import app as celery_app
from directory.models import Administration, Facility, Organisation, Role
from tests.support.catalogue import ensure_activity_types

from .accreditation.factories import (
    complete_application,
    decide,
    framework_in_force,
    scored,
    submitted,
    under_review,
)
from .factories import (
    PASSWORD,
    AdministrationFactory,
    AreaFactory,
    FacilityFactory,
    OrganisationFactory,
    PersonFactory,
    staff,
)


def pytest_configure(config):
    from django.db import connection

    if connection.vendor != "postgresql":
        raise pytest.UsageError(
            "The tests run against PostgreSQL: set DATABASE_URL (make test does it for you)."
        )
    # Django's default PBKDF2 costs about half a second per test user on the 2-core machine;
    # the tests check who may do what, not the strength of the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Figures are computed afresh on each page, so that a test sees what it just changed.
    settings.RECOMMENDATIONS_DASHBOARD_SECONDS = 0
    settings.PUBLIC_STATISTICS_SECONDS = 0


@pytest.fixture(autouse=True)
def _activity_types(request):
    """Every test that reads the database finds the seeded activity catalogue (see
    ``tests.support.catalogue``); inside the test's transaction, so it costs one query."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    ensure_activity_types()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Outside the worker tests, tasks run in the test process when enqueued."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in another language leaves that language active in the test's thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    administration: Administration
    facility: Facility
    other_facility: Facility
    organisation: Organisation
    other_organisation: Organisation


@pytest.fixture
def world(db) -> World:
    administration = AdministrationFactory.create(name="State A Prison System")
    facility = FacilityFactory.create(administration=administration, name="Central Penitentiary")
    other_facility = FacilityFactory.create(administration=administration, name="Women's Centre")
    AreaFactory(facility=facility, name="Education wing")
    AreaFactory(facility=other_facility, name="Handcraft workshop")
    organisation = OrganisationFactory.create(name="Local Human Rights Centre")
    other_organisation = OrganisationFactory.create(name="Legal Aid Clinic")
    PersonFactory(organisation=organisation, full_name="John Representative")
    PersonFactory(organisation=other_organisation, full_name="Lucía Lawyer")
    return World(administration, facility, other_facility, organisation, other_organisation)


@pytest.fixture
def director(world):
    return staff("martha", Role.DIRECTOR, world.administration)


@pytest.fixture
def second_director(world):
    """Another director of the same administration (``other_director`` is another one's)."""
    return staff("diego", Role.DIRECTOR, world.administration)


@pytest.fixture
def reviewer(world):
    return staff("rita", Role.REVIEWER, world.administration)


@pytest.fixture
def second_reviewer(world):
    return staff("raul", Role.REVIEWER, world.administration)


@pytest.fixture
def coordinator(world):
    return staff("carla", Role.COORDINATOR, world.administration)


@pytest.fixture
def facility_officer(world):
    return staff("fiona", Role.FACILITY_OFFICER, world.facility)


@pytest.fixture
def gate_officer(world):
    return staff("gabriel", Role.GATE_OFFICER, world.facility)


@pytest.fixture
def ngo_admin(world):
    return staff("john", Role.NGO_ADMIN, world.organisation)


@pytest.fixture
def ngo_member(world):
    return staff("maria", Role.NGO_MEMBER, world.organisation)


@pytest.fixture
def outsider(world):
    """An administrator of another organisation."""
    return staff("lucia", Role.NGO_ADMIN, world.other_organisation)


@pytest.fixture
def monitor(world):
    npm = OrganisationFactory(name="National Preventive Mechanism", kind=Organisation.Kind.NPM)
    return staff("mario", Role.MONITOR, npm)


@pytest.fixture
def other_administration(world) -> Administration:
    """A second administration in the same deployment, as the Kurdistan Region's beside the
    federal prison service: it must see nothing of the first one's process."""
    administration = AdministrationFactory.create(name="Kurdistan Region Reformatory Directorate")
    FacilityFactory.create(administration=administration, name="Erbil Reformatory")
    return administration


@pytest.fixture
def other_director(other_administration):
    """The director of the other administration, who has no role in the first."""
    return staff("kawa", Role.DIRECTOR, other_administration)


@pytest.fixture
def other_coordinator(other_administration):
    return staff("shirin", Role.COORDINATOR, other_administration)


@pytest.fixture
def responsible_official(world):
    return staff("oscar", Role.RESPONSIBLE_OFFICIAL, world.administration)


@pytest.fixture
def network(world) -> Organisation:
    """A network of NGOs with one member organisation, which has named one person."""
    network = OrganisationFactory.create(
        name="Central American NGO Network", kind=Organisation.Kind.NETWORK
    )
    member = OrganisationFactory(name="Women's Handcraft Collective", network=network)
    PersonFactory(organisation=member, full_name="Ana Artisan")
    return network


@pytest.fixture
def network_admin(network):
    return staff("nadia", Role.NGO_ADMIN, network)


# An accreditation application at each step of its way, brought there through the services. ----


@pytest.fixture
def framework(world) -> Framework:
    """The administration's rules in force: two criteria scored 0 to 4."""
    return framework_in_force(world.administration, criteria=2)


@pytest.fixture
def draft(world, framework, ngo_admin) -> Application:
    return complete_application(framework, world.organisation, created_by=ngo_admin)


@pytest.fixture
def sent(draft, ngo_admin) -> Application:
    """A submitted application, waiting for reviewers."""
    return submitted(draft, by=ngo_admin)


@pytest.fixture
def reviewing(sent, director, reviewer, second_reviewer) -> Application:
    """Under review by the two reviewers, neither of whom has scored yet."""
    return under_review(sent, director=director, reviewers=[reviewer, second_reviewer])


@pytest.fixture
def reviewed(reviewing, reviewer, second_reviewer) -> Application:
    """Both reviewers' scores in: 3 and 4 of 4 everywhere, 87.5 %, passed."""
    return scored(reviewing, {reviewer: 3, second_reviewer: 4})


@pytest.fixture
def accreditation(reviewed, director) -> Accreditation:
    return decide(reviewed, director).accreditation


@pytest.fixture
def refusal(world, framework, ngo_admin, director, reviewer, second_reviewer) -> Decision:
    """The director's refusal of an application both reviewers scored 1 of 4."""
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    scored(application, {reviewer: 1, second_reviewer: 1})
    return decide(application, director, outcome=Decision.Outcome.REFUSED)


# Documents --------------------------------------------------------------------------------------


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the renderer's fetcher for."""
    urls: list[str] = []
    fetch = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    return urls


def login(client: Client, user: User) -> Client:
    """Sign the user in as if they had given their password and a code from their authenticator
    app (one is made for them if they have none)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD


#: How many signing keys one test may draw (an MoU's authority, its director's and a signatory's
#: certificates, a people annex's…).
KEYS_PER_TEST = 6


@pytest.fixture(scope="session")
def _rsa_keys() -> list[rsa.RSAPrivateKey]:
    """Signing keys made once per run: making one takes up to a second on the 2-core machine.
    The agreements tests and the demo's tests draw from them."""
    from agreements.signing import keys

    return [keys.new_key() for _ in range(KEYS_PER_TEST)]
