"""How accreditation's entries read in the audit trail (see ``activity.audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from activity import audit_actions

from .models import Appeal, Decision

# Details that hold ids of other objects, read by their names.
REFERENCES = {
    "people": "directory.person",
    "members": "directory.person",
    "vetting": "directory.person",
    "previous": "accreditation.application",
    "conditions": "accreditation.condition",
    "lifted": "accreditation.condition",
    "superseded": "accreditation.accreditation",
}

# The codes entries were recorded under before every action was named by its past participle.
FORMERLY = {
    "condition.marked_not_met": ("condition.not_met",),
    "document.uploaded": ("document.upload",),
    "application.created": ("application.create",),
    "application.renewed": ("application.renew",),
    "application.updated": ("application.update",),
    "evidence.saved": ("evidence.save",),
    "application.sent_to_review": ("application.under_review",),
    "reviewassignment.no_conflict_declared": ("reviewassignment.scoring",),
    "accreditation.granted": ("accreditation.grant",),
    "framework.created": ("framework.create",),
    "framework.updated": ("framework.update",),
    "criterion.created": ("criterion.create",),
    "criterion.updated": ("criterion.update",),
    "criterion.deleted": ("criterion.delete",),
    "clearance.requested": ("clearance.request",),
    "mechanism.registered": ("mechanism.register",),
    "mechanism.members_changed": ("mechanism.members",),
}


def register() -> None:
    for code, label, sentence in [
        (
            "document.uploaded",
            _("Document uploaded"),
            _("%(actor)s uploaded the document “%(object)s” of %(organisation)s"),
        ),
        (
            "document.read",
            _("Document opened"),
            _("%(actor)s opened the document “%(object)s” of %(organisation)s"),
        ),
        (
            "application.created",
            _("Application started"),
            _("%(actor)s started an application for %(organisation)s"),
        ),
        (
            "application.renewed",
            _("Renewal started"),
            _("%(actor)s started a renewal application for %(organisation)s"),
        ),
        (
            "application.updated",
            _("Application edited"),
            _("%(actor)s edited the application of %(organisation)s"),
        ),
        (
            "evidence.saved",
            _("Evidence saved"),
            _("%(actor)s saved evidence in the application of %(organisation)s"),
        ),
        (
            "application.submitted",
            _("Application submitted"),
            _("%(actor)s submitted the application of %(organisation)s"),
        ),
        (
            "application.returned",
            _("Application returned for information"),
            _("%(actor)s returned the application of %(organisation)s for more information"),
        ),
        (
            "application.sent_to_review",
            _("Application sent to review"),
            _("%(actor)s sent the application of %(organisation)s to review"),
        ),
        (
            "application.reviewers_assigned",
            _("Reviewers added"),
            _("%(actor)s added reviewers to the application of %(organisation)s"),
        ),
        (
            "application.withdrawn",
            _("Application withdrawn"),
            _("%(actor)s withdrew the application of %(organisation)s"),
        ),
        (
            "reviewassignment.no_conflict_declared",
            _("No conflict of interest declared"),
            _("%(actor)s declared no conflict of interest in the application of %(organisation)s"),
        ),
        (
            "reviewassignment.recused",
            _("Reviewer recused"),
            _(
                "%(actor)s declared a conflict of interest and stepped back from reviewing the "
                "application of %(organisation)s"
            ),
        ),
        (
            "reviewassignment.scored",
            _("Scores saved"),
            _("%(actor)s saved scores on the application of %(organisation)s"),
        ),
        (
            "reviewassignment.submitted",
            _("Review submitted"),
            _("%(actor)s submitted their scores for the application of %(organisation)s"),
        ),
        # Written before a grant became part of the decision's (or the appeal's) one entry.
        (
            "accreditation.granted",
            _("Accreditation granted"),
            _("%(actor)s accredited %(organisation)s until %(valid_until)s"),
        ),
        (
            "accreditation.suspended",
            _("Accreditation suspended"),
            _("%(actor)s suspended the accreditation of %(organisation)s: %(reason)s"),
        ),
        (
            "accreditation.revoked",
            _("Accreditation revoked"),
            _("%(actor)s revoked the accreditation of %(organisation)s: %(reason)s"),
        ),
        (
            "accreditation.superseded",
            _("Accreditation renewed"),
            _("%(actor)s replaced the accreditation of %(organisation)s by its renewal"),
        ),
        ("framework.created", _("Criteria drafted"), _("%(actor)s drafted %(object)s")),
        ("framework.updated", _("Draft criteria edited"), _("%(actor)s edited %(object)s")),
        ("framework.published", _("Criteria published"), _("%(actor)s published %(object)s")),
        (
            "framework.superseded",
            _("Criteria replaced"),
            _("%(actor)s replaced %(object)s by a newer version"),
        ),
        (
            "criterion.created",
            _("Criterion added"),
            _("%(actor)s added the criterion “%(object)s”"),
        ),
        (
            "criterion.updated",
            _("Criterion changed"),
            _("%(actor)s changed the criterion “%(object)s”"),
        ),
        (
            "criterion.deleted",
            _("Criterion removed"),
            _("%(actor)s removed the criterion “%(object)s”"),
        ),
        (
            "clearance.requested",
            _("Vetting requested"),
            _("%(actor)s asked for %(object)s (%(organisation)s) to be vetted"),
        ),
        (
            "clearance.cleared",
            _("Person cleared"),
            _("%(actor)s cleared %(object)s (%(organisation)s) until %(valid_until)s"),
        ),
        (
            "clearance.refused",
            _("Clearance refused"),
            _("%(actor)s refused clearance to %(object)s (%(organisation)s): %(reason)s"),
        ),
        (
            "condition.met",
            _("Condition met"),
            _("%(actor)s marked a condition of %(organisation)s as met: “%(object)s”"),
        ),
        (
            "condition.answered",
            _("Condition answered"),
            _("%(actor)s answered a condition of %(organisation)s: “%(object)s”"),
        ),
        (
            "condition.marked_not_met",
            _("Condition not met"),
            _("%(actor)s found a condition of %(organisation)s not met: “%(object)s”: %(reason)s"),
        ),
        (
            "appeal.upheld",
            _("Appeal upheld"),
            _("%(actor)s upheld the appeal of %(organisation)s: the decision is overturned"),
        ),
        (
            "appeal.dismissed",
            _("Appeal dismissed"),
            _("%(actor)s dismissed the appeal of %(organisation)s: the decision stands"),
        ),
        (
            "mechanism.registered",
            _("Formal mechanism registered"),
            _("%(actor)s registered %(object)s as a formal monitoring mechanism"),
        ),
        (
            "mechanism.members_changed",
            _("Formal mechanism's members changed"),
            _("%(actor)s changed the members of %(object)s"),
        ),
    ]:
        audit_actions.register(
            code, label, sentence, references=REFERENCES, formerly=FORMERLY.get(code, ())
        )
    audit_actions.register(
        "accreditation.reinstated",
        _("Accreditation reinstated"),
        _("%(actor)s reinstated the accreditation of %(organisation)s"),
        formerly=("accreditation.active",),
    )
    audit_actions.register(
        "application.decided",
        _("Application decided"),
        _("%(actor)s decided the application of %(organisation)s: %(outcome)s"),
        choices={"outcome": Decision.Outcome},
        references=REFERENCES,
    )
    audit_actions.register(
        "appeal.lodged",
        _("Appeal lodged"),
        _("%(actor)s lodged an appeal for %(organisation)s: %(subject)s"),
        choices={"subject": Appeal.Subject},
        formerly=("appeal.lodge",),
    )
