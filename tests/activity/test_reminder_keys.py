"""Reminder keys are built from the object they are about, so that two modules, or two models
of one module, never collide, and cancelling about one object leaves every other one alone."""

import io
from itertools import permutations

import pytest
from django.contrib.auth import get_user_model

from accreditation.models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    ConditionResponse,
    Decision,
    ReviewAssignment,
)
from activity import demo, notify, reminders
from activity.models import Reminder
from directory.models import Administration, Organisation, Person
from tests.factories import UserFactory

MODELS = [
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    ConditionResponse,
    Decision,
    ReviewAssignment,
    Administration,
    Organisation,
    Person,
    get_user_model(),
]


def test_a_key_names_the_model_the_object_and_the_event():
    assert notify.reminder_key(Application(pk=42), "ready_for_decision") == (
        "accreditation.application:42:ready_for_decision"
    )
    assert notify.reminder_key(Application(pk=42)) == "accreditation.application:42"


@pytest.mark.parametrize("event", ["", "expiring:30d", "decided"])
def test_two_models_with_the_same_pk_never_produce_the_same_key(event):
    keys = [notify.reminder_key(model(pk=42), event) for model in MODELS]
    assert len(set(keys)) == len(MODELS)


def test_cancelling_about_one_object_never_reaches_another_models_object_with_the_same_pk():
    # notify.cancel(key=k) cancels the keys that start with "k:"; a model whose label starts
    # with another's (condition, conditionresponse) must not fall under it.
    for a, b in permutations(MODELS, 2):
        prefix = notify.reminder_key(a(pk=42)) + ":"
        assert not notify.reminder_key(b(pk=42), "due").startswith(prefix), (a, b)


@pytest.mark.django_db
def test_reminders_about_two_models_with_the_same_pk_are_two_and_cancelled_apart():
    user = UserFactory()
    condition, response = Condition(pk=7), ConditionResponse(pk=7)
    for obj in (condition, response):
        assert notify.remind(
            recipients=[user],
            kind=reminders.MESSAGE,
            key=notify.reminder_key(obj, "due"),
            subject="Due",
        )
    assert notify.cancel(key=notify.reminder_key(condition)) == 1
    states = dict(Reminder.objects.values_list("key", "state"))
    assert states == {
        f"accreditation.condition:7:due:user:{user.pk}": Reminder.State.CANCELLED,
        f"accreditation.conditionresponse:7:due:user:{user.pk}": Reminder.State.PENDING,
    }


@pytest.mark.django_db
def test_the_demo_messages_are_scheduled_once_each_however_often_the_demo_is_loaded():
    users = {name: UserFactory(username=name) for name, *_ in demo.MESSAGES}
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert set(Reminder.objects.values_list("kind", "key")) == {
        (
            reminders.MESSAGE,
            f"{notify.reminder_key(users[name], f'demo-message:{subject}')}:user:{users[name].pk}",
        )
        for name, _days, subject, _body in demo.MESSAGES
    }
    assert Reminder.objects.count() == len(demo.MESSAGES)
