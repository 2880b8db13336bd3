"""How recommendations' entries read in the audit trail (see ``activity.audit_actions``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from activity import audit_actions

from .models import Action, Export, Recommendation, Report


def register() -> None:
    entries: list[tuple[str, object, object, dict[str, type[models.Choices]]]] = [
        ("report.created", _("Report started"), _("%(actor)s started the report %(object)s"), {}),
        ("report.updated", _("Report changed"), _("%(actor)s changed the report %(object)s"), {}),
        (
            "report.submitted",
            _("Report submitted"),
            _("%(actor)s submitted the report %(object)s to the administration"),
            {},
        ),
        ("finding.added", _("Finding added"), _("%(actor)s added a finding: %(object)s"), {}),
        ("finding.removed", _("Finding removed"), _("%(actor)s removed a finding"), {}),
        (
            "recommendation.added",
            _("Recommendation added"),
            _("%(actor)s added %(object)s"),
            {},
        ),
        (
            "recommendation.updated",
            _("Recommendation changed"),
            _("%(actor)s changed %(object)s"),
            {},
        ),
        (
            "recommendation.removed",
            _("Recommendation removed"),
            _("%(actor)s removed %(object)s"),
            {},
        ),
        (
            "recommendation.answered",
            _("Recommendation answered"),
            _("%(actor)s answered %(object)s: %(response)s"),
            {"response": Recommendation.Response},
        ),
        (
            "report.meeting_recorded",
            _("Coordination meeting on a report recorded"),
            _("%(actor)s recorded a coordination meeting on the report %(object)s"),
            {},
        ),
        (
            "report.released",
            _("Embargo on a report lifted"),
            _("The embargo on the report %(object)s was lifted: %(reason)s"),
            {"reason": Report.ReleaseReason},
        ),
        (
            "report.published",
            _("Report published"),
            _("%(actor)s published the report %(object)s, with %(redacted)s items taken out"),
            {},
        ),
        (
            "action.created",
            _("Action planned"),
            _("%(actor)s planned the action %(object)s"),
            {},
        ),
        (
            "action.rescheduled",
            _("Action rescheduled"),
            _("%(actor)s changed the action %(object)s: %(reason)s"),
            {},
        ),
        (
            "action.progress_reported",
            _("Progress reported"),
            _("%(actor)s reported progress on %(object)s"),
            {"status": Action.Status},
        ),
        (
            "action.cancelled",
            _("Action cancelled"),
            _("%(actor)s cancelled the action %(object)s: %(reason)s"),
            {},
        ),
        (
            "recommendation.verified",
            _("Recommendation verified"),
            _("%(actor)s verified %(object)s"),
            {"verified_status": Recommendation.Verified},
        ),
        # Exports
        (
            "export.requested",
            _("Confidential export asked for"),
            _("%(actor)s asked for the confidential export %(object)s"),
            {"kind": Export.Kind},
        ),
        (
            "export.downloaded",
            _("Confidential export downloaded"),
            _("%(actor)s downloaded a confidential export as CSV: %(kind)s"),
            {"kind": Export.Kind},
        ),
    ]
    for code, label, sentence, choices in entries:
        audit_actions.register(code, label, sentence, choices=choices)  # type: ignore[arg-type]
