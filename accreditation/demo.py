"""Demo data for accreditation: the rules in force, applications in every state, accreditations,
formal mechanisms and vetted people. Built through the services, as real users would."""

from datetime import date, timedelta
from typing import IO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from directory.demo import SECOND_ADMINISTRATION, SECOND_FACILITY
from directory.models import ActivityType, Administration, Facility, Organisation, Person

from . import selectors
from .models import Application, Clearance, Decision, FormalMechanism, Framework
from .services import applications, clearances, decisions, frameworks, mechanisms, review


def sample_pdf(title: str) -> SimpleUploadedFile:
    """A small, valid one-page PDF standing in for a scanned document."""
    text = title.replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


INTRODUCTION = (
    "These are the published rules under which the prison system of State A accredits "
    "civil-society organisations to work in its facilities. Apply through this system with "
    "evidence for each criterion. Two reviewers score every application independently; the "
    "director decides, giving reasons, and you see the score sheet."
)


def _framework(administration: Administration, director) -> Framework:
    current = selectors.framework_in_force(administration)
    if current is not None:
        return current
    draft = Framework.objects.filter(
        administration=administration, status=Framework.Status.DRAFT
    ).first() or frameworks.framework_create_draft(actor=director, administration=administration)
    frameworks.framework_update(
        actor=director,
        framework=draft,
        data={
            "title": "Accreditation criteria for civil-society organisations",
            "introduction": INTRODUCTION,
        },
    )
    frameworks.framework_publish(actor=director, framework=draft)
    return Framework.objects.get(pk=draft.pk)


def _fill(application: Application, actor, *, activities: list[str], facilities: list[str]) -> None:
    org = application.organisation
    applications.application_update(
        actor=actor,
        application=application,
        data={
            "summary": f"{org.name}: {org.description}",
            "swot_strengths": "Experienced, trusted volunteers; links with the community.",
            "swot_weaknesses": "Small paid staff; dependence on two donors.",
            "swot_opportunities": "The new education policy of the prison system.",
            "swot_threats": "Funding cuts; staff turnover in the facilities.",
            "sustainability_plan": "Three-year funding from two foundations; local fundraising.",
            "partner_mapping": "Works with the public defender's office and two universities.",
        },
        activity_types=ActivityType.objects.filter(code__in=activities),
        facilities=Facility.objects.filter(name__in=facilities),
        people=org.people.all(),
        member_organisations=org.members.all(),
    )
    for criterion in application.framework.criteria.all():
        uploads = [sample_pdf(f"{criterion.code} evidence")] if criterion.document_required else []
        applications.evidence_save(
            actor=actor,
            application=application,
            criterion_id=criterion.pk,
            text=f"Our evidence for {criterion.name.lower()}: see the attached reports.",
            uploads=uploads,
        )


def _review(application: Application, director, reviewers, scores: list[int]) -> None:
    review.reviewers_assign(actor=director, application=application, reviewers=reviewers)
    criteria = list(application.framework.criteria.all())
    for reviewer, offset in zip(reviewers, (0, -1), strict=True):
        assignment = application.assignments.get(reviewer=reviewer)
        review.review_declare(
            actor=reviewer, assignment=assignment, conflict=False, statement="No conflict."
        )
        review.review_save_scores(
            actor=reviewer,
            assignment=assignment,
            scores={
                c.pk: (max(0, min(4, s + offset)), "Consistent with the evidence provided.")
                for c, s in zip(criteria, scores, strict=True)
            },
        )
        review.review_submit(actor=reviewer, assignment=assignment)


def apply(org: Organisation, admin_user, framework: Framework, **scope) -> Application:
    """The organisation's application, filled in and submitted by its administrator (the
    agreements demo applies to the second administration with it too)."""
    application = applications.application_create(
        actor=admin_user, organisation=org, framework=framework
    )
    _fill(application, admin_user, **scope)
    applications.application_submit(actor=admin_user, application=application)
    return application


def seed(out: IO[str]) -> None:
    User = get_user_model()
    users = User.objects.in_bulk(
        ["martha", "carla", "rita", "raul", "john", "ana", "pedro", "lucia", "nadia", "oscar"],
        field_name="username",
    )
    administration = Administration.objects.get(name="State A Prison System")
    director = users["martha"]
    reviewers = [users["rita"], users["raul"]]
    framework = _framework(administration, director)
    if Application.objects.exists():
        out.write("Accreditation: demo applications already loaded.\n")
        return
    orgs = Organisation.objects.in_bulk(field_name="name")
    good, weak = [4, 3, 3, 4, 3, 3, 4], [1, 1, 2, 1, 2, 0, 2]

    # Accredited: the local human-rights NGO (John's).
    lhrc = apply(
        orgs["Local Human Rights Centre"],
        users["john"],
        framework,
        activities=["monitoring", "legal_aid"],
        facilities=["Central Penitentiary"],
    )
    _review(lhrc, director, reviewers, good)
    decisions.decision_make(
        actor=director,
        application=lhrc,
        outcome=Decision.Outcome.ACCREDITED,
        reasons="Strong knowledge of the standards and a long record of lawful work.",
    )

    # Accredited with conditions: the women's handcraft collective.
    weavers = apply(
        orgs["Women Weavers Collective"],
        users["ana"],
        framework,
        activities=["vocational", "psychosocial"],
        facilities=["Women's Rehabilitation Centre"],
    )
    _review(weavers, director, reviewers, [4, 3, 3, 3, 3, 2, 3])
    decisions.decision_make(
        actor=director,
        application=weavers,
        outcome=Decision.Outcome.CONDITIONAL,
        reasons="Good workshops; funding beyond the first year is not yet secured.",
        conditions=[
            {
                "description": "Send the signed funding agreement for the second year.",
                "owner": users["ana"],
                "due_date": timezone.localdate() + timedelta(days=60),
            }
        ],
    )
    # The collective has answered its condition; the administration is to verify it.
    decisions.condition_answer(
        actor=users["ana"],
        condition=weavers.decision.conditions.get(),
        note="The funding agreement with the Foundation is signed; a copy is attached.",
        uploads=[sample_pdf("Funding agreement, second year")],
    )

    # Refused, then applying again and returned for information: the legal-aid clinic.
    legal = apply(
        orgs["Legal Aid Clinic"],
        users["lucia"],
        framework,
        activities=["legal_aid"],
        facilities=["Northern Remand Centre"],
    )
    _review(legal, director, reviewers, weak)
    decisions.decision_make(
        actor=director,
        application=legal,
        outcome=Decision.Outcome.REFUSED,
        reasons="The evidence of funding and of track record is insufficient.",
    )
    legal_again = apply(
        orgs["Legal Aid Clinic"],
        users["lucia"],
        framework,
        activities=["legal_aid"],
        facilities=["Northern Remand Centre"],
    )
    applications.application_return(
        actor=director,
        application=legal_again,
        message="Please attach the registration certificate of the clinic.",
    )

    # Under review: the faith-based education provider; one reviewer has declared.
    hope = apply(
        orgs["Hope Education Ministry"],
        users["pedro"],
        framework,
        activities=["education", "religious"],
        facilities=["Central Penitentiary", "Women's Rehabilitation Centre"],
    )
    review.reviewers_assign(actor=director, application=hope, reviewers=reviewers)
    review.review_declare(
        actor=reviewers[0],
        assignment=hope.assignments.get(reviewer=reviewers[0]),
        conflict=False,
        statement="No conflict.",
    )

    # Submitted, waiting for reviewers: the network, on behalf of its members.
    apply(
        orgs["Civil Society Network for Prison Reform"],
        users["nadia"],
        framework,
        activities=["monitoring", "education", "vocational"],
        facilities=["Central Penitentiary", "Women's Rehabilitation Centre"],
    )

    # A draft, and a suspended accreditation, for an organisation created here.
    sports, _created = Organisation.objects.get_or_create(
        name="Sports for Change",
        defaults={
            "kind": Organisation.Kind.NGO,
            "country": "State A",
            "description": "Football and fitness programmes.",
        },
    )
    sports_admin, _created = User.objects.get_or_create(
        username="sofia",
        defaults={"first_name": "Sofía", "last_name": "Coach", "email": "sofia@demo.example"},
    )
    if _created:
        from directory.demo import DEMO_PASSWORD
        from directory.services import membership_grant

        sports_admin.set_password(DEMO_PASSWORD)
        sports_admin.save(update_fields=["password"])
        membership_grant(actor=None, user=sports_admin, role="ngo_admin", scope=sports)
    Person.objects.get_or_create(
        organisation=sports,
        document_type=Person.DocumentType.NATIONAL_ID,
        document_number="S-000001",
        defaults={"full_name": "Sofía Coach", "nationality": "State A", "user": sports_admin},
    )
    sport_app = apply(
        sports,
        sports_admin,
        framework,
        activities=["culture_sport"],
        facilities=["Northern Remand Centre"],
    )
    _review(sport_app, director, reviewers, good)
    decision = decisions.decision_make(
        actor=director,
        application=sport_app,
        outcome=Decision.Outcome.ACCREDITED,
        reasons="Well-run programmes with secured funding.",
    )
    decisions.accreditation_suspend(
        actor=director,
        accreditation=decision.accreditation,
        reason="An unannounced change of the people entering; suspended pending review.",
    )
    decisions.appeal_lodge(
        actor=sports_admin,
        decision=decision,
        subject="suspension",
        grounds="The new coach was named in our application; the change was announced by letter.",
    )
    # A draft: John has started renewing his organisation's accreditation early.
    applications.application_create(
        actor=users["john"], organisation=lhrc.organisation, framework=framework, previous=lhrc
    )

    # Vetting: people of accredited organisations are cleared; one refused; one pending.
    until = timezone.localdate() + timedelta(days=365)
    for clearance in Clearance.objects.filter(status=Clearance.Status.PENDING).select_related(
        "person"
    ):
        name = clearance.person.full_name
        if name == "Tomás Doctor":
            continue
        if clearance.person.organisation.name == "Legal Aid Clinic":
            clearances.clearance_decide(
                actor=director,
                clearance=clearance,
                cleared=False,
                reason="Identity document could not be verified.",
            )
            continue
        clearances.clearance_decide(
            actor=director, clearance=clearance, cleared=True, valid_until=until
        )

    # Formal mechanisms: registered with their mandate, not accredited.
    for name, basis in [
        (
            "National Preventive Mechanism of State A",
            "Law 12-2015 creating the National Preventive Mechanism",
        ),
        (
            "ICRC Regional Delegation",
            "Agreement between the ICRC and the government of State A, 2019",
        ),
    ]:
        org = orgs[name]
        members = list(org.people.all())
        if not FormalMechanism.objects.filter(organisation=org).exists():
            mechanisms.mechanism_register(
                actor=director,
                administration=administration,
                organisation=org,
                legal_basis=basis,
                mandate=sample_pdf(basis),
                valid_from=date(2020, 1, 1),
                members=members,
            )
    # The second administration publishes its own rules; John's centre applies there too, and
    # each administration sees only its own process.
    second = Administration.objects.get(name=SECOND_ADMINISTRATION)
    karim = User.objects.get(username="karim")
    apply(
        orgs["Local Human Rights Centre"],
        users["john"],
        _framework(second, karim),
        activities=["monitoring"],
        facilities=[SECOND_FACILITY],
    )
    out.write(
        "Accreditation: rules in force in two administrations, 8 applications, "
        "2 formal mechanisms.\n"
    )
