"""The demo's MoUs: one in every state, each as its story says, in a world where only
accredited organisations have MoUs and each administration sees its own; made once however
often the demo is loaded."""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from accreditation.models import Accreditation, Appeal, Application, Clearance, Decision
from accreditation.selectors import accreditation_in_force
from activity.models import AuditEntry, Reminder
from agreements import demo, reminders
from agreements.models import (
    Agreement,
    AgreementVersion,
    Approval,
    Clause,
    Comment,
    Consultation,
    Obligation,
    PdfStatus,
    PeopleAnnex,
    Side,
    Signatory,
    Signature,
    SignerCertificate,
    SigningAuthority,
    Template,
    Weekday,
)
from agreements.permissions import agreements_for_user, comments_for_user
from agreements.selectors import (
    agreement_display_status,
    agreement_in_force,
    people_in_force,
    redline,
)
from directory.demo import SECOND_ADMINISTRATION
from directory.models import Administration
from tests.conftest import login
from tests.support.pages import text

# One load of the demo for the package (see conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

#: What loading the demo again must not add to.
COUNTED = (
    Agreement,
    PeopleAnnex,
    AgreementVersion,
    Comment,
    Consultation,
    Approval,
    Signature,
    Obligation,
    Signatory,
    SigningAuthority,
    SignerCertificate,
    Clause,
    Template,
    Application,
    Accreditation,
    Clearance,
    Appeal,
    AuditEntry,
)


def user(username: str) -> User:
    return User.objects.get(username=username)


SIGNED = "Legal orientation and monitoring in the Central Penitentiary"
NEGOTIATION = "Handcraft workshops in the Women's Rehabilitation Centre"
SUSPENDED = "Football and fitness in the Northern Remand Centre"


# Once, in every state ---------------------------------------------------------------------------


def test_loading_the_demo_again_adds_nothing(loaded):
    assert loaded.counts(COUNTED, again=True) == loaded.counts(COUNTED)
    assert "Agreements: 8 demo MoUs made, 0 already there" in loaded.first
    assert "Agreements: 0 demo MoUs made, 8 already there" in loaded.second
    assert "State A Prison System already has its clause library" in loaded.second


def test_the_demo_has_an_mou_in_every_state(loaded):
    statuses = set(Agreement.objects.values_list("status", flat=True))
    assert statuses == set(Agreement.Status.values)


def test_each_administration_has_the_library_installed_by_its_director(loaded):
    for name, director in demo.DIRECTORS.items():
        administration = Administration.objects.get(name=name)
        assert Clause.objects.filter(administration=administration).count() == 15
        assert Template.objects.filter(administration=administration).count() == 2
        installed = AuditEntry.objects.get(
            action="clause_library.installed", administration_id=administration.pk
        )
        assert installed.actor == user(director)


def test_only_organisations_accredited_when_the_mou_was_made_have_one(loaded):
    for agreement in Agreement.objects.select_related("organisation", "administration"):
        assert Accreditation.objects.filter(
            organisation=agreement.organisation,
            decision__application__administration=agreement.administration,
            decision__outcome__in=[Decision.Outcome.ACCREDITED, Decision.Outcome.CONDITIONAL],
        ).exists(), agreement


# The stories ------------------------------------------------------------------------------------


def test_the_signed_mou_is_the_amendment_in_force_on_the_agreed_terms(loaded, client):
    signed = Agreement.objects.get(title=SIGNED, status=Agreement.Status.SIGNED)
    original = Agreement.objects.get(title=SIGNED, status=Agreement.Status.SUPERSEDED)
    assert signed.supersedes == original
    assert agreement_in_force(signed)
    assert not agreement_in_force(original)
    assert sorted(p.full_name for p in signed.people.all()) == [
        "John Representative",
        "María Member",
    ]
    assert [f.name for f in signed.facilities.all()] == ["Central Penitentiary"]
    assert [a.name for a in signed.permitted_areas.all()] == ["Education wing"]
    assert [a.name for a in signed.forbidden_areas.all()] == ["Segregation unit"]
    assert signed.weekdays == [Weekday.TUESDAY, Weekday.THURSDAY]
    assert (signed.day_starts, signed.day_ends) == (time(9), time(12))
    assert (signed.visits_per_week, signed.visits_per_month) == (2, 8)
    assert signed.private_interviews
    assert signed.response_days == 30
    assert [s.side for s in signed.signatures.filter(annex=None)] == [
        Side.ADMINISTRATION,
        Side.ORGANISATION,
    ]

    continuity = signed.obligations.get(kind=Obligation.Kind.CONTINUITY_PLAN)
    assert continuity.due_date == timezone.localdate() + timedelta(days=20)
    assert continuity.fulfilled_at is None
    met = signed.obligations.get(fulfilled_at__isnull=False)
    assert met.evidence.count() == 1

    page = text(login(client, user("john")).get(signed.get_absolute_url()))
    assert "In force" in page
    assert "John Representative, María Member" in page


def test_a_signed_people_annex_adds_the_centres_paralegal_to_the_mou_in_force(loaded, client):
    signed = Agreement.objects.get(title=SIGNED, status=Agreement.Status.SIGNED)
    annex = signed.annexes.get()
    assert (annex.number, annex.status) == (1, PeopleAnnex.Status.SIGNED)
    assert [p.full_name for p in annex.added.all()] == ["Elena Paralegal"]
    assert annex.pdf_status == PdfStatus.READY and annex.pdf_sha256 != annex.pdf_certified_sha256
    assert [s.signer.username for s in annex.signatures.order_by("signed_at")] == ["martha", "john"]
    assert [p.full_name for p in people_in_force(signed)] == [
        "Elena Paralegal",
        "John Representative",
        "María Member",
    ]

    page = text(login(client, user("martha")).get(annex.get_absolute_url()))
    assert "Elena Paralegal — Paralegal" in page
    assert "Download the signed annex (PDF)" in page


def test_the_suspended_mou_is_signed_but_not_in_force_with_its_organisation(loaded):
    suspended = Agreement.objects.get(title=SUSPENDED)
    assert suspended.status == Agreement.Status.SIGNED
    assert suspended.is_within_term()
    assert not agreement_in_force(suspended)
    assert agreement_display_status(suspended).startswith("Suspended")
    accreditation = Accreditation.objects.get(organisation=suspended.organisation)
    assert accreditation.status == Accreditation.Status.SUSPENDED
    assert accreditation.decision.appeals.filter(decided_at__isnull=True).exists()
    assert AuditEntry.objects.filter(
        action="agreement.suspended", object_id=str(suspended.pk)
    ).exists()


def test_the_negotiation_has_open_comments_a_suggestion_notes_and_a_consultation(loaded, client):
    negotiation = Agreement.objects.get(title=NEGOTIATION)
    assert negotiation.status == Agreement.Status.NEGOTIATION
    comments = Comment.objects.filter(clause__agreement=negotiation)
    pending = comments.get(suggestion=Comment.Suggestion.PENDING)
    assert pending.side == Side.ORGANISATION
    unanswered = [c for c in comments if c.awaits_answer()]
    assert len({c.clause_id for c in unanswered}) == 2
    assert {c.side for c in comments.filter(internal=True)} == {
        Side.ADMINISTRATION,
        Side.ORGANISATION,
    }
    martha, ana = user("martha"), user("ana")
    assert not comments_for_user(ana, negotiation).filter(side=Side.ADMINISTRATION, internal=True)
    consultation = negotiation.consultations.get()
    assert consultation.staff == user("wanda")
    assert consultation.remarks and consultation.answered_at

    older, newer = negotiation.versions.order_by("number")
    changed = {c.title for c in redline(older, newer) if c.change == "changed"}
    assert "Days, hours and frequency of access" in changed

    page = text(login(client, martha).get(negotiation.get_absolute_url()))
    assert "Suggested wording awaits an answer" in page


def test_the_other_states_tell_their_story(loaded):
    agreed = Agreement.objects.get(status=Agreement.Status.AGREED)
    assert [a.side for a in agreed.approvals.all()] == [Side.ADMINISTRATION]
    certified = Agreement.objects.get(status=Agreement.Status.CERTIFIED)
    assert certified.organisation.name == "Hope Education Ministry"
    assert Reminder.objects.filter(
        recipient=user("pedro"), kind=reminders.SIGNATURE_AWAITED
    ).exists()
    draft = Agreement.objects.get(status=Agreement.Status.DRAFT)
    assert draft.template.name == "Memorandum of understanding (faith-based services)"
    assert draft.clauses.get(clause_version__clause__kind=Clause.Kind.UNIVERSAL_ACCESS).included
    assert draft not in agreements_for_user(user("pedro"))
    assert draft.consultations.get().staff == user("fiona")
    withdrawn = Agreement.objects.get(status=Agreement.Status.WITHDRAWN)
    terminated = Agreement.objects.get(status=Agreement.Status.TERMINATED)
    assert withdrawn.status_reason and terminated.status_reason
    assert terminated.organisation.name == "Legal Aid Clinic"
    assert terminated.signatures.count() == 2


def test_the_accreditations_the_mous_need_are_made_through_the_reviews(loaded):
    hope = Agreement.objects.get(status=Agreement.Status.CERTIFIED)
    assert accreditation_in_force(hope.organisation, hope.administration) is not None
    assert Application.objects.filter(status=Application.Status.UNDER_REVIEW).exists()
    clinic = Agreement.objects.get(status=Agreement.Status.TERMINATED)
    state_a = Administration.objects.get(name="State A Prison System")
    assert accreditation_in_force(clinic.organisation, clinic.administration) is not None
    assert accreditation_in_force(clinic.organisation, state_a) is None


# Who sees and signs -----------------------------------------------------------------------------


def test_each_administration_sees_only_its_own_mous(loaded):
    north = Administration.objects.get(name=SECOND_ADMINISTRATION)
    theirs = Agreement.objects.filter(administration=north)
    assert theirs.exists()
    assert not agreements_for_user(user("martha")).filter(administration=north).exists()
    assert set(agreements_for_user(user("karim"))) == set(theirs)


def test_directors_and_signatories_hold_certificates_of_their_administrations_authority(loaded):
    assert SigningAuthority.objects.count() == 2
    for organisation, username, administration in demo.SIGNATORIES:
        assert Signatory.objects.filter(
            organisation__name=organisation, user__username=username, revoked_at__isnull=True
        ).exists()
        assert SignerCertificate.objects.current().get(
            user__username=username,
            role=SignerCertificate.Role.APPROVE,
            authority__administration__name=administration,
        )
    for administration, username in demo.DIRECTORS.items():
        assert SignerCertificate.objects.current().get(
            user__username=username,
            role=SignerCertificate.Role.CERTIFY,
            authority__administration__name=administration,
        )
