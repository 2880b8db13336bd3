"""Who may do what in accreditation: each persona against each rule, for an application in each
state of its way. The states are reached through the services, as users reach them.

Every page first finds the application among those the user may see, and only then asks the
rule; so does the table below ("may see it" is part of every rule)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accreditation import permissions
from accreditation.models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    Criterion,
    Decision,
    FormalMechanism,
    Framework,
    ReviewAssignment,
)
from accreditation.services import decisions, review
from activity.models import Document
from activity.permissions import get_document_for_user
from directory.models import Organisation, Person
from tests.accreditation.factories import (
    AppealFactory,
    ClearanceFactory,
    ConditionFactory,
    DocumentFactory,
    FormalMechanismFactory,
    FrameworkFactory,
    decide,
    today,
    under_review,
)

pytestmark = pytest.mark.django_db

PERSONAS = (
    "director",
    "coordinator",
    "reviewer",
    "ngo_admin",
    "ngo_member",
    "outsider",
    "facility_officer",
    "gate_officer",
    "network_admin",
    "other_director",
    "responsible_official",
)

#: The states an application goes through; "declared" is under review with the reviewer having
#: declared no conflict of interest, "reviewed" has every reviewer's scores in.
STATES = ("draft", "submitted", "under review", "declared", "reviewed", "decided")
STATUS = {
    "draft": Application.Status.DRAFT,
    "submitted": Application.Status.SUBMITTED,
    "under review": Application.Status.UNDER_REVIEW,
    "declared": Application.Status.UNDER_REVIEW,
    "reviewed": Application.Status.UNDER_REVIEW,
    "decided": Application.Status.DECIDED,
}


def _sees(user, application: Application) -> bool:
    return permissions.applications_for_user(user).filter(pk=application.pk).exists()


def _reads(user, document: Document) -> bool:
    try:
        get_document_for_user(user, document.pk)
    except Http404:
        return False
    return True


Rule = Callable[[Any, Application, Document], bool]

RULES: dict[str, Rule] = {
    "sees the application": lambda user, app, _doc: _sees(user, app),
    "opens the file": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_see_file(user, app)
    ),
    "edits": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_edit_application(user, app)
    ),
    "manages (returns, assigns, decides)": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_manage_application(user, app)
    ),
    "sees the scores": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_see_scores(user, app)
    ),
    "sees the reviewers' names": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_see_reviewers(user, app)
    ),
    "reads the reviewers' comments": lambda user, app, _doc: (
        _sees(user, app)
        and permissions.can_see_scores(user, app)
        and permissions.can_see_score_comments(user, app)
    ),
    "reads the moderation note": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_see_moderation_note(user, app)
    ),
    # The letter exists once the application is decided.
    "reads the decision letter": lambda user, app, _doc: (
        _sees(user, app)
        and app.status == Application.Status.DECIDED
        and permissions.can_read_decision_letter(user, app)
    ),
    "reads an evidence document": lambda user, _app, doc: _reads(user, doc),
}

APPLICANT = {"ngo_admin", "ngo_member"}
PROCESS = {"director", "coordinator"}


def _from(state: str, personas: set[str]) -> dict[str, set[str]]:
    """``personas`` in ``state`` and every later state, nobody before."""
    start = STATES.index(state)
    return {s: (personas if i >= start else set()) for i, s in enumerate(STATES)}


def _merge(*tables: dict[str, set[str]]) -> dict[str, set[str]]:
    return {s: set().union(*(t[s] for t in tables)) for s in STATES}


#: Rule → state → the personas allowed; every other persona is refused.
ALLOWED: dict[str, dict[str, set[str]]] = {
    # A draft is the organisation's alone; the administration sees it once submitted, a
    # reviewer once assigned.
    "sees the application": _merge(
        _from("draft", APPLICANT), _from("submitted", PROCESS), _from("under review", {"reviewer"})
    ),
    # A reviewer opens the file only after declaring no conflict of interest.
    "opens the file": _merge(
        _from("draft", APPLICANT), _from("submitted", PROCESS), _from("declared", {"reviewer"})
    ),
    # Who edits is the organisation's administrators; when is the services' business.
    "edits": _from("draft", {"ngo_admin"}),
    "manages (returns, assigns, decides)": _from("submitted", {"director"}),
    # The applicant sees the score sheet once decided; a reviewer once every review is in.
    "sees the scores": _merge(
        _from("submitted", PROCESS), _from("reviewed", {"reviewer"}), _from("decided", APPLICANT)
    ),
    "sees the reviewers' names": _from("submitted", PROCESS),
    # With the reviewers' names for the administration, without for the applicant.
    "reads the reviewers' comments": _merge(
        _from("submitted", PROCESS), _from("decided", APPLICANT)
    ),
    "reads the moderation note": _merge(
        _from("submitted", PROCESS), _from("under review", {"reviewer"})
    ),
    "reads the decision letter": _from("decided", APPLICANT | PROCESS | {"reviewer"}),
    # The organisation reads its own documents; the administration once the application is
    # sent; a reviewer once they have declared and may see the file.
    "reads an evidence document": _merge(
        _from("draft", APPLICANT), _from("submitted", PROCESS), _from("declared", {"reviewer"})
    ),
}


@pytest.fixture
def users(request) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def evidence_document(world, draft) -> Document:
    document = DocumentFactory.create(organisation=world.organisation)
    draft.evidence.first().documents.add(document)
    return document


def application_in(request, state: str) -> Application:
    """The world's organisation's application brought to ``state`` through the services."""
    if state == "draft":
        return request.getfixturevalue("draft")
    if state == "submitted":
        return request.getfixturevalue("sent")
    if state in {"under review", "declared"}:
        reviewer = request.getfixturevalue("reviewer")
        application = under_review(
            request.getfixturevalue("sent"),
            director=request.getfixturevalue("director"),
            reviewers=[reviewer, request.getfixturevalue("second_reviewer")],
        )
        if state == "declared":
            assignment = application.assignments.get(reviewer=reviewer)
            review.review_declare(
                actor=reviewer, assignment=assignment, conflict=False, statement=""
            )
        return application
    application = request.getfixturevalue("reviewed")
    if state == "decided":
        decide(application, request.getfixturevalue("director"))
        application.refresh_from_db()
    return application


@pytest.mark.parametrize("state", STATES)
def test_who_may_do_what_with_an_application(request, users, evidence_document, state):
    application = application_in(request, state)
    assert application.status == STATUS[state]
    allowed = {
        rule: {name for name, user in users.items() if may(user, application, evidence_document)}
        for rule, may in RULES.items()
    }
    assert allowed == {rule: ALLOWED[rule][state] for rule in RULES}


def test_directors_and_coordinators_vet_people_for_their_own_administration_only(world, users):
    clearance = ClearanceFactory(
        administration=world.administration, person=world.organisation.people.get()
    )
    vetters = {name for name, user in users.items() if permissions.can_vet_people(user)}
    deciders = {
        name for name, user in users.items() if permissions.can_decide_clearance(user, clearance)
    }
    assert vetters == {"director", "coordinator", "other_director"}
    assert deciders == {"director", "coordinator"}


# Fetchers: each entity and action, for every persona ------------------------------------------


@dataclass
class Scene:
    """One of everything, the application decided and accredited."""

    organisation: Organisation
    framework: Framework
    criterion: Criterion
    application: Application
    assignment: ReviewAssignment
    decision: Decision
    appeal: Appeal
    accreditation: Accreditation
    condition: Condition
    clearance: Clearance
    person: Person
    mechanism: FormalMechanism


@pytest.fixture
def scene(world, framework, accreditation, reviewer) -> Scene:
    decision = accreditation.decision
    application = decision.application
    person = world.organisation.people.get()
    return Scene(
        organisation=world.organisation,
        framework=framework,
        criterion=framework.criteria.first(),
        application=application,
        assignment=application.assignments.get(reviewer=reviewer),
        decision=decision,
        appeal=AppealFactory.create(decision=decision, subject=Appeal.Subject.SUSPENSION),
        accreditation=accreditation,
        condition=ConditionFactory.create(decision=decision),
        # Submitting the application asked for its people to be vetted.
        clearance=person.clearances.get(administration=world.administration),
        person=person,
        mechanism=FormalMechanismFactory.create(administration=world.administration),
    )


def _outcome(fetch: Callable[[], object]) -> str:
    try:
        fetch()
    except Http404:
        return "not found"
    except PermissionDenied:
        return "refused"
    return "allowed"


#: Administration-level staff of the world's administration, and a director of another one.
STAFF = {"director", "coordinator", "reviewer", "responsible_official", "other_director"}
SEE_APPLICATION = PROCESS | APPLICANT | {"reviewer"}
SEE_OUTCOME = PROCESS | APPLICANT  # accreditations, conditions, clearances

#: ``get_<entity>_for_user`` with an action → (the personas allowed, those who see the object
#: but are refused); for everyone else it is not found.
FETCHES: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    ("organisation", "view"): (STAFF | APPLICANT, set()),
    ("organisation", "apply"): ({"ngo_admin"}, STAFF | {"ngo_member"}),
    ("framework", "view"): ({"director", "coordinator", "reviewer"}, set()),
    # Whether the version may still change is the services' rule.
    ("framework", "change"): ({"director"}, {"coordinator", "reviewer"}),
    ("criterion", "view"): ({"director", "coordinator", "reviewer"}, set()),
    ("criterion", "change"): ({"director"}, {"coordinator", "reviewer"}),
    ("application", "view"): (SEE_APPLICATION, set()),
    ("application", "edit"): ({"ngo_admin"}, SEE_APPLICATION - {"ngo_admin"}),
    ("application", "manage"): ({"director"}, SEE_APPLICATION - {"director"}),
    ("application", "read_letter"): (SEE_APPLICATION, set()),
    ("assignment", "view"): ({"reviewer"}, set()),
    ("decision", "view"): (SEE_APPLICATION, set()),
    ("decision", "appeal"): ({"ngo_admin"}, SEE_APPLICATION - {"ngo_admin"}),
    ("appeal", "view"): (SEE_APPLICATION, set()),
    ("appeal", "decide"): ({"director"}, SEE_APPLICATION - {"director"}),
    ("accreditation", "view"): (SEE_OUTCOME, set()),
    ("accreditation", "change"): ({"director"}, SEE_OUTCOME - {"director"}),
    ("condition", "view"): (SEE_OUTCOME, set()),
    ("condition", "answer"): ({"ngo_admin"}, SEE_OUTCOME - {"ngo_admin"}),
    ("condition", "verify"): (PROCESS, APPLICANT),
    ("clearance", "view"): (SEE_OUTCOME, set()),
    ("clearance", "decide"): (PROCESS, APPLICANT),
    ("person", "view"): (STAFF | APPLICANT, set()),
    # Directors and coordinators of any administration see its own vetting of the person.
    ("person", "see_clearances"): (
        PROCESS | {"other_director"} | APPLICANT,
        {"reviewer", "responsible_official"},
    ),
    ("person", "request_clearance"): ({"ngo_admin"}, STAFF | {"ngo_member"}),
    ("mechanism", "view"): ({"director", "coordinator", "reviewer", "responsible_official"}, set()),
}


def _fetch(user, scene: Scene, entity: str, action: str) -> Callable[[], object]:
    fetch = getattr(permissions, f"get_{entity}_for_user")
    pk = getattr(scene, entity).pk
    if action == "view":
        return partial(fetch, user, pk)
    return partial(fetch, user, pk, action=action)


def test_each_fetcher_finds_allows_or_refuses_each_persona(users, scene):
    outcomes = {
        (entity, action): {
            name: _outcome(_fetch(user, scene, entity, action)) for name, user in users.items()
        }
        for entity, action in FETCHES
    }
    expected = {
        key: {
            name: "allowed" if name in allowed else "refused" if name in refused else "not found"
            for name in users
        }
        for key, (allowed, refused) in FETCHES.items()
    }
    assert outcomes == expected


def test_rules_without_an_object_follow_the_roles(users):
    rules = {
        "starts a version of the rules": permissions.can_create_framework,
        "registers a formal mechanism": permissions.can_register_mechanism,
        "vets people": permissions.can_vet_people,
        "follows up conditions": permissions.can_list_conditions,
    }
    allowed = {
        rule: {name for name, user in users.items() if may(user)} for rule, may in rules.items()
    }
    assert allowed == {
        "starts a version of the rules": {"director", "other_director"},
        "registers a formal mechanism": {"director", "other_director"},
        "vets people": {"director", "coordinator", "other_director"},
        "follows up conditions": {"director", "coordinator", "other_director"},
    }
    directed = {
        name for name, user in users.items() if permissions.directed_administrations_for_user(user)
    }
    assert directed == {"director", "other_director"}


def test_the_list_of_open_conditions_is_refused_outside_the_process(users, scene):
    outcomes = {
        name: _outcome(partial(permissions.open_conditions_for_user, user))
        for name, user in users.items()
    }
    assert {name for name, outcome in outcomes.items() if outcome == "allowed"} == {
        "director",
        "coordinator",
        "other_director",
    }
    assert list(permissions.open_conditions_for_user(users["coordinator"])) == [scene.condition]
    assert not permissions.open_conditions_for_user(users["other_director"]).exists()


def test_the_staff_asked_to_vet_a_person_read_their_identity(users, world):
    person = world.organisation.people.get()
    readers = {name for name, user in users.items() if permissions.can_vet_person(user, person)}
    assert readers == set()
    ClearanceFactory(administration=world.administration, person=person)
    readers = {name for name, user in users.items() if permissions.can_vet_person(user, person)}
    assert readers == {"director", "coordinator"}


# What each page offers --------------------------------------------------------------------------


def _offered(actions: object) -> set[str]:
    return {name for name, value in vars(actions).items() if value is True}


def test_only_the_director_is_offered_to_change_a_draft_version(world, users, framework):
    draft = FrameworkFactory(administration=world.administration, version=framework.version + 1)
    offered = {
        name: (
            _offered(permissions.framework_actions(user, draft)),
            _offered(permissions.framework_actions(user, framework)),
        )
        for name, user in users.items()
    }
    assert offered == {name: ({"edit"} if name == "director" else set(), set()) for name in users}


def test_the_director_is_offered_what_the_accreditations_state_allows(users, accreditation):
    offered = {
        name: _offered(permissions.accreditation_actions(user, accreditation))
        for name, user in users.items()
    }
    assert offered == {
        name: ({"suspend", "revoke"} if name == "director" else set()) for name in users
    }
    decisions.accreditation_suspend(
        actor=users["director"], accreditation=accreditation, reason="Visits stopped."
    )
    accreditation.refresh_from_db()
    director_offered = permissions.accreditation_actions(users["director"], accreditation)
    assert _offered(director_offered) == {"reinstate", "revoke"}


def test_a_decision_offers_the_letter_appeals_and_conditions_to_each_side(users, accreditation):
    decision = accreditation.decision
    deadlines = {Appeal.Subject.SUSPENSION: today() + timedelta(days=10)}
    offered = {
        name: _offered(permissions.decision_actions(user, decision, open_deadlines=deadlines))
        for name, user in users.items()
        if name in SEE_APPLICATION
    }
    assert offered == {
        "director": {"read_letter", "decide_appeals", "verify_conditions"},
        "coordinator": {"read_letter", "verify_conditions"},
        "reviewer": {"read_letter"},
        "ngo_admin": {"read_letter", "appeal"},
        "ngo_member": {"read_letter"},
    }
    past = permissions.decision_actions(users["ngo_admin"], decision, open_deadlines={})
    assert not past.appeal


def test_a_condition_offers_the_next_step_to_each_side(users, accreditation):
    condition = ConditionFactory(decision=accreditation.decision)
    offered = {
        name: _offered(permissions.condition_actions(user, condition))
        for name, user in users.items()
        if name in SEE_OUTCOME
    }
    # An open condition is answered by the organisation, or confirmed met by the administration.
    assert offered == {
        "director": {"mark_met"},
        "coordinator": {"mark_met"},
        "ngo_admin": {"answer"},
        "ngo_member": set(),
    }
    condition.due_date = today() - timedelta(days=1)
    assert not permissions.condition_actions(users["ngo_admin"], condition).answer


def test_the_vetting_page_offers_requests_to_the_organisation_and_decisions_to_the_staff(
    users, world
):
    person = world.organisation.people.get()
    offered = {
        name: _offered(permissions.clearance_actions(user, person))
        for name, user in users.items()
        if name in STAFF | APPLICANT
    }
    assert offered == {
        "director": {"decide"},
        "coordinator": {"decide"},
        "other_director": {"decide"},
        "reviewer": set(),
        "responsible_official": set(),
        "ngo_admin": {"request"},
        "ngo_member": set(),
    }
