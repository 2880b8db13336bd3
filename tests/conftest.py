"""Personas: the people whose view of the system the tests take.

Each persona is a user with one membership granted through the service, so that the object
permissions are the ones real users get.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.typing import User
from config.celery import app as celery_app
from directory.models import Administration, Facility, Organisation, Role
from directory.services import membership_grant

from .factories import (
    PASSWORD,
    AdministrationFactory,
    AreaFactory,
    FacilityFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
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


def _persona(username: str, role: str, scope) -> User:
    user = UserFactory.create(username=username)
    membership_grant(actor=None, user=user, role=role, scope=scope)
    return user


@pytest.fixture
def director(world):
    return _persona("martha", Role.DIRECTOR, world.administration)


@pytest.fixture
def reviewer(world):
    return _persona("rita", Role.REVIEWER, world.administration)


@pytest.fixture
def coordinator(world):
    return _persona("carla", Role.COORDINATOR, world.administration)


@pytest.fixture
def facility_officer(world):
    return _persona("fiona", Role.FACILITY_OFFICER, world.facility)


@pytest.fixture
def gate_officer(world):
    return _persona("gabriel", Role.GATE_OFFICER, world.facility)


@pytest.fixture
def ngo_admin(world):
    return _persona("john", Role.NGO_ADMIN, world.organisation)


@pytest.fixture
def ngo_member(world):
    return _persona("maria", Role.NGO_MEMBER, world.organisation)


@pytest.fixture
def outsider(world):
    """An administrator of another organisation."""
    return _persona("lucia", Role.NGO_ADMIN, world.other_organisation)


@pytest.fixture
def monitor(world):
    npm = OrganisationFactory(name="National Preventive Mechanism", kind=Organisation.Kind.NPM)
    return _persona("mario", Role.MONITOR, npm)


@pytest.fixture
def other_administration(world) -> Administration:
    """A second administration in the same deployment, as the Kurdistan Region's beside the
    federal prison service: it must see nothing of the first one's process."""
    administration = AdministrationFactory.create(name="Kurdistan Region Reformatory Directorate")
    FacilityFactory.create(administration=administration, name="Erbil Reformatory")
    return administration


@pytest.fixture
def other_director(other_administration):
    return _persona("kawa", Role.DIRECTOR, other_administration)


@pytest.fixture
def other_coordinator(other_administration):
    return _persona("shirin", Role.COORDINATOR, other_administration)


@pytest.fixture
def responsible_official(world):
    return _persona("oscar", Role.RESPONSIBLE_OFFICIAL, world.administration)


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
    return _persona("nadia", Role.NGO_ADMIN, network)


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
