from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone

from accreditation.models import Accreditation
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from agreements.models import Agreement, AgreementClause, Comment, Side
from agreements.selectors import (
    agreement_display_status,
    agreement_in_force,
    agreements_in_force,
    redline,
    rendered_clauses,
)
from agreements.services import mous as mou_services
from directory.models import ActivityType, Area, Person
from tests.accreditation.factories import ClearanceFactory
from tests.factories import UserFactory
from visits.models import local_datetime, local_today

from .conftest import start_mou

pytestmark = pytest.mark.django_db


def terms(world, people, **overrides) -> mou_services.Terms:
    values = dict(
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=365),
        facilities=[world.facility],
        permitted_areas=list(Area.objects.filter(facility=world.facility)),
        forbidden_areas=[],
        people=people,
        activity_types=[ActivityType.objects.get(code=ActivityType.Code.EDUCATION)],
        weekdays=[1, 3],
        day_starts=time(9, 0),
        day_ends=time(12, 0),
        visits_per_week=2,
        visits_per_month=6,
        response_days=45,
    )
    values.update(overrides)
    return mou_services.Terms(**values)


def clause_of(agreement, kind) -> AgreementClause:
    return agreement.clauses.get(clause_version__clause__kind=kind)


def agree_everything(agreement, director, ngo_admin) -> None:
    for clause in agreement.clauses.all():
        mou_services.clause_take_position(
            actor=director, clause=clause, side=Side.ADMINISTRATION, position="agreed"
        )
        mou_services.clause_take_position(
            actor=ngo_admin, clause=clause, side=Side.ORGANISATION, position="agreed"
        )


# Starting an MoU --------------------------------------------------------------------------------


def test_an_mou_starts_only_while_the_organisation_is_accredited(
    world, library, accreditation, director
):
    accreditation.status = Accreditation.Status.SUSPENDED
    accreditation.save()
    with pytest.raises(DomainError, match="no accreditation in force"):
        start_mou(world, library, director)
    assert not Agreement.objects.exists()


def test_on_the_accreditations_last_day_an_mou_is_started_all_evening_at_the_facility(
    world, library, accreditation, director
):
    """At 7.30 pm in Guatemala on the accreditation's last day the server's (UTC) date is
    already past it: the accreditation is still in force there."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        last_day = local_today(world.facility)
        assert timezone.localdate() > last_day
        Accreditation.objects.filter(pk=accreditation.pk).update(valid_until=last_day)
        agreement = start_mou(world, library, director)
    assert Agreement.objects.get().pk == agreement.pk


def test_a_draft_takes_the_templates_clauses_in_the_organisations_language(
    world, library, accreditation, director
):
    world.organisation.language = "es"
    world.organisation.save()
    agreement = start_mou(world, library, director, "Programa educativo")
    assert agreement.language == "es"
    assert [c.clause_version.clause.kind for c in agreement.clauses.order_by("order")] == [
        "purpose",
        "people",
        "confidentiality",
        "fundraising",
    ]
    assert clause_of(agreement, "purpose").wording.startswith("{administration} y")
    # A clause without Spanish wording falls back to the library's English.
    assert clause_of(agreement, "people").wording.startswith("Only {people}")
    assert AuditEntry.objects.filter(action="agreement.created").count() == 1


def test_a_draft_starts_with_the_facilities_and_activities_of_the_accreditation(draft, world):
    assert list(draft.facilities.all()) == [world.facility]
    assert [t.code for t in draft.activity_types.all()] == ["education"]


def test_a_network_negotiates_only_for_its_own_members(world, library, director, network):
    stranger = world.other_organisation
    with pytest.raises(DomainError, match="Not members"):
        mou_services.agreement_create(
            actor=director,
            administration=world.administration,
            organisation=network,
            template=library.template,
            title="Network MoU",
            member_organisations=[stranger],
        )


# Terms ------------------------------------------------------------------------------------------


def test_terms_naming_an_uncleared_person_are_refused_with_the_name(draft, world, director):
    john = Person.objects.get(full_name="John Representative")
    with pytest.raises(DomainError, match=r"Not cleared .*John Representative") as refusal:
        mou_services.agreement_set_terms(
            actor=director, agreement=draft, terms=terms(world, [john])
        )
    assert refusal.value.field == "people"
    assert not draft.people.exists()


def test_terms_outside_the_accreditations_scope_are_refused(draft, world, director, john):
    with pytest.raises(DomainError, match="Outside the accreditation's scope: Women's Centre"):
        mou_services.agreement_set_terms(
            actor=director,
            agreement=draft,
            terms=terms(world, [john], facilities=[world.facility, world.other_facility]),
        )
    legal_aid = ActivityType.objects.get(code=ActivityType.Code.LEGAL_AID)
    with pytest.raises(DomainError, match="Outside the accreditation's scope: Legal aid"):
        mou_services.agreement_set_terms(
            actor=director,
            agreement=draft,
            terms=terms(world, [john], activity_types=[legal_aid]),
        )


def test_an_area_must_be_in_a_named_facility_and_not_both_open_and_closed(
    draft, world, director, john
):
    workshop = Area.objects.get(name="Handcraft workshop")
    with pytest.raises(DomainError, match="facility the MoU does not name: Handcraft workshop"):
        mou_services.agreement_set_terms(
            actor=director, agreement=draft, terms=terms(world, [john], forbidden_areas=[workshop])
        )
    wing = Area.objects.get(name="Education wing")
    with pytest.raises(DomainError, match="both permitted and off limits"):
        mou_services.agreement_set_terms(
            actor=director,
            agreement=draft,
            terms=terms(world, [john], permitted_areas=[wing], forbidden_areas=[wing]),
        )


def test_the_prose_states_the_terms(draft, world, director, john):
    draft = mou_services.agreement_set_terms(
        actor=director, agreement=draft, terms=terms(world, [john])
    )
    texts = {item.clause.clause_version.clause.kind: item.text for item in rendered_clauses(draft)}
    assert (
        texts["people"]
        == "Only John Representative may enter, on Tuesday, Thursday, 09:00 to 12:00."
    )
    assert "they have 45 days" in texts["confidentiality"]
    assert texts["purpose"] == (
        "State A Prison System and Local Human Rights Centre work together in Central Penitentiary."
    )


def test_a_changed_term_reopens_only_the_clauses_that_state_it(
    draft, world, director, ngo_admin, john
):
    mou_services.agreement_set_terms(actor=director, agreement=draft, terms=terms(world, [john]))
    agree_everything(draft, director, ngo_admin)
    mou_services.agreement_set_terms(
        actor=director, agreement=draft, terms=terms(world, [john], response_days=20)
    )
    statuses = {c.clause_version.clause.kind: c.status for c in draft.clauses.all()}
    assert statuses == {
        "purpose": "agreed",
        "people": "agreed",
        "confidentiality": "open",
        "fundraising": "agreed",
    }
    entry = AuditEntry.objects.filter(action="agreement.terms_changed").latest("seq")
    assert entry.changes["response_days"] == ["45", "20"]


# Negotiation ------------------------------------------------------------------------------------


def test_sharing_a_draft_opens_the_negotiation_with_a_first_version(draft, director):
    version = mou_services.agreement_share(actor=director, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.NEGOTIATION
    assert version.number == 1
    assert [c["kind"] for c in version.content["clauses"]][:2] == ["purpose", "people"]
    opened = AuditEntry.objects.get(action="agreement.opened_for_negotiation")
    assert (opened.actor_id, opened.object_id) == (director.pk, str(draft.pk))


def test_an_accepted_suggestion_changes_the_wording_and_shows_in_the_redline(
    draft, director, ngo_admin
):
    first = mou_services.agreement_share(actor=director, agreement=draft)
    clause = clause_of(draft, "fundraising")
    comment = mou_services.comment_add(
        actor=ngo_admin,
        clause=clause,
        side=Side.ORGANISATION,
        body="Name the plan's review.",
        suggested_wording="The parties may seek funds together and review the plan each year.",
    )
    reminded = Reminder.objects.filter(kind="agreements.comment_awaiting")
    assert [r.recipient for r in reminded] == [director]
    mou_services.comment_answer(
        actor=director, comment=comment, side=Side.ADMINISTRATION, answer="Agreed.", accept=True
    )
    clause.refresh_from_db()
    assert clause.wording.endswith("review the plan each year.")
    assert clause.status == AgreementClause.Status.OPEN
    second = mou_services.agreement_share(actor=director, agreement=draft)
    changes = {change.title: change for change in redline(first, second)}
    fundraising = changes["Joint fundraising plan"]
    assert fundraising.change == "changed"
    assert [f.text for f in fundraising.fragments if f.change == "added"] == [
        " and review the plan each year."
    ] or "".join(f.text for f in fundraising.fragments if f.change == "added").strip() == (
        "together and review the plan each year."
    )
    assert changes["Purpose"].change == ""


def test_a_rejected_suggestion_leaves_the_wording(draft, director, ngo_admin):
    mou_services.agreement_share(actor=director, agreement=draft)
    clause = clause_of(draft, "fundraising")
    before = clause.wording
    comment = mou_services.comment_add(
        actor=ngo_admin,
        clause=clause,
        side=Side.ORGANISATION,
        body="Shorter?",
        suggested_wording="Funds may be sought jointly.",
    )
    mou_services.comment_answer(
        actor=director, comment=comment, side=Side.ADMINISTRATION, answer="No.", accept=False
    )
    clause.refresh_from_db()
    comment.refresh_from_db()
    assert clause.wording == before
    assert comment.suggestion == Comment.Suggestion.REJECTED


def test_only_the_other_side_answers_and_internal_notes_suggest_nothing(draft, director, ngo_admin):
    mou_services.agreement_share(actor=director, agreement=draft)
    clause = clause_of(draft, "purpose")
    with pytest.raises(DomainError, match="internal note cannot suggest"):
        mou_services.comment_add(
            actor=director,
            clause=clause,
            side=Side.ADMINISTRATION,
            body="Our view",
            internal=True,
            suggested_wording="Something else.",
        )
    comment = mou_services.comment_add(
        actor=director, clause=clause, side=Side.ADMINISTRATION, body="Is this clear?"
    )
    with pytest.raises(DomainError, match="Only the other side"):
        mou_services.comment_answer(
            actor=director, comment=comment, side=Side.ADMINISTRATION, answer="Yes"
        )


def test_a_clause_is_agreed_when_both_sides_agree_and_no_suggestion_waits(
    draft, director, ngo_admin
):
    mou_services.agreement_share(actor=director, agreement=draft)
    clause = clause_of(draft, "purpose")
    mou_services.clause_take_position(
        actor=director, clause=clause, side=Side.ADMINISTRATION, position="agreed"
    )
    clause.refresh_from_db()
    assert clause.status == "open"
    mou_services.comment_add(
        actor=director,
        clause=clause,
        side=Side.ADMINISTRATION,
        body="Tighter wording",
        suggested_wording="{administration} and {organisation} cooperate in {facilities}.",
    )
    with pytest.raises(DomainError, match="awaits an answer"):
        mou_services.clause_take_position(
            actor=ngo_admin, clause=clause, side=Side.ORGANISATION, position="agreed"
        )
    mou_services.clause_take_position(
        actor=ngo_admin, clause=clause, side=Side.ORGANISATION, position="disputed"
    )
    clause.refresh_from_db()
    assert clause.status == "disputed"


def test_a_mandatory_clause_cannot_be_left_out(draft, director):
    with pytest.raises(DomainError, match="mandatory"):
        mou_services.clause_include(
            actor=director, clause=clause_of(draft, "confidentiality"), included=False
        )
    mou_services.clause_include(
        actor=director, clause=clause_of(draft, "fundraising"), included=False
    )
    assert [item.clause.clause_version.clause.kind for item in rendered_clauses(draft)] == [
        "purpose",
        "people",
        "confidentiality",
    ]


def test_staff_are_consulted_only_at_their_own_facility(draft, world, director, facility_officer):
    elsewhere = UserFactory()
    with pytest.raises(DomainError, match="does not work at"):
        mou_services.consultation_ask(
            actor=director, agreement=draft, facility=world.facility, staff=elsewhere, question="?"
        )
    consultation = mou_services.consultation_ask(
        actor=director,
        agreement=draft,
        facility=world.facility,
        staff=facility_officer,
        question="Can the education wing host two sessions a week?",
    )
    mou_services.consultation_answer(
        actor=facility_officer, consultation=consultation, remarks="Yes, in the mornings."
    )
    consultation.refresh_from_db()
    assert consultation.remarks == "Yes, in the mornings."
    with pytest.raises(DomainError, match="Only the staff member"):
        mou_services.consultation_answer(actor=director, consultation=consultation, remarks="x")


# Agreeing and approving -------------------------------------------------------------------------


def test_the_text_is_agreed_only_when_nothing_is_left_open(draft, world, director, ngo_admin, john):
    mou_services.agreement_share(actor=director, agreement=draft)
    with pytest.raises(DomainError) as refusal:
        mou_services.agreement_agree(actor=director, agreement=draft)
    assert "Not yet agreed by both sides: Purpose" in refusal.value.message
    assert "Nobody is named to enter." in refusal.value.message
    mou_services.agreement_set_terms(actor=director, agreement=draft, terms=terms(world, [john]))
    agree_everything(draft, director, ngo_admin)
    version = mou_services.agreement_agree(actor=director, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.AGREED
    assert version.content["terms"]["people"] == [john.pk]
    assert version.content["terms"]["response_days"] == 45


def test_each_side_approves_the_agreed_text_once(draft, world, director, ngo_admin, john):
    mou_services.agreement_share(actor=director, agreement=draft)
    mou_services.agreement_set_terms(actor=director, agreement=draft, terms=terms(world, [john]))
    agree_everything(draft, director, ngo_admin)
    mou_services.agreement_agree(actor=director, agreement=draft)
    mou_services.agreement_approve(actor=director, agreement=draft, side=Side.ADMINISTRATION)
    with pytest.raises(DomainError, match="approved this text already"):
        mou_services.agreement_approve(actor=director, agreement=draft, side=Side.ADMINISTRATION)
    mou_services.agreement_approve(actor=ngo_admin, agreement=draft, side=Side.ORGANISATION)
    assert draft.approvals.count() == 2


# In force ---------------------------------------------------------------------------------------


def test_an_mou_is_in_force_only_while_the_accreditation_is(
    draft, world, director, accreditation, john
):
    mou_services.agreement_set_terms(actor=director, agreement=draft, terms=terms(world, [john]))
    Agreement.objects.filter(pk=draft.pk).update(status=Agreement.Status.SIGNED)
    draft.refresh_from_db()
    assert agreement_in_force(draft)
    assert list(agreements_in_force()) == [draft]
    assert agreement_display_status(draft) == "In force"

    accreditation.status = Accreditation.Status.SUSPENDED
    accreditation.save()
    assert not agreement_in_force(draft)
    assert list(agreements_in_force()) == []
    assert agreement_display_status(draft).startswith("Suspended")

    accreditation.status = Accreditation.Status.ACTIVE
    accreditation.save()
    assert agreement_in_force(draft)


def test_a_second_administrations_accreditation_does_not_count(
    draft, world, director, accreditation, john, other_administration
):
    mou_services.agreement_set_terms(actor=director, agreement=draft, terms=terms(world, [john]))
    Agreement.objects.filter(pk=draft.pk).update(status=Agreement.Status.SIGNED)
    accreditation.status = Accreditation.Status.REVOKED
    accreditation.save()
    # A clearance and accreditation elsewhere change nothing here.
    ClearanceFactory(person=john, administration=other_administration, cleared=True)
    draft.refresh_from_db()
    assert not agreement_in_force(draft)


def test_suspending_the_accreditation_suspends_the_mou_and_reinstating_restores_it(
    draft, world, director, ngo_admin, accreditation, john
):
    from accreditation.services.decisions import accreditation_reinstate, accreditation_suspend

    mou_services.agreement_set_terms(actor=director, agreement=draft, terms=terms(world, [john]))
    Agreement.objects.filter(pk=draft.pk).update(status=Agreement.Status.SIGNED)
    accreditation_suspend(actor=director, accreditation=accreditation, reason="Rules broken.")
    draft.refresh_from_db()
    assert not agreement_in_force(draft)
    suspended = AuditEntry.objects.get(action="agreement.suspended")
    assert suspended.changes["reason"] == "Rules broken."
    told = Reminder.objects.filter(kind="agreements.suspended")
    assert {r.recipient for r in told} == {director, ngo_admin}

    accreditation_reinstate(actor=director, accreditation=accreditation, reason="Fixed.")
    assert agreement_in_force(draft)
    assert AuditEntry.objects.filter(action="agreement.restored").count() == 1
    assert Reminder.objects.filter(kind="agreements.suspended").count() == 4
