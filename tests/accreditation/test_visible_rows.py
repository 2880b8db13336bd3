"""The lists and counts read through indexes (ids from each role's index, counts by subquery)
show each person exactly the rows the rules gave them when they were written as one OR (with
guardian's own shortcut for a reviewer's grants) and a join with every assignment: nothing more,
nothing less."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from guardian.shortcuts import assign_perm, get_objects_for_user

from accreditation import permissions, selectors
from accreditation.models import Appeal, Application, Condition, ReviewAssignment
from directory.models import Membership, Organisation, Role
from directory.permissions import administration_ids, organisation_ids, organisations_for_user
from directory.services import membership_grant
from tests.accreditation.factories import (
    AppealFactory,
    ApplicationFactory,
    ConditionFactory,
    FrameworkFactory,
    ReviewAssignmentFactory,
    today,
)
from tests.factories import OrganisationFactory, staff

pytestmark = pytest.mark.django_db

Status = Application.Status
Review = ReviewAssignment.Status
OPEN = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.UNDER_REVIEW]


# The rules as first written -------------------------------------------------------------------


def applications_as_written(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    staff_of = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR})
    own = organisation_ids(user, {Role.NGO_ADMIN, Role.NGO_MEMBER})
    visible = Q(framework__administration__in=staff_of, submitted_at__isnull=False) | Q(
        organisation__in=own
    )
    if administration_ids(user, {Role.REVIEWER}):
        assigned = get_objects_for_user(
            user, "accreditation.view_application", klass=Application, accept_global_perms=False
        )
        visible |= Q(pk__in=assigned.values("pk"))
    return set(Application.objects.filter(visible).values_list("pk", flat=True))


def organisations_as_written(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    if administration_ids(user):
        return set(Organisation.objects.values_list("pk", flat=True))
    own = Membership.objects.filter(user=user, organisation__isnull=False).values("organisation")
    rows = Organisation.objects.filter(Q(pk__in=own) | Q(network__in=own))
    return set(rows.values_list("pk", flat=True))


def progress_as_written(applications) -> dict[int, tuple[int, int]]:
    recused = Q(assignments__status=Review.RECUSED)
    submitted = Q(assignments__status=Review.SUBMITTED)
    rows = applications.annotate(
        assigned=Count("assignments", filter=~recused, distinct=True),
        submitted=Count("assignments", filter=submitted, distinct=True),
    )
    return {a.pk: (a.submitted, a.assigned) for a in rows}


def queue_as_written(user) -> dict[str, int]:
    ids = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR})
    applications = Application.objects.filter(framework__administration__in=ids)
    ready = [
        pk
        for pk, (submitted, assigned) in progress_as_written(
            applications.filter(status=Status.UNDER_REVIEW)
        ).items()
        if submitted == assigned and submitted >= Application.MIN_REVIEWERS
    ]
    where = {"decision__application__framework__administration__in": ids}
    return {
        "to_assign": applications.filter(status=Status.SUBMITTED).count(),
        "returned": applications.filter(status=Status.RETURNED).count(),
        "to_decide": len(ready),
        "open_appeals": Appeal.objects.filter(decided_at__isnull=True, **where)
        .exclude(original_decider_id=user.pk)
        .count(),
        "overdue_conditions": Condition.objects.overdue().filter(**where).count(),
    }


# A deployment with two administrations and applications in every state ------------------------


@pytest.fixture
def country(world, framework, other_administration, network):
    """With both administrations: applications of four organisations (one a member of a
    network) in every state, four more under review by teams at every stage, conditions and
    appeals."""
    other_rules = FrameworkFactory(administration=other_administration, published=True)
    organisations = [world.organisation, world.other_organisation, network, network.members.get()]
    reviewed = OrganisationFactory.create_batch(4)
    applications = []
    for shift, rules in enumerate((framework, other_rules)):
        for i, organisation in enumerate(organisations):
            # One open application per organisation and administration.
            open_status = OPEN[(i + shift) % len(OPEN)]
            for status in [open_status, Status.DECIDED, Status.WITHDRAWN]:
                applications.append(
                    ApplicationFactory(framework=rules, organisation=organisation, status=status)
                )
        for organisation in reviewed:
            applications.append(
                ApplicationFactory(
                    framework=rules, organisation=organisation, status=Status.UNDER_REVIEW
                )
            )
    teams = [
        [Review.SUBMITTED, Review.SUBMITTED],  # ready for a decision
        [Review.SUBMITTED, Review.SUBMITTED, Review.RECUSED],  # ready: the recusal does not count
        [Review.SUBMITTED, Review.SCORING],  # waiting on one
        [Review.SUBMITTED],  # too few
        [Review.AWAITING_DECLARATION, Review.RECUSED],
        [],
    ]
    under_review = [a for a in applications if a.status == Status.UNDER_REVIEW]
    for application, team in zip(under_review, teams * 2, strict=False):
        for status in team:
            ReviewAssignmentFactory(application=application, status=status)
    decided = [a for a in applications if a.status == Status.DECIDED]
    for application in decided[:2] + decided[-2:]:  # two with each administration
        decision = ConditionFactory(
            decision__application=application, due_date=today() - timedelta(days=3)
        ).decision
        ConditionFactory(decision=decision, status=Condition.Status.NOT_MET)
        ConditionFactory(decision=decision, due_date=today() - timedelta(days=1))
        AppealFactory(decision=decision)
    return applications


@pytest.fixture
def personas(world, country, director, coordinator, reviewer, ngo_admin, ngo_member, outsider,
             other_director, network_admin, facility_officer):  # fmt: skip
    """Everyone whose lists differ, the reviewer with grants on three applications, and a
    reviewer who also administers an organisation (both of their narrow sets at once)."""
    granted = [a for a in country if a.organisation == world.other_organisation][:3]
    for application in granted:
        assign_perm("accreditation.view_application", reviewer, application)
    both = staff("rosa", Role.REVIEWER, world.administration)
    membership_grant(actor=None, user=both, role=Role.NGO_ADMIN, scope=world.other_organisation)
    assign_perm("accreditation.view_application", both, country[0])
    return {
        "director": director,
        "coordinator": coordinator,
        "reviewer": reviewer,
        "reviewer and ngo admin": both,
        "ngo admin": ngo_admin,
        "ngo member": ngo_member,
        "outsider": outsider,
        "second administration": other_director,
        "network admin": network_admin,
        "facility officer": facility_officer,
        "anonymous": AnonymousUser(),
    }


def test_each_person_sees_the_same_applications_as_the_rule_says(personas):
    shown = {
        persona: set(permissions.applications_for_user(user).values_list("pk", flat=True))
        for persona, user in personas.items()
    }
    assert shown == {persona: applications_as_written(user) for persona, user in personas.items()}


def test_the_personas_see_different_applications(personas):
    """The comparison above is not between empty lists."""
    seen = {persona: frozenset(applications_as_written(user)) for persona, user in personas.items()}
    assert len(seen["director"]) > len(seen["reviewer"]) == 3
    assert seen["reviewer and ngo admin"] > seen["outsider"]
    assert seen["second administration"].isdisjoint(seen["director"])
    assert seen["facility officer"] == seen["anonymous"] == frozenset()


def test_each_person_sees_the_same_organisations_as_the_rule_says(personas):
    shown = {
        persona: set(organisations_for_user(user).values_list("pk", flat=True))
        for persona, user in personas.items()
    }
    assert shown == {persona: organisations_as_written(user) for persona, user in personas.items()}


def test_a_network_administrator_sees_the_network_and_its_members(personas, network):
    shown = set(organisations_for_user(personas["network admin"]).values_list("pk", flat=True))
    assert shown == {network.pk, network.members.get().pk}


STAFF = ["director", "coordinator", "second administration"]


def test_the_open_conditions_are_those_of_the_persons_administration(personas):
    for persona in STAFF:
        user = personas[persona]
        ids = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR})
        written = Condition.objects.not_met().filter(
            decision__application__framework__administration__in=ids
        )
        shown = permissions.open_conditions_for_user(user)
        assert set(shown.values_list("pk", flat=True)) == set(written.values_list("pk", flat=True))
        assert shown.exists(), persona


def test_the_queue_counts_what_the_rule_counts(personas):
    for persona in STAFF:
        user = personas[persona]
        queue = selectors.director_queue(user)
        written = queue_as_written(user)
        assert {name: getattr(queue, name) for name in written} == written, persona
        assert queue.to_decide == 2
        assert queue.overdue_conditions > 0


def test_the_review_progress_of_every_application_is_as_counted_before(country):
    applications = Application.objects.filter(pk__in=[a.pk for a in country])
    shown = {a.pk: a.review_progress() for a in applications.with_review_progress().order_by("pk")}
    assert shown == progress_as_written(applications)
    assert {progress for progress in shown.values()} >= {(2, 2), (1, 2), (1, 1), (0, 1), (0, 0)}
