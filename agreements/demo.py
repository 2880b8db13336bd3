"""Demo data for agreements, made through the services as the people of the demo would make it,
so that the audit trail, the reminders and the dashboards are real:

- the shipped clause library and its two templates in each demo administration, installed by its
  director;
- each administration's signing authority, a certificate for its director, and the
  organisations' administrators authorised to sign for them, each with a certificate;
- MoUs in every state, each titled for its story (``STORIES``), and a signed people annex.

What the MoUs need and the accreditation demo leaves out is added here the same way: the
faith-based ministry's review is finished and it is accredited (the reviewers then take up the
network's application, so that one is still under review); the Legal Aid Clinic, refused by
State A, applies to the second administration and is accredited there; Sports for Change,
whose accreditation is suspended, is reinstated for as long as it takes to sign its MoU and then
suspended again, so that its signed MoU reads as suspended with it.

Safe to run again: an MoU is known by its organisation and title, and a story whose MoU exists
is skipped whole.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time, timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from accreditation import demo as accreditation_demo
from accreditation.models import Accreditation, Application, Clearance, Decision, ReviewAssignment
from accreditation.selectors import accreditation_in_force, cleared_people, framework_in_force

# The demo builds the accreditations its MoUs stand on through accreditation's own services.
from accreditation.services.clearances import clearance_decide, clearance_request
from accreditation.services.decisions import (
    accreditation_reinstate,
    accreditation_suspend,
    decision_make,
)
from accreditation.services.review import (
    review_declare,
    review_save_scores,
    review_submit,
    reviewers_assign,
)
from activity.services import document_add
from activity.typing import User
from agreements.documents import agreement_pdf_prepare, annex_pdf_prepare
from directory.demo import SECOND_ADMINISTRATION, SECOND_FACILITY, give_demo_authenticators
from directory.models import Administration, Area, Facility, Organisation, Person
from directory.selectors import earliest_local_date

# The person a people annex adds is named through the directory's service, as John would.
from directory.services import person_create

from .forms import TermsForm
from .library import TEMPLATES, install_library
from .models import (
    Agreement,
    AgreementClause,
    Clause,
    Equipment,
    Escort,
    Obligation,
    Side,
    Signatory,
    SigningAuthority,
    Template,
    Weekday,
)
from .services.annexes import (
    annex_draft,
    annex_sign,
)
from .services.mous import (
    Terms,
    agreement_agree,
    agreement_amend,
    agreement_approve,
    agreement_create,
    agreement_set_terms,
    agreement_share,
    agreement_terminate,
    agreement_withdraw,
    clause_include,
    clause_take_position,
    comment_add,
    comment_answer,
    consultation_answer,
    consultation_ask,
    obligation_add,
    obligation_fulfil,
)
from .services.signing import (
    agreement_sign,
    signatory_authorise,
)
from .signing.services import signer_certificate_issue, signing_authority_create

STATE_A = "State A Prison System"
#: Who installs the library, and certifies the MoUs, in each demo administration.
DIRECTORS = {STATE_A: "martha", SECOND_ADMINISTRATION: "karim"}
#: Each administration's reviewers of accreditation applications.
REVIEWERS = {STATE_A: ("rita", "raul"), SECOND_ADMINISTRATION: ("yusuf", "leila")}
#: The organisations' administrators who sign their MoUs, with the administration whose authority
#: issues their certificate.
SIGNATORIES = [
    ("Local Human Rights Centre", "john", STATE_A),
    ("Women Weavers Collective", "ana", STATE_A),
    ("Hope Education Ministry", "pedro", STATE_A),
    ("Sports for Change", "sofia", STATE_A),
    ("Legal Aid Clinic", "lucia", SECOND_ADMINISTRATION),
]

ADMINISTRATION, ORGANISATION = Side.ADMINISTRATION, Side.ORGANISATION
AGREED = AgreementClause.Status.AGREED


@dataclass(frozen=True)
class World:
    """The demo's people, administrations and organisations, by name."""

    users: dict[str, User]
    administrations: dict[str, Administration]
    organisations: dict[str, Organisation]

    def template(self, administration: str, *, faith_based: bool = False) -> Template:
        spec = TEMPLATES[1 if faith_based else 0]
        return Template.objects.get(
            administration=self.administrations[administration], name_en=spec.name["en"]
        )


@dataclass(frozen=True)
class Story:
    """An MoU of the demo, known by its organisation and title, and how it came about."""

    administration: str
    organisation: str
    title: str
    build: Callable[[World, "Story"], None]


def _areas(facility: Facility, *names: str) -> list[Area]:
    return list(facility.areas.filter(name__in=names))


def _cleared(world: World, story: Story, *names: str) -> list[Person]:
    """Those of ``names``, of the story's organisation, whom its administration has cleared:
    only they can be named in its MoU."""
    return list(
        cleared_people(
            world.administrations[story.administration], world.organisations[story.organisation]
        )
        .filter(full_name__in=names)
        .order_by("full_name")
    )


def _clause(agreement: Agreement, kind: str) -> AgreementClause:
    return agreement.clauses.get(clause_version__clause__kind=kind)


def _set_terms(actor: User, agreement: Agreement, **values: Any) -> Agreement:
    """Change some of the MoU's terms, as the terms page does, keeping the others; a new MoU runs
    from today until its organisation's accreditation ends."""
    agreement = Agreement.objects.get(pk=agreement.pk)  # the terms as they stand now
    accreditation = accreditation_in_force(agreement.organisation, agreement.administration)
    assert accreditation is not None  # every story starts from an accreditation in force
    terms = Terms(**TermsForm.initial_from(agreement))
    terms = replace(
        terms,
        valid_from=terms.valid_from or earliest_local_date(agreement.administration),
        valid_until=terms.valid_until or accreditation.valid_until,
    )
    return agreement_set_terms(actor=actor, agreement=agreement, terms=replace(terms, **values))


def _agree_clauses(
    agreement: Agreement,
    director: User,
    organisation_admin: User,
    *,
    leave_open: tuple[str, ...] = (),
) -> None:
    """Both sides agree to each included clause, but those of the kinds in ``leave_open``."""
    clauses = agreement.clauses.filter(included=True).select_related("clause_version__clause")
    for clause in clauses.order_by("order"):
        if clause.clause_version.clause.kind in leave_open:
            continue
        for actor, side in ((director, ADMINISTRATION), (organisation_admin, ORGANISATION)):
            if clause.position_of(side) != AGREED:
                clause = clause_take_position(
                    actor=actor, clause=clause, side=side, position=AGREED
                )


def _conclude(agreement: Agreement, director: User, organisation_admin: User) -> None:
    """Every clause agreed, the negotiation closed by the director, and the agreed text approved
    on both sides."""
    _agree_clauses(agreement, director, organisation_admin)
    agreement_agree(actor=director, agreement=agreement)
    agreement_approve(actor=director, agreement=agreement, side=ADMINISTRATION)
    agreement_approve(actor=organisation_admin, agreement=agreement, side=ORGANISATION)


def _sign(agreement: Agreement, director: User, signatory: User) -> None:
    # seed_demo runs in one transaction, so the task queued after each signature has not run
    # yet: the signed copy is prepared here, as the task would (it is safe to run again).
    agreement_sign(actor=director, agreement=agreement, side=ADMINISTRATION)
    agreement_pdf_prepare(agreement_id=agreement.pk)
    agreement_sign(actor=signatory, agreement=agreement, side=ORGANISATION)
    agreement_pdf_prepare(agreement_id=agreement.pk)


# Accreditations the MoUs need ------------------------------------------------------------------


def _finish_review(application: Application) -> None:
    """Each reviewer still at work declares no conflict, scores every criterion 3 of 4 and
    submits."""
    criteria = list(application.framework.criteria.all())
    pending = application.assignments.exclude(
        status__in=[ReviewAssignment.Status.SUBMITTED, ReviewAssignment.Status.RECUSED]
    ).select_related("reviewer")
    for assignment in pending:
        reviewer = assignment.reviewer
        if assignment.status == ReviewAssignment.Status.AWAITING_DECLARATION:
            review_declare(
                actor=reviewer, assignment=assignment, conflict=False, statement="No conflict."
            )
        review_save_scores(
            actor=reviewer,
            assignment=assignment,
            scores={c.pk: (3, "Consistent with the evidence provided.") for c in criteria},
        )
        review_submit(actor=reviewer, assignment=assignment)


def _accredit(world: World, story: Story, *, applicant: str = "", **scope: list[str]) -> None:
    """Accredit the story's organisation with its administration unless it already is: its open
    application, or a new one by ``applicant`` for ``scope`` (activities, facilities), is
    reviewed by the administration's reviewers and decided by its director; the people it names
    are cleared."""
    org = world.organisations[story.organisation]
    admin = world.administrations[story.administration]
    if accreditation_in_force(org, admin) is not None:
        return
    director = world.users[DIRECTORS[story.administration]]
    application = Application.objects.open().filter(organisation=org, administration=admin).first()
    if application is None:
        framework = framework_in_force(admin)
        assert framework is not None  # the accreditation demo published the rules
        application = accreditation_demo.apply(org, world.users[applicant], framework, **scope)
        application.refresh_from_db()
    if application.status == Application.Status.SUBMITTED:
        reviewers = [world.users[name] for name in REVIEWERS[story.administration]]
        reviewers_assign(actor=director, application=application, reviewers=reviewers)
    _finish_review(application)
    decision_make(
        actor=director,
        application=application,
        outcome=Decision.Outcome.ACCREDITED,
        reasons="A sound programme, trained people and funding secured for the period.",
    )
    for clearance in Clearance.objects.filter(
        administration=admin, person__organisation=org, status=Clearance.Status.PENDING
    ):
        clearance_decide(
            actor=director,
            clearance=clearance,
            cleared=True,
            valid_until=timezone.localdate() + timedelta(days=365),
        )


def _network_under_review(world: World) -> None:
    """The State A reviewers, done with the ministry's application, take up the network's, so
    that the accreditation demo still has an application under review."""
    application = Application.objects.filter(
        organisation=world.organisations["Civil Society Network for Prison Reform"],
        status=Application.Status.SUBMITTED,
    ).first()
    if application is None:
        return
    rita, raul = (world.users[name] for name in REVIEWERS[STATE_A])
    reviewers_assign(actor=world.users["martha"], application=application, reviewers=[rita, raul])
    review_declare(
        actor=rita,
        assignment=application.assignments.get(reviewer=rita),
        conflict=False,
        statement="No conflict.",
    )


# The stories ------------------------------------------------------------------------------------


def _start(
    world: World,
    story: Story,
    actor: User,
    *,
    side: str = ADMINISTRATION,
    faith_based: bool = False,
) -> Agreement:
    """The story's MoU, started by ``actor`` for ``side`` from the administration's standard
    template, or its faith-based one."""
    return agreement_create(
        actor=actor,
        administration=world.administrations[story.administration],
        organisation=world.organisations[story.organisation],
        template=world.template(story.administration, faith_based=faith_based),
        title=story.title,
        side=side,
    )


def _signed_and_amended(world: World, story: Story) -> None:
    """The Local Human Rights Centre's MoU: signed for John alone on Tuesdays, then amended at
    the centre's request to add María, Thursday mornings and private interviews. The amendment,
    signed, supersedes it and is in force, with a continuity plan due, an obligation met and a
    people annex signed that adds the centre's new paralegal."""
    martha, john = world.users["martha"], world.users["john"]
    centre = Facility.objects.get(name="Central Penitentiary")
    mou = _start(world, story, martha)
    clause_include(actor=martha, clause=_clause(mou, Clause.Kind.FUNDRAISING), included=False)
    _set_terms(
        martha,
        mou,
        facilities=[centre],
        permitted_areas=_areas(centre, "Education wing"),
        forbidden_areas=_areas(centre, "Segregation unit"),
        people=_cleared(world, story, "John Representative"),
        weekdays=[Weekday.TUESDAY],
        day_starts=time(9),
        day_ends=time(12),
        visits_per_week=1,
        visits_per_month=4,
        equipment=[Equipment.TEACHING_MATERIALS],
        response_days=30,
    )
    agreement_share(actor=martha, agreement=mou, note="First draft, for the centre's comments.")
    question = comment_add(
        actor=john,
        clause=_clause(mou, Clause.Kind.ACTIVITIES),
        side=ORGANISATION,
        body="Monitoring needs private interviews: people do not speak freely within hearing "
        "of staff.",
    )
    comment_answer(
        actor=martha,
        comment=question,
        side=ADMINISTRATION,
        answer="Agreed in principle. Let us begin with group sessions and add private interviews "
        "by an amendment once the first visits have gone well.",
    )
    _conclude(mou, martha, john)
    _sign(mou, martha, john)

    amendment = agreement_amend(actor=john, agreement=mou, side=ORGANISATION)
    _set_terms(
        john,
        amendment,
        people=_cleared(world, story, "John Representative", "María Member"),
        weekdays=[Weekday.TUESDAY, Weekday.THURSDAY],
        visits_per_week=2,
        visits_per_month=8,
        private_interviews=True,
    )
    agreement_share(
        actor=john,
        agreement=amendment,
        note="María joins the visits; Thursday mornings; private interviews, as agreed.",
    )
    _conclude(amendment, martha, john)
    _sign(amendment, martha, john)
    today = timezone.localdate()
    obligation_add(
        actor=martha,
        agreement=amendment,
        kind=Obligation.Kind.CONTINUITY_PLAN,
        side=ORGANISATION,
        title="Continuity plan for the legal orientation sessions",
        due_date=today + timedelta(days=20),
    )
    policy = obligation_add(
        actor=martha,
        agreement=amendment,
        kind=Obligation.Kind.OTHER,
        side=ORGANISATION,
        title="The centre's data protection policy",
        due_date=today + timedelta(days=10),
    )
    obligation_fulfil(
        actor=john,
        obligation=policy,
        note="Our policy, adopted by the board last year, is attached.",
        evidence=[
            document_add(
                actor=john,
                organisation=amendment.organisation,
                uploaded=accreditation_demo.sample_pdf("Data protection policy"),
            )
        ],
    )
    _people_annex(world, amendment)


def _people_annex(world: World, mou: Agreement) -> None:
    """Elena, the centre's new paralegal, joins the visits without reopening the MoU: John names
    her and asks for her clearance, Martha clears her, and annex 1, which adds her, is signed by
    both."""
    martha, john = world.users["martha"], world.users["john"]
    elena = person_create(
        actor=john,
        organisation=mou.organisation,
        data={
            "full_name": "Elena Paralegal",
            "role_title": "Paralegal",
            "document_type": Person.DocumentType.NATIONAL_ID,
            "document_number": "A-5518-2024",
            "nationality": "State A",
        },
    )
    clearance = clearance_request(actor=john, person=elena, administration=mou.administration)
    clearance_decide(
        actor=martha,
        clearance=clearance,
        cleared=True,
        valid_until=timezone.localdate() + timedelta(days=365),
    )
    annex = annex_draft(actor=john, agreement=mou, side=ORGANISATION, added=[elena])
    # As for the MoU (``_sign``): the signed copy is prepared here after each signature.
    annex_sign(actor=martha, annex=annex, side=ADMINISTRATION)
    annex_pdf_prepare(annex_id=annex.pk)
    annex_sign(actor=john, annex=annex, side=ORGANISATION)
    annex_pdf_prepare(annex_id=annex.pk)


def _withdrawn(world: World, story: Story) -> None:
    """John started an MoU for visits with the centre's volunteer physician, then withdrew it:
    the physician is not cleared yet."""
    john = world.users["john"]
    mou = _start(world, story, john, side=ORGANISATION)
    agreement_withdraw(
        actor=john,
        agreement=mou,
        reason="Tomás Doctor's clearance is still pending. We will propose this again once he is "
        "cleared.",
    )


def _in_negotiation(world: World, story: Story) -> None:
    """The Women Weavers Collective proposes its workshops; the administration consults the
    Centre's visits officer and moves the workshop from Wednesdays to Tuesdays (version 2). Two
    clauses are open: a question from the administration awaits Ana's answer, and Ana's
    suggested wording awaits the administration's. Each side keeps an internal note."""
    martha, ana, wanda = world.users["martha"], world.users["ana"], world.users["wanda"]
    centre = Facility.objects.get(name="Women's Rehabilitation Centre")
    mou = _start(world, story, ana, side=ORGANISATION)
    _set_terms(
        ana,
        mou,
        facilities=[centre],
        permitted_areas=_areas(centre, "Handcraft workshop", "Education wing"),
        forbidden_areas=_areas(centre, "Mother and baby unit"),
        people=_cleared(world, story, "Ana Weaver", "Rosa Instructor"),
        weekdays=[Weekday.MONDAY, Weekday.WEDNESDAY],
        day_starts=time(14),
        day_ends=time(17),
        visits_per_week=2,
        visits_per_month=8,
        equipment=[Equipment.TEACHING_MATERIALS, Equipment.TOOLS],
        escort=Escort.AFTER_BRIEFING,
    )
    agreement_share(actor=ana, agreement=mou, note="Our proposal for the workshops.")
    consultation = consultation_ask(
        actor=martha,
        agreement=mou,
        facility=centre,
        staff=wanda,
        question="Do Monday and Wednesday afternoons suit the Centre, and can the workshop's "
        "tools be kept safely?",
    )
    consultation_answer(
        actor=wanda,
        consultation=consultation,
        remarks="Wednesday afternoons are family visits and the staff are busy at the gate: "
        "Tuesdays would be easier. The tools can stay in the workshop's locked store, counted in "
        "and out by staff, if the visitors are escorted in the corridors.",
    )
    _set_terms(
        martha, mou, weekdays=[Weekday.MONDAY, Weekday.TUESDAY], escort=Escort.SENSITIVE_AREAS
    )
    agreement_share(
        actor=martha,
        agreement=mou,
        note="Tuesdays instead of Wednesdays and an escort in sensitive areas, as the Centre's "
        "staff advise.",
    )
    conduct = _clause(mou, Clause.Kind.CONDUCT)
    fundraising = _clause(mou, Clause.Kind.FUNDRAISING)
    _agree_clauses(mou, martha, ana, leave_open=(Clause.Kind.CONDUCT, Clause.Kind.FUNDRAISING))
    comment_add(
        actor=martha,
        clause=conduct,
        side=ADMINISTRATION,
        body="Staff will count the tools in and out at each visit. Could you send the list of "
        "tools before the first workshop?",
    )
    comment_add(
        actor=ana,
        clause=conduct,
        side=ORGANISATION,
        internal=True,
        body="Rosa keeps the tool list: ask her to send it this week.",
    )
    comment_add(
        actor=ana,
        clause=fundraising,
        side=ORGANISATION,
        body="The women asked whether their work can be sold: we suggest a sentence on the fairs.",
        suggested_wording=fundraising.wording
        + "\n\nHandcrafts made in the workshops may be sold at fairs agreed with the "
        "Administration; the proceeds go to the women who made them.",
    )
    comment_add(
        actor=martha,
        clause=fundraising,
        side=ADMINISTRATION,
        internal=True,
        body="Ask the legal office whether sales need a permit before we answer.",
    )


def _agreed(world: World, story: Story) -> None:
    """A support group for mothers, agreed and approved by the director: it awaits the
    collective's approval before anyone signs."""
    martha, ana = world.users["martha"], world.users["ana"]
    centre = Facility.objects.get(name="Women's Rehabilitation Centre")
    mou = _start(world, story, martha)
    clause_include(actor=martha, clause=_clause(mou, Clause.Kind.FUNDRAISING), included=False)
    psychosocial = [t for t in mou.activity_types.all() if t.code == "psychosocial"]
    _set_terms(
        martha,
        mou,
        facilities=[centre],
        permitted_areas=_areas(centre, "Mother and baby unit"),
        forbidden_areas=_areas(centre, "Health unit"),
        people=_cleared(world, story, "Ana Weaver"),
        activity_types=psychosocial,
        weekdays=[Weekday.FRIDAY],
        day_starts=time(10),
        day_ends=time(12),
    )
    agreement_share(actor=martha, agreement=mou, note="Draft for the support group.")
    _agree_clauses(mou, martha, ana)
    agreement_agree(actor=martha, agreement=mou)
    agreement_approve(actor=martha, agreement=mou, side=ADMINISTRATION)


def _certified(world: World, story: Story) -> None:
    """Literacy classes by the faith-based ministry, from the faith-based template: agreed,
    approved on both sides and signed by the director; Pedro is to countersign."""
    _accredit(world, story)
    _network_under_review(world)
    martha, pedro = world.users["martha"], world.users["pedro"]
    centre = Facility.objects.get(name="Women's Rehabilitation Centre")
    mou = _start(world, story, martha, faith_based=True)
    education = [t for t in mou.activity_types.all() if t.code == "education"]
    _set_terms(
        martha,
        mou,
        facilities=[centre],
        permitted_areas=_areas(centre, "Education wing"),
        forbidden_areas=_areas(centre, "Mother and baby unit", "Health unit"),
        people=_cleared(world, story, "Pedro Teacher"),
        activity_types=education,
        weekdays=[Weekday.MONDAY, Weekday.WEDNESDAY],
        day_starts=time(14),
        day_ends=time(16),
        visits_per_week=2,
        visits_per_month=8,
        equipment=[Equipment.TEACHING_MATERIALS],
    )
    agreement_share(actor=martha, agreement=mou, note="Draft for the literacy classes.")
    _conclude(mou, martha, pedro)
    agreement_sign(actor=martha, agreement=mou, side=ADMINISTRATION)
    agreement_pdf_prepare(agreement_id=mou.pk)


def _draft(world: World, story: Story) -> None:
    """The administration drafts, from the faith-based template, the ministry's services in the
    Central Penitentiary and asks its visits officer about the chapel; not yet shared."""
    _accredit(world, story)
    martha, fiona = world.users["martha"], world.users["fiona"]
    centre = Facility.objects.get(name="Central Penitentiary")
    mou = _start(world, story, martha, faith_based=True)
    _set_terms(
        martha,
        mou,
        facilities=[centre],
        permitted_areas=_areas(centre, "Chapel", "Education wing"),
        forbidden_areas=_areas(centre, "Segregation unit"),
        people=_cleared(world, story, "Pedro Teacher"),
        weekdays=[Weekday.WEDNESDAY, Weekday.SUNDAY],
        day_starts=time(9),
        day_ends=time(11),
        equipment=[Equipment.TEACHING_MATERIALS, Equipment.RELIGIOUS_ITEMS],
    )
    consultation_ask(
        actor=martha,
        agreement=mou,
        facility=centre,
        staff=fiona,
        question="Can the chapel be used on Sunday mornings, and the education wing on Wednesdays, "
        "without disturbing the family visits?",
    )


def _suspended(world: World, story: Story) -> None:
    """Sports for Change signs its MoU; its accreditation is then suspended, and the MoU with it
    (the accreditation demo suspended it before: it is reinstated for as long as the signing
    takes)."""
    martha, sofia = world.users["martha"], world.users["sofia"]
    organisation = world.organisations[story.organisation]
    accreditation = Accreditation.objects.filter(
        organisation=organisation, status=Accreditation.Status.SUSPENDED
    ).first()
    if accreditation is not None:
        accreditation_reinstate(
            actor=martha,
            accreditation=accreditation,
            reason="The new coach's clearance was asked for; access is restored meanwhile.",
        )
    remand = Facility.objects.get(name="Northern Remand Centre")
    mou = _start(world, story, martha)
    _set_terms(
        martha,
        mou,
        facilities=[remand],
        permitted_areas=_areas(remand, "Exercise yard"),
        forbidden_areas=_areas(remand, "High-security block"),
        people=_cleared(world, story, "Sofía Coach"),
        weekdays=[Weekday.SATURDAY],
    )
    agreement_share(actor=martha, agreement=mou, note="Draft for the football programme.")
    _conclude(mou, martha, sofia)
    _sign(mou, martha, sofia)
    accreditation = accreditation_in_force(organisation, world.administrations[STATE_A])
    if accreditation is not None:
        accreditation_suspend(
            actor=martha,
            accreditation=accreditation,
            reason="The new coach entered before being cleared; suspended pending review.",
        )


def _terminated(world: World, story: Story) -> None:
    """In the second administration: the Legal Aid Clinic, accredited there, signs an MoU for a
    legal aid desk and ends it when the public defender's office takes the desk over."""
    _accredit(
        world,
        story,
        applicant="lucia",
        activities=["legal_aid"],
        facilities=[SECOND_FACILITY],
    )
    karim, lucia = world.users["karim"], world.users["lucia"]
    reformatory = Facility.objects.get(name=SECOND_FACILITY)
    mou = _start(world, story, karim)
    _set_terms(
        karim,
        mou,
        facilities=[reformatory],
        permitted_areas=_areas(reformatory, "Education wing"),
        people=_cleared(world, story, "Lucía Lawyer"),
        weekdays=[Weekday.MONDAY, Weekday.THURSDAY],
        day_starts=time(10),
        day_ends=time(13),
        visits_per_week=2,
        visits_per_month=8,
        private_interviews=True,
    )
    agreement_share(actor=karim, agreement=mou, note="Draft for the legal aid desk.")
    _conclude(mou, karim, lucia)
    _sign(mou, karim, lucia)
    agreement_terminate(
        actor=lucia,
        agreement=mou,
        reason="The public defender's office takes over the legal aid desk from next month; the "
        "clinic's lawyers join its team.",
    )


STORIES = [
    Story(
        STATE_A,
        "Local Human Rights Centre",
        "Legal orientation and monitoring in the Central Penitentiary",
        _signed_and_amended,
    ),
    Story(
        STATE_A,
        "Local Human Rights Centre",
        "Monitoring of health care with a volunteer physician",
        _withdrawn,
    ),
    Story(
        STATE_A,
        "Women Weavers Collective",
        "Handcraft workshops in the Women's Rehabilitation Centre",
        _in_negotiation,
    ),
    Story(
        STATE_A,
        "Women Weavers Collective",
        "Support group for mothers in the Women's Rehabilitation Centre",
        _agreed,
    ),
    Story(
        STATE_A,
        "Hope Education Ministry",
        "Literacy classes in the Women's Rehabilitation Centre",
        _certified,
    ),
    Story(
        STATE_A,
        "Hope Education Ministry",
        "Chapel services and schooling in the Central Penitentiary",
        _draft,
    ),
    Story(
        STATE_A,
        "Sports for Change",
        "Football and fitness in the Northern Remand Centre",
        _suspended,
    ),
    Story(
        SECOND_ADMINISTRATION,
        "Legal Aid Clinic",
        "Legal aid desk in the Northern Region Central Reformatory",
        _terminated,
    ),
]


# Signing ----------------------------------------------------------------------------------------


def _signing(world: World) -> None:
    """Each administration's authority and its director's certificate; each organisation's
    administrator authorised to sign for it, with a certificate from the administration it signs
    with, and a second factor to sign in with."""
    for name, username in DIRECTORS.items():
        administration = world.administrations[name]
        if not SigningAuthority.objects.filter(administration=administration).exists():
            signing_authority_create(actor=None, administration=administration)
        signer_certificate_issue(
            actor=None, administration=administration, user=world.users[username]
        )
    for organisation_name, username, signs_with in SIGNATORIES:
        organisation, user = world.organisations[organisation_name], world.users[username]
        if not Signatory.objects.filter(
            organisation=organisation, user=user, revoked_at__isnull=True
        ).exists():
            # Each is their organisation's administrator, who authorises its signatories.
            signatory_authorise(actor=user, organisation=organisation, user=user)
        signer_certificate_issue(
            actor=None,
            administration=world.administrations[signs_with],
            user=user,
            organisation=organisation,
        )
    give_demo_authenticators(world.users[username] for _o, username, _a in SIGNATORIES)


def seed(out: IO[str]) -> None:
    users = get_user_model().objects.in_bulk(field_name="username")
    administrations = Administration.objects.in_bulk(list(DIRECTORS), field_name="name")
    for name, administration in administrations.items():
        had_clauses = Clause.objects.filter(administration=administration).exists()
        install_library(administration, actor=users.get(DIRECTORS[name]))
        if had_clauses:
            out.write(f"Agreements: {administration} already has its clause library.\n")
        else:
            out.write(f"Agreements: clause library installed for {administration}.\n")
    world = World(
        users=users,
        administrations=administrations,
        organisations=Organisation.objects.in_bulk(field_name="name"),
    )
    _signing(world)
    made = 0
    for story in STORIES:
        if Agreement.objects.filter(
            organisation__name=story.organisation, title=story.title
        ).exists():
            continue
        story.build(world, story)
        made += 1
    out.write(
        f"Agreements: {made} demo MoUs made, {len(STORIES) - made} already there; signing "
        "authorities, and certificates for the directors and the organisations' signatories.\n"
    )
