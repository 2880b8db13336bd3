"""Fixtures the accreditation tests share: the rules in force, an application in each step of
its way, and the documents kept in a temporary folder."""

import pytest

from accreditation.models import Accreditation, Application, Decision, Framework
from directory.models import Role

from .factories import (
    complete_application,
    decide,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
    use_temporary_storage,
)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    use_temporary_storage(settings, tmp_path)


@pytest.fixture
def framework(world) -> Framework:
    return framework_in_force(world.administration, criteria=2)


@pytest.fixture
def draft(world, framework, ngo_admin) -> Application:
    return complete_application(framework, world.organisation, created_by=ngo_admin)


@pytest.fixture
def sent(draft, ngo_admin) -> Application:
    """A submitted application, waiting for reviewers."""
    return submitted(draft, by=ngo_admin)


@pytest.fixture
def second_reviewer(world):
    return staff("raul", Role.REVIEWER, world.administration)


@pytest.fixture
def reviewed(sent, director, reviewer, second_reviewer) -> Application:
    """Under review, both reviewers' scores in: 3 and 4 of 4 everywhere, 87.5 %, passed."""
    under_review(sent, director=director, reviewers=[reviewer, second_reviewer])
    return scored(sent, {reviewer: 3, second_reviewer: 4})


@pytest.fixture
def accreditation(reviewed, director) -> Accreditation:
    return decide(reviewed, director).accreditation


@pytest.fixture
def refusal(world, framework, ngo_admin, director, reviewer, second_reviewer) -> Decision:
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    scored(application, {reviewer: 1, second_reviewer: 1})
    return decide(application, director, outcome=Decision.Outcome.REFUSED)
