"""Who may do what in accreditation: each persona against each rule, for an application in each
state of its way. The states are reached through the services, as users reach them.

Every page first finds the application among those the user may see, and only then asks the
rule; so does the table below ("may see it" is part of every rule)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from accreditation import permissions
from accreditation.models import Application
from accreditation.services import review
from activity.models import Document
from activity.permissions import get_document_for_user
from tests.accreditation.factories import ClearanceFactory, DocumentFactory, decide, under_review

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
    "reads the decision letter": lambda user, app, _doc: (
        _sees(user, app) and permissions.can_see_decision_letter(user, app)
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
