"""The pages of conditions: the condition with its history, the organisation's answer, the
administration's verification, and the list of open conditions; each as allowed, forbidden,
invisible (another organisation, another administration) and anonymous."""

import pytest
from django.utils import timezone

from accreditation.models import Condition, Decision
from accreditation.services import decisions
from activity.models import AuditEntry
from directory.models import Role
from tests.accreditation.factories import (
    ConditionFactory,
    DecisionFactory,
    framework_in_force,
    in_days,
    pdf,
)
from tests.accreditation.pages import suggested, url
from tests.conftest import login
from tests.factories import AdministrationFactory, OrganisationFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(world):
    return framework_in_force(world.administration, criteria=1)


def conditional_decision(organisation, framework) -> Decision:
    return DecisionFactory.create(
        application__organisation=organisation,
        application__framework=framework,
        application__submitted_at=timezone.now(),
        outcome=Decision.Outcome.CONDITIONAL,
    )


@pytest.fixture
def condition(world, framework, ngo_admin) -> Condition:
    decision = conditional_decision(world.organisation, framework)
    return ConditionFactory.create(
        decision=decision, owner=ngo_admin, description="Send the continuity plan."
    )


@pytest.fixture
def elsewhere():
    """Another administration of the same deployment, with its director, its rules and an
    organisation accredited with a condition."""
    administration = AdministrationFactory(name="Reformatory Directorate")
    director = staff("dara", Role.DIRECTOR, administration)
    framework = framework_in_force(administration, criteria=1)
    organisation = OrganisationFactory(name="Kurdistan Legal Aid")
    decision = conditional_decision(organisation, framework)
    condition = ConditionFactory(
        decision=decision, owner=director, description="Train the volunteers."
    )
    return director, condition


def answered(condition, user, note="The plan is attached."):
    decisions.condition_answer(actor=user, condition=condition, note=note, uploads=[pdf()])
    condition.refresh_from_db()
    return condition


# Anonymous --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, condition):
    for path in [
        url("condition_list"),
        url("condition_detail", condition.pk),
        url("condition_met", condition.pk),
        url("condition_not_met", condition.pk),
    ]:
        assert_login_redirect(client.get(path), path)
    path = url("condition_answer", condition.pk)
    assert_login_redirect(client.post(path, {"answer-note": "x"}), path)
    condition.refresh_from_db()
    assert condition.status == Condition.Status.OPEN


# The organisation answers -----------------------------------------------------------------------


def test_the_organisation_answers_with_a_document_and_sees_its_history(
    client, condition, ngo_admin
):
    login(client, ngo_admin)
    page = text(client.get(url("condition_detail", condition.pk)))
    assert "Send the continuity plan." in page
    assert "Answer the condition" in page and 'enctype="multipart/form-data"' in page
    response = client.post(
        url("condition_answer", condition.pk),
        {"note": "Our continuity plan is attached.", "documents": pdf("continuity.pdf")},
    )
    assert response.status_code == 302 and response["Location"] == condition.get_absolute_url()
    condition.refresh_from_db()
    assert condition.status == Condition.Status.ANSWERED
    document = condition.responses.get().documents.get()
    page = text(client.get(url("condition_detail", condition.pk)))
    assert "Our continuity plan is attached." in page
    assert "continuity.pdf" in page and document.get_absolute_url() in page
    assert "Answered: waiting for the administration" in page
    assert "Answer the condition" not in page


def test_an_empty_answer_is_refused_on_the_form(client, condition, ngo_admin):
    response = login(client, ngo_admin).post(url("condition_answer", condition.pk), {"note": ""})
    assert response.status_code == 200
    assert "This field is required." in text(response)
    condition.refresh_from_db()
    assert condition.status == Condition.Status.OPEN


def test_after_the_deadline_the_page_says_so_and_the_answer_is_refused(
    client, condition, ngo_admin
):
    Condition.objects.filter(pk=condition.pk).update(due_date=in_days(-1))
    login(client, ngo_admin)
    page = text(client.get(url("condition_detail", condition.pk)))
    assert "The deadline to answer has passed." in page and "Overdue" in page
    response = client.post(url("condition_answer", condition.pk), {"note": "Late plan."})
    assert "The deadline to answer this condition was" in text(response)
    assert not condition.responses.exists()


def test_a_member_reads_the_history_but_does_not_answer(client, condition, ngo_admin, ngo_member):
    answered(condition, ngo_admin)
    login(client, ngo_member)
    page = text(client.get(url("condition_detail", condition.pk)))
    assert "The plan is attached." in page and "Answer the condition" not in page
    response = client.post(url("condition_answer", condition.pk), {"note": "Mine."})
    assert response.status_code == 403
    assert condition.responses.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "reviewer", "facility_officer"])
def test_people_outside_the_condition_do_not_find_it(client, request, condition, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(url("condition_detail", condition.pk)).status_code == 404
    response = client.post(url("condition_answer", condition.pk), {"note": "x"})
    assert response.status_code == 404
    assert not condition.responses.exists()


# The administration verifies --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_the_administration_reads_the_answer_and_its_document(
    client, request, condition, ngo_admin, persona
):
    answered(condition, ngo_admin)
    document = condition.responses.get().documents.get()
    login(client, request.getfixturevalue(persona))
    page = text(client.get(url("condition_detail", condition.pk)))
    assert "The plan is attached." in page and "Mark met" in page and "Mark not met" in page
    assert client.get(document.get_absolute_url()).status_code == 200


def test_not_met_with_a_reason_and_the_organisation_answers_again(
    client, condition, ngo_admin, coordinator
):
    answered(condition, ngo_admin, note="First plan.")
    login(client, coordinator)
    response = client.post(url("condition_not_met", condition.pk), {"reason": ""})
    assert "This field is required." in text(response)
    response = client.post(
        url("condition_not_met", condition.pk), {"reason": "The plan has no budget."}
    )
    assert response["Location"] == condition.get_absolute_url()
    condition.refresh_from_db()
    assert condition.status == Condition.Status.NOT_MET
    assert AuditEntry.objects.filter(action="condition.marked_not_met", actor=coordinator).exists()
    login(client, ngo_admin)
    page = text(client.get(url("condition_detail", condition.pk)))
    assert "Marked not met" in page and "The plan has no budget." in page
    assert "Answer again" in page
    client.post(url("condition_answer", condition.pk), {"note": "Second plan, with a budget."})
    condition.refresh_from_db()
    assert condition.status == Condition.Status.ANSWERED
    assert condition.responses.count() == 3


def test_not_met_is_refused_before_an_answer(client, condition, director):
    response = login(client, director).post(
        url("condition_not_met", condition.pk), {"reason": "Nothing sent."}
    )
    assert "Only a condition the organisation has answered" in text(response)
    condition.refresh_from_db()
    assert condition.status == Condition.Status.OPEN


@pytest.mark.parametrize(("persona", "status"), [("ngo_admin", 403), ("outsider", 404)])
def test_only_the_administration_marks_a_condition_not_met(
    client, request, condition, ngo_admin, persona, status
):
    answered(condition, ngo_admin)
    user = request.getfixturevalue(persona)
    response = login(client, user).post(url("condition_not_met", condition.pk), {"reason": "No."})
    assert response.status_code == status
    condition.refresh_from_db()
    assert condition.status == Condition.Status.ANSWERED


def test_another_administrations_director_finds_nothing(client, condition, ngo_admin, elsewhere):
    answered(condition, ngo_admin)
    document = condition.responses.get().documents.get()
    other_director, _their_condition = elsewhere
    login(client, other_director)
    for path in [
        url("condition_detail", condition.pk),
        url("condition_met", condition.pk),
        url("condition_not_met", condition.pk),
        document.get_absolute_url(),
    ]:
        assert client.get(path).status_code == 404, path
    response = client.post(url("condition_met", condition.pk), {"note": "Fine by me."})
    assert response.status_code == 404
    condition.refresh_from_db()
    assert condition.status == Condition.Status.ANSWERED


def test_the_application_page_links_each_condition_to_its_history(
    client, condition, ngo_admin, coordinator
):
    path = url("application_detail", condition.decision.application_id)
    page = text(login(client, ngo_admin).get(path))
    assert condition.get_absolute_url() in page and "Waiting for the organisation's answer" in page
    assert url("condition_met", condition.pk) not in page
    assert url("condition_met", condition.pk) in text(login(client, coordinator).get(path))


# The list of open conditions --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_the_list_shows_the_open_conditions_of_the_own_administration_only(
    client, request, world, framework, condition, elsewhere, persona
):
    met = ConditionFactory(
        decision=condition.decision, description="Name a liaison officer.", due_date=in_days(5)
    )
    decisions.condition_mark_met(actor=met.owner, condition=met, note="Named.")
    page = text(login(client, request.getfixturevalue(persona)).get(url("condition_list")))
    assert "Send the continuity plan." in page and world.organisation.name in page
    assert condition.get_absolute_url() in page
    assert "Name a liaison officer." not in page  # met
    _director, their_condition = elsewhere
    assert "Train the volunteers." not in page and "Kurdistan Legal Aid" not in page
    assert their_condition.get_absolute_url() not in page


def test_the_other_administration_sees_only_its_own(client, condition, elsewhere):
    other_director, _their_condition = elsewhere
    page = text(login(client, other_director).get(url("condition_list")))
    assert "Train the volunteers." in page
    assert "Send the continuity plan." not in page
    assert "Local Human Rights Centre" not in page  # not even among the organisations to filter


def test_the_list_filters_by_deadline_and_organisation(
    client, world, framework, condition, director
):
    later = ConditionFactory(
        decision=conditional_decision(world.other_organisation, framework),
        description="Publish the annual report.",
        due_date=in_days(200),
    )
    login(client, director)
    soon = {"due_after": in_days(1).isoformat(), "due_before": in_days(90).isoformat()}
    page = text(client.get(url("condition_list"), soon))
    assert "Send the continuity plan." in page and "Publish the annual report." not in page
    page = text(
        client.get(
            url("condition_list"), {"organisation": later.decision.application.organisation_id}
        )
    )
    assert "Publish the annual report." in page and "Send the continuity plan." not in page
    # The organisations suggested are those with conditions here: both, and no one else.
    assert suggested(client, "condition_choices", "organisation") == [
        "Legal Aid Clinic",
        "Local Human Rights Centre",
    ]
    page = text(client.get(url("condition_list"), {"organisation_name": "legal aid"}))
    assert "Publish the annual report." in page and "Send the continuity plan." not in page


def test_the_list_shows_what_waits_on_whom(
    client, world, framework, condition, ngo_admin, director
):
    answered(condition, ngo_admin)
    overdue = ConditionFactory(
        decision=condition.decision, description="Insure the volunteers.", due_date=in_days(10)
    )
    Condition.objects.filter(pk=overdue.pk).update(due_date=in_days(-3))
    login(client, director)
    page = text(client.get(url("condition_list"), {"status": "answered"}))
    assert "Send the continuity plan." in page and "Insure the volunteers." not in page
    page = text(client.get(url("condition_list"), {"overdue": "on"}))
    assert "Insure the volunteers." in page and "Send the continuity plan." not in page
    assert "Overdue" in page


@pytest.mark.parametrize("persona", ["ngo_admin", "reviewer", "facility_officer"])
def test_only_directors_and_coordinators_have_the_list(client, request, condition, persona):
    response = login(client, request.getfixturevalue(persona)).get(url("condition_list"))
    assert response.status_code == 403


def test_the_list_makes_the_same_queries_for_one_row_and_fifty(
    client, world, framework, condition, director
):
    login(client, director)
    path = url("condition_list")
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        organisation = OrganisationFactory(name=f"Organisation {n:02d}")
        ConditionFactory(
            decision=conditional_decision(organisation, framework),
            description=f"Condition {n:02d}.",
            due_date=in_days(10 + n),
        )
    fifty = count_queries(client, path)
    assert "Condition 48." in text(client.get(path))
    assert fifty == one


def test_the_nav_offers_the_list_to_the_administration(client, condition, director, ngo_admin):
    assert url("condition_list") in text(login(client, director).get(url("accreditation_list")))
    assert url("condition_list") not in text(
        login(client, ngo_admin).get(url("accreditation_list"))
    )
