"""Fixtures the agreements tests share: an organisation accredited with the administration,
a cleared person, and a small clause library with a template."""

from dataclasses import dataclass

import pytest

from accreditation.models import Accreditation
from agreements.models import Agreement, Clause, ClauseVersion, Template, TemplateClause
from agreements.services import agreement_create
from directory.models import ActivityType, Person
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ClearanceFactory,
    DecisionFactory,
    FrameworkFactory,
)


@dataclass
class Library:
    template: Template
    purpose: Clause
    people: Clause
    confidentiality: Clause
    fundraising: Clause


def _clause(administration, kind, title, wording, *, order, mandatory=True, **texts) -> Clause:
    clause = Clause.objects.create(
        administration=administration, kind=kind, title=title, mandatory=mandatory
    )
    ClauseVersion.objects.create(clause=clause, number=1, wording=wording, **texts)
    return clause


def small_library(administration) -> Library:
    purpose = _clause(
        administration,
        Clause.Kind.PURPOSE,
        "Purpose",
        "{administration} and {organisation} work together in {facilities}.",
        order=1,
        wording_es="{administration} y {organisation} colaboran en {facilities}.",
    )
    people = _clause(
        administration,
        Clause.Kind.PEOPLE,
        "Persons allowed to enter",
        "Only {people} may enter, on {weekdays}, {hours}.",
        order=2,
    )
    confidentiality = _clause(
        administration,
        Clause.Kind.CONFIDENTIALITY,
        "Confidentiality",
        "Reports are discussed with the authorities first; they have {response_days} days.",
        order=3,
    )
    fundraising = _clause(
        administration,
        Clause.Kind.FUNDRAISING,
        "Joint fundraising plan",
        "The parties may seek funds together.",
        order=4,
        mandatory=False,
    )
    template = Template.objects.create(administration=administration, name="Standard MoU")
    for order, clause in enumerate([purpose, people, confidentiality, fundraising], start=1):
        TemplateClause.objects.create(template=template, clause=clause, order=order)
    return Library(template, purpose, people, confidentiality, fundraising)


@pytest.fixture
def library(world) -> Library:
    return small_library(world.administration)


@pytest.fixture
def accreditation(world) -> Accreditation:
    """The organisation's accreditation in force: education in the Central Penitentiary."""
    framework = FrameworkFactory(administration=world.administration, published=True)
    application = ApplicationFactory(
        organisation=world.organisation,
        framework=framework,
        status="decided",
        facilities=[world.facility],
        activity_types=[ActivityType.objects.get(code=ActivityType.Code.EDUCATION)],
    )
    return AccreditationFactory.create(decision=DecisionFactory.create(application=application))


@pytest.fixture
def john(world) -> Person:
    """John, cleared by the administration."""
    person = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    return person


@pytest.fixture
def draft(world, library, accreditation, director) -> Agreement:
    return agreement_create(
        actor=director,
        administration=world.administration,
        organisation=world.organisation,
        template=library.template,
        title="Education programme",
    )
