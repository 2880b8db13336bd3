"""The public pages: the rules in force, the register and the check of a verification code.
Anyone may open them; they show nothing that is not public."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accreditation.models import Accreditation, Decision, Framework
from directory.models import ActivityType, Organisation
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    CriterionFactory,
    DecisionFactory,
    FormalMechanismFactory,
    FrameworkFactory,
)
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory, PersonFactory
from tests.support.pages import count_queries, text

pytestmark = pytest.mark.django_db

CRITERIA = reverse("accreditation:public_criteria")
REGISTER = reverse("accreditation:public_register")
VERIFY = reverse("accreditation:verify")


def activity(code: str) -> ActivityType:
    return ActivityType.objects.get_or_create(code=code)[0]


def accredited(name: str, **kwargs) -> Accreditation:
    """An accreditation of a new organisation called ``name``; ``scope`` keys go to the
    application (activity_types, facilities, member_organisations)."""
    scope = {
        key: kwargs.pop(key)
        for key in ("activity_types", "facilities", "member_organisations")
        if key in kwargs
    }
    outcome = kwargs.pop("outcome", Decision.Outcome.ACCREDITED)
    application = ApplicationFactory(
        organisation=OrganisationFactory(name=name), status="decided", **scope
    )
    return AccreditationFactory.create(
        decision=DecisionFactory(application=application, outcome=outcome), **kwargs
    )


def granted_again(accreditation: Accreditation, **kwargs) -> Accreditation:
    """A later accreditation of the same organisation by the same administration."""
    application = ApplicationFactory(
        organisation=accreditation.organisation,
        framework=accreditation.decision.application.framework,
        status="decided",
    )
    return AccreditationFactory.create(decision=DecisionFactory(application=application), **kwargs)


def day(value) -> str:
    return date_format(value, "DATE_FORMAT")


# The rules in force -----------------------------------------------------------------------------


@pytest.fixture
def rules(world):
    """Version 2 in force, version 1 superseded, version 3 a draft."""
    FrameworkFactory(
        administration=world.administration,
        version=1,
        title="Old rules",
        status=Framework.Status.SUPERSEDED,
    )
    in_force = FrameworkFactory(
        administration=world.administration,
        version=2,
        published=True,
        introduction="Send your application to the accreditation office.",
        pass_threshold=65,
        validity_months=18,
        review_days=45,
    )
    CriterionFactory(
        framework=in_force,
        name="Track record",
        description="Years of lawful operation.",
        weight=3,
        minimum_score=2,
        evidence="Certificate of legal registration.",
        document_required=True,
        levels=[(0, "No record at all"), (2, "Some years"), (4, "A long, verified record")],
    )
    draft = FrameworkFactory(administration=world.administration, version=3, title="Next rules")
    CriterionFactory(framework=draft, name="Secret draft criterion")
    return in_force


def test_anyone_reads_the_rules_in_force_without_logging_in(client, rules):
    response = client.get(CRITERIA)
    assert response.status_code == 200
    page = text(response)
    assert "State A Prison System" in page
    assert "Send your application to the accreditation office." in page
    assert "Track record" in page
    assert "Years of lawful operation." in page
    assert "A long, verified record" in page
    assert "2 out of 4" in page  # the minimum score against the top of the scale
    assert "Certificate of legal registration." in page
    assert "an application cannot be submitted without one" in page
    assert "65" in page and "18 months" in page and "45 days" in page
    assert "Version" in page and ">2<" in page


def test_rules_page_shows_neither_drafts_nor_superseded_versions(client, rules):
    page = text(client.get(CRITERIA))
    assert "Secret draft criterion" not in page
    assert "Old rules" not in page
    assert "Next rules" not in page
    assert "Add a criterion" not in page


def test_rules_page_says_when_nothing_is_published(client, world):
    FrameworkFactory(administration=world.administration)
    assert "No administration has published its accreditation rules yet." in text(
        client.get(CRITERIA)
    )


def test_rules_page_makes_the_same_queries_for_one_version_and_fifty(client, db):
    def publish_one():
        framework = FrameworkFactory(published=True)
        CriterionFactory(framework=framework)
        CriterionFactory(framework=framework)

    publish_one()
    client.get(CRITERIA)
    one = count_queries(client, CRITERIA)
    for _ in range(49):
        publish_one()
    fifty = count_queries(client, CRITERIA)
    assert Framework.objects.filter(status="published").count() == 50
    assert fifty == one


def test_rules_page_makes_the_same_queries_for_one_criterion_and_fifty(client, db):
    framework = FrameworkFactory(published=True)
    CriterionFactory(framework=framework)
    one = count_queries(client, CRITERIA)
    for _ in range(49):
        CriterionFactory(framework=framework)
    assert count_queries(client, CRITERIA) == one


# The register -----------------------------------------------------------------------------------


def test_register_lists_accreditations_in_force_with_scope_validity_and_code(client, world):
    member = OrganisationFactory(name="Women's Handcraft Collective")
    accreditation = accredited(
        "Central American NGO Network",
        activity_types=[activity("education"), activity("vocational")],
        facilities=[world.facility],
        member_organisations=[member],
    )
    response = client.get(REGISTER)
    assert response.status_code == 200
    page = text(response)
    assert "Central American NGO Network" in page
    assert "Women's Handcraft Collective" in page
    assert "Education" in page and "Vocational training" in page
    assert "Central Penitentiary" in page
    assert accreditation.verification_code in page
    assert accreditation.valid_until.strftime("%Y") in page


def test_register_leaves_out_accreditations_not_in_force(client, db):
    today = timezone.localdate()
    accredited("Active Aid")
    hidden = [
        accredited("Suspended Aid", status=Accreditation.Status.SUSPENDED),
        accredited("Revoked Aid", status=Accreditation.Status.REVOKED),
        accredited("Renewed Aid", status=Accreditation.Status.SUPERSEDED),
        accredited(
            "Expired Aid",
            valid_from=today - timedelta(days=800),
            valid_until=today - timedelta(days=1),
        ),
        accredited(
            "Future Aid",
            valid_from=today + timedelta(days=1),
            valid_until=today + timedelta(days=700),
        ),
    ]
    page = text(client.get(REGISTER))
    assert "Active Aid" in page
    for accreditation in hidden:
        assert accreditation.organisation.name not in page
        assert accreditation.verification_code not in page


def test_register_never_shows_reasons_or_scores(client, db):
    accreditation = accredited("Open Aid")
    Accreditation.objects.filter(pk=accreditation.pk).update(status_reason="Private note")
    decision = accreditation.decision
    decision.reasons = "Confidential reasoning of the director"
    decision.save()
    page = text(client.get(REGISTER))
    assert "Open Aid" in page
    assert "Confidential reasoning" not in page
    assert "Private note" not in page


def test_register_filters_by_activity_and_by_facility(client, world):
    accredited(
        "Teachers Together", activity_types=[activity("education")], facilities=[world.facility]
    )
    accredited(
        "Health Helpers", activity_types=[activity("health")], facilities=[world.other_facility]
    )
    by_activity = text(client.get(REGISTER, {"activity": "health"}))
    assert "Health Helpers" in by_activity
    assert "Teachers Together" not in by_activity
    by_facility = text(client.get(REGISTER, {"facility": world.facility.pk}))
    assert "Teachers Together" in by_facility
    assert "Health Helpers" not in by_facility


def test_register_facility_filter_offers_only_facilities_the_register_names(client, world):
    accredited("Teachers Together", facilities=[world.facility])
    hidden = FacilityFactory(administration=world.administration, name="Unlisted Annex")
    page = text(client.get(REGISTER))
    assert "Central Penitentiary" in page
    assert hidden.name not in page


def test_register_lists_formal_mechanisms_in_force_without_their_members(client, world):
    npm = OrganisationFactory(name="National Preventive Mechanism", kind=Organisation.Kind.NPM)
    FormalMechanismFactory(
        organisation=npm,
        administration=world.administration,
        legal_basis="Law 12 of 2010",
        members=[PersonFactory(organisation=npm, full_name="Mario Monitor")],
    )
    ended = OrganisationFactory(name="Former Body", kind=Organisation.Kind.SPECIAL_AGREEMENT)
    today = timezone.localdate()
    FormalMechanismFactory(
        organisation=ended,
        valid_from=today - timedelta(days=800),
        valid_until=today - timedelta(days=1),
    )
    page = text(client.get(REGISTER))
    assert "National Preventive Mechanism" in page
    assert "Law 12 of 2010" in page
    assert "Mario Monitor" not in page
    assert "mandate.pdf" not in page
    assert "Former Body" not in page


def test_register_makes_the_same_queries_for_one_row_and_fifty(client, world):
    member = OrganisationFactory()

    def one_more():
        accredited(
            f"Probe {Accreditation.objects.count():02d}",
            activity_types=[activity("education")],
            facilities=[world.facility],
            member_organisations=[member],
        )
        FormalMechanismFactory()

    one_more()
    client.get(REGISTER)
    one = count_queries(client, REGISTER)
    for _ in range(49):
        one_more()
    fifty = count_queries(client, REGISTER)
    assert "Probe 49" in text(client.get(REGISTER))
    assert fifty == one


def test_register_pages_on_past_fifty_rows(client, db):
    for n in range(55):
        accredited(f"Paged {n:02d}")
    first = client.get(REGISTER)
    assert len(first.context["page"].items) == 50
    second = client.get(REGISTER, {"after": first.context["page"].next_cursor})
    assert len(second.context["page"].items) == 5


# Verification -----------------------------------------------------------------------------------


def test_verify_page_shows_an_empty_form_at_first(client, db):
    response = client.get(VERIFY)
    assert response.status_code == 200
    assert 'name="code"' in text(response)
    assert "No accreditation has this code" not in text(response)


def test_verify_finds_an_accreditation_in_force_whatever_the_case_and_spacing(client, world):
    accreditation = accredited(
        "Prisoners' Rights Centre",
        activity_types=[activity("legal_aid")],
        facilities=[world.facility],
    )
    typed = accreditation.verification_code.replace("-", " ").lower()
    page = text(client.get(VERIFY, {"code": f"  {typed} "}))
    assert "In force" in page
    assert "Prisoners' Rights Centre is accredited until" in page
    assert "Legal aid" in page
    assert "Central Penitentiary" in page


def test_verify_accepts_the_code_without_separators(client, db):
    accreditation = accredited("Compact Aid")
    page = text(client.get(VERIFY, {"code": accreditation.verification_code.replace("-", "")}))
    assert "Compact Aid is accredited until" in page


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"status": Accreditation.Status.SUSPENDED}, "Suspended"),
        ({"status": Accreditation.Status.REVOKED}, "Revoked"),
        ({"status": Accreditation.Status.SUPERSEDED}, "Renewed"),
        ({"valid_from_days": -800, "valid_until_days": -1}, "Expired"),
    ],
)
def test_verify_says_why_an_accreditation_is_not_in_force(client, db, changes, label):
    today = timezone.localdate()
    kwargs = {}
    if "status" in changes:
        kwargs["status"] = changes["status"]
    else:
        kwargs["valid_from"] = today + timedelta(days=changes["valid_from_days"])
        kwargs["valid_until"] = today + timedelta(days=changes["valid_until_days"])
    accreditation = accredited("Troubled Aid", **kwargs)
    Accreditation.objects.filter(pk=accreditation.pk).update(status_reason="Internal reason")
    page = text(client.get(VERIFY, {"code": accreditation.verification_code}))
    assert f"{accreditation.verification_code}: {label}" in page
    assert "it is not in force" in page
    assert "is accredited until" not in page
    assert "Internal reason" not in page


def test_verify_says_plainly_that_no_accreditation_has_an_unknown_code(client, db):
    accredited("Some Aid")
    page = text(client.get(VERIFY, {"code": "ABCD-EFGH-JKLM"}))
    assert "No accreditation has this code" in page
    assert "Some Aid" not in page


def test_verify_refuses_what_cannot_be_a_code_and_keeps_it(client, db):
    page = text(client.get(VERIFY, {"code": "not a code"}))
    assert "A verification code has twelve letters and digits" in page
    assert 'value="not a code"' in page


def test_verify_makes_the_same_queries_for_one_activity_and_fifty(client, world):
    accreditation = accredited("Busy Aid", activity_types=[activity("education")])
    path = f"{VERIFY}?code={accreditation.verification_code}"
    one = count_queries(client, path)
    application = accreditation.decision.application
    for _ in range(49):
        application.facilities.add(FacilityFactory(administration=world.administration))
    assert count_queries(client, path) == one


# Links ------------------------------------------------------------------------------------------


def test_anonymous_visitors_find_the_public_pages_in_the_header(client, db):
    page = text(client.get(reverse("login")))
    assert CRITERIA in page
    assert REGISTER in page
    assert VERIFY in page


def test_public_pages_open_for_logged_in_users_too(client, world, ngo_admin):
    login(client, ngo_admin)
    for path in (CRITERIA, REGISTER, VERIFY):
        assert client.get(path).status_code == 200


# What a code says ------------------------------------------------------------------------------


def test_register_says_which_organisations_are_accredited_with_conditions(client, db):
    accredited("Plain Aid")
    accredited("Careful Aid", outcome=Decision.Outcome.CONDITIONAL)
    rows = {
        row.split("</th>")[0].rsplit(">", 1)[-1].strip(): row
        for row in text(client.get(REGISTER)).split("<tr>")[2:]
    }
    assert "Accredited with conditions" in rows["Careful Aid"]
    assert "Accredited with conditions" not in rows["Plain Aid"]
    assert "Accredited" in rows["Plain Aid"]


def test_verify_says_an_accreditation_in_force_has_conditions_with_its_scope_and_validity(
    client, world
):
    accreditation = accredited(
        "Careful Aid",
        outcome=Decision.Outcome.CONDITIONAL,
        activity_types=[activity("education")],
        facilities=[world.facility],
    )
    page = text(client.get(VERIFY, {"code": accreditation.verification_code}))
    assert f"Careful Aid is accredited with conditions until {day(accreditation.valid_until)}." in (
        page
    )
    assert "Accredited with conditions" in page
    assert "Education" in page and "Central Penitentiary" in page
    assert day(accreditation.valid_from) in page


def test_an_expired_code_says_when_it_was_valid_and_when_it_expired(client, db):
    today = timezone.localdate()
    accreditation = accredited(
        "Late Aid", valid_from=today - timedelta(days=800), valid_until=today - timedelta(days=10)
    )
    page = text(client.get(VERIFY, {"code": accreditation.verification_code}))
    start, end = day(accreditation.valid_from), day(accreditation.valid_until)
    expired = day(today - timedelta(days=9))
    assert f"It was valid from {start} to {end}; it expired on {expired}." in page
    assert "Valid until" not in page
    assert "is accredited" not in page
    assert "later accreditation" not in page


@pytest.mark.parametrize(
    ("status", "sentence"), [("revoked", "it was revoked on"), ("suspended", "suspended since")]
)
def test_a_revoked_or_suspended_code_says_since_when(client, db, status, sentence):
    accreditation = accredited("Troubled Aid", status=status)
    changed = timezone.now() - timedelta(days=3)
    Accreditation.objects.filter(pk=accreditation.pk).update(status_changed_at=changed)
    page = text(client.get(VERIFY, {"code": accreditation.verification_code}))
    assert f"{sentence} {day(timezone.localdate(changed))}." in page
    assert f"It was granted for {day(accreditation.valid_from)}" in page
    assert "Valid until" not in page


def test_a_renewed_code_points_to_the_accreditation_that_replaced_it(client, db):
    old = accredited("Renewing Aid", status=Accreditation.Status.SUPERSEDED)
    new = granted_again(old)
    page = text(client.get(VERIFY, {"code": old.verification_code}))
    assert f"{old.verification_code}: Renewed" in page
    assert f"It was valid from {day(old.valid_from)} until it was renewed." in page
    assert f"Renewing Aid has a later accreditation, valid from {day(new.valid_from)}, " in page
    assert f'href="{VERIFY}?code={new.verification_code}"' in page
    assert "Valid until" not in page
    followed = text(client.get(VERIFY, {"code": new.verification_code}))
    assert "Renewing Aid is accredited until" in followed


def test_a_revoked_code_points_to_a_later_accreditation_when_there_is_one(client, db):
    old = accredited("Second Chance Aid", status=Accreditation.Status.REVOKED)
    new = granted_again(old)
    page = text(client.get(VERIFY, {"code": old.verification_code}))
    assert f'href="{VERIFY}?code={new.verification_code}"' in page


def test_a_code_never_points_to_another_administrations_accreditation(client, db):
    old = accredited("Two Systems Aid", status=Accreditation.Status.SUPERSEDED)
    elsewhere = AccreditationFactory(decision__application__organisation=old.organisation)
    page = text(client.get(VERIFY, {"code": old.verification_code}))
    assert elsewhere.verification_code not in page
    assert "It was replaced by a later accreditation of the same organisation." in page


def test_a_code_not_yet_in_force_gives_its_coming_validity(client, db):
    today = timezone.localdate()
    accreditation = accredited(
        "Early Aid", valid_from=today + timedelta(days=5), valid_until=today + timedelta(days=400)
    )
    page = text(client.get(VERIFY, {"code": accreditation.verification_code}))
    assert (
        f"it is not in force yet: it will be valid from {day(accreditation.valid_from)} "
        f"to {day(accreditation.valid_until)}." in page
    )


def test_verify_makes_the_same_queries_for_a_renewed_code_as_for_one_in_force(client, db):
    current = accredited("Counted Aid")
    old = accredited("Counted Old Aid", status=Accreditation.Status.SUPERSEDED)
    granted_again(old)
    in_force = count_queries(client, f"{VERIFY}?code={current.verification_code}")
    renewed = count_queries(client, f"{VERIFY}?code={old.verification_code}")
    assert renewed <= in_force + 1  # the one look-up of the later accreditation


@pytest.mark.parametrize("path", [CRITERIA, REGISTER, VERIFY])
def test_public_pages_offer_anonymous_visitors_a_log_in_link(client, db, path):
    page = text(client.get(path))
    login_url = reverse("login")
    assert f'<a href="{login_url}?next={path}">Log in</a>' in page


def test_logged_in_users_are_not_offered_to_log_in(client, world, ngo_admin):
    page = text(login(client, ngo_admin).get(REGISTER))
    assert ">Log in</a>" not in page
    assert "Log out" in page


def test_the_rules_say_when_a_revoked_organisation_may_apply_again(client, rules):
    assert "may apply again at once" in text(client.get(CRITERIA))
    Framework.objects.filter(pk=rules.pk).update(reapply_after_days=180)
    page = text(client.get(CRITERIA))
    assert "may apply again 180 days after the revocation" in page
