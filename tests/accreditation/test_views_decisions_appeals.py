"""Appeals against a decision or a suspension, and conditions marked met by the
administration. Each as allowed and forbidden."""

from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.formats import date_format

from accreditation.models import Accreditation, Appeal, Condition, Decision
from accreditation.services import decisions
from directory.selectors import earliest_local_date
from tests.accreditation.factories import decide, in_days
from tests.accreditation.pages import audited, url
from tests.conftest import login
from tests.support.pages import text
from visits.models import local_datetime, local_today

pytestmark = pytest.mark.django_db


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
    assert audited("appeal.lodged", ngo_admin)


def test_an_appeal_after_the_deadline_is_refused_with_the_date(client, refusal, ngo_admin):
    # The day before today at every one of the administration's facilities.
    yesterday = earliest_local_date(refusal.application.administration) - timedelta(days=1)
    Decision.objects.filter(pk=refusal.pk).update(appeal_deadline=yesterday)
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
    decisions.accreditation_suspend(actor=director, accreditation=accreditation, reason="Doubt.")
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
    return decisions.appeal_lodge(
        actor=ngo_admin, decision=refusal, subject=Appeal.Subject.DECISION, grounds="Overlooked."
    )


def test_another_director_upholds_the_appeal_and_the_organisation_is_accredited(
    client, appeal, second_director, refusal
):
    login(client, second_director)
    page = text(client.get(url("application_detail", refusal.application_id)))
    assert url("appeal_decide", appeal.pk) in page
    response = client.post(
        url("appeal_decide", appeal.pk), {"outcome": "upheld", "reasons": "Report overlooked."}
    )
    assert response["Location"] == url("application_detail", refusal.application_id)
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.UPHELD
    assert Accreditation.objects.get(decision=refusal).is_in_force()
    assert audited("appeal.upheld", second_director)


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
    decisions.condition_mark_met(actor=coordinator, condition=condition, note="Done.")
    response = login(client, coordinator).post(url("condition_met", condition.pk), {"note": "x"})
    assert "This condition is already met." in text(response)


@pytest.mark.parametrize(("persona", "status"), [("ngo_admin", 403), ("outsider", 404)])
def test_only_the_administration_marks_conditions_met(client, request, condition, persona, status):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(url("condition_met", condition.pk), {"note": "Done."})
    assert response.status_code == status
    condition.refresh_from_db()
    assert not condition.is_met


def test_on_the_last_day_the_appeal_is_offered_all_evening_at_the_facility(
    client, world, refusal, accreditation, director, ngo_admin
):
    """At 7.30 pm in Guatemala on the last day the server's (UTC) date is already past it; the
    pages still offer the appeal that lodging it accepts, and the organisation's overview says
    until when a suspension may be appealed."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        last_day = local_today(world.facility)
        assert timezone.localdate() > last_day
        Decision.objects.filter(pk=refusal.pk).update(appeal_deadline=last_day)
        login(client, ngo_admin)
        page = client.get(url("application_detail", refusal.application_id)).content.decode()
        assert url("appeal_lodge", refusal.pk) in page

        decisions.accreditation_suspend(
            actor=director, accreditation=accreditation, reason="Doubt."
        )
        days = accreditation.decision.application.framework.appeal_days
        # Suspended so that the appeal's last day is the facility's today.
        Accreditation.objects.filter(pk=accreditation.pk).update(
            status_changed_at=timezone.now() - timedelta(days=days + 1)
        )
        page = client.get(url("accreditation_detail", accreditation.pk)).content.decode()
        assert url("appeal_lodge", accreditation.decision_id) in page
        overview = text(client.get(url("organisation_overview", world.organisation.pk)))
        assert f"You may appeal until {date_format(last_day)}." in overview
