"""The director's pages: return, assignment, decision with conditions; accreditations with
suspension, reinstatement and revocation; appeals and conditions. Each as allowed, forbidden,
invisible and anonymous."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation import services
from accreditation.models import (
    Accreditation,
    Appeal,
    Application,
    Condition,
    Decision,
    Framework,
)
from activity.models import AuditEntry
from directory.models import ActivityType, Role
from tests.accreditation.factories import (
    AccreditationFactory,
    AppealFactory,
    complete_application,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
)
from tests.conftest import login
from tests.support.denied import refusals
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"accreditation:{name}", args=args)


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def second_reviewer(world):
    return staff("raul", Role.REVIEWER, world.administration)


@pytest.fixture
def other_director(world):
    return staff("diego", Role.DIRECTOR, world.administration)


@pytest.fixture
def framework(world):
    return framework_in_force(world.administration, criteria=2)


@pytest.fixture
def sent(world, framework, ngo_admin):
    """A submitted application, waiting for reviewers."""
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    return submitted(draft, by=ngo_admin)


@pytest.fixture
def reviewed(sent, director, reviewer, second_reviewer):
    """Under review, both reviewers' scores in: 3 and 4 of 4 everywhere, 87.5 %, passed."""
    under_review(sent, director=director, reviewers=[reviewer, second_reviewer])
    return scored(sent, {reviewer: 3, second_reviewer: 4})


def decide(application, director, outcome=Decision.Outcome.ACCREDITED, **kwargs) -> Decision:
    kwargs.setdefault("reasons", "Convincing evidence.")
    return services.decision_make(
        actor=director, application=application, outcome=outcome, **kwargs
    )


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


def audited(action: str, user) -> bool:
    return AuditEntry.objects.filter(action=action, actor=user).exists()


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
    assert audited("application.under_review", director)


def test_one_reviewer_is_refused_and_the_choice_kept(client, sent, director, reviewer):
    response = login(client, director).post(
        url("reviewers_assign", sent.pk), {"reviewers": [reviewer.pk]}
    )
    page = text(response)
    assert "At least two reviewers must review each application" in page
    assert re.search(rf'value="{reviewer.pk}"[^>]*checked', page)
    assert not sent.assignments.exists()


def test_a_due_date_in_the_past_is_refused(client, sent, director, reviewer, second_reviewer):
    response = login(client, director).post(
        url("reviewers_assign", sent.pk),
        {"reviewers": [reviewer.pk, second_reviewer.pk], "due_date": in_days(-1).isoformat()},
    )
    assert "The due date cannot be in the past." in text(response)
    assert not sent.assignments.exists()


@pytest.mark.parametrize("persona", ["coordinator", "ngo_admin"])
def test_only_the_director_assigns(client, request, sent, persona, reviewer, second_reviewer):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(
        url("reviewers_assign", sent.pk), {"reviewers": [reviewer.pk, second_reviewer.pk]}
    )
    assert response.status_code == 403
    assert not sent.assignments.exists()


# Decision ---------------------------------------------------------------------------------------


def decision_form(**changes) -> dict:
    data = {
        "outcome": "accredited",
        "reasons": "The evidence meets every criterion.",
        "justification": "",
        "moderation_note": "",
        "conditions-TOTAL_FORMS": "3",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "20",
    }
    for n in range(3):
        data.update(
            {
                f"conditions-{n}-description": "",
                f"conditions-{n}-owner": "",
                f"conditions-{n}-due_date": "",
            }
        )
    return {**data, **changes}


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
    assert audited("application.decided", director)
    assert audited("accreditation.grant", director)


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


# Accreditations ---------------------------------------------------------------------------------


def test_the_director_lists_accreditations_with_their_codes(client, world, accreditation, director):
    other = AccreditationFactory(decision__application__organisation=world.other_organisation)
    page = text(login(client, director).get(url("accreditation_list")))
    assert accreditation.verification_code in page
    assert other.verification_code not in page  # another administration's accreditation


def test_the_organisation_lists_only_its_own_accreditations(
    client, world, accreditation, ngo_admin, framework
):
    other = AccreditationFactory(
        decision__application__organisation=world.other_organisation,
        decision__application__framework=framework,
    )
    page = text(login(client, ngo_admin).get(url("accreditation_list")))
    assert accreditation.verification_code in page
    assert other.verification_code not in page


def test_the_accreditation_list_filters_by_status_expiry_activity_and_facility(
    client, world, accreditation, director, framework
):
    other = AccreditationFactory(
        decision__application__organisation=world.other_organisation,
        decision__application__framework=framework,
        status=Accreditation.Status.SUSPENDED,
        valid_until=in_days(20),
    )
    other.decision.application.activity_types.set(ActivityType.objects.filter(code="legal_aid"))
    other.decision.application.facilities.set([world.other_facility])
    login(client, director)

    def listed(**params) -> set[str]:
        page = text(client.get(url("accreditation_list"), params))
        return {a.verification_code for a in (accreditation, other) if a.verification_code in page}

    assert listed(status="suspended") == {other.verification_code}
    assert listed(expires_before=in_days(30).isoformat()) == {other.verification_code}
    legal = ActivityType.objects.get(code="legal_aid")
    assert listed(activity_type=legal.pk) == {other.verification_code}
    assert listed(facility=world.facility.pk) == {accreditation.verification_code}


def test_the_accreditation_list_makes_the_same_queries_for_one_row_and_fifty(
    client, world, director, framework
):
    login(client, director)
    path = url("accreditation_list")
    AccreditationFactory(decision__application__framework=framework)
    client.get(path)
    one = count_queries(client, path)
    for _n in range(49):
        AccreditationFactory(decision__application__framework=framework)
    fifty = count_queries(client, path)
    assert len(client.get(path).context["page"].items) == 50
    assert fifty == one


def test_the_director_sees_the_accreditation_with_its_change_forms(client, accreditation, director):
    page = text(login(client, director).get(url("accreditation_detail", accreditation.pk)))
    assert accreditation.verification_code in page
    assert url("accreditation_change", accreditation.pk, "suspend") in page
    assert url("accreditation_change", accreditation.pk, "revoke") in page
    assert url("accreditation_change", accreditation.pk, "reinstate") not in page


def test_the_organisation_sees_its_accreditation_without_change_forms(
    client, accreditation, ngo_member
):
    response = login(client, ngo_member).get(url("accreditation_detail", accreditation.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Education" in page
    assert "Central Penitentiary" in page
    assert url("accreditation_change", accreditation.pk, "suspend") not in page


@pytest.mark.parametrize("persona", ["outsider", "reviewer", "facility_officer"])
def test_the_accreditation_is_not_found_by_others(client, request, accreditation, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("accreditation_detail", accreditation.pk))
    assert response.status_code == 404


def test_the_accreditation_page_makes_the_same_queries_for_one_row_and_fifty(
    client, accreditation, director, ngo_admin
):
    decision = accreditation.decision
    AppealFactory(decision=decision, appealed_by_user=ngo_admin, grounds="Grounds 00.")
    login(client, director)
    path = url("accreditation_detail", accreditation.pk)
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        AppealFactory(decision=decision, appealed_by_user=ngo_admin, grounds=f"Grounds {n:02d}.")
    fifty = count_queries(client, path)
    assert "Grounds 49." in text(client.get(path))
    assert fifty == one


def test_the_director_suspends_with_a_reason(client, accreditation, director):
    login(client, director)
    assert client.get(url("accreditation_change", accreditation.pk, "suspend")).status_code == 200
    response = client.post(
        url("accreditation_change", accreditation.pk, "suspend"), {"reason": "Gate incident."}
    )
    assert response["Location"] == url("accreditation_detail", accreditation.pk)
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.SUSPENDED
    assert accreditation.status_reason == "Gate incident."
    assert audited("accreditation.suspended", director)
    page = text(client.get(url("accreditation_detail", accreditation.pk)))
    assert url("accreditation_change", accreditation.pk, "reinstate") in page


def test_a_change_without_a_reason_is_refused(client, accreditation, director):
    response = login(client, director).post(
        url("accreditation_change", accreditation.pk, "revoke"), {"reason": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in text(response)
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE


def test_a_forbidden_change_shows_the_reason_and_keeps_the_text(client, accreditation, director):
    response = login(client, director).post(
        url("accreditation_change", accreditation.pk, "reinstate"), {"reason": "Typed and kept."}
    )
    page = text(response)
    assert "Only a suspended accreditation can be reinstated." in page
    assert "Typed and kept." in page
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE


def test_reinstating_and_revoking_follow_the_rules(client, accreditation, director):
    login(client, director)
    client.post(url("accreditation_change", accreditation.pk, "suspend"), {"reason": "Check."})
    client.post(url("accreditation_change", accreditation.pk, "reinstate"), {"reason": "Fine."})
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE
    client.post(url("accreditation_change", accreditation.pk, "revoke"), {"reason": "Fraud."})
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.REVOKED
    response = client.post(
        url("accreditation_change", accreditation.pk, "suspend"), {"reason": "Again."}
    )
    assert "cannot change from “Revoked” to “Suspended”" in text(response)


def test_an_unknown_change_is_not_found(client, accreditation, director):
    response = login(client, director).post(
        url("accreditation_change", accreditation.pk, "delete"), {"reason": "x"}
    )
    assert response.status_code == 404
    assert Accreditation.objects.filter(pk=accreditation.pk).exists()


@pytest.mark.parametrize("persona", ["coordinator", "ngo_admin"])
def test_only_the_director_changes_an_accreditation(client, request, accreditation, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(
        url("accreditation_change", accreditation.pk, "suspend"), {"reason": "x"}
    )
    assert response.status_code == 403
    accreditation.refresh_from_db()
    assert accreditation.status == Accreditation.Status.ACTIVE


def test_an_outsider_cannot_find_an_accreditation_to_change(client, accreditation, outsider):
    response = login(client, outsider).post(
        url("accreditation_change", accreditation.pk, "suspend"), {"reason": "x"}
    )
    assert response.status_code == 404


# Appeals ----------------------------------------------------------------------------------------


def test_the_administrator_lodges_an_appeal(client, refusal, ngo_admin):
    login(client, ngo_admin)
    page = text(client.get(url("appeal_lodge", refusal.pk)))
    assert "The decision on the application" in page
    response = client.post(
        url("appeal_lodge", refusal.pk), {"subject": "decision", "grounds": "Overlooked report."}
    )
    assert response["Location"] == url("application_detail", refusal.application_id)
    appeal = Appeal.objects.get()
    assert (appeal.subject, appeal.grounds, appeal.appealed_by_user) == (
        "decision",
        "Overlooked report.",
        ngo_admin,
    )
    assert audited("appeal.lodge", ngo_admin)


def test_an_appeal_after_the_deadline_is_refused_with_the_date(client, refusal, ngo_admin):
    Decision.objects.filter(pk=refusal.pk).update(appeal_deadline=in_days(-1))
    response = login(client, ngo_admin).post(
        url("appeal_lodge", refusal.pk), {"subject": "decision", "grounds": "Typed and kept."}
    )
    page = text(response)
    assert "The deadline to appeal was" in page
    assert "Typed and kept." in page
    assert not Appeal.objects.exists()


def test_a_plain_accreditation_offers_nothing_to_appeal(client, accreditation, ngo_admin):
    page = text(login(client, ngo_admin).get(url("appeal_lodge", accreditation.decision_id)))
    assert "There is nothing to appeal here." in page


def test_a_suspension_is_appealed_from_the_accreditation_page(
    client, accreditation, director, ngo_admin
):
    services.accreditation_suspend(actor=director, accreditation=accreditation, reason="Doubt.")
    login(client, ngo_admin)
    page = text(client.get(url("accreditation_detail", accreditation.pk)))
    assert url("appeal_lodge", accreditation.decision_id) in page
    client.post(
        url("appeal_lodge", accreditation.decision_id),
        {"subject": "suspension", "grounds": "No fault of ours."},
    )
    assert Appeal.objects.get().subject == Appeal.Subject.SUSPENSION


@pytest.mark.parametrize(("persona", "status"), [("ngo_member", 403), ("outsider", 404)])
def test_only_the_organisations_administrators_appeal(client, request, refusal, persona, status):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(
        url("appeal_lodge", refusal.pk), {"subject": "decision", "grounds": "x"}
    )
    assert response.status_code == status
    assert not Appeal.objects.exists()


@pytest.fixture
def appeal(refusal, ngo_admin) -> Appeal:
    return services.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )


def test_another_director_upholds_the_appeal_and_the_organisation_is_accredited(
    client, appeal, other_director, refusal
):
    login(client, other_director)
    page = text(client.get(url("application_detail", refusal.application_id)))
    assert url("appeal_decide", appeal.pk) in page
    response = client.post(
        url("appeal_decide", appeal.pk), {"outcome": "upheld", "reasons": "Report overlooked."}
    )
    assert response["Location"] == url("application_detail", refusal.application_id)
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.UPHELD
    assert Accreditation.objects.get(decision=refusal).is_in_force()
    assert audited("appeal.upheld", other_director)


def test_the_original_decider_is_told_someone_else_decides(client, appeal, director):
    response = login(client, director).post(
        url("appeal_decide", appeal.pk), {"outcome": "dismissed", "reasons": "Typed and kept."}
    )
    page = text(response)
    assert "someone else must decide the appeal" in page
    assert "Typed and kept." in page
    appeal.refresh_from_db()
    assert appeal.is_open


@pytest.mark.parametrize(
    ("persona", "status"), [("ngo_admin", 403), ("coordinator", 403), ("outsider", 404)]
)
def test_only_a_director_decides_an_appeal(client, request, appeal, persona, status):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(
        url("appeal_decide", appeal.pk), {"outcome": "upheld", "reasons": "x"}
    )
    assert response.status_code == status
    appeal.refresh_from_db()
    assert appeal.is_open


# Conditions -------------------------------------------------------------------------------------


@pytest.fixture
def condition(reviewed, director, ngo_admin) -> Condition:
    decision = decide(
        reviewed,
        director,
        outcome=Decision.Outcome.CONDITIONAL,
        conditions=[{"description": "Plan.", "owner": ngo_admin, "due_date": in_days(30)}],
    )
    return decision.conditions.get()


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_the_administration_marks_a_condition_met(client, request, condition, persona):
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(url("condition_met", condition.pk)).status_code == 200
    client.post(url("condition_met", condition.pk), {"note": "Plan received on time."})
    condition.refresh_from_db()
    assert condition.is_met and condition.responses.get().note == "Plan received on time."
    assert audited("condition.met", user)


def test_a_condition_met_needs_a_note(client, condition, coordinator):
    response = login(client, coordinator).post(url("condition_met", condition.pk), {"note": ""})
    assert "This field is required." in text(response)
    condition.refresh_from_db()
    assert not condition.is_met


def test_a_condition_already_met_says_so(client, condition, coordinator):
    services.condition_mark_met(actor=coordinator, condition=condition, note="Done.")
    response = login(client, coordinator).post(url("condition_met", condition.pk), {"note": "x"})
    assert "This condition is already met." in text(response)


@pytest.mark.parametrize(("persona", "status"), [("ngo_admin", 403), ("outsider", 404)])
def test_only_the_administration_marks_conditions_met(client, request, condition, persona, status):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(url("condition_met", condition.pk), {"note": "Done."})
    assert response.status_code == status
    condition.refresh_from_db()
    assert not condition.is_met
