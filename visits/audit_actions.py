"""How visits' entries read in the audit trail (see ``activity.audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from activity import audit_actions
from agreements.models import Equipment

from .models import Package, SearchLevel, Visit, Visitor

#: The gate's details that name a person by id.
GATE_REFERENCES = {"person": "directory.person", "brought_by": "directory.person"}


def register() -> None:
    for code, label, sentence in [
        (
            "visit.requested",
            _("Visit requested"),
            _("%(actor)s asked to visit: %(object)s"),
        ),
        (
            "visit.approved",
            _("Visit approved"),
            _("%(actor)s approved the visit %(object)s"),
        ),
        (
            "visit.rescheduled",
            _("Visit rescheduled"),
            _("%(actor)s moved the visit %(object)s"),
        ),
        (
            "visit.refused",
            _("Visit refused"),
            _("%(actor)s refused the visit %(object)s: %(reason)s"),
        ),
        (
            "visit.withdrawn",
            _("Visit withdrawn"),
            _("%(actor)s withdrew the visit %(object)s"),
        ),
        (
            "visit.put_in_review",
            _("Visit put into review"),
            _("The visit %(object)s was put into review: %(reason)s"),
        ),
    ]:
        choices = {"reason": Visit.RefusalReason} if code == "visit.refused" else {}
        audit_actions.register(code, label, sentence, choices=choices)
    # The gate's details that are no field of the object acted on, named in the users' words.
    audit_actions.DETAIL_LABELS.setdefault("default_level", _("protocol's default search"))
    audit_actions.DETAIL_LABELS.setdefault("person", _("person"))
    audit_actions.DETAIL_LABELS.setdefault("on_paper", _("signed on paper"))
    for code, label, sentence in [
        (
            "briefing.recorded",
            _("Briefing given"),
            _("%(actor)s gave the security and emergency briefing: %(object)s"),
        ),
        (
            "protocol.acknowledged",
            _("Entrance protocol acknowledged"),
            _("%(actor)s recorded that %(person)s acknowledged %(object)s"),
        ),
        (
            "visitor.checked_in",
            _("Visitor checked in"),
            _("%(actor)s checked in %(object)s"),
        ),
        (
            "visitor.checked_out",
            _("Visitor checked out"),
            _("%(actor)s checked out %(object)s"),
        ),
        (
            "visitor.refused_entry",
            _("Entry refused"),
            _("%(actor)s refused entry to %(object)s: %(reason)s"),
        ),
        (
            "visitor.marked_no_show",
            _("Visitor did not come"),
            _("%(actor)s recorded that this person did not come: %(object)s"),
        ),
        (
            "incident.recorded",
            _("Incident recorded"),
            _("%(actor)s recorded an incident during %(object)s"),
        ),
        (
            "package.registered",
            _("Package registered"),
            _("%(actor)s registered a package: %(object)s (%(result)s)"),
        ),
    ]:
        audit_actions.register(
            code,
            label,
            sentence,
            choices={
                "search_level": SearchLevel,
                "default_level": SearchLevel,
                "items_declared": Equipment,
                "outcome": Visitor.Outcome,
                "result": Package.Result,
            },
            references=GATE_REFERENCES,
        )
