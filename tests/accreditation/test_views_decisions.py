"""The director's pages before the decision: returning an application and assigning its
reviewers; and every decision page as anonymous."""

import re
from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone

from accreditation.models import Accreditation, Appeal, Application
from directory.selectors import earliest_local_date
from tests.accreditation.factories import AppealFactory, complete_application, in_days
from tests.accreditation.pages import audited, url
from tests.conftest import login
from tests.support.denied import refusals
from tests.support.pages import assert_login_redirect, text
from visits.models import local_datetime, local_today

pytestmark = pytest.mark.django_db


# Anonymous --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, accreditation, ngo_admin):
    decision = accreditation.decision
    appeal = AppealFactory(decision=decision, subject=Appeal.Subject.DECISION)
    application = decision.application
    paths = [
        url("application_return", application.pk),
        url("reviewers_assign", application.pk),
        url("decision_make", application.pk),
        url("decision_letter", application.pk),
        url("accreditation_list"),
        url("accreditation_detail", accreditation.pk),
        url("accreditation_change", accreditation.pk, "suspend"),
        url("appeal_lodge", decision.pk),
        url("appeal_decide", appeal.pk),
    ]
    for path in paths:
        assert_login_redirect(client.get(path), path)
    path = url("accreditation_change", accreditation.pk, "revoke")
    assert_login_redirect(client.post(path, {"reason": "x"}), path)
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE


# Return -----------------------------------------------------------------------------------------


def test_the_director_returns_an_application_with_a_message(client, sent, director, ngo_admin):
    login(client, director)
    assert client.get(url("application_return", sent.pk)).status_code == 200
    response = client.post(url("application_return", sent.pk), {"message": "Which prisons?"})
    assert response["Location"] == url("application_detail", sent.pk)
    sent.refresh_from_db()
    assert sent.status == Application.Status.RETURNED
    assert sent.return_message == "Which prisons?"
    assert audited("application.returned", director)


def test_a_return_without_a_message_is_refused(client, sent, director):
    response = login(client, director).post(url("application_return", sent.pk), {"message": ""})
    assert response.status_code == 200
    assert "This field is required." in text(response)
    sent.refresh_from_db()
    assert sent.status == Application.Status.SUBMITTED


def test_a_draft_cannot_be_returned_because_the_director_does_not_see_it(
    client, world, framework, ngo_admin, director
):
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    response = login(client, director).post(
        url("application_return", draft.pk), {"message": "Typed and kept."}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


@pytest.mark.parametrize("persona", ["coordinator", "ngo_admin"])
def test_only_the_director_returns(client, request, sent, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(url("application_return", sent.pk), {"message": "x"})
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == Application.Status.SUBMITTED
    assert refusals(user, "application.manage").exists()


def test_an_outsider_cannot_find_the_return_form(client, sent, outsider):
    assert login(client, outsider).get(url("application_return", sent.pk)).status_code == 404


# Assignment -------------------------------------------------------------------------------------


def test_the_assignment_form_offers_the_administrations_reviewers(
    client, sent, director, reviewer, second_reviewer, coordinator
):
    page = text(login(client, director).get(url("reviewers_assign", sent.pk)))
    assert f'value="{reviewer.pk}"' in page
    assert f'value="{second_reviewer.pk}"' in page
    assert f'value="{director.pk}"' not in page
    assert f'value="{coordinator.pk}"' not in page


def test_the_director_assigns_two_reviewers_with_a_due_date(
    client, sent, director, reviewer, second_reviewer
):
    due = in_days(10)
    response = login(client, director).post(
        url("reviewers_assign", sent.pk),
        {"reviewers": [reviewer.pk, second_reviewer.pk], "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Application.Status.UNDER_REVIEW
    assignments = list(sent.assignments.all())
    assert {a.reviewer for a in assignments} == {reviewer, second_reviewer}
    assert all(timezone.localdate(a.due_at) == due for a in assignments)
    assert audited("application.sent_to_review", director)


def test_one_reviewer_is_refused_and_the_choice_kept(client, sent, director, reviewer):
    response = login(client, director).post(
        url("reviewers_assign", sent.pk), {"reviewers": [reviewer.pk]}
    )
    page = text(response)
    assert "At least two reviewers must review each application" in page
    assert re.search(rf'value="{reviewer.pk}"[^>]*checked', page)
    assert not sent.assignments.exists()


def test_a_due_date_in_the_past_is_refused(
    client, world, sent, director, reviewer, second_reviewer
):
    yesterday = earliest_local_date(world.administration) - timedelta(days=1)
    response = login(client, director).post(
        url("reviewers_assign", sent.pk),
        {"reviewers": [reviewer.pk, second_reviewer.pk], "due_date": yesterday.isoformat()},
    )
    assert "The due date cannot be in the past." in text(response)
    assert not sent.assignments.exists()


def test_in_the_facilitys_evening_its_today_is_not_a_due_date_in_the_past(
    client, world, sent, director, reviewer, second_reviewer
):
    """At 7.30 pm in Guatemala the server's (UTC) date is already the facility's tomorrow."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        today_there = local_today(world.facility)
        assert today_there < timezone.localdate()
        login(client, director).post(
            url("reviewers_assign", sent.pk),
            {"reviewers": [reviewer.pk, second_reviewer.pk], "due_date": today_there.isoformat()},
        )
    assert sent.assignments.count() == 2


@pytest.mark.parametrize("persona", ["coordinator", "ngo_admin"])
def test_only_the_director_assigns(client, request, sent, persona, reviewer, second_reviewer):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(
        url("reviewers_assign", sent.pk), {"reviewers": [reviewer.pk, second_reviewer.pk]}
    )
    assert response.status_code == 403
    assert not sent.assignments.exists()
