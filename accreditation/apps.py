from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        from activity import reminders
        from activity.permissions import register_document_reader
        from directory.permissions import register_identity_reader

        from .permissions import can_read_document, vets_person

        register_document_reader(can_read_document)
        register_identity_reader(vets_person)

        from . import audit_actions

        audit_actions.register()

        for code, label in [
            ("accreditation.submitted", _("Application submitted")),
            ("accreditation.application_returned", _("Application returned for information")),
            ("accreditation.review_assigned", _("Review assigned")),
            ("accreditation.review_overdue", _("Review overdue")),
            ("accreditation.reviewer_recused", _("Reviewer recused")),
            ("accreditation.ready_for_decision", _("Application ready for a decision")),
            ("accreditation.decided", _("Decision on an application")),
            ("accreditation.condition_due", _("Accreditation condition due")),
            ("accreditation.condition_answered", _("Accreditation condition answered")),
            ("accreditation.condition_verified", _("Accreditation condition met or not met")),
            ("accreditation.expiring", _("Accreditation expiring")),
            ("accreditation.status_changed", _("Accreditation suspended, revoked or reinstated")),
            ("accreditation.appeal_deadline", _("Appeal deadline")),
            ("accreditation.appeal_lodged", _("Appeal lodged")),
            ("accreditation.appeal_decided", _("Appeal decided")),
            ("accreditation.clearance_decided", _("Clearance decided")),
            ("accreditation.clearance_expiring", _("Clearance expiring")),
        ]:
            reminders.register(code, label)
