from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from accreditation import effects as accreditation_effects
        from activity.permissions import register_document_reader
        from agreements import effects as agreement_effects
        from directory.permissions import register_identity_reader

        from . import audit_actions, permissions, reminders
        from .services import reviews

        audit_actions.register()
        reminders.register()
        register_identity_reader(permissions.gate_reads_identity)
        register_document_reader(permissions.can_read_confidentiality_document)
        # What the earlier modules' changes cause here: future visits go into review.
        accreditation_effects.subscribe(reviews.review_after_accreditation_change)
        accreditation_effects.subscribe_clearance(reviews.review_after_clearance_refused)
        agreement_effects.subscribe(reviews.review_after_agreement_change)
