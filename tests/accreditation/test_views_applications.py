"""The organisation's overview, starting and renewing an application, and what a suspended
or revoked organisation is told; each as allowed, forbidden, invisible and anonymous."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Accreditation, Application, Framework
from activity.models import AuditEntry
from directory.models import Organisation, Role
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ClearanceFactory,
    DecisionFactory,
    DocumentFactory,
    FrameworkFactory,
    complete_application,
    framework_in_force,
)
from tests.accreditation.pages import url
from tests.conftest import login
from tests.factories import AdministrationFactory, OrganisationFactory, PersonFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


def npm_with_an_administrator() -> Organisation:
    """An organisation recognised as a National Preventive Mechanism after it was given an
    administrator (a mechanism is normally given monitors only)."""
    npm = OrganisationFactory.create(name="National Preventive Mechanism")
    staff("nora", Role.NGO_ADMIN, npm)
    Organisation.objects.filter(pk=npm.pk).update(kind=Organisation.Kind.NPM)
    npm.refresh_from_db()
    return npm


# Anonymous --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, world, draft):
    document = DocumentFactory(organisation=world.organisation)
    criterion = draft.framework.criteria.first()
    for path in [
        url("application_list"),
        url("organisation_overview", world.organisation.pk),
        url("application_detail", draft.pk),
        url("application_edit", draft.pk),
        url("evidence_edit", draft.pk, criterion.pk),
        reverse("activity:document_download", args=[document.pk]),
    ]:
        assert_login_redirect(client.get(path), path)


def test_anonymous_actions_are_sent_to_log_in_and_change_nothing(client, world, draft):
    for path in [
        url("application_create", world.organisation.pk),
        url("application_submit", draft.pk),
        url("application_withdraw", draft.pk),
        url("application_renew", draft.pk),
    ]:
        assert_login_redirect(client.post(path), path)
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert Application.objects.count() == 1


# The organisation's overview --------------------------------------------------------------------


def test_the_organisation_sees_its_accreditations_applications_and_peoples_clearance(
    client, world, framework, ngo_admin
):
    person = world.organisation.people.get()
    ClearanceFactory(person=person, cleared=True)
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
    )
    response = login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk))
    assert response.status_code == 200
    page = text(response)
    assert accreditation.verification_code in page
    assert "John Representative" in page
    assert "Cleared" in page
    assert url("clearance_request", person.pk) in page
    assert "Apply for accreditation" in page
    assert f'name="framework" value="{framework.pk}"' in page


def test_the_latest_accredited_application_offers_renewal(client, world, ngo_admin, framework):
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
    )
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert url("application_renew", accreditation.decision.application_id) in page


def test_a_refused_application_offers_no_renewal(client, world, ngo_admin, framework):
    decision = DecisionFactory(
        application__organisation=world.organisation,
        application__framework=framework,
        outcome="refused",
    )
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert url("application_renew", decision.application_id) not in page


def test_a_member_sees_the_overview_without_the_apply_button(client, world, ngo_member, framework):
    page = text(login(client, ngo_member).get(url("organisation_overview", world.organisation.pk)))
    assert "Local Human Rights Centre" in page
    assert "Apply for accreditation" not in page


def test_the_director_sees_any_organisations_overview(client, world, director, framework):
    ApplicationFactory(organisation=world.other_organisation, framework=framework)
    response = login(client, director).get(
        url("organisation_overview", world.other_organisation.pk)
    )
    assert response.status_code == 200
    assert "Lucía Lawyer" in text(response)
    assert "Apply for accreditation" not in text(response)


def test_several_rules_in_force_let_the_organisation_choose(client, world, ngo_admin, framework):
    other = framework_in_force(AdministrationFactory(name="State B Prison Service"))
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert '<select name="framework"' in page
    assert str(other) in page


def test_a_formal_mechanism_is_told_it_does_not_apply(client, world, framework):
    npm = npm_with_an_administrator()
    admin = npm.memberships.get().user
    page = text(login(client, admin).get(url("organisation_overview", npm.pk)))
    assert "Apply for accreditation" not in page
    assert "registered with their mandate" in page


@pytest.mark.parametrize("persona", ["outsider", "facility_officer"])
def test_another_organisations_overview_is_not_found(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("organisation_overview", world.organisation.pk))
    assert response.status_code == 404


def test_the_overview_makes_the_same_queries_for_one_row_and_fifty(
    client, world, director, framework
):
    org = world.organisation
    login(client, director)
    path = url("organisation_overview", org.pk)
    AccreditationFactory(decision__application__organisation=org)
    ClearanceFactory(person=org.people.get(), cleared=True)
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        AccreditationFactory(decision__application__organisation=org)
        ClearanceFactory(person=PersonFactory(organisation=org, full_name=f"Person {n:02d}"))
    fifty = count_queries(client, path)
    assert "Person 48" in text(client.get(path))
    assert fifty == one


# Starting and renewing --------------------------------------------------------------------------


def test_the_administrator_starts_an_application_and_lands_on_its_form(
    client, world, framework, ngo_admin
):
    response = login(client, ngo_admin).post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}
    )
    application = Application.objects.get(organisation=world.organisation)
    assert response.status_code == 302
    assert response["Location"] == url("application_edit", application.pk)
    assert application.framework == framework and application.created_by == ngo_admin
    assert AuditEntry.objects.filter(action="application.created", actor=ngo_admin)


def test_starting_a_second_application_shows_the_services_reason(client, world, draft, ngo_admin):
    response = login(client, ngo_admin).post(
        url("application_create", world.organisation.pk),
        {"framework": draft.framework_id},
        follow=True,
    )
    assert "already has an application in progress" in text(response)
    assert Application.objects.count() == 1


def test_a_formal_mechanism_is_refused_with_the_services_reason(client, world, framework):
    npm = npm_with_an_administrator()
    admin = npm.memberships.get().user
    response = login(client, admin).post(
        url("application_create", npm.pk), {"framework": framework.pk}, follow=True
    )
    assert "is a formal mechanism: it is registered with its mandate" in text(response)
    assert not Application.objects.exists()


def test_starting_under_a_draft_version_is_refused(client, world, ngo_admin, framework):
    draft_rules = FrameworkFactory(administration=world.administration)
    response = login(client, ngo_admin).post(
        url("application_create", world.organisation.pk), {"framework": draft_rules.pk}, follow=True
    )
    assert "Select a valid choice" in text(response)
    assert not Application.objects.exists()


def test_a_member_cannot_start_an_application(client, world, framework, ngo_member):
    response = login(client, ngo_member).post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_an_outsider_cannot_start_an_application_for_another_organisation(
    client, world, framework, outsider
):
    response = login(client, outsider).post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_starting_an_application_needs_post(client, world, framework, ngo_admin):
    response = login(client, ngo_admin).get(url("application_create", world.organisation.pk))
    assert response.status_code == 405


def test_renewal_starts_from_the_last_application(client, world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    AccreditationFactory(decision__application=previous)
    response = login(client, ngo_admin).post(url("application_renew", previous.pk))
    renewal = Application.objects.get(previous=previous)
    assert response["Location"] == url("application_edit", renewal.pk)
    assert renewal.summary == previous.summary
    assert renewal.evidence.count() == 2
    assert AuditEntry.objects.filter(action="application.renewed", object_id=str(renewal.pk))


def test_renewal_under_new_rules_uses_the_version_in_force(client, world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.SUPERSEDED)
    new_rules = framework_in_force(world.administration)
    login(client, ngo_admin).post(url("application_renew", previous.pk))
    assert Application.objects.get(previous=previous).framework == new_rules


def test_renewal_without_rules_in_force_is_refused(client, world, framework, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    Framework.objects.filter(pk=framework.pk).update(status=Framework.Status.SUPERSEDED)
    response = login(client, ngo_admin).post(url("application_renew", previous.pk), follow=True)
    assert "No accreditation rules are in force" in text(response)
    assert not Application.objects.filter(previous=previous).exists()


def test_a_member_cannot_renew(client, world, framework, ngo_member, ngo_admin):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.DECIDED)
    assert login(client, ngo_member).post(url("application_renew", previous.pk)).status_code == 403
    assert not Application.objects.filter(previous=previous).exists()


def test_an_outsider_cannot_renew_another_organisations_application(
    client, world, framework, outsider, ngo_admin
):
    previous = complete_application(framework, world.organisation, created_by=ngo_admin)
    assert login(client, outsider).post(url("application_renew", previous.pk)).status_code == 404


# A suspended or revoked organisation --------------------------------------------------------


def barred(world, framework, status):
    deciding_director = staff("martin", Role.DIRECTOR, world.administration)
    return AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework=framework,
        decision__decided_by=deciding_director,
        status=status,
        status_reason="Photographs taken in the segregation unit.",
        status_changed_at=timezone.now(),
        status_changed_by=deciding_director,
    )


def test_a_suspended_organisation_is_told_why_and_pointed_to_the_appeal(
    client, world, framework, ngo_admin
):
    accreditation = barred(world, framework, Accreditation.Status.SUSPENDED)
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert "While it is suspended you cannot apply or renew." in page
    assert "Photographs taken in the segregation unit." in page
    assert url("appeal_lodge", accreditation.decision_id) in page
    assert "Appeal the suspension" in page
    assert "Apply for accreditation" not in page
    assert url("application_renew", accreditation.decision.application_id) not in page
    # Sent anyway, the application is refused with the reason.
    response = client.post(
        url("application_create", world.organisation.pk), {"framework": framework.pk}, follow=True
    )
    assert "Your accreditation is suspended" in text(response)
    response = client.post(
        url("application_renew", accreditation.decision.application_id), follow=True
    )
    assert "Your accreditation is suspended" in text(response)
    assert not Application.objects.filter(status=Application.Status.DRAFT).exists()


def test_a_pending_appeal_against_the_suspension_is_shown_instead_of_the_button(
    client, world, framework, ngo_admin
):
    from accreditation.services import decisions

    accreditation = barred(world, framework, Accreditation.Status.SUSPENDED)
    decisions.appeal_lodge(
        actor=ngo_admin,
        decision=accreditation.decision,
        subject="suspension",
        grounds="The photographs were authorised.",
    )
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert "Your appeal is waiting for a decision." in page
    assert accreditation.get_absolute_url() in page
    assert url("appeal_lodge", accreditation.decision_id) not in page


def test_a_revoked_organisation_is_told_when_it_may_apply_again(
    client, world, framework, ngo_admin
):
    Framework.objects.filter(pk=framework.pk).update(reapply_after_days=365)
    accreditation = barred(world, framework, Accreditation.Status.REVOKED)
    page = text(login(client, ngo_admin).get(url("organisation_overview", world.organisation.pk)))
    assert "Your accreditation was revoked on" in page
    assert "you may apply again from" in page
    assert "Appeal the revocation" in page
    assert "Apply for accreditation" not in page
    Framework.objects.filter(pk=framework.pk).update(reapply_after_days=0)
    page = text(client.get(url("organisation_overview", world.organisation.pk)))
    assert "Apply for accreditation" in page and "was revoked" not in page
    assert accreditation.status == Accreditation.Status.REVOKED
