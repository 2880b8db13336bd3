"""Accreditations: their list and page, suspension, reinstatement and revocation."""

import pytest
from django.utils import timezone

from accreditation.models import Accreditation
from directory.models import ActivityType
from tests.accreditation.factories import AccreditationFactory, AppealFactory, in_days
from tests.accreditation.pages import audited, url
from tests.conftest import login
from tests.support.pages import count_queries, text

pytestmark = pytest.mark.django_db


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
    assert listed(activity_type="legal_aid") == {other.verification_code}
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
    client, accreditation, director, second_director, ngo_admin
):
    decision = accreditation.decision

    def appeal(n: int, *, decided: bool = True) -> None:
        # One appeal waits at a time: the others were decided before it.
        AppealFactory(
            decision=decision,
            appealed_by_user=ngo_admin,
            grounds=f"Grounds {n:02d}.",
            **(
                {
                    "outcome": "dismissed",
                    "decided_by": second_director,
                    "decided_at": timezone.now(),
                }
                if decided
                else {}
            ),
        )

    appeal(0)
    login(client, director)
    path = url("accreditation_detail", accreditation.pk)
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        appeal(n, decided=n < 49)
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
    # The administration reads why, not the names of two states.
    assert "This accreditation was revoked, so it cannot be suspended." in text(response)


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
