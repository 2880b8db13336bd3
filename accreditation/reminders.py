"""The reminders accreditation sends: one constant per kind, which the services pass to
``notify.remind``, registered with ``activity.reminders`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from activity import reminders

SUBMITTED = "accreditation.submitted"
APPLICATION_RETURNED = "accreditation.application_returned"
REVIEW_ASSIGNED = "accreditation.review_assigned"
REVIEW_OVERDUE = "accreditation.review_overdue"
REVIEWER_RECUSED = "accreditation.reviewer_recused"
READY_FOR_DECISION = "accreditation.ready_for_decision"
DECIDED = "accreditation.decided"
CONDITION_DUE = "accreditation.condition_due"
CONDITION_ANSWERED = "accreditation.condition_answered"
CONDITION_VERIFIED = "accreditation.condition_verified"
EXPIRING = "accreditation.expiring"
STATUS_CHANGED = "accreditation.status_changed"
APPEAL_DEADLINE = "accreditation.appeal_deadline"
APPEAL_LODGED = "accreditation.appeal_lodged"
APPEAL_DECIDED = "accreditation.appeal_decided"
CLEARANCE_DECIDED = "accreditation.clearance_decided"
CLEARANCE_EXPIRING = "accreditation.clearance_expiring"


def register() -> None:
    for code, label in [
        (SUBMITTED, _("Application submitted")),
        (APPLICATION_RETURNED, _("Application returned for information")),
        (REVIEW_ASSIGNED, _("Review assigned")),
        (REVIEW_OVERDUE, _("Review overdue")),
        (REVIEWER_RECUSED, _("Reviewer recused")),
        (READY_FOR_DECISION, _("Application ready for a decision")),
        (DECIDED, _("Decision on an application")),
        (CONDITION_DUE, _("Accreditation condition due")),
        (CONDITION_ANSWERED, _("Accreditation condition answered")),
        (CONDITION_VERIFIED, _("Accreditation condition met or not met")),
        (EXPIRING, _("Accreditation expiring")),
        (STATUS_CHANGED, _("Accreditation suspended, revoked or reinstated")),
        (APPEAL_DEADLINE, _("Appeal deadline")),
        (APPEAL_LODGED, _("Appeal lodged")),
        (APPEAL_DECIDED, _("Appeal decided")),
        (CLEARANCE_DECIDED, _("Clearance decided")),
        (CLEARANCE_EXPIRING, _("Clearance expiring")),
    ]:
        reminders.register(code, label)
