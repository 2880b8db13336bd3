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
            "visit.moved_to_amendment",
            _("Visit moved to the amended MoU"),
            _("The visit %(object)s goes on under the amendment of its MoU"),
        ),
        (
            "visit.put_in_review",
            _("Visit put into review"),
            _("The visit %(object)s was put into review: %(reason)s"),
        ),
        (
            "visit.notified",
            _("Monitoring visit notified"),
            _("%(actor)s notified a monitoring visit: %(object)s"),
        ),
        (
            "delay.recorded",
            _("Delay of a monitoring visit recorded"),
            _("%(actor)s recorded a delay of %(minutes)s minutes: %(justification)s"),
        ),
        (
            "interview.recorded",
            _("Private interview recorded"),
            _("%(actor)s recorded that a private interview took place: %(object)s"),
        ),
        (
            "visitor.confidentiality_uploaded",
            _("Confidentiality agreement uploaded"),
            _("%(actor)s uploaded the signed confidentiality agreement of %(object)s"),
        ),
        (
            "meeting.written",
            _("Meeting minutes written"),
            _("%(actor)s wrote the minutes of the coordination meeting %(object)s"),
        ),
        (
            "visitingwindow.created",
            _("Visiting window opened"),
            _("%(actor)s opened the visiting window %(object)s"),
        ),
        (
            "visitingwindow.changed",
            _("Visiting window changed"),
            _("%(actor)s changed the visiting window %(object)s"),
        ),
        (
            "visitingwindow.ended",
            _("Visiting window ended"),
            _("%(actor)s ended the visiting window %(object)s: %(reason)s"),
        ),
        (
            "facilityrules.changed",
            _("Notice rules changed"),
            _("%(actor)s changed the notice rules of %(object)s"),
        ),
        (
            "closure.lifted",
            _("Closure lifted"),
            _("%(actor)s lifted the closure of %(object)s: %(reason)s"),
        ),
        (
            "closure.created",
            _("Closure declared"),
            _("%(actor)s closed %(object)s to visitors: %(reason)s"),
        ),
        (
            "entranceprotocol.created",
            _("Entrance protocol drafted"),
            _("%(actor)s started a draft of %(object)s"),
        ),
        (
            "entranceprotocol.updated",
            _("Entrance protocol changed"),
            _("%(actor)s changed the draft %(object)s"),
        ),
        (
            "entranceprotocol.measure_saved",
            _("Entrance protocol measure written"),
            _("%(actor)s wrote a search measure of the draft %(object)s"),
        ),
        (
            "entranceprotocol.measure_removed",
            _("Entrance protocol measure removed"),
            _("%(actor)s removed a search measure from the draft %(object)s"),
        ),
        (
            "entranceprotocol.published",
            _("Entrance protocol published"),
            _("%(actor)s put %(object)s in force"),
        ),
        (
            "calendarfeed.created",
            _("Calendar address created"),
            _("%(actor)s created a private calendar address for their visits"),
        ),
        (
            "calendarfeed.revoked",
            _("Calendar address revoked"),
            _("%(actor)s revoked their calendar address; a new one replaces it"),
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
