"""The decision form, with conditions, and the decision as shown on the application's page."""

import pytest
from django.utils import timezone

from accreditation.models import Accreditation, Appeal, Condition, Decision, Framework
from activity.models import AuditEntry
from directory.models import Role
from tests.accreditation.factories import (
    AppealFactory,
    complete_application,
    decide,
    framework_in_force,
    in_days,
    scored,
    staff,
    submitted,
    under_review,
)
from tests.accreditation.pages import decision_form, url
from tests.conftest import login
from tests.support.pages import count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_director(world):
    """A second director of the same administration (tests/conftest.py's is another one's)."""
    return staff("diego", Role.DIRECTOR, world.administration)


# Decision ---------------------------------------------------------------------------------------


def test_the_decision_form_shows_the_score_sheet_and_the_reviewers_result(
    client, reviewed, director, reviewer
):
    response = login(client, director).get(url("decision_make", reviewed.pk))
    assert response.status_code == 200
    page = text(response)
    assert "87.50 %" in page
    assert "Passed" in page
    assert reviewer.get_full_name() in page  # the director knows who reviewed
    assert "refusing it needs a written justification" in page


def test_the_director_accredits_and_the_organisation_is_accredited(
    client, reviewed, director, ngo_admin
):
    response = login(client, director).post(url("decision_make", reviewed.pk), decision_form())
    assert response["Location"] == url("application_detail", reviewed.pk)
    decision = Decision.objects.get(application=reviewed)
    assert decision.outcome == Decision.Outcome.ACCREDITED
    assert decision.decided_by == director
    assert Accreditation.objects.get(decision=decision).is_in_force()
    # One entry: the decision, with the accreditation it grants in its details.
    entry = AuditEntry.objects.get(action="application.decided", actor=director)
    assert entry.changes["code"] == Accreditation.objects.get(decision=decision).verification_code


def test_refusing_against_the_reviewers_needs_a_justification_and_keeps_the_reasons(
    client, reviewed, director
):
    response = login(client, director).post(
        url("decision_make", reviewed.pk),
        decision_form(outcome="refused", reasons="Typed reasons."),
    )
    assert response.status_code == 200
    page = text(response)
    assert "This decision goes against the reviewers' result; justify it in writing." in page
    assert "Typed reasons." in page
    assert not Decision.objects.exists()


def test_an_accreditation_with_conditions_records_each_condition(
    client, reviewed, director, ngo_admin
):
    due = in_days(60)
    response = login(client, director).post(
        url("decision_make", reviewed.pk),
        decision_form(
            outcome="conditional",
            **{
                "conditions-0-description": "Send the continuity plan.",
                "conditions-0-owner": str(ngo_admin.pk),
                "conditions-0-due_date": due.isoformat(),
            },
        ),
    )
    assert response.status_code == 302
    condition = Condition.objects.get()
    assert (condition.description, condition.owner, condition.due_date) == (
        "Send the continuity plan.",
        ngo_admin,
        due,
    )


def test_a_half_filled_condition_is_refused(client, reviewed, director):
    response = login(client, director).post(
        url("decision_make", reviewed.pk),
        decision_form(outcome="conditional", **{"conditions-0-description": "Train staff."}),
    )
    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert "Train staff." in text(response)
    assert not Decision.objects.exists()


def test_a_conditional_decision_without_conditions_is_refused(client, reviewed, director):
    response = login(client, director).post(
        url("decision_make", reviewed.pk), decision_form(outcome="conditional")
    )
    assert "Set at least one condition." in text(response)
    assert not Decision.objects.exists()


def test_a_condition_owner_must_be_of_the_organisation_or_the_administration(
    client, reviewed, director, outsider
):
    response = login(client, director).post(
        url("decision_make", reviewed.pk),
        decision_form(
            outcome="conditional",
            **{
                "conditions-0-description": "Train staff.",
                "conditions-0-owner": str(outsider.pk),
                "conditions-0-due_date": in_days(30).isoformat(),
            },
        ),
    )
    assert "Select a valid choice" in text(response)
    assert not Decision.objects.exists()


def test_wide_disagreement_is_flagged_on_the_form_and_needs_a_note(
    client, sent, director, reviewer, second_reviewer
):
    under_review(sent, director=director, reviewers=[reviewer, second_reviewer])
    scored(sent, {reviewer: 4, second_reviewer: 0})
    login(client, director)
    page = text(client.get(url("decision_make", sent.pk)))
    assert "Reviewers differ by 4: moderation" in page
    response = client.post(
        url("decision_make", sent.pk),
        decision_form(outcome="refused", justification="Unconvincing."),
    )
    assert "disagree widely" in text(response)
    client.post(
        url("decision_make", sent.pk),
        decision_form(outcome="refused", moderation_note="Agreed with both: 2."),
    )
    assert Decision.objects.filter(application=sent).exists()


def test_a_decision_before_all_reviews_are_in_is_refused(
    client, sent, director, reviewer, second_reviewer
):
    under_review(sent, director=director, reviewers=[reviewer, second_reviewer])
    response = login(client, director).post(url("decision_make", sent.pk), decision_form())
    assert "Wait until every assigned reviewer has submitted" in text(response)


@pytest.mark.parametrize("persona", ["reviewer", "coordinator", "ngo_admin"])
def test_only_the_director_decides(client, request, reviewed, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(url("decision_make", reviewed.pk), decision_form())
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_an_outsider_cannot_find_the_decision_form(client, reviewed, outsider):
    assert login(client, outsider).get(url("decision_make", reviewed.pk)).status_code == 404


def test_the_decision_form_makes_the_same_queries_for_one_row_and_fifty(
    client, world, ngo_admin, director, reviewer, second_reviewer
):
    def decision_page(criteria: int, organisation) -> int:
        framework = framework_in_force(world.administration, criteria=criteria)
        draft = complete_application(framework, organisation, created_by=ngo_admin)
        application = under_review(
            submitted(draft, by=ngo_admin),
            director=director,
            reviewers=[reviewer, second_reviewer],
        )
        scored(application, {reviewer: 3, second_reviewer: 2})
        path = url("decision_make", application.pk)
        client.get(path)
        return count_queries(client, path)

    login(client, director)
    one = decision_page(1, world.organisation)
    Framework.objects.filter(status="published").update(status="superseded")
    fifty = decision_page(50, world.other_organisation)
    assert fifty == one


# The decision on the application's page ---------------------------------------------------------


def test_the_applicant_sees_the_refusal_reasons_and_can_appeal(client, refusal, ngo_admin):
    page = text(login(client, ngo_admin).get(url("application_detail", refusal.application_id)))
    assert "Refused" in page
    assert "Convincing evidence." in page
    assert url("appeal_lodge", refusal.pk) in page
    assert refusal.appeal_deadline.strftime("%Y") in page


def test_a_member_sees_the_decision_but_cannot_appeal(client, refusal, ngo_member):
    page = text(login(client, ngo_member).get(url("application_detail", refusal.application_id)))
    assert "Refused" in page
    assert url("appeal_lodge", refusal.pk) not in page


def test_conditions_show_mark_met_to_the_administration_only(
    client, reviewed, director, coordinator, ngo_admin
):
    decision = decide(
        reviewed,
        director,
        outcome=Decision.Outcome.CONDITIONAL,
        conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(30)}],
    )
    condition = decision.conditions.get()
    path = url("application_detail", reviewed.pk)
    assert url("condition_met", condition.pk) in text(login(client, coordinator).get(path))
    assert url("condition_met", condition.pk) not in text(login(client, ngo_admin).get(path))


def test_the_decided_file_makes_the_same_queries_for_one_row_and_fifty(
    client, reviewed, director, ngo_admin, other_director
):
    decision = decide(
        reviewed,
        director,
        outcome=Decision.Outcome.CONDITIONAL,
        conditions=[{"description": "Plan 00.", "owner": ngo_admin, "due_date": in_days(30)}],
    )
    AppealFactory(decision=decision, appealed_by_user=ngo_admin, grounds="Grounds 00.")
    login(client, other_director)
    path = url("application_detail", reviewed.pk)
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        Condition.objects.create(
            decision=decision, description=f"Plan {n:02d}.", owner=ngo_admin, due_date=in_days(30)
        )
        AppealFactory(
            decision=decision,
            appealed_by_user=ngo_admin,
            grounds=f"Grounds {n:02d}.",
            outcome=Appeal.Outcome.DISMISSED,
            decided_by=other_director,
            decided_at=timezone.now(),
        )
    fifty = count_queries(client, path)
    page = text(client.get(path))
    assert "Plan 49." in page and "Grounds 49." in page
    assert fifty == one
