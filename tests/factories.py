"""factory_boy factories for the directory and activity models.

``XFactory(...)`` and ``XFactory.create(...)`` do the same; type-annotated helpers use
``create``, which mypy knows returns the model (each factory names it: ``DjangoModelFactory[X]``).
"""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from activity.models import Notification, Reminder
from activity.typing import User
from directory.models import Administration, Area, Facility, Organisation, Person
from directory.services import Scope, membership_grant

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user whose password is ``PASSWORD``; ``password=None`` gives one with no usable
    password."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = PASSWORD

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # Hashed before the row is written, so that a user costs one INSERT and no UPDATE.
        kwargs["password"] = make_password(kwargs["password"])
        return kwargs


def staff(username: str, role: str, scope: Scope) -> User:
    """A user holding one role, granted as real users are."""
    user = UserFactory.create(username=username)
    membership_grant(actor=None, user=user, role=role, scope=scope)
    return user


class AdministrationFactory(factory.django.DjangoModelFactory[Administration]):
    class Meta:
        model = Administration

    name = factory.Sequence(lambda n: f"Prison system {n}")
    country = "State A"


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility

    administration = factory.SubFactory(AdministrationFactory)
    name = factory.Sequence(lambda n: f"Facility {n}")
    kind = Facility.Kind.PRISON
    security_level = Facility.SecurityLevel.MEDIUM
    time_zone = "America/Guatemala"
    visitor_capacity = 20


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    sensitivity = Area.Sensitivity.OPEN


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NGO
    country = "State A"


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Faker("name")
    document_type = Person.DocumentType.NATIONAL_ID
    document_number = factory.Sequence(lambda n: f"ID-{n:06d}")
    nationality = "State A"


class ReminderFactory(factory.django.DjangoModelFactory[Reminder]):
    class Meta:
        model = Reminder

    recipient = factory.SubFactory(UserFactory)
    kind = "activity.message"
    key = factory.Sequence(lambda n: f"test:reminder:{n}")
    subject = factory.Sequence(lambda n: f"Reminder {n}")
    due_at = factory.LazyFunction(timezone.now)


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Notification {n}")
